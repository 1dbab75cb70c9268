/**
 * Runs one check of any kind and turns it into its snapshot. The collectors know kinds,
 * never check names: everything specific lives in the checklist's data.
 */
import {
  SCHEMA_VERSION,
  schemaFiles,
  type CheckDefinition,
  type CheckSnapshot,
} from '../../src/format/index.ts';
import { evaluateAssertions, unjudgedAssertions } from '../../src/core/assertions/evaluate.ts';
import { paramsNeeded } from '../../src/core/kinds/registry.ts';
import { roundMs } from '../../src/core/numbers.ts';
import { checkStatusOf } from '../../src/core/decision/check-status.ts';
import { errorFrom, type CheckContext, type CheckRun } from './check-context.ts';
import { runnerOf } from './runners.ts';

const MUTATING_NOT_ALLOWED =
  'a mutating step (it may change the database) was not allowed for this run: pass --allow-mutating (or "allowMutating": true in deploy-evidence.config.json) to run it';

export async function runCheck(check: CheckDefinition, ctx: CheckContext, deploymentId: string): Promise<CheckSnapshot> {
  const startedAt = new Date();
  const t0 = performance.now();
  let run: CheckRun;
  const unset = paramsNeeded(check).filter((name) => (ctx.params.get(name) ?? null) === null);
  const producer = (name: string) => ctx.checklist.checks.find((c) => c.kind === 'command' && name in c.captures)?.id;
  try {
    run =
      check.kind === 'command' && check.mutating && !ctx.mutatingAllowed
        ? { source: {}, session: null, result: null, error: null, skipReason: MUTATING_NOT_ALLOWED, truncation: null, measuredMs: 0 }
        : unset.length > 0
        ? { source: {}, session: null, result: null, error: null, skipReason: producer(unset[0]!)
              ? `parameter ${unset[0]} not set: ${producer(unset[0]!)}, which reads it, did not produce it`
              : `parameter ${unset.join(', ')} not set (--param ${unset[0]}=…)`, truncation: null, measuredMs: 0 }
        : await runnerOf(check)(check, ctx);
  } catch (error) {
    // The collector's own failure: recorded as `error` for this check, the others still run.
    run = { source: {}, session: null, result: null, error: errorFrom(error), skipReason: null, truncation: null, measuredMs: 0 };
  }
  const durationMs = roundMs(performance.now() - t0);
  const finishedAt = new Date(startedAt.getTime() + Math.round(durationMs));

  let assertions: CheckSnapshot['assertions'];
  if (run.skipReason) assertions = unjudgedAssertions(check, `not run: ${run.skipReason}`);
  else if (run.error || !run.result) assertions = unjudgedAssertions(check, `not judged: ${run.error?.message ?? 'no result'}`);
  else assertions = evaluateAssertions({ check, result: run.result, measuredMs: run.measuredMs, attestations: ctx.attestations, ...(run.rowVerdicts ? { rowVerdicts: run.rowVerdicts } : {}) });

  return {
    $schema: schemaFiles.check.fromFile,
    schemaVersion: SCHEMA_VERSION,
    deploymentId,
    id: check.id,
    section: check.section,
    title: check.title,
    kind: check.kind,
    required: check.required,
    source: run.source,
    session: run.session,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs,
    status: checkStatusOf(check, run, assertions),
    assertions,
    result: run.result,
    error: run.error,
    skipReason: run.skipReason,
    truncation: run.truncation,
  };
}
