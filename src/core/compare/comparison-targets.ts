/**
 * Which deployments are compared: for each deployment, the previous one in the same
 * environment, its baseline, and the same PR's deployment in another environment. Bounded (at
 * most three per deployment), so the site's build grows linearly with the number of
 * deployments, not quadratically.
 */
import type { Deployment } from '../../format/index.ts';
import { chronological } from '../order.ts';

type Slim = Pick<Deployment, 'id' | 'environment' | 'startedAt' | 'baseline' | 'markedBaseline'> & { pr?: { number: number | null } };


export interface ComparisonTargets {
  previous: string | null;
  baseline: string | null;
  /** The newest earlier deployment of the same PR in another environment (staging, for production). */
  samePr: string | null;
}

/** For every deployment id: the previous in its environment, and its baseline (explicit, else the newest earlier one marked as baseline). */
export function comparisonTargets(deployments: readonly Slim[]): Map<string, ComparisonTargets> {
  const known = new Set(deployments.map((d) => d.id));
  const sorted = [...deployments].sort(chronological);
  const targets = new Map<string, ComparisonTargets>();
  // One pass, oldest first, remembering the latest per environment, per marked baseline and per PR.
  const lastInEnv = new Map<string, string>();
  const lastMarked = new Map<string, string>();
  const lastOfPr = new Map<number, Map<string, string>>();
  for (const d of sorted) {
    const previous = lastInEnv.get(d.environment) ?? null;
    const marked = lastMarked.get(d.environment) ?? null;
    const baseline = d.baseline && known.has(d.baseline) ? d.baseline : marked;
    const pr = d.pr?.number ?? null;
    let samePr: string | null = null;
    if (pr !== null) {
      const byEnv = lastOfPr.get(pr);
      // The newest earlier one in another environment.
      for (const [env, id] of byEnv ?? []) {
        if (env === d.environment) continue;
        const candidate = sorted.find((x) => x.id === id)!;
        const current = samePr ? sorted.find((x) => x.id === samePr)! : null;
        if (!current || chronological(current, candidate) < 0) samePr = id;
      }
    }
    targets.set(d.id, { previous, baseline: baseline === d.id ? null : baseline, samePr });
    lastInEnv.set(d.environment, d.id);
    if (d.markedBaseline) lastMarked.set(d.environment, d.id);
    if (pr !== null) {
      if (!lastOfPr.has(pr)) lastOfPr.set(pr, new Map());
      lastOfPr.get(pr)!.set(d.environment, d.id);
    }
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
