/** `sql`: one SELECT (checked by PostgreSQL's parser) in a READ ONLY transaction; columns with type names, lossless rows, capped. */
import { createHash } from 'node:crypto';
import type { Cell, CheckOf } from '../../src/format/index.ts';
import { normalizeCell } from '../db/lossless-values.ts';
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
  try {
    run.result = await ctx.session.readOnly(settings, async (tx) => {
      const reads: { durationMs: number; rowsSha256: string }[] = [];
      let rows: Cell[][] = [];
      let fields: Awaited<ReturnType<typeof tx.query>>['fields'] = [];
      for (let i = 0; i < check.reads; i += 1) {
        const started = performance.now();
        const raw = await tx.query(sql, params.map((p) => p.value));
        const durationMs = round(performance.now() - started);
        fields = raw.fields;
        rows = raw.rows.map((row) => row.map((text, c) => normalizeCell(text, raw.fields[c]!.dataTypeID)));
        reads.push({ durationMs, rowsSha256: createHash('sha256').update(JSON.stringify(rows)).digest('hex') });
      }
      const columns = await tx.describe(fields);
      run.measuredMs = reads[0]!.durationMs;
      if (rows.length > check.maxRows) {
        run.truncation = { rowsTotal: rows.length, rowsKept: check.maxRows, bytesOmitted: 0 };
      }
      return { kind: 'sql' as const, columns, rows: rows.slice(0, check.maxRows), rowCount: rows.length, reads };
    });
  } catch (error) {
    run.error = errorFrom(error);
  }
  return run;
}

export function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
