/**
 * Drift (issue 28): a `schema` snapshot taken before the mutating step, compared with the
 * snapshot the previous deployment of the same environment recorded in the check it names
 * (`drift.against`). One pure function for the collector, which records it, and for `verify`,
 * which computes it again from the two snapshots and names any difference.
 *
 * The previous deployment is the one this deployment's manifest follows in its environment's
 * chain: the end of the chain when the collection ran (chain.ts `chainTip`), which `verify` reads
 * back from the manifest's `previousManifestSha256`.
 */
import type { CatalogObject, CheckSnapshot, ResultOf } from '../../format/index.ts';
import { diffCatalogs } from './diff.ts';

type SchemaResult = ResultOf<'schema'>;
export type Drift = NonNullable<SchemaResult['drift']>;

/** What the previous deployment recorded in a check: null when there is no previous deployment. */
type PreviousCheck = { deploymentId: string; snapshot: CheckSnapshot | null } | null;

const cut = (r: SchemaResult) => r.objects.length < r.objectsTotal;

/**
 * The drift of `now` (this snapshot's objects as recorded: `objects`, redacted) against the
 * previous deployment's check `against`; a record without a baseline says why there is none.
 */
export function driftAgainst(against: string, previous: PreviousCheck, now: SchemaResult, objects: readonly CatalogObject[] = now.objects): Drift {
  const none = (noBaseline: string): Drift => ({ against: null, noBaseline, entries: [] });
  if (!previous) return none('no earlier deployment in this environment');
  const { deploymentId, snapshot } = previous;
  if (!snapshot) return none(`the previous deployment, ${deploymentId}, has no check ${against}`);
  const before = snapshot.result;
  if (before?.kind !== 'schema') return none(`the previous deployment, ${deploymentId}, recorded no snapshot in ${against} (${snapshot.status}${snapshot.skipReason ? `: ${snapshot.skipReason}` : ''})`);
  if (cut(before) || cut(now)) return none(`a snapshot was cut at maxObjects (${before.objectsTotal} and ${now.objectsTotal} objects): raise maxObjects or narrow schemas`);
  if (before.schemas.join('\u0000') !== now.schemas.join('\u0000')) return none(`${deploymentId}'s ${against} covers ${before.schemas.join(', ')}, this snapshot ${now.schemas.join(', ')}`);
  return { against: { deploymentId, checkId: against }, noBaseline: null, entries: diffCatalogs(before.objects, [...objects], { storage: false }) };
}
