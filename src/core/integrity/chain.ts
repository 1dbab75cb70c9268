/**
 * The chain of manifests per environment. Each manifest names the digest (sha256 of its bytes)
 * of the manifest before it in the same environment, so an earlier deployment cannot be removed
 * or rewritten without breaking the link that names it. Pure: links in, the tip to extend and
 * every broken or forked link out.
 */
import type { ChainLink } from '../../format/read-chain-links.ts';

export type { ChainLink };

export interface ChainProblem {
  environment: string;
  /** The deployments the problem is about. */
  ids: string[];
  message: string;
}

const newestFirst = (a: ChainLink, b: ChainLink) => ((b.finishedAt ?? '') < (a.finishedAt ?? '') ? -1 : (b.finishedAt ?? '') > (a.finishedAt ?? '') ? 1 : a.id < b.id ? 1 : -1);

/**
 * The manifest a new deployment of `environment` follows: the end of the chain (a manifest no
 * other names), the newest when a fork left several ends; null for an environment's first.
 */
export function chainTip(links: readonly ChainLink[], environment: string): ChainLink | null {
  const here = links.filter((l) => l.environment === environment);
  const named = new Set(here.map((l) => l.previous).filter((d): d is string => d !== null));
  return here.filter((l) => !named.has(l.digest)).sort(newestFirst)[0] ?? null;
}

export function chainProblems(links: readonly ChainLink[]): ChainProblem[] {
  const problems: ChainProblem[] = [];
  const environments = [...new Set(links.map((l) => l.environment))].sort();
  for (const environment of environments) {
    const here = links.filter((l) => l.environment === environment);
    const byDigest = new Map(here.map((l) => [l.digest, l]));
    const starts = here.filter((l) => l.previous === null && l.formatVersion >= 2);
    if (starts.length > 1) {
      problems.push({ environment, ids: starts.map((l) => l.id).sort(), message: `${environment}: ${starts.length} deployments each claim to be the first of the chain (${starts.map((l) => l.id).sort().join(', ')}): a fork at the start` });
    }
    const followers = new Map<string, ChainLink[]>();
    for (const link of here) {
      if (link.previous === null) continue;
      const before = byDigest.get(link.previous);
      if (!before) {
        problems.push({ environment, ids: [link.id], message: `${link.id}: its manifest follows ${link.previous}, which no ${environment} manifest has (the deployment before it was removed or rewritten)` });
        continue;
      }
      followers.set(link.previous, [...(followers.get(link.previous) ?? []), link]);
    }
    for (const [digest, after] of followers) {
      if (after.length < 2) continue;
      const ids = after.map((l) => l.id).sort();
      problems.push({ environment, ids, message: `${ids.join(' and ')} both follow ${byDigest.get(digest)!.id}: a fork in the ${environment} chain` });
    }
  }
  return problems;
}
