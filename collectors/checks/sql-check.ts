/** `sql`: one SELECT (checked by PostgreSQL's parser) in a READ ONLY transaction; columns with type names, lossless rows, capped. */
import { createHash } from 'node:crypto';
import type { Cell, CheckOf } from '../../src/format/index.ts';
import { normalizeCell } from '../db/lossless-values.ts';
import type { RawField } from '../db/session.ts';
import { createRowFolds, type RowFold } from '../../src/core/assertions/row-folds.ts';
import { assertSingleSelect, RefusedStatementError } from './single-select.ts';
import { errorFrom, paramValues, shownParams, sessionRecord, sessionSettingsFor, type CheckContext, type CheckRun } from './check-context.ts';

export async function runSqlCheck(check: CheckOf<'sql'>, ctx: CheckContext): Promise<CheckRun> {
  const given = check.sqlParam ? ctx.params.get(check.sqlParam) : undefined;
  const sql = given ?? check.sql;
  const params = paramValues(check.params, ctx);
  const settings = sessionSettingsFor(check, ctx);
  const run: CheckRun = {
    source: { sql, params: shownParams(params, ctx), ...(given ? { note: `query given by parameter ${check.sqlParam}` } : {}) },
    session: sessionRecord(settings, ctx),
    result: null,
    error: null,
    skipReason: null,
    truncation: null,
    measuredMs: 0,
  };
  try {
    await assertSingleSelect(sql, 'a sql check');
  } catch (error) {
    if (!(error instanceof RefusedStatementError)) throw error;
    run.error = { kind: 'refused', message: error.message, code: null, hint: 'A sql check takes one SELECT statement that only reads.', detail: null };
    run.session = null;
    return run;
  }
  // Filled while the last read streams: every row judged, whatever is kept.
  let folds: Map<number, RowFold> | undefined;
  let judged = 0;
  try {
    run.result = await ctx.session.readOnly(settings, async (tx) => {
      const reads: { durationMs: number; rowsSha256: string }[] = [];
      let kept: Cell[][] = [];
      let rowCount = 0;
      let fields: RawField[] = [];
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
        reads.push({ durationMs: round(performance.now() - started), rowsSha256: digest.update(']').digest('hex') });
        rowCount = count;
      }
      judged = rowCount;
      folds ??= createRowFolds(check, fields.map((f) => f.name));
      const columns = await tx.describe(fields);
      run.measuredMs = reads[0]!.durationMs;
      if (rowCount > check.maxRows) {
        run.truncation = { rowsTotal: rowCount, rowsKept: check.maxRows, bytesOmitted: 0 };
      }
      return { kind: 'sql' as const, columns, rows: kept, rowCount, rowsJudged: rowCount, reads };
    });
    run.rowVerdicts = new Map([...folds!].map(([index, fold]) => [index, fold.verdict(judged)]));
  } catch (error) {
    run.error = errorFrom(error);
  }
  return run;
}

export function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
