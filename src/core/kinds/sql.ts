/** `sql` checks in the core: parameters, comparison of two results (by key or position), the charted number. */
import type { Cell, ResultOf } from '../../format/index.ts';
import { pct, signed, type Difference } from '../compare/difference.ts';
import { isNumericType } from '../numbers.ts';
import { oneLine, type CheckKindCore } from './check-kind.ts';
import { plainOutcome } from '../assertions/words.ts';

const cellText = (cell: Cell | undefined) => (cell === null || cell === undefined ? 'NULL' : typeof cell === 'string' ? cell : String(cell));

/** How many rows of each kind a difference names. */
const ROWS_NAMED = 3;


/**
 * Row by row over the kept rows (issue 9): by the checklist's key columns when it names them,
 * else by position. The digest of every row (`reads[0].rowsSha256`) says honestly whether the
 * results are identical, or differ beyond the rows kept.
 */
function rowDifferences(base: ResultOf<'sql'>, current: ResultOf<'sql'>, key: readonly string[] | undefined): Difference[] {
  const out: Difference[] = [];
  const sameDigest = base.reads[0]?.rowsSha256 === current.reads[0]?.rowsSha256;
  const names = current.columns.map((c) => c.name);
  const baseNames = base.columns.map((c) => c.name);
  const added = names.filter((n) => !baseNames.includes(n));
  const removed = baseNames.filter((n) => !names.includes(n));
  if (added.length || removed.length) {
    out.push({ kind: 'value', text: `result columns: ${[...added.map((n) => `+${n}`), ...removed.map((n) => `-${n}`)].join(', ')}`, worse: false });
  }
  if (sameDigest && !added.length && !removed.length) return out;
  const common = names.filter((n) => baseNames.includes(n));
  const at = (result: ResultOf<'sql'>, row: readonly Cell[], name: string) => row[result.columns.findIndex((c) => c.name === name)];
  const changedColumns = (a: readonly Cell[], b: readonly Cell[]) => common.filter((n) => JSON.stringify(at(base, a, n) ?? null) !== JSON.stringify(at(current, b, n) ?? null));
  const usable = key && key.every((k) => names.includes(k) && baseNames.includes(k));
  const label = (result: ResultOf<'sql'>, row: readonly Cell[], n: number) => (usable ? key!.map((k) => `${k}=${cellText(at(result, row, k))}`).join(', ') : `row ${n + 1}`);
  const addedRows: string[] = [];
  const removedRows: string[] = [];
  const changedRows: string[] = [];
  if (usable) {
    const keyOf = (result: ResultOf<'sql'>, row: readonly Cell[]) => JSON.stringify(key!.map((k) => at(result, row, k) ?? null));
    const before = new Map(base.rows.map((row, n) => [keyOf(base, row), { row, n }]));
    const seen = new Set<string>();
    current.rows.forEach((row, n) => {
      const k = keyOf(current, row);
      seen.add(k);
      const old = before.get(k);
      if (!old) addedRows.push(label(current, row, n));
      else {
        const cols = changedColumns(old.row, row);
        if (cols.length) changedRows.push(`${label(current, row, n)}: ${cols.map((c) => `${c} ${cellText(at(base, old.row, c))} → ${cellText(at(current, row, c))}`).join(', ')}`);
      }
    });
    for (const [k, { row, n }] of before) if (!seen.has(k)) removedRows.push(label(base, row, n));
  } else {
    const shared = Math.min(base.rows.length, current.rows.length);
    for (let n = 0; n < shared; n += 1) {
      const cols = changedColumns(base.rows[n]!, current.rows[n]!);
      if (cols.length) changedRows.push(`row ${n + 1}: ${cols.map((c) => `${c} ${cellText(at(base, base.rows[n]!, c))} → ${cellText(at(current, current.rows[n]!, c))}`).join(', ')}`);
    }
    for (let n = shared; n < current.rows.length; n += 1) addedRows.push(`row ${n + 1}`);
    for (let n = shared; n < base.rows.length; n += 1) removedRows.push(`row ${n + 1}`);
  }
  const by = usable ? `by key ${key!.join(', ')}` : 'by position';
  const list = (rows: string[]) => `${rows.slice(0, ROWS_NAMED).join('; ')}${rows.length > ROWS_NAMED ? `; and ${rows.length - ROWS_NAMED} more` : ''}`;
  if (addedRows.length) out.push({ kind: 'rows-added', text: `${addedRows.length} row${addedRows.length > 1 ? 's' : ''} added (${by}): ${list(addedRows)}`, worse: false });
  if (removedRows.length) out.push({ kind: 'rows-removed', text: `${removedRows.length} row${removedRows.length > 1 ? 's' : ''} removed (${by}): ${list(removedRows)}`, worse: false });
  if (changedRows.length) out.push({ kind: 'rows-changed', text: `${changedRows.length} row${changedRows.length > 1 ? 's' : ''} changed (${by}): ${list(changedRows)}`, worse: false });
  const truncated = base.rowCount > base.rows.length || current.rowCount > current.rows.length;
  // By key, every row matched and nothing was cut: only the order differs, which a key says is not meaningful.
  if (!addedRows.length && !removedRows.length && !changedRows.length && !sameDigest && (truncated || !usable)) {
    out.push({ kind: 'rows-changed', text: truncated ? 'the kept rows are identical, but the results differ beyond them (their digests differ)' : 'the results differ (their digests differ) though every kept value is equal', worse: false });
  }
  return out;
}

function sqlDifferences(base: ResultOf<'sql'>, current: ResultOf<'sql'>, key?: readonly string[]): Difference[] {
  const out: Difference[] = [];
  // A single-row result is a measurement (a count, a total): compare its numeric values.
  if (base.rowCount === 1 && current.rowCount === 1) {
    for (const [i, column] of current.columns.entries()) {
      if (!isNumericType(column.type)) continue;
      const j = base.columns.findIndex((c) => c.name === column.name);
      if (j < 0) continue;
      const a = base.rows[0]?.[j];
      const b = current.rows[0]?.[i];
      if (a == null || b == null || a === b) continue;
      const x = Number(a);
      const y = Number(b);
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      const integral = /^-?\d+$/.test(String(a)) && /^-?\d+$/.test(String(b));
      const delta = integral ? BigInt(String(b)) - BigInt(String(a)) : y - x;
      out.push({ kind: 'value', text: `${column.name}: ${String(a)} → ${String(b)} (${signed(delta)}, ${pct(x, y)})`, worse: false });
    }
    // Every other column of the one row, compared as values.
    for (const [i, column] of current.columns.entries()) {
      if (isNumericType(column.type)) continue;
      const j = base.columns.findIndex((c) => c.name === column.name);
      if (j < 0) continue;
      const a = base.rows[0]?.[j];
      const b = current.rows[0]?.[i];
      if (JSON.stringify(a ?? null) !== JSON.stringify(b ?? null)) out.push({ kind: 'value', text: `${column.name}: ${cellText(a)} → ${cellText(b)}`, worse: false });
    }
    return out;
  }
  if (base.rowCount !== current.rowCount) {
    out.push({ kind: 'row-count', text: `rows: ${base.rowCount.toLocaleString('en-US')} → ${current.rowCount.toLocaleString('en-US')} (${signed(current.rowCount - base.rowCount)}, ${pct(base.rowCount, current.rowCount)})`, worse: false });
  }
  out.push(...rowDifferences(base, current, key));
  return out;
}

export const sqlKind: CheckKindCore<'sql'> = {
  describe: (check) => `query: ${oneLine(check.sql)}${check.sqlParam ? ` (or the query in parameter ${check.sqlParam})` : ''}`,
  paramsNeeded: (check) => check.params,
  expectations: () => [],
  judgeExpectations: () => [],
  // Judges no expectations of its own: an outcome of its kind is a stored one from elsewhere, said plainly.
  sayExpectation: plainOutcome,
  compare: (base, current, options) => ({ differences: sqlDifferences(base, current, options.key) }),
  metric(result) {
    // A one-number query (a count, a total) is charted by that number.
    if (result.rowCount !== 1 || result.columns.length !== 1 || !isNumericType(result.columns[0]!.type)) return null;
    const v = Number(result.rows[0]?.[0]);
    return { name: result.columns[0]!.name, value: Number.isFinite(v) ? v : null };
  },
};
