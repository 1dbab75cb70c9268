/**
 * Staging against production for the same change (issue 28 point 3): the change request of a
 * production deployment says whether the schema production was left with is the one staging was
 * left with, for the same checklist and the same target revision — each `schema` check with a
 * change report (`changesFrom`, the after-snapshot) compared object by object, storage ignored
 * (relfilenode and estimated rows differ between two servers by nature).
 *
 * Environments are paired by name: `production` and `prod` go with `staging`; `<name>-production`
 * and `<name>-prod` with `<name>-staging` (`eu-production` with `eu-staging`). Any other
 * environment has no staging counterpart, and the change request says nothing about it.
 */
import type { CheckSnapshot, Deployment, ResultOf, SchemaChange } from '../../format/index.ts';
import { diffCatalogs } from '../schema-diff/diff.ts';
import { targetRevisionOf } from '../target-revision.ts';

/** The staging environment of a production one, by the naming rule above; null when `environment` is not a production one. */
export function stagingEnvironmentOf(environment: string): string | null {
  const m = /^(?:(.+)-)?(?:production|prod)$/.exec(environment);
  if (!m) return null;
  return m[1] ? `${m[1]}-staging` : 'staging';
}

type Candidate = Pick<Deployment, 'id' | 'environment' | 'checklist' | 'change' | 'startedAt' | 'collection'>;

/** Whether a deployment is the same change as `production`: same checklist, same target revision (both known). */
function sameChange(production: Candidate, other: Candidate): boolean {
  const a = targetRevisionOf(production);
  const b = targetRevisionOf(other);
  return other.checklist.id === production.checklist.id && a !== null && b !== null && a.revision === b.revision;
}

/**
 * The staging deployment of the same change: in the staging environment, a finished collection of
 * the same checklist at the same target revision, started before production; the newest of them.
 */
export function stagingDeploymentFor(production: Candidate, candidates: readonly Candidate[]): string | null {
  const staging = stagingEnvironmentOf(production.environment);
  if (staging === null) return null;
  const found = candidates
    .filter((c) => c.environment === staging && c.collection === 'complete' && c.startedAt <= production.startedAt && sameChange(production, c))
    .sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : a.id < b.id ? 1 : -1));
  return found[0]?.id ?? null;
}

export interface SchemaCheckMatch {
  checkId: string;
  /** What differs from staging's after-snapshot (staging → production); null: one side recorded no snapshot, `missing` says which. */
  differences: SchemaChange[] | null;
  missing: 'staging' | 'production' | null;
}

export type StagingMatch =
  /** Not a production environment (by the naming rule): nothing to say. */
  | { kind: 'not-production' }
  | { kind: 'none'; environment: string; revision: string | null }
  /** Found, but it does not verify: not compared. */
  | { kind: 'unverified'; stagingId: string; problems: readonly string[] }
  | { kind: 'compared'; stagingId: string; checks: SchemaCheckMatch[] };

interface Side {
  deployment: Deployment;
  snapshots: ReadonlyMap<string, CheckSnapshot>;
}

const schemaOf = (side: Side, id: string): ResultOf<'schema'> | null => {
  const result = side.snapshots.get(id)?.result;
  return result?.kind === 'schema' ? result : null;
};

/** Compares production's after-snapshots (schema checks with `changesFrom`) with staging's, object by object. */
export function compareWithStaging(production: Side, staging: Side): SchemaCheckMatch[] {
  const afterChecks = production.deployment.checklist.definition.checks.filter((c) => c.kind === 'schema' && c.changesFrom);
  return afterChecks.map((check) => {
    const mine = schemaOf(production, check.id);
    const theirs = schemaOf(staging, check.id);
    if (!mine || !theirs) return { checkId: check.id, differences: null, missing: !theirs ? 'staging' : 'production' };
    return { checkId: check.id, differences: diffCatalogs(theirs.objects, mine.objects, { storage: false }), missing: null };
  });
}

/** Whether every compared after-snapshot matches (at least one compared, none missing). */
export function matchesStaging(checks: readonly SchemaCheckMatch[]): boolean {
  return checks.length > 0 && checks.every((c) => c.differences !== null && c.differences.length === 0);
}
