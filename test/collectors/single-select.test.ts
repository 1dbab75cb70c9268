import { describe, expect, it } from 'vitest';
import { assertSingleSelect, RefusedStatementError } from '../../collectors/checks/single-select.ts';

describe('the sql and explain guard: a single SELECT that only reads', () => {
  it.each([
    'SELECT * FROM attempt WHERE student_id = $1::uuid',
    'WITH x AS (SELECT 1 AS a) SELECT a FROM x',
    "SELECT count(*) FROM attempt WHERE completed_at >= CURRENT_DATE - INTERVAL '30 days';",
  ])('accepts %s', async (sql) => {
    await expect(assertSingleSelect(sql)).resolves.toBeUndefined();
  });

  it.each([
    ['DELETE FROM attempt', /only a SELECT, this is DeleteStmt/],
    ['INSERT INTO items VALUES (1)', /InsertStmt/],
    ['UPDATE items SET subject = 1', /UpdateStmt/],
    ['CREATE TABLE x (a int)', /CreateStmt/],
    ['SELECT 1; DROP TABLE items', /exactly one statement, found 2/],
    ['WITH gone AS (DELETE FROM items RETURNING *) SELECT * FROM gone', /data-modifying statement \(DeleteStmt\)/],
    ['SELECT * INTO copy FROM items', /SELECT … INTO/],
    ['SELECT * FROM items FOR UPDATE', /FOR UPDATE/],
    ['SELEC 1', /does not parse/],
    ["COPY (SELECT 1) TO '/tmp/x'", /only a SELECT, this is CopyStmt/],
    ["COPY (SELECT 1) TO PROGRAM 'touch /tmp/pwned'", /CopyStmt/],
    ["SELECT * FROM pg_create_physical_replication_slot('evil', true)", /pg_create_physical_replication_slot\(\), which acts outside/],
    ['SELECT pg_stat_reset()', /pg_stat_reset\(\)/],
    ['SELECT pg_catalog.pg_stat_reset_shared($1)', /pg_stat_reset_shared\(\)/],
    ['SELECT pg_advisory_lock(42)', /pg_advisory_lock\(\)/],
    ["SELECT lo_import('/etc/passwd')", /lo_import\(\)/],
    ["SELECT * FROM dblink('host=x', 'DELETE FROM t') AS t(a int)", /dblink\(\)/],
    ['SELECT pg_terminate_backend(pid) FROM pg_stat_activity', /pg_terminate_backend\(\)/],
    ["SELECT set_config('transaction_read_only', 'off', true)", /set_config\(\)/],
    ["SELECT (SELECT PG_READ_FILE('/etc/passwd'))", /pg_read_file\(\)/],
    ['SHOW server_version', /VariableShowStmt/],
  ])('refuses %s', async (sql, message) => {
    const error = await assertSingleSelect(sql).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RefusedStatementError);
    expect((error as Error).message).toMatch(message);
  });
});
