-- seedtest-api base tables: students take exams; each exam result holds one response per question.
-- Shared by the embedded database (PGlite) and the alembic project, so both run the same SQL.

CREATE TABLE students (
    id            uuid PRIMARY KEY,
    display_name  text NOT NULL,
    created_at    timestamp without time zone NOT NULL
);

CREATE TABLE items (
    id       integer PRIMARY KEY,
    subject  text NOT NULL,
    tags     jsonb
);

CREATE TABLE questions (
    id              integer PRIMARY KEY,
    item_id         integer NOT NULL REFERENCES items (id),
    question_text   text,
    correct_answer  text
);

CREATE TABLE exam_results (
    id            uuid PRIMARY KEY,
    student_id    uuid NOT NULL REFERENCES students (id),
    exam_code     text NOT NULL,
    completed_at  timestamp without time zone NOT NULL,
    score         numeric(5, 2)
);

CREATE TABLE exam_responses (
    exam_result_id    uuid NOT NULL REFERENCES exam_results (id),
    question_id       integer NOT NULL REFERENCES questions (id),
    student_answer    text,
    is_correct        boolean NOT NULL,
    response_time_ms  integer,
    PRIMARY KEY (exam_result_id, question_id)
);
