/**
 * The migration revision a deployment brings (issue 26): the one it records (`change.targetRevision`,
 * from the checklist's `revisionParam`), else the one its checklist's migration checks expect — the
 * revision every `migration-ran` and `revision-is-head` assertion names, when they name one. A team's
 * own checklist often declares no revisionParam, yet says the revision in its assertions; the change
 * request and the population show it, saying where it came from.
 */
import type { Deployment } from '../format/index.ts';

export interface TargetRevision {
  revision: string;
  /** `recorded`: the deployment records it; `expected`: its checklist's migration assertions name it. */
  from: 'recorded' | 'expected';
}

const NAMING: ReadonlySet<string> = new Set(['migration-ran', 'revision-is-head']);

export function targetRevisionOf(deployment: Pick<Deployment, 'change' | 'checklist'>): TargetRevision | null {
  if (deployment.change.targetRevision) return { revision: deployment.change.targetRevision, from: 'recorded' };
  const named = new Set<string>();
  for (const check of deployment.checklist.definition.checks) {
    for (const assertion of check.assertions ?? []) {
      if (NAMING.has(assertion.type) && 'revision' in assertion && typeof assertion.revision === 'string') named.add(assertion.revision);
    }
  }
  // Two different revisions (a check before the migration, one after) say no one target.
  const [only] = named;
  return named.size === 1 && only !== undefined ? { revision: only, from: 'expected' } : null;
}
