/**
 * The decision's reasons as a reader follows them (issue 26): one entry per check that is not a
 * pass, made from the checklist and the snapshots — never parsed back out of the stored reason
 * strings — each with the check it links to and `checkProblem`'s words, the same words the
 * decision's reasons and the check's own block say. Ordered as a reader weighs them: what blocks,
 * what leaves the decision incomplete (an error, a skip, a check not collected, a collection that
 * did not finish), warnings, then the optional checks that did not pass. Within a weight, the
 * checklist's order.
 */
import type { CheckStatus } from '../../format/index.ts';
import { checkProblem } from './check-problem.ts';
import type { DecisionInput } from './decide.ts';

/** How much a reason weighs on the decision: the order the list is shown in. */
const REASON_WEIGHTS = ['blocks', 'incomplete', 'warns', 'optional'] as const;
export type ReasonWeight = (typeof REASON_WEIGHTS)[number];

export interface Reason {
  weight: ReasonWeight;
  /** The check it is about (null: the collection itself, which did not finish). */
  checkId: string | null;
  section: string | null;
  title: string;
  status: CheckStatus | 'missing';
  /** Why, in `checkProblem`'s words. */
  sentence: string;
}

/** What a check that is not a pass weighs, as `decide` counts it. */
function weightOf(required: boolean, status: Reason['status']): ReasonWeight {
  if (!required) return 'optional';
  if (status === 'fail') return 'blocks';
  if (status === 'warn') return 'warns';
  return 'incomplete';
}

export function reasonList({ checklist, snapshots, complete }: DecisionInput): Reason[] {
  const reasons: Reason[] = complete
    ? []
    : [{ weight: 'incomplete', checkId: null, section: null, title: 'The collection', status: 'missing', sentence: 'the collection did not finish: the evidence is partial' }];
  for (const check of checklist.checks) {
    const snapshot = snapshots.get(check.id);
    const status = snapshot?.status ?? 'missing';
    if (status === 'pass') continue;
    reasons.push({ weight: weightOf(check.required, status), checkId: check.id, section: check.section, title: check.title, status, sentence: checkProblem(snapshot, check) });
  }
  // A stable sort: the checklist's order within each weight.
  return reasons.sort((a, b) => REASON_WEIGHTS.indexOf(a.weight) - REASON_WEIGHTS.indexOf(b.weight));
}
