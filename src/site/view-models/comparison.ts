/** A comparison page: per check a label, the statuses on both sides, and what differs. */
import type { ComparisonLabel } from '../../core/compare/compare-checks.ts';
import type { TimingComparison } from '../../core/compare/difference.ts';
import type { DeploymentComparison } from '../../core/compare/compare-deployments.ts';
import { formatUtc, type AnyStatus } from '../format.ts';
import { routes } from '../routes.ts';

interface LabelBadge {
  symbol: string;
  word: string;
  tone: 'pass' | 'warn' | 'fail' | 'skipped' | 'incomplete';
}

/** How each label reads; its order is the summary's. */
const LABEL_BADGES: Record<ComparisonLabel, LabelBadge> = {
  regressed: { symbol: '▼', word: 'Regressed', tone: 'fail' },
  fixed: { symbol: '▲', word: 'Fixed', tone: 'pass' },
  changed: { symbol: '≠', word: 'Changed', tone: 'warn' },
  new: { symbol: '+', word: 'New', tone: 'incomplete' },
  removed: { symbol: '−', word: 'Removed', tone: 'incomplete' },
  same: { symbol: '=', word: 'Same', tone: 'skipped' },
};

interface ComparisonRow {
  id: string;
  section: string;
  title: string;
  label: ComparisonLabel;
  badge: LabelBadge;
  base: AnyStatus | null;
  current: AnyStatus | null;
  baseHref: string | null;
  currentHref: string | null;
  differences: { text: string; worse: boolean }[];
  /** The timings compared, in one sentence (null: none compared). */
  timings: string | null;
}

export interface ComparisonModel {
  title: string;
  base: { id: string; href: string; environment: string; started: string; decision: string };
  current: { id: string; href: string; environment: string; started: string; decision: string };
  checklistNote: string | null;
  /** How many checks have each label, e.g. `1 regressed, 12 same`. */
  summary: string;
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
    summary: (Object.keys(LABEL_BADGES) as ComparisonLabel[])
      .filter((label) => comparison.counts[label] > 0)
      .map((label) => `${comparison.counts[label]} ${label}`)
      .join(', '),
    regressions: comparison.regressions,
    rows: comparison.checks.map((c) => ({
      id: c.id,
      section: c.section,
      title: c.title,
      label: c.label,
      badge: LABEL_BADGES[c.label],
      base: c.base,
      current: c.current,
      baseHref: c.base ? routes.check(comparison.base.id, c.id) : null,
      currentHref: c.current ? routes.check(comparison.current.id, c.id) : null,
      differences: c.differences.filter((d) => d.kind !== 'status').map((d) => ({ text: d.text, worse: d.worse })),
      timings: timingSentence(c.timings),
    })),
  };
}

/** Each timing as `execution 12 ms → 30 ms (×2.5, slower; noise ±20% / 5 ms)`, joined by `; `; null when there is none. */
export function timingSentence(timings: readonly TimingComparison[]): string | null {
  if (timings.length === 0) return null;
  return timings.map((t) => `${t.metric} ${t.baseMs} ms → ${t.currentMs} ms (×${t.ratio}, ${t.verdict}; noise ±${Math.round(t.noiseBand * 100)}% / ${t.noiseFloorMs} ms)`).join('; ');
}
