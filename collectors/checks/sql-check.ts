/** `sql`: one SELECT (checked by PostgreSQL's parser) in a READ ONLY transaction; columns with type names, lossless rows, capped. */
import { createHash } from 'node:crypto';
import type { Cell, CheckOf } from '../../src/format/index.ts';
import type { RowFold } from '../../src/core/assertions/assertion-type.ts';
import { createRowFolds } from '../../src/core/assertions/row-folds.ts';
import { roundMs } from '../../src/core/numbers.ts';
import { normalizeCell } from '../db/lossless-values.ts';
import type { RawField } from '../db/session.ts';
import { paramValues, shownParams, type CheckContext, type CheckRun } from './check-context.ts';
import { readOnlyRun } from './read-only-run.ts';

export function runSqlCheck(check: CheckOf<'sql'>, ctx: CheckContext): Promise<CheckRun> {
  const given = check.sqlParam ? ctx.params.get(check.sqlParam) : undefined;
  const sql = given ?? check.sql;
  const params = paramValues(check.params, ctx);
  const source = { sql, params: shownParams(params, ctx), ...(given ? { note: `query given by parameter ${check.sqlParam}` } : {}) };
  const guard = { sql, purpose: 'a sql check', hint: 'A sql check takes one SELECT statement that only reads.', allow: check.allowFunctions };
  return readOnlyRun({ check, source, guard }, ctx, async (tx, run) => {
    const reads: { durationMs: number; rowsSha256: string }[] = [];
    let kept: Cell[][] = [];
    let rowCount = 0;
    let fields: RawField[] = [];
    // Filled while the last read streams: every row judged, whatever is kept.
    let folds: Map<number, RowFold> | undefined;
    for (let i = 0; i < check.reads; i += 1) {
      // Only the last read is kept and judged; every read is digested whole.
      const last = i === check.reads - 1;
      const started = performance.now();
      const digest = createHash('sha256').update('[');
      let count = 0;
      kept = [];
      fields = await tx.stream(sql, params.map((p) => p.value), (batchFields, rows) => {
        if (last && !folds) folds = createRowFolds(check, batchFields.map((f) => f.name));
        for (const raw of rows) {
          const row = raw.map((text, c) => normalizeCell(text, batchFields[c]!.dataTypeID));
          count += 1;
          // Byte for byte JSON.stringify of the whole result, without holding it.
          digest.update(count === 1 ? JSON.stringify(row) : `,${JSON.stringify(row)}`);
          if (!last) continue;
          if (kept.length < check.maxRows) kept.push(row);
          for (const fold of folds!.values()) fold.push(row, count);
        }
      });
      reads.push({ durationMs: roundMs(performance.now() - started), rowsSha256: digest.update(']').digest('hex') });
      rowCount = count;
    }
    folds ??= createRowFolds(check, fields.map((f) => f.name));
    const columns = await tx.describe(fields);
    if (rowCount > check.maxRows) run.truncation = { rowsTotal: rowCount, rowsKept: check.maxRows, bytesOmitted: 0 };
    run.rowVerdicts = new Map([...folds].map(([index, fold]) => [index, fold.verdict(rowCount)]));
    return { result: { kind: 'sql' as const, columns, rows: kept, rowCount, rowsJudged: rowCount, reads }, measuredMs: reads[0]!.durationMs };
  });
}
