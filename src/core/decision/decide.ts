/**
 * Go/no-go, computed, never typed. A fail blocks; an error, a skip or a missing required
 * check makes the decision INCOMPLETE (never a pass); warnings approve with notes.
 */
import type { Checklist, CriterionStatus, Deployment, DecisionStatus } from '../../format/index.ts';
import { CRITERION_STATUS_ORDER as CRITERION_RANK } from '../order.ts';
import { checkProblem, type Judged } from './check-problem.ts';

function criterionStatusOf(snapshot: Judged | undefined): CriterionStatus {
  if (!snapshot) return 'incomplete';
  switch (snapshot.status) {
    case 'pass':
      return 'pass';
    case 'warn':
      return 'warn';
    case 'fail':
      return 'fail';
    case 'error':
    case 'skipped':
      return 'incomplete';
  }
}

export interface DecisionInput {
  checklist: Checklist;
  snapshots: ReadonlyMap<string, Judged>;
  /** False while collecting, or when the run was interrupted. */
  complete: boolean;
}

export function decide({ checklist, snapshots, complete }: DecisionInput): Pick<Deployment, 'criteria' | 'decision'> {
  const definitions = new Map(checklist.checks.map((c) => [c.id, c]));
  const criteria = checklist.criteria.map((criterion) => {
    let status: CriterionStatus = 'pass';
    const notes: string[] = [];
    for (const id of criterion.checks) {
      const snapshot = snapshots.get(id);
      const s = criterionStatusOf(snapshot);
      if (CRITERION_RANK[s] > CRITERION_RANK[status]) status = s;
      if (s !== 'pass') notes.push(`${id}: ${checkProblem(snapshot, definitions.get(id))}`);
    }
    return { id: criterion.id, label: criterion.label, checks: criterion.checks, status, notes };
  });

  const blocked: string[] = [];
  const incomplete: string[] = [];
  const notes: string[] = [];
  if (!complete) incomplete.push('the collection did not finish: the evidence is partial');
  for (const check of checklist.checks) {
    const snapshot = snapshots.get(check.id);
    const where = `${check.id} (§${check.section})`;
    const status = snapshot?.status ?? 'missing';
    if (status === 'pass') continue;
    const line = `${where}: ${checkProblem(snapshot, check)}`;
    if (!check.required) notes.push(`optional ${line}`);
    else if (status === 'fail') blocked.push(line);
    else if (status === 'warn') notes.push(line);
    else incomplete.push(line);
  }

  let status: DecisionStatus;
  if (blocked.length > 0) status = 'BLOCKED';
  else if (incomplete.length > 0) status = 'INCOMPLETE';
  else if (notes.length > 0) status = 'APPROVED WITH NOTES';
  else status = 'APPROVED';
  const reasons =
    status === 'APPROVED' ? ['every check passed and every criterion is met'] : [...blocked, ...incomplete, ...notes];
  return { criteria, decision: { status, reasons } };
}
