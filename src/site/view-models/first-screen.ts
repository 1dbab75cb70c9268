/**
 * The top of a report (issue 26): what an auditor asks first, in the order they ask it — the
 * decision and each reason for it, linked to its check; what changed since the previous deployment
 * in the environment and since the baseline, regressions first, with performance ratios; whether
 * the evidence verifies and who has signed it — then an overview of the report's sections by
 * status, and how many checks are not a plain pass (what the "only those" switch leaves).
 * Pure: the page hands it what the loaders read; the reasons are judged in the core
 * (src/core/decision/reason-list.ts), the comparisons made there (src/core/compare/).
 */
import type { Deployment } from '../../format/index.ts';
import type { DecisionInput } from '../../core/decision/decide.ts';
import { reasonList, type ReasonWeight } from '../../core/decision/reason-list.ts';
import type { CheckComparison, ComparisonLabel } from '../../core/compare/compare-checks.ts';
import type { DeploymentComparison } from '../../core/compare/compare-deployments.ts';
import type { TimingComparison } from '../../core/compare/difference.ts';
import type { IntegrityStatus } from '../../core/integrity/verify.ts';
import { formatMs, statusLabels, type AnyStatus } from '../format.ts';
import { routes } from '../routes.ts';
import type { CheckView } from './check-view.ts';
import type { ReportModel, SectionBlock } from './report.ts';

interface ReasonItem {
  weight: ReasonWeight;
  /** What the reason does to the decision, in a word beside its badge. */
  weightWord: string;
  status: AnyStatus;
  /** The check's anchor in the report (null: the collection itself). */
  href: string | null;
  checkId: string | null;
  /** `§3 The view counts every invoice once`. */
  label: string;
  sentence: string;
}

interface ChangeItem {
  label: ComparisonLabel;
  word: string;
  tone: string;
  checkId: string;
  href: string;
  title: string;
  /** What differs, in the comparison's own words, worse first; timings as ratios. */
  text: string;
}

interface ChangeBlock {
  /** `Since staging-pr12, the previous staging deployment and the baseline`. */
  heading: string;
  base: { id: string; href: string; decision: string };
  href: string;
  /** `3 regressed, 10 same`. */
  summary: string;
  checklistNote: string | null;
  items: ChangeItem[];
  /** Items left for the comparison page. */
  more: number;
}

interface OverviewRow {
  anchor: string;
  label: string;
  /** 0 for a top-level section, 1 for "4.1" under "4"… */
  depth: number;
  status: AnyStatus;
  counts: { status: AnyStatus; count: number; text: string }[];
}

export interface FirstScreenModel {
  /** `Why it is BLOCKED` / `Why it is APPROVED`. */
  reasonsHeading: string;
  reasons: ReasonItem[];
  /** Said when there is no reason against it: every check passed. */
  allPassed: string | null;
  changes: ChangeBlock[];
  /** Why there is nothing to compare with (null: there is). */
  changesNote: string | null;
  integrity: { status: IntegrityStatus; tone: string; word: string; text: string };
  signoff: { tone: string; word: string; text: string; href: string | null };
  verifyHref: string | null;
  overview: OverviewRow[];
  /** Checks that are not a plain pass, of all the report shows: what "show only those" leaves. */
  notPlainPass: number;
  checks: number;
}

export interface FirstScreenInput {
  deployment: Deployment;
  snapshots: DecisionInput['snapshots'];
  report: Pick<ReportModel, 'sections' | 'preDeployment' | 'criteria' | 'signoffSummary' | 'manifest'>;
  integrity: { status: IntegrityStatus; problems: readonly string[]; digest: string | null };
  /** The deployment this one's manifest follows in its environment (null: the first, or not found). */
  follows: string | null;
  /** The previous deployment in the environment and the baseline, each compared with this one (null: none). */
  previous: DeploymentComparison | null;
  baseline: DeploymentComparison | null;
}

const WEIGHT_WORDS: Record<ReasonWeight, string> = { blocks: 'Blocks', incomplete: 'Incomplete', warns: 'Note', optional: 'Optional' };

/** Regressions first: the order a change list is read in. */
const LABEL_ORDER: ComparisonLabel[] = ['regressed', 'removed', 'fixed', 'changed', 'new', 'same'];
const LABEL_WORDS: Record<ComparisonLabel, { word: string; tone: string }> = {
  regressed: { word: 'Regressed', tone: 'tone-fail' },
  removed: { word: 'Removed', tone: 'tone-fail' },
  fixed: { word: 'Fixed', tone: 'tone-pass' },
  changed: { word: 'Changed', tone: 'tone-warn' },
  new: { word: 'New', tone: 'tone-incomplete' },
  same: { word: 'Same', tone: 'tone-skipped' },
};

/** At most this many changes per comparison on the first screen; the comparison page has all. */
export const SHOWN_CHANGES = 5;
/** A change's text is cut here on the first screen. */
const CHANGE_TEXT_MAX = 160;

/**
 * Worst first, for a section's badge and its counts: the checks' order (src/core/order.ts), with
 * an incomplete criterion and a check not collected beside an error — never better than a skip.
 */
const SHOWN_ORDER: AnyStatus[] = ['fail', 'error', 'incomplete', 'missing', 'skipped', 'warn', 'pass'];
const rank = (s: AnyStatus) => SHOWN_ORDER.length - SHOWN_ORDER.indexOf(s);

export function firstScreen(input: FirstScreenInput): FirstScreenModel {
  const { deployment } = input;
  const reasons = reasonList({ checklist: deployment.checklist.definition, snapshots: input.snapshots, complete: deployment.collection === 'complete' });
  const views = allViews(input.report);
  return {
    reasonsHeading: `Why it is ${deployment.decision.status}`,
    reasons: reasons.map((r) => ({
      weight: r.weight,
      weightWord: WEIGHT_WORDS[r.weight],
      status: r.status,
      href: r.checkId ? `#${r.checkId}` : null,
      checkId: r.checkId,
      label: r.section ? `§${r.section} ${r.title}` : r.title,
      sentence: r.sentence,
    })),
    allPassed: reasons.length === 0 ? 'Every check passed and every criterion is met.' : null,
    ...changesOf(deployment, input.previous, input.baseline),
    integrity: integrityOf(deployment, input.integrity, input.follows),
    signoff: input.report.signoffSummary
      ? { tone: input.report.signoffSummary.tone, word: input.report.signoffSummary.complete ? 'Signed' : 'Not signed off', text: input.report.signoffSummary.text, href: '#signoff' }
      : { tone: 'tone-skipped', word: 'No sign-off', text: 'The checklist declares no sign-off roles.', href: null },
    verifyHref: input.report.manifest ? '#verify' : null,
    overview: overviewOf(input.report),
    notPlainPass: views.filter((v) => v.problem !== null).length,
    checks: views.length,
  };
}

function allViews(report: FirstScreenInput['report']): CheckView[] {
  const inBlock = (b: SectionBlock): CheckView[] => [...b.checks, ...b.children.flatMap(inBlock)];
  return [...(report.preDeployment?.checks ?? []), ...report.sections.flatMap(inBlock)];
}

function changesOf(deployment: Deployment, previous: DeploymentComparison | null, baseline: DeploymentComparison | null): Pick<FirstScreenModel, 'changes' | 'changesNote'> {
  const env = deployment.environment;
  const sameBase = previous && baseline && previous.base.id === baseline.base.id;
  const blocks = [
    ...(previous ? [changeBlock(deployment.id, previous, sameBase ? `Since ${previous.base.id}, the previous ${env} deployment and the baseline` : `Since ${previous.base.id}, the previous ${env} deployment`)] : []),
    ...(baseline && !sameBase ? [changeBlock(deployment.id, baseline, `Since the baseline, ${baseline.base.id}`)] : []),
  ];
  return { changes: blocks, changesNote: blocks.length === 0 ? `The first deployment in ${env}, with no baseline: nothing earlier to compare with.` : null };
}

function changeBlock(id: string, comparison: DeploymentComparison, heading: string): ChangeBlock {
  const ordered = LABEL_ORDER.flatMap((label) => comparison.checks.filter((c) => c.label === label && (label !== 'same' || c.timings.length > 0)));
  const items = ordered.map((c) => changeItem(comparison.base.id, c));
  return {
    heading,
    base: { id: comparison.base.id, href: routes.deployment(comparison.base.id), decision: comparison.base.decision },
    href: routes.compare(id, comparison.base.id),
    summary: LABEL_ORDER.filter((label) => comparison.counts[label] > 0)
      .map((label) => `${comparison.counts[label]} ${label}`)
      .join(', '),
    checklistNote: comparison.checklistNote,
    items: items.slice(0, SHOWN_CHANGES),
    more: Math.max(0, items.length - SHOWN_CHANGES),
  };
}

function changeItem(baseId: string, c: CheckComparison): ChangeItem {
  // The performance ratios first, then what got worse, then the rest.
  const differences = [...c.differences].filter((d) => d.kind !== 'timing').sort((a, b) => Number(b.worse) - Number(a.worse)).map((d) => d.text);
  const timings = c.timings.filter((t) => t.metric === 'execution' || t.verdict !== 'within noise');
  const text = [...timings.map(timingRatio), ...differences].join('; ') || (c.label === 'new' ? 'not in the earlier deployment' : c.label === 'removed' ? 'in the earlier deployment, missing from this one' : 'no difference');
  return {
    label: c.label,
    ...LABEL_WORDS[c.label],
    checkId: c.id,
    // A check this deployment no longer has is on the earlier one's report.
    href: c.label === 'removed' ? routes.check(baseId, c.id) : `#${c.id}`,
    title: `§${c.section} ${c.title}`,
    text: text.length > CHANGE_TEXT_MAX ? `${text.slice(0, CHANGE_TEXT_MAX - 1)}…` : text,
  };
}

/** `execution 0.21 ms → 0.64 ms (×3.05, slower)`: the ratio first-class, the noise band on the comparison page. */
export function timingRatio(t: TimingComparison): string {
  return `${t.metric} ${formatMs(t.baseMs)} → ${formatMs(t.currentMs)} (×${t.ratio}, ${t.verdict}${t.exceedsLimit ? `, over its ×${t.maxRatio} limit` : ''})`;
}

function integrityOf(deployment: Deployment, integrity: FirstScreenInput['integrity'], follows: string | null): FirstScreenModel['integrity'] {
  const digest = integrity.digest ? `digest ${integrity.digest.slice(0, 12)}…` : 'no digest';
  switch (integrity.status) {
    case 'OK':
      return {
        status: 'OK',
        tone: 'tone-pass',
        word: 'Verified',
        text: `Every file matches its manifest (${digest}), the decision re-derives from the snapshots, and ${follows ? `it follows ${follows} in ${deployment.environment}` : `it is the first in ${deployment.environment}'s chain`}.`,
      };
    case 'FAILED':
      return { status: 'FAILED', tone: 'tone-fail', word: 'Integrity failed', text: `${integrity.problems.length} problem${integrity.problems.length === 1 ? '' : 's'}, listed above: do not rely on this evidence.` };
    case 'INCOMPLETE':
      return {
        status: 'INCOMPLETE',
        tone: 'tone-incomplete',
        word: 'Not verified',
        text: deployment.collection === 'complete' ? `${integrity.problems.join('; ') || 'it cannot be shown to be what was collected'}.` : 'The collection did not finish: there is no manifest to verify against.',
      };
  }
}

function countsOf(statuses: readonly AnyStatus[]): OverviewRow['counts'] {
  return SHOWN_ORDER.map((status) => ({ status, count: statuses.filter((s) => s === status).length })).filter((c) => c.count > 0).map((c) => ({ ...c, text: `${c.count} ${statusLabels[c.status].word.toLowerCase()}` }));
}

const worst = (statuses: readonly AnyStatus[]): AnyStatus => statuses.reduce<AnyStatus>((w, s) => (rank(s) > rank(w) ? s : w), 'pass');

function overviewOf(report: FirstScreenInput['report']): OverviewRow[] {
  const rows: OverviewRow[] = [];
  const criteria = report.criteria.map((c) => c.status);
  if (criteria.length > 0) rows.push({ anchor: '#decision', label: 'Go/no-go criteria', depth: 0, status: worst(criteria), counts: countsOf(criteria) });
  if (report.preDeployment) {
    // A required attestation not given is a warning, an optional one only a note (its "skipped"
    // badge): it never makes the section read worse than a warning.
    const { attestations, checks } = report.preDeployment;
    const statuses = [...attestations.map((a) => (a.status === 'skipped' ? 'pass' : a.status)), ...checks.map((v) => v.status)];
    const counts = countsOf(checks.map((v) => v.status));
    const given = attestations.filter((a) => a.given !== null).length;
    if (attestations.length > 0) counts.push({ status: given === attestations.length ? 'pass' : 'warn', count: given, text: `${given} of ${attestations.length} attestation${attestations.length === 1 ? '' : 's'} given` });
    rows.push({ anchor: '#pre-deployment', label: report.preDeployment.title, depth: 0, status: worst(statuses), counts });
  }
  const walk = (block: SectionBlock, depth: number) => {
    const statuses = allViews({ sections: [block], preDeployment: null, criteria: [], signoffSummary: null, manifest: null }).map((v) => v.status);
    rows.push({ anchor: `#section-${block.number}`, label: `${block.number}. ${block.title}`, depth, status: worst(statuses), counts: countsOf(statuses) });
    for (const child of block.children) walk(child, depth + 1);
  };
  for (const block of report.sections) walk(block, 0);
  return rows;
}
