/**
 * Which sign-offs approve, and when signing one needs `--force` (issue 26). Every role a checklist
 * declares approves — a sign-off says "this may go ahead" — except the roles its sign-off policy
 * lists as `informative`, which record a fact (who deployed) rather than approve. An approving role
 * is not signed over a deployment whose decision is BLOCKED or INCOMPLETE unless the signer forces
 * it, and then the sign-off records the decision it overrode (`forced` in its signed predicate).
 */
import type { DecisionStatus } from '../../format/index.ts';
import type { SignoffPolicy } from '../../format/checklist-schema.ts';

/** The decisions an approving sign-off overrides. */
export type NotGo = Extract<DecisionStatus, 'BLOCKED' | 'INCOMPLETE'>;

const NOT_GO: ReadonlySet<DecisionStatus> = new Set<NotGo>(['BLOCKED', 'INCOMPLETE']);

/** Whether a sign-off in `role` approves under the checklist's policy. */
export function approves(role: string, policy: Pick<SignoffPolicy, 'informative'>): boolean {
  return !(policy.informative ?? []).includes(role);
}

/** The decision a sign-off in `role` would override (it then needs `--force`), or null when it overrides none. */
export function overriddenDecision(decision: DecisionStatus, role: string, policy: Pick<SignoffPolicy, 'informative'>): NotGo | null {
  return NOT_GO.has(decision) && approves(role, policy) ? (decision as NotGo) : null;
}
