"""Smoke tests for the attempt VIEW V1 schema lock (template section 7): five named tests."""
from sqlalchemy import text

EXPECTED_COLUMNS = [
    "id",
    "exam_result_id",
    "student_id",
    "item_id",
    "question_id",
    "question_text",
    "correct_answer",
    "student_answer",
    "is_correct",
    "response_time_ms",
    "completed_at",
    "attempt_no",
    "tags",
]

REQUIRED = ["id", "exam_result_id", "student_id", "item_id", "question_id", "is_correct", "completed_at"]


def columns(conn):
    rows = conn.execute(
        text(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'public' AND table_name = 'attempt' ORDER BY ordinal_position"
        )
    ).all()
    return [(name, data_type) for name, data_type in rows]


def test_attempt_view_columns_exist(engine):
    with engine.connect() as conn:
        assert [name for name, _ in columns(conn)] == EXPECTED_COLUMNS


def test_attempt_view_select_minimal(engine):
    with engine.connect() as conn:
        result = conn.execute(text("SELECT * FROM attempt LIMIT 1"))
        assert list(result.keys()) == EXPECTED_COLUMNS
        assert len(result.all()) <= 1


def test_attempt_view_types(engine):
    with engine.connect() as conn:
        types = dict(columns(conn))
    assert types["id"] == "bigint"
    assert types["exam_result_id"] == "uuid"
    assert types["student_id"] == "uuid"
    assert types["item_id"] == "integer"
    assert types["is_correct"] == "integer"
    assert types["response_time_ms"] == "integer"
    assert types["completed_at"] == "timestamp without time zone"
    assert types["attempt_no"] == "bigint"
    assert types["tags"] == "jsonb"


def test_attempt_view_student_id_determinism(engine):
    sample = (
        "SELECT exam_result_id, question_id, id, student_id FROM attempt "
        "ORDER BY exam_result_id, question_id LIMIT 500"
    )
    with engine.connect() as conn:
        first = conn.execute(text(sample)).all()
        second = conn.execute(text(sample)).all()
        # The same (exam_result_id, question_id) always gives the same id and student.
        assert first == second
        # id is the first 64 bits of md5("<exam_result_id>:<question_id>").
        mismatched = conn.execute(
            text(
                "SELECT count(*) FROM (" + sample + ") s WHERE s.id <> "
                "('x' || substr(md5(s.exam_result_id::text || ':' || s.question_id::text), 1, 16))::bit(64)::bigint"
            )
        ).scalar_one()
        assert mismatched == 0
        # One student per exam result.
        split = conn.execute(
            text("SELECT count(*) FROM (SELECT exam_result_id FROM attempt GROUP BY 1 HAVING count(DISTINCT student_id) > 1) x")
        ).scalar_one()
        assert split == 0


def test_attempt_view_no_nulls_in_required_fields(engine):
    nulls = ", ".join(f"count(*) FILTER (WHERE {c} IS NULL) AS {c}" for c in REQUIRED)
    with engine.connect() as conn:
        counts = conn.execute(text(f"SELECT {nulls} FROM attempt")).mappings().one()
    assert dict(counts) == {c: 0 for c in REQUIRED}
