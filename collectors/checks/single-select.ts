/**
 * EXPLAIN ANALYZE executes what it explains, so an `explain` check sends nothing but a single
 * SELECT. The text is parsed by PostgreSQL's own parser (libpg-query) before anything is sent:
 * one statement, a SelectStmt, no SELECT … INTO, no data-modifying WITH, no FOR UPDATE.
 */
import { parse } from 'libpg-query';

export class RefusedStatementError extends Error {}

const WRITES = new Set(['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt']);

export async function assertSingleSelect(sql: string): Promise<void> {
  let tree: { stmts?: { stmt: Record<string, unknown> }[] };
  try {
    tree = (await parse(sql)) as typeof tree;
  } catch (error) {
    throw new RefusedStatementError(`not sent: the statement does not parse: ${(error as Error).message}`);
  }
  const statements = tree.stmts ?? [];
  if (statements.length !== 1) {
    throw new RefusedStatementError(`not sent: EXPLAIN ANALYZE takes exactly one statement, found ${statements.length}`);
  }
  const [kind] = Object.keys(statements[0]!.stmt);
  if (kind !== 'SelectStmt') {
    throw new RefusedStatementError(`not sent: EXPLAIN ANALYZE runs only a SELECT, this is ${kind}`);
  }
  const found = findForbidden(statements[0]!.stmt);
  if (found) throw new RefusedStatementError(`not sent: the SELECT contains ${found}, which would write or lock`);
}

function findForbidden(node: unknown): string | null {
  if (Array.isArray(node)) {
    for (const child of node) {
      const found = findForbidden(child);
      if (found) return found;
    }
    return null;
  }
  if (node === null || typeof node !== 'object') return null;
  for (const [key, value] of Object.entries(node)) {
    if (WRITES.has(key)) return `a data-modifying statement (${key})`;
    if (key === 'intoClause') return 'SELECT … INTO';
    if (key === 'lockingClause') return 'FOR UPDATE/SHARE';
    const found = findForbidden(value);
    if (found) return found;
  }
  return null;
}
