/**
 * Which deployments are compared: for each deployment, the previous one in the same
 * environment, its baseline, and the same PR's deployment in another environment. Bounded (at
 * most three per deployment), so the site's build grows linearly with the number of
 * deployments, not quadratically.
 */
import type { Deployment } from '../format/index.ts';

type Slim = Pick<Deployment, 'id' | 'environment' | 'startedAt' | 'baseline' | 'markedBaseline'> & { pr?: { number: number | null } };

function byTime(a: Slim, b: Slim): number {
  return a.startedAt === b.startedAt ? (a.id < b.id ? -1 : 1) : a.startedAt < b.startedAt ? -1 : 1;
}

export interface ComparisonTargets {
  previous: string | null;
  baseline: string | null;
  /** The newest earlier deployment of the same PR in another environment (staging, for production). */
  samePr: string | null;
}

/** For every deployment id: the previous in its environment, and its baseline (explicit, else the newest earlier one marked as baseline). */
export function comparisonTargets(deployments: readonly Slim[]): Map<string, ComparisonTargets> {
  const known = new Set(deployments.map((d) => d.id));
  const sorted = [...deployments].sort(byTime);
  const targets = new Map<string, ComparisonTargets>();
  for (const [i, d] of sorted.entries()) {
    const earlier = sorted.slice(0, i).filter((e) => e.environment === d.environment);
    const previous = earlier.at(-1)?.id ?? null;
    const marked = earlier.filter((e) => e.markedBaseline).at(-1)?.id ?? null;
    const baseline = d.baseline && known.has(d.baseline) ? d.baseline : marked;
    const pr = d.pr?.number ?? null;
    const samePr = pr === null ? null : (sorted.slice(0, i).filter((e) => e.environment !== d.environment && e.pr?.number === pr).at(-1)?.id ?? null);
    targets.set(d.id, { previous, baseline: baseline === d.id ? null : baseline, samePr });
  }
  return targets;
}

/** The distinct (current, base) pairs the site renders a comparison page for. */
export function comparisonPairs(deployments: readonly Slim[]): { current: string; base: string }[] {
  const pairs: { current: string; base: string }[] = [];
  for (const [current, { previous, baseline, samePr }] of comparisonTargets(deployments)) {
    for (const base of new Set([previous, baseline, samePr])) if (base) pairs.push({ current, base });
  }
  return pairs;
}
