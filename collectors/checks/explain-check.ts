/** `explain`: EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) of one SELECT, read-only, N runs, medians. */
import type { CheckOf, JsonValue } from '../../src/format/index.ts';
import { errorFrom, paramValues, shownParams, sessionRecord, sessionSettingsFor, type CheckContext, type CheckRun } from './check-context.ts';
import { median, readPlan } from '../../src/core/parsers/explain-plan.ts';
import { assertSingleSelect, RefusedStatementError } from './single-select.ts';
import { round } from './sql-check.ts';

export async function runExplainCheck(check: CheckOf<'explain'>, ctx: CheckContext): Promise<CheckRun> {
  const settings = sessionSettingsFor(check, ctx);
  const params = paramValues(check.params, ctx);
  const run: CheckRun = {
    source: { sql: check.sql, params: shownParams(params, ctx) },
    session: sessionRecord(settings, ctx),
    result: null,
    error: null,
    skipReason: null,
    truncation: null,
    measuredMs: 0,
  };
  try {
    await assertSingleSelect(check.sql, 'an explain check (EXPLAIN ANALYZE executes what it explains)');
  } catch (error) {
    if (!(error instanceof RefusedStatementError)) throw error;
    run.error = { kind: 'refused', message: error.message, code: null, hint: 'An explain check takes one SELECT statement.', detail: null };
    run.session = null;
    return run;
  }
  try {
    run.result = await ctx.session.readOnly(settings, async (tx) => {
      const runs: { planningMs: number; executionMs: number }[] = [];
      let plan: JsonValue = null;
      const started = performance.now();
      for (let i = 0; i < check.runs; i += 1) {
        const raw = await tx.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${check.sql}`, params.map((p) => p.value));
        plan = JSON.parse(raw.rows[0]?.[0] ?? 'null') as JsonValue;
        const figures = readPlan(plan);
        runs.push({ planningMs: figures.planningMs, executionMs: figures.executionMs });
      }
      run.measuredMs = round(performance.now() - started);
      const last = readPlan(plan);
      return {
        kind: 'explain' as const,
        plan,
        ...last,
        runs,
        medianPlanningMs: round(median(runs.map((r) => r.planningMs))),
        medianExecutionMs: round(median(runs.map((r) => r.executionMs))),
        noiseBand: check.noiseBand,
        noiseFloorMs: check.noiseFloorMs,
        maxRatio: check.maxRatio,
      };
    });
  } catch (error) {
    run.error = errorFrom(error);
  }
  return run;
}
