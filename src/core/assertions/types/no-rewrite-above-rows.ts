/**
 * `no-rewrite-above-rows`: no table holding more than `maxRows` rows was rewritten by the mutating
 * step (issue 28). A rewrite (ALTER COLUMN TYPE, a volatile default, VACUUM FULL) shows as a new
 * relfilenode in the change report, and holds ACCESS EXCLUSIVE while it copies every row; the rows
 * are the snapshot before's estimate. Unknown rows (never analyzed) or no change report: not a pass.
 */
import type { SchemaChange } from '../../../format/index.ts';
import type { AssertionModule, AssertionOf } from '../assertion-type.ts';
import { count, listed } from '../words.ts';

type A = AssertionOf<'no-rewrite-above-rows'>;

const describe = (a: A) => `no table with more than ${a.maxRows.toLocaleString('en-US')} rows is rewritten`;

const rowsText = (rows: number | null | undefined) => (rows === null || rows === undefined || rows < 0 ? 'rows unknown, never analyzed' : `about ${Math.round(rows).toLocaleString('en-US')} rows`);

/** The rewrites that break it: above the limit, or of a size nobody knows. */
function offending(a: A, entries: readonly SchemaChange[]): SchemaChange[] {
  return entries.filter((c) => c.rewritten && (c.kind === 'table' || c.kind === 'partitioned table' || c.kind === 'materialized view') && (c.rowsBefore === undefined || c.rowsBefore === null || c.rowsBefore < 0 || c.rowsBefore > a.maxRows));
}

const rewrites = (entries: readonly SchemaChange[]) => entries.filter((c) => c.rewritten && c.kind !== 'index');

export const noRewriteAboveRows: AssertionModule<A> = {
  over: 'result',
  describe,
  judge(a, { result }) {
    const description = describe(a);
    if (result.changes === null) return { status: a.severity, expected: a.maxRows, actual: 'no change report: this snapshot names no earlier snapshot (changesFrom)', description };
    const bad = offending(a, result.changes.entries);
    const all = rewrites(result.changes.entries);
    return {
      status: bad.length === 0 ? 'pass' : a.severity,
      expected: a.maxRows,
      actual: { rewritten: all.map((c) => ({ table: c.name, rowsBefore: c.rowsBefore ?? null })), over: bad.map((c) => c.name) },
      description,
    };
  },
  say(a, { outcome, result }) {
    if (!result) return outcome.status === 'pass' ? describe(a) : `not as expected: ${describe(a)}`;
    if (result.changes === null) return 'there is no change report to judge: this snapshot names no earlier snapshot (changesFrom)';
    const all = rewrites(result.changes.entries);
    const shown = (c: SchemaChange) => `${c.name} (${rowsText(c.rowsBefore)})`;
    if (outcome.status === 'pass') return all.length === 0 ? 'no table was rewritten' : `rewritten within ${a.maxRows.toLocaleString('en-US')} rows: ${listed(all.map(shown), 5, '; ')}`;
    const bad = offending(a, result.changes.entries);
    return `${count(bad.length, 'table')} rewritten above ${a.maxRows.toLocaleString('en-US')} rows or of unknown size: ${listed(bad.map(shown), 5, '; ')}`;
  },
};
