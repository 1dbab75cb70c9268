/**
 * The chain of manifests per environment. Each manifest names the digest (sha256 of its bytes)
 * of the manifest before it in the same environment, so an earlier deployment cannot be removed
 * or rewritten without breaking the link that names it. Pure: links in, the tip to extend, every
 * broken link and every fork out.
 *
 * A fork — two deployments naming the same predecessor, or two firsts — is history, not
 * tampering (issue 24): two pull requests collected on staging in their own branches both follow
 * the head they saw, and after both merge the evidence holds both. Removing or rewriting a
 * deployment still breaks the link of the one after it; removing the newest is for the git check
 * and the auditor's checkpoint to see.
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
  for (const [environment, here] of byEnvironment(links)) {
    const digests = new Set(here.map((l) => l.digest));
    for (const link of here) {
      if (link.previous === null || digests.has(link.previous)) continue;
      problems.push({ environment, ids: [link.id], message: `${link.id}: its manifest follows ${link.previous}, which no ${environment} manifest has (the deployment before it was removed or rewritten)` });
    }
  }
  return problems;
}

/** Deployments collected in parallel: several naming the same predecessor (`after`), or several firsts (`after` null). */
export interface ChainFork {
  environment: string;
  /** The deployment they all follow; null when each is a first of its environment. */
  after: string | null;
  /** Oldest first. */
  ids: string[];
}

export function chainForks(links: readonly ChainLink[]): ChainFork[] {
  const forks: ChainFork[] = [];
  for (const [environment, here] of byEnvironment(links)) {
    const byDigest = new Map(here.map((l) => [l.digest, l]));
    const followers = new Map<string | null, ChainLink[]>();
    for (const link of here) {
      // v1 manifests named no predecessor: they stand outside the chain, not beside its first.
      if (link.previous === null && link.formatVersion < 2) continue;
      if (link.previous !== null && !byDigest.has(link.previous)) continue;
      followers.set(link.previous, [...(followers.get(link.previous) ?? []), link]);
    }
    for (const [previous, after] of followers) {
      if (after.length < 2) continue;
      forks.push({ environment, after: previous === null ? null : byDigest.get(previous)!.id, ids: after.sort((a, b) => -newestFirst(a, b)).map((l) => l.id) });
    }
  }
  return forks;
}

function byEnvironment(links: readonly ChainLink[]): Map<string, ChainLink[]> {
  const environments = new Map<string, ChainLink[]>();
  for (const link of [...links].sort((a, b) => (a.environment < b.environment ? -1 : a.environment > b.environment ? 1 : 0))) {
    environments.set(link.environment, [...(environments.get(link.environment) ?? []), link]);
  }
  return environments;
}
