/**
 * `schema` checks in the core (issue 28): the snapshot's own expectation is drift — the same
 * schema as the previous deployment's snapshot in the environment — judged when the checklist
 * asks for it; two deployments' snapshots compare object by object.
 */
import type { AssertionOutcome, CheckOf, ResultOf } from '../../format/index.ts';
import type { Difference } from '../compare/difference.ts';
import { changeSummary, diffCatalogs } from '../schema-diff/diff.ts';
import { count, listed, plainOutcome } from '../assertions/words.ts';
import type { CheckKindCore } from './check-kind.ts';

const scope = (check: CheckOf<'schema'>) => (check.schemas ? `schema${check.schemas.length > 1 ? 's' : ''} ${check.schemas.join(', ')}` : 'the schemas the checklist targets');

/** The drift expectation: the schema equals the previous deployment's snapshot `drift.against`. */
export function judgeDrift(check: CheckOf<'schema'>, result: ResultOf<'schema'>): AssertionOutcome[] {
  if (!check.drift) return [];
  const description = `the schema is the one the previous deployment left (its ${check.drift.against})`;
  const outcome = { id: 'drift', type: 'schema', description };
  const drift = result.drift;
  // No baseline is never green: a warning, whatever the severity (an unknown past is not a clean one).
  if (drift === null) return [{ ...outcome, expected: 'no drift', actual: 'no baseline: the drift comparison was not made', status: 'warn' }];
  if (drift.against === null) return [{ ...outcome, expected: 'no drift', actual: `no baseline: ${drift.noBaseline ?? 'no previous snapshot'}`, status: 'warn' }];
  const against = `${drift.against.deploymentId}/${drift.against.checkId}`;
  if (drift.entries.length === 0) return [{ ...outcome, expected: 'no drift', actual: `same as ${against}`, status: 'pass' }];
  return [{ ...outcome, expected: `same as ${against}`, actual: drift.entries.map(changeSummary), status: check.drift.severity }];
}

function sayDrift(outcome: AssertionOutcome, result: ResultOf<'schema'> | null): string {
  const drift = result?.drift;
  if (!drift) return plainOutcome(outcome);
  if (drift.against === null) return `no baseline: ${drift.noBaseline ?? 'no previous snapshot'} — drift could not be checked`;
  const against = `${drift.against.deploymentId} (${drift.against.checkId})`;
  if (drift.entries.length === 0) return `no drift: the schema is the one ${against} left`;
  return `the schema drifted since ${against}: ${count(drift.entries.length, 'object')} changed outside the recorded deployments — ${listed(drift.entries.map(changeSummary), 5, '; ')}`;
}

export const schemaKind: CheckKindCore<'schema'> = {
  describe: (check) => `snapshot of the catalog of ${scope(check)}${check.changesFrom ? `, with what changed since ${check.changesFrom}` : ''}${check.drift ? `, compared with the previous deployment's ${check.drift.against}` : ''}`,
  paramsNeeded: () => [],
  expectations: (check) => (check.drift ? [`no drift since the previous deployment's ${check.drift.against} (${check.drift.severity} when it drifted; no baseline is a warning)`] : []),
  judgeExpectations: judgeDrift,
  sayExpectation: (outcome, result) => (outcome.id === 'drift' ? sayDrift(outcome, result) : plainOutcome(outcome)),
  compare(base, current) {
    const differences: Difference[] = diffCatalogs(base.objects, current.objects, { storage: false }).map((c) => ({ kind: 'schema', text: changeSummary(c), worse: c.change === 'dropped' || c.parts.some((p) => p.change === 'dropped') }));
    return { differences };
  },
  metric: () => null,
};
