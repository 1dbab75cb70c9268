/** A comparison page: per check a label, the statuses on both sides, and what differs. */
import type { CheckComparison, ComparisonLabel } from '../../core/compare/compare-checks.ts';
import { compareDeployments, type DeploymentComparison } from '../../core/compare/compare-deployments.ts';
import { comparisonPairs } from '../../core/compare/comparison-targets.ts';
import type { DeploymentEvidence } from '../../format/index.ts';
import { formatUtc, type AnyStatus } from '../format.ts';
import { routes } from '../routes.ts';

export const labelText: Record<ComparisonLabel, { symbol: string; word: string; tone: 'pass' | 'warn' | 'fail' | 'skipped' | 'incomplete' }> = {
  regressed: { symbol: '▼', word: 'Regressed', tone: 'fail' },
  fixed: { symbol: '▲', word: 'Fixed', tone: 'pass' },
  changed: { symbol: '≠', word: 'Changed', tone: 'warn' },
  new: { symbol: '+', word: 'New', tone: 'incomplete' },
  removed: { symbol: '−', word: 'Removed', tone: 'incomplete' },
  same: { symbol: '=', word: 'Same', tone: 'skipped' },
};

export interface ComparisonRow {
  id: string;
  section: string;
  title: string;
  label: ComparisonLabel;
  base: AnyStatus | null;
  current: AnyStatus | null;
  baseHref: string | null;
  currentHref: string | null;
  differences: { text: string; worse: boolean }[];
  timings: CheckComparison['timings'];
}

export interface ComparisonModel {
  title: string;
  base: { id: string; href: string; environment: string; started: string; decision: string };
  current: { id: string; href: string; environment: string; started: string; decision: string };
  checklistNote: string | null;
  counts: { label: ComparisonLabel; count: number }[];
  regressions: string[];
  rows: ComparisonRow[];
}

export function comparisonModel(comparison: DeploymentComparison): ComparisonModel {
  const side = (s: DeploymentComparison['base']) => ({ id: s.id, href: routes.deployment(s.id), environment: s.environment, started: formatUtc(s.startedAt), decision: s.decision });
  return {
    title: `${comparison.current.id} compared with ${comparison.base.id}`,
    base: side(comparison.base),
    current: side(comparison.current),
    checklistNote: comparison.checklistNote,
    counts: (Object.keys(labelText) as ComparisonLabel[]).map((label) => ({ label, count: comparison.counts[label] })).filter((c) => c.count > 0),
    regressions: comparison.regressions,
    rows: comparison.checks.map((c) => ({
      id: c.id,
      section: c.section,
      title: c.title,
      label: c.label,
      base: c.base,
      current: c.current,
      baseHref: c.base ? routes.check(comparison.base.id, c.id) : null,
      currentHref: c.current ? routes.check(comparison.current.id, c.id) : null,
      differences: c.differences.filter((d) => d.kind !== 'status').map((d) => ({ text: d.text, worse: d.worse })),
      timings: c.timings,
    })),
  };
}

/** Every comparison page the site renders (bounded: at most three per deployment), with its model. */
export function comparisonPages(entries: readonly DeploymentEvidence[]): { current: string; base: string; model: ComparisonModel }[] {
  const byId = new Map(entries.map((e) => [e.deployment.id, e]));
  return comparisonPairs(entries.map((e) => e.deployment)).map(({ current, base }) => ({
    current,
    base,
    model: comparisonModel(compareDeployments(byId.get(base)!, byId.get(current)!)),
  }));
}
