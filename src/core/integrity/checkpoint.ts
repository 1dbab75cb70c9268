/**
 * A checkpoint for auditors (issue 24): what an auditor saw of every environment's chain, and,
 * later, whether the evidence still holds all of it. Pure: chain links in, a checkpoint or the
 * problems against one out. The file is read and written at the CLI's edge (src/cli/checkpoint-file.ts).
 *
 * Against a checkpoint, the evidence must
 * - still hold every deployment the checkpoint lists, with the same digest ("removed", "changed");
 * - extend it: every deployment not in it descends (through the digests each manifest names) from
 *   one that is, or — in an environment the checkpoint did not have — starts that environment's chain.
 *   A new start in an environment the checkpoint had is a history grown beside the audited one.
 * Two deployments naming the same predecessor (concurrent branches) fork a chain: that is history,
 * not tampering, and no problem here.
 */
import { CHECKPOINT_KIND, CHECKPOINT_VERSION, type Checkpoint, type CheckpointDeployment } from '../../format/checkpoint-schema.ts';
import type { ChainLink } from '../../format/read-chain-links.ts';

export type CheckpointProblemKind = 'removed' | 'changed' | 'parallel-start' | 'not-extending';

export interface CheckpointProblem {
  environment: string;
  /** The deployment the problem is about. */
  id: string;
  kind: CheckpointProblemKind;
  message: string;
}

const earlier = (a: ChainLink, b: ChainLink) => ((a.finishedAt ?? '') < (b.finishedAt ?? '') ? -1 : (a.finishedAt ?? '') > (b.finishedAt ?? '') ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * One environment's links in chain order: each after the one it follows; where the chain forks,
 * or several links start it (a first deployment, a format-v1 manifest, a link whose predecessor is
 * gone), the earlier finished first, then by id — the same links always give the same order.
 */
export function chainOrder(links: readonly ChainLink[]): ChainLink[] {
  const digests = new Set(links.map((l) => l.digest));
  const followers = new Map<string, ChainLink[]>();
  const ready: ChainLink[] = [];
  for (const link of links) {
    if (link.previous !== null && digests.has(link.previous) && link.previous !== link.digest) followers.set(link.previous, [...(followers.get(link.previous) ?? []), link]);
    else ready.push(link);
  }
  const ordered: ChainLink[] = [];
  const placed = new Set<ChainLink>();
  while (ready.length > 0) {
    ready.sort(earlier);
    const next = ready.shift()!;
    if (placed.has(next)) continue;
    placed.add(next);
    ordered.push(next);
    ready.push(...(followers.get(next.digest) ?? []));
  }
  // Only a cycle of digests (a sha256 naming itself through others: not made by hashing) is left out; keep it, at the end.
  ordered.push(...links.filter((l) => !placed.has(l)).sort(earlier));
  return ordered;
}

const environmentsOf = (links: readonly ChainLink[]) => [...new Set(links.map((l) => l.environment))].sort();

/** The checkpoint of these links, taken at `takenAt` (ISO-8601 UTC). */
export function checkpointOf(links: readonly ChainLink[], takenAt: string): Checkpoint {
  return {
    kind: CHECKPOINT_KIND,
    version: CHECKPOINT_VERSION,
    takenAt,
    environments: environmentsOf(links).map((environment) => ({
      environment,
      deployments: chainOrder(links.filter((l) => l.environment === environment)).map((l): CheckpointDeployment => ({ id: l.id, digest: l.digest, previous: l.previous })),
    })),
  };
}

/** What became of the evidence since the checkpoint: every problem, in checkpoint order, then the new deployments' chain order. */
export function checkpointProblems(checkpoint: Checkpoint, links: readonly ChainLink[]): CheckpointProblem[] {
  const problems: CheckpointProblem[] = [];
  const seen = `the checkpoint of ${checkpoint.takenAt}`;
  const byId = new Map(links.map((l) => [l.id, l]));
  const inCheckpoint = new Set<string>();
  for (const { environment, deployments } of checkpoint.environments) {
    for (const d of deployments) {
      inCheckpoint.add(d.id);
      const now = byId.get(d.id);
      if (!now) {
        problems.push({ environment, id: d.id, kind: 'removed', message: `${d.id} (${environment}): in ${seen}, no longer there (removed, or its deployment.json or manifest.json no longer reads)` });
      } else if (now.digest !== d.digest) {
        problems.push({ environment, id: d.id, kind: 'changed', message: `${d.id} (${environment}): changed since ${seen}: digest ${d.digest} → ${now.digest}` });
      }
    }
  }
  const audited = new Map(checkpoint.environments.map((e) => [e.environment, new Set(e.deployments.map((d) => d.digest))]));
  for (const environment of environmentsOf(links)) {
    const here = links.filter((l) => l.environment === environment);
    const byDigest = new Map(here.map((l) => [l.digest, l]));
    const known = audited.get(environment) ?? new Set<string>();
    // An environment the checkpoint had deployments in: its chain must grow from them.
    const had = known.size > 0;
    /** Where a link's ancestry leads: to the checkpoint, or to the new link at which it stops. */
    const memo = new Map<string, { ok: true } | { ok: false; root: ChainLink; kind: CheckpointProblemKind }>();
    const trace = (start: ChainLink) => {
      const path: ChainLink[] = [];
      const onPath = new Set<string>();
      let at: ChainLink = start;
      let result: { ok: true } | { ok: false; root: ChainLink; kind: CheckpointProblemKind };
      for (;;) {
        const cached = memo.get(at.digest);
        if (cached) {
          result = cached;
          break;
        }
        path.push(at);
        onPath.add(at.digest);
        if (at.previous === null) {
          result = had ? { ok: false, root: at, kind: 'parallel-start' } : { ok: true };
          break;
        }
        if (known.has(at.previous)) {
          result = { ok: true };
          break;
        }
        const before = byDigest.get(at.previous);
        if (!before || onPath.has(before.digest)) {
          result = { ok: false, root: at, kind: 'not-extending' };
          break;
        }
        at = before;
      }
      for (const link of path) memo.set(link.digest, result);
      return result;
    };
    for (const link of chainOrder(here)) {
      if (inCheckpoint.has(link.id)) continue;
      const result = trace(link);
      if (result.ok) continue;
      const { root, kind } = result;
      const through = root === link ? '' : `it descends from ${root.id}, which `;
      const why =
        kind === 'parallel-start'
          ? `${through}starts a new ${environment} chain (it follows no deployment) beside the one in ${seen}: a parallel history, not an extension of the audited one`
          : `${through}follows ${root.previous}, which is neither in ${seen} nor among the ${environment} deployments: it does not extend the audited chain`;
      problems.push({ environment, id: link.id, kind, message: `${link.id} (${environment}): not in ${seen}; ${why}` });
    }
  }
  return problems;
}
