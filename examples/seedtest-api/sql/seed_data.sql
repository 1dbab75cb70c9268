-- Deterministic data for seedtest-api. Two settings drive it:
--   seedtest.attempts  how many attempt rows (exam responses) to create (default 50000)
--   seedtest.anchor    the newest completion date, 'YYYY-MM-DD' (default: today)
-- The same settings always give the same rows; everything is derived from md5 of counters.
-- Ten questions per exam, so attempts round up to a multiple of ten.

CREATE TEMP TABLE seed_settings AS
SELECT
    greatest(1, ceil(coalesce(nullif(current_setting('seedtest.attempts', true), ''), '50000')::int / 10.0))::int AS results,
    coalesce(nullif(current_setting('seedtest.anchor', true), ''), current_date::text)::date AS anchor;

-- 200 items (1001..1200), two questions each (ids 1..400).
INSERT INTO items (id, subject, tags)
SELECT 1000 + n,
       (ARRAY['algebra', 'geometry', 'reading', 'vocabulary'])[1 + n % 4],
       jsonb_build_object('difficulty', 1 + n % 5, 'strand', 'S' || (n % 7))
FROM generate_series(1, 200) AS n;

INSERT INTO questions (id, item_id, question_text, correct_answer)
SELECT q,
       1001 + (q - 1) / 2,
       CASE WHEN q % 97 = 0 THEN NULL ELSE 'Question ' || q || ': choose the best answer' END,
       chr(65 + q % 4)
FROM generate_series(1, 400) AS q;

-- One student per five exam results.
INSERT INTO students (id, display_name, created_at)
SELECT md5('student:' || s)::uuid,
       'Student ' || s,
       (SELECT anchor FROM seed_settings) - 400 + (s % 300)
FROM generate_series(1, greatest(1, (SELECT results FROM seed_settings) / 5)) AS s;

-- Completion times spread over the 90 days before the anchor, to the microsecond.
INSERT INTO exam_results (id, student_id, exam_code, completed_at, score)
SELECT md5('exam-result:' || r)::uuid,
       md5('student:' || (1 + r % greatest(1, (SELECT results FROM seed_settings) / 5)))::uuid,
       'EXAM-' || (1 + r % 12),
       (SELECT anchor FROM seed_settings)::timestamp
           - make_interval(secs => (('x' || substr(md5('t:' || r), 1, 12))::bit(48)::bigint % 7776000000000) / 1000000.0),
       NULL
FROM generate_series(1, (SELECT results FROM seed_settings)) AS r;

-- Ten distinct questions per exam: (r*7 + k*41) mod 400 differs for k = 0..9.
INSERT INTO exam_responses (exam_result_id, question_id, student_answer, is_correct, response_time_ms)
SELECT md5('exam-result:' || r)::uuid,
       question_id,
       answer,
       answer IS NOT NULL AND answer = chr(65 + question_id % 4),
       CASE WHEN h % 50 = 0 THEN NULL ELSE 800 + (h % 60000)::int END
FROM (
    SELECT r, k,
           1 + (r * 7 + k * 41) % 400 AS question_id,
           ('x' || substr(md5('a:' || r || ':' || k), 1, 12))::bit(48)::bigint AS h
    FROM generate_series(1, (SELECT results FROM seed_settings)) AS r,
         generate_series(0, 9) AS k
) g,
LATERAL (SELECT CASE WHEN g.h % 40 = 0 THEN NULL ELSE chr(65 + (g.h / 7 % 4)::int) END AS answer) a;

UPDATE exam_results er
SET score = s.pct
FROM (
    SELECT exam_result_id, round(100.0 * avg(is_correct::int), 2) AS pct
    FROM exam_responses GROUP BY exam_result_id
) s
WHERE s.exam_result_id = er.id;

DROP TABLE seed_settings;
ANALYZE;
