-- Migration 20251101_0900_attempt_view_lock: the V1 `attempt` view, locked at 13 columns.
--  * id: a deterministic 64-bit integer from (exam_result_id, question_id): the first 64 bits
--    of md5("<exam_result_id>:<question_id>"), so re-reading or rebuilding gives the same ids.
--  * attempt_no: ROW_NUMBER within (student_id, item_id), oldest attempt first.
--  * completed_at stays `timestamp without time zone`, as the downstream KPI jobs expect.
CREATE OR REPLACE VIEW attempt AS
SELECT
    ('x' || substr(md5(r.exam_result_id::text || ':' || r.question_id::text), 1, 16))::bit(64)::bigint AS id,
    r.exam_result_id,
    er.student_id,
    q.item_id,
    r.question_id,
    q.question_text,
    q.correct_answer,
    r.student_answer,
    CASE WHEN r.is_correct THEN 1 ELSE 0 END AS is_correct,
    r.response_time_ms,
    er.completed_at,
    ROW_NUMBER() OVER (
        PARTITION BY er.student_id, q.item_id
        ORDER BY er.completed_at, r.exam_result_id, r.question_id
    ) AS attempt_no,
    i.tags
FROM exam_responses r
JOIN exam_results er ON er.id = r.exam_result_id
JOIN questions q ON q.id = r.question_id
JOIN items i ON i.id = q.item_id;
