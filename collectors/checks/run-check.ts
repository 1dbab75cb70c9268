/**
 * Runs one check of any kind and turns it into its snapshot. The collectors know kinds,
 * never check names: everything specific lives in the checklist's data.
 */
import {
  SCHEMA_VERSION,
  schemaFiles,
  type AssertionOutcome,
  type CheckDefinition,
  type CheckError,
  type CheckSnapshot,
} from '../../src/format/index.ts';
import { evaluateAssertions, unjudgedAssertions } from '../../src/core/assertions/evaluate.ts';
import { paramsNeeded } from '../../src/core/kinds/registry.ts';
import { roundMs } from '../../src/core/numbers.ts';
import { checkStatusOf } from '../../src/core/decision/check-status.ts';
import { errorFrom, type CheckContext, type CheckRun } from './check-context.ts';
import { recordedCheck, redactRun } from './redact-run.ts';
import { runnerOf } from './runners.ts';

/** A round trip creates a database on the server (its copy): it is opt-in like a mutating step. */
const MUTATING_NOT_ALLOWED =
  'a mutating step (it may change the database) was not allowed for this run: pass --allow-mutating (or "allowMutating": true in deploy-evidence.config.json) to run it';

export async function runCheck(written: CheckDefinition, ctx: CheckContext, deploymentId: string): Promise<CheckSnapshot> {
  // What runs is the check as written; what is judged and stored is the check as the evidence
  // records it, secrets redacted, so that `verify` judges the stored result the same way (issue 25).
  const check = recordedCheck(written, ctx.redactor);
  const startedAt = new Date();
  const t0 = performance.now();
  let run: CheckRun;
  const unset = paramsNeeded(written).filter((name) => (ctx.params.get(name) ?? null) === null);
  const producer = (name: string) => ctx.checklist.checks.find((c) => c.kind === 'command' && name in c.captures)?.id;
  try {
    run =
      ((written.kind === 'command' && written.mutating) || written.kind === 'round-trip') && !ctx.mutatingAllowed
        ? { source: {}, session: null, result: null, error: null, skipReason: MUTATING_NOT_ALLOWED, truncation: null, measuredMs: 0 }
        : unset.length > 0
        ? { source: {}, session: null, result: null, error: null, skipReason: producer(unset[0]!)
              ? `parameter ${unset[0]} not set: ${producer(unset[0]!)}, which reads it, did not produce it`
              : `parameter ${unset.join(', ')} not set (--param ${unset[0]}=…)`, truncation: null, measuredMs: 0 }
        : await runnerOf(written)(written, ctx);
  } catch (error) {
    // The collector's own failure: recorded as `error` for this check, the others still run.
    run = { source: {}, session: null, result: null, error: errorFrom(error), skipReason: null, truncation: null, measuredMs: 0 };
  }
  // Before anything judges or writes it.
  const asRead = run;
  run = redactRun(asRead, ctx.redactor);
  const durationMs = roundMs(performance.now() - t0);
  const finishedAt = new Date(startedAt.getTime() + Math.round(durationMs));

  let assertions: CheckSnapshot['assertions'];
  if (run.skipReason) assertions = unjudgedAssertions(check, `not run: ${run.skipReason}`);
  else if (run.error || !run.result) assertions = unjudgedAssertions(check, `not judged: ${run.error?.message ?? 'no result'}`);
  else {
    assertions = evaluateAssertions({ check, result: run.result, measuredMs: run.measuredMs, attestations: ctx.attestations, ...(run.rowVerdicts ? { rowVerdicts: run.rowVerdicts } : {}) });
    const onSecrets = verdictsOnSecrets(written, asRead, assertions, ctx);
    if (onSecrets) {
      run = { ...run, error: onSecrets };
      assertions = unjudgedAssertions(check, `not judged: ${onSecrets.message}`);
    }
  }

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
    redactions: run.redactions ?? 0,
  };
}

/**
 * Assertions judge what is stored, secrets replaced by `***` (so `verify` judges the same). Where
 * that gives another verdict than the values read — two different secrets compared equal once both
 * are `***`, a URL compared with its password — the verdict rests on a secret the evidence cannot
 * keep: rather than record a pass that the values did not earn (or a fail they did not deserve),
 * the check is an error that says so (issue 25). A command's output is redacted as it streams,
 * so its assertions have only ever seen it redacted: there is nothing else to compare with.
 */
function verdictsOnSecrets(written: CheckDefinition, asRead: CheckRun, stored: readonly AssertionOutcome[], ctx: CheckContext): CheckError | null {
  const result = asRead.result;
  if (!result || result.kind === 'command') return null;
  const read = evaluateAssertions({
    check: written,
    result: result.kind === 'sql' && asRead.valuesRead ? { ...result, columns: asRead.valuesRead.columns } : result,
    measuredMs: asRead.measuredMs,
    attestations: ctx.attestations,
    ...(asRead.valuesRead ? { rowVerdicts: asRead.valuesRead.rowVerdicts } : {}),
  });
  const differ = stored.flatMap((outcome, i) => (read[i] && read[i].status !== outcome.status ? [`${outcome.id} gives ${read[i].status} on the values read but ${outcome.status} on the values stored`] : []));
  if (differ.length === 0) return null;
  return {
    kind: 'refused',
    message: `a verdict rests on a secret the evidence cannot keep (each secret is stored as ***): assertion ${differ.join('; ')} — judge something other than the secret itself`,
    code: null,
    hint: null,
    detail: null,
  };
}
