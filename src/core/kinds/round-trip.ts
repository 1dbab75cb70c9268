/**
 * `round-trip` checks in the core (issue 28): the check's own expectations — every step succeeds,
 * the downgrade gives back the schema before, the second upgrade gives the schema the first gave —
 * judged on the result; two deployments' round trips compare by what differed in each.
 */
import { argvParams, type AssertionOutcome, type CheckOf, type ResultOf } from '../../format/index.ts';
import type { Difference } from '../compare/difference.ts';
import { count, listed, plainOutcome, readableMs } from '../assertions/words.ts';
import { downgradeDifference, failedStep, repeatDifference } from '../schema-diff/round-trip.ts';
import type { CheckKindCore } from './check-kind.ts';

const EXPECTATIONS = {
  steps: 'upgrade, downgrade and upgrade again each succeed on the copy',
  downgrade: 'after the downgrade the schema is the one before the upgrade',
  repeat: 'the second upgrade gives the schema the first one gave',
} as const;

export function judgeRoundTrip(_check: CheckOf<'round-trip'>, result: ResultOf<'round-trip'>): AssertionOutcome[] {
  const failed = failedStep(result);
  const stepsOutcome: AssertionOutcome = {
    id: 'steps',
    type: 'round-trip',
    description: EXPECTATIONS.steps,
    expected: 'every step exits 0',
    actual: failed ? `${failed.step} ${failed.said}` : result.steps.map((s) => `${s.step}: exit 0`),
    status: failed ? 'fail' : 'pass',
  };
  const comparison = (id: 'downgrade' | 'repeat', c: ResultOf<'round-trip'>['downgradeRestores'], say: typeof downgradeDifference): AssertionOutcome => {
    const base = { id, type: 'round-trip', description: EXPECTATIONS[id], expected: 'the same schema' };
    // Not reached: a step before it failed, which `steps` already fails; never a pass.
    if (c === null) return { ...base, actual: 'not compared: a step before it did not succeed', status: 'skipped' };
    return c.entries.length === 0 ? { ...base, actual: 'the same schema', status: 'pass' } : { ...base, actual: c.entries.map(say), status: 'fail' };
  };
  return [stepsOutcome, comparison('downgrade', result.downgradeRestores, downgradeDifference), comparison('repeat', result.upgradeRepeats, repeatDifference)];
}

function sayRoundTrip(outcome: AssertionOutcome, result: ResultOf<'round-trip'> | null): string {
  if (!result) return plainOutcome(outcome);
  if (outcome.id === 'steps') {
    const failed = failedStep(result);
    if (failed) return `the round trip stopped: ${failed.step} ${failed.said} on the copy`;
    return `upgrade, downgrade and upgrade again succeeded on a copy of the database (${result.steps.map((s) => `${s.step} ${readableMs(s.durationMs)}`).join(', ')})`;
  }
  const c = outcome.id === 'downgrade' ? result.downgradeRestores : outcome.id === 'repeat' ? result.upgradeRepeats : undefined;
  if (c === undefined) return plainOutcome(outcome);
  if (c === null) return `${outcome.description}: not compared, a step before it did not succeed`;
  if (c.entries.length === 0) return outcome.id === 'downgrade' ? 'the downgrade gave back the schema before the upgrade' : 'the second upgrade gave the schema the first one gave';
  const said = c.entries.map(outcome.id === 'downgrade' ? downgradeDifference : repeatDifference);
  return `${outcome.id === 'downgrade' ? 'the downgrade did not give back the schema' : 'the second upgrade gave another schema'}: ${count(c.entries.length, 'object')} differ — ${listed(said, 5, '; ')}`;
}

export const roundTripKind: CheckKindCore<'round-trip'> = {
  describe: (check) => `round trip on a copy of the database: ${check.upgrade.join(' ')} → ${check.downgrade.join(' ')} → ${check.upgrade.join(' ')}`,
  paramsNeeded: (check) => [...new Set([...check.upgrade, ...check.downgrade].flatMap(argvParams))],
  expectations: () => [EXPECTATIONS.steps, EXPECTATIONS.downgrade, EXPECTATIONS.repeat],
  judgeExpectations: judgeRoundTrip,
  sayExpectation: sayRoundTrip,
  compare(base, current) {
    const differences: Difference[] = [];
    const problems = (r: ResultOf<'round-trip'>) =>
      new Set([...(r.downgradeRestores?.entries.map(downgradeDifference) ?? []), ...(r.upgradeRepeats?.entries.map(repeatDifference) ?? [])]);
    const was = problems(base);
    const now = problems(current);
    for (const p of now) if (!was.has(p)) differences.push({ kind: 'round-trip', text: `round trip: ${p}`, worse: true });
    for (const p of was) if (!now.has(p)) differences.push({ kind: 'round-trip', text: `round trip: no longer ${p}`, worse: false });
    const failedNow = failedStep(current);
    const failedBefore = failedStep(base);
    if (failedNow && !failedBefore) differences.push({ kind: 'round-trip', text: `round trip: ${failedNow.step} ${failedNow.said}`, worse: true });
    if (!failedNow && failedBefore) differences.push({ kind: 'round-trip', text: `round trip: every step succeeds now (${failedBefore.step} ${failedBefore.said} before)`, worse: false });
    return { differences };
  },
  metric: (result) => ({ name: 'round trip (ms, all steps)', value: result.steps.reduce((sum, s) => sum + s.durationMs, 0) }),
};
