import { describe, expect, it } from 'vitest';
import { assertSingleSelect, RefusedStatementError } from '../../collectors/checks/single-select.ts';

describe('EXPLAIN ANALYZE guard: a single SELECT only', () => {
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
  ])('refuses %s', async (sql, message) => {
    const error = await assertSingleSelect(sql).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RefusedStatementError);
    expect((error as Error).message).toMatch(message);
  });
});
