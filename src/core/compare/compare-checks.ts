/**
 * Comparing one check across two deployments: a pure function with a labelled result, the
 * way Lighthouse CI's audit-diff-finder labels audits. Semantic, per kind — never a text
 * diff of JSON.
 *
 *   new       only in the current deployment        removed   only in the base
 *   regressed status got worse, a test newly fails, or a timing exceeds its limit
 *   fixed     status got better
 *   changed   same status, but something meaningful differs (columns, counts, plan, tests, head…)
 *   same      nothing meaningful differs (timings within their noise band)
 */
import type { CheckSnapshot, CheckStatus } from '../../format/index.ts';
import { outcomesInWords } from '../assertions/say.ts';
import { kindOf } from '../kinds/registry.ts';
import type { CompareOptions } from '../kinds/check-kind.ts';
import { CHECK_STATUS_ORDER as RANK } from '../order.ts';
import type { Difference, TimingComparison } from './difference.ts';

export type ComparisonLabel = 'new' | 'removed' | 'regressed' | 'fixed' | 'changed' | 'same';

export interface CheckComparison {
  id: string;
  title: string;
  section: string;
  kind: CheckSnapshot['kind'];
  label: ComparisonLabel;
  base: CheckStatus | null;
  current: CheckStatus | null;
  differences: Difference[];
  timings: TimingComparison[];
}

function assertionDifferences(base: CheckSnapshot, current: CheckSnapshot, definition: CompareOptions['definition']): Difference[] {
  const before = new Map(base.assertions.map((a) => [a.id, a.status]));
  // What happened now, in the sentence every view shows it by (issue 26), for an assertion no longer met.
  return outcomesInWords(current, definition)
    .filter(({ outcome: a }) => before.has(a.id) && before.get(a.id) !== a.status)
    .map(({ outcome: a, sentence }) => ({
      kind: 'assertion' as const,
      // Said only from the check's definition: without it the sentence would restate the recorded values.
      text: `${a.description}: ${before.get(a.id)} → ${a.status}${a.status === 'pass' || !definition ? '' : ` (${sentence})`}`,
      worse: RANK[a.status] > RANK[before.get(a.id)!],
    }));
}

/** `key`: the check's key columns from the current checklist (sql checks), for row-by-row comparison. */
export function compareCheck(base: CheckSnapshot | undefined, current: CheckSnapshot | undefined, options: CompareOptions = {}): CheckComparison {
  const ref = (current ?? base)!;
  const shell = { id: ref.id, title: ref.title, section: ref.section, kind: ref.kind, base: base?.status ?? null, current: current?.status ?? null };
  if (!base) return { ...shell, label: 'new', differences: [], timings: [] };
  if (!current) return { ...shell, label: 'removed', differences: [], timings: [] };

  const differences: Difference[] = [];
  let timings: TimingComparison[] = [];
  if (base.status !== current.status) differences.push({ kind: 'status', text: `status: ${base.status} → ${current.status}`, worse: RANK[current.status] > RANK[base.status] });
  const a = base.result;
  const b = current.result;
  if (a && b && a.kind === b.kind) {
    const compared = kindOf(a.kind).compare(a, b as never, options);
    differences.push(...compared.differences);
    timings = compared.timings ?? [];
  }
  differences.push(...assertionDifferences(base, current, options.definition));

  let label: ComparisonLabel;
  if (RANK[current.status] > RANK[base.status]) label = 'regressed';
  else if (RANK[current.status] < RANK[base.status]) label = 'fixed';
  else if (differences.some((d) => d.worse) || timings.some((t) => t.exceedsLimit)) label = 'regressed';
  else if (differences.length > 0) label = 'changed';
  else label = 'same';
  return { ...shell, label, differences, timings };
}
