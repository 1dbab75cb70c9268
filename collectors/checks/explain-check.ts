/** `explain`: EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) of one SELECT, read-only, N runs, medians. */
import type { CheckOf, JsonValue } from '../../src/format/index.ts';
import { median, roundMs } from '../../src/core/numbers.ts';
import { medianRunIndex } from '../../src/core/kinds/explain.ts';
import { readPlan } from '../../src/core/parsers/explain-plan.ts';
import { paramValues, shownParams, type CheckContext, type CheckRun } from './check-context.ts';
import { readOnlyRun } from './read-only-run.ts';

export function runExplainCheck(check: CheckOf<'explain'>, ctx: CheckContext): Promise<CheckRun> {
  const params = paramValues(check.params, ctx);
  const guard = { sql: check.sql, purpose: 'an explain check (EXPLAIN ANALYZE executes what it explains)', hint: 'An explain check takes one SELECT statement.', allow: check.allowFunctions };
  return readOnlyRun({ check, source: { sql: check.sql, params: shownParams(params, ctx) }, guard }, ctx, async (tx) => {
    const runs: { planningMs: number; executionMs: number }[] = [];
    const plans: JsonValue[] = [];
    for (let i = 0; i < check.runs; i += 1) {
      const raw = await tx.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${check.sql}`, params.map((p) => p.value));
      const plan = JSON.parse(raw.rows[0]?.[0] ?? 'null') as JsonValue;
      const figures = readPlan(plan);
      plans.push(plan);
      runs.push({ planningMs: figures.planningMs, executionMs: figures.executionMs });
    }
    // The plan kept and shown is the median run's, so the tree sits under the median headline.
    const plan = plans[medianRunIndex(runs)] ?? null;
    return {
      result: {
        kind: 'explain' as const,
        plan,
        ...readPlan(plan),
        runs,
        medianPlanningMs: roundMs(median(runs.map((r) => r.planningMs))),
        medianExecutionMs: roundMs(median(runs.map((r) => r.executionMs))),
        noiseBand: check.noiseBand,
        noiseFloorMs: check.noiseFloorMs,
        maxRatio: check.maxRatio,
      },
    };
  });
}
