/** Single definitions of how statuses and deployments are ordered, for every layer. */
import type { CheckStatus, CriterionStatus } from '../format/index.ts';

/** From best to worst: a check that errored or was skipped is worse than a warning, better than a failure. */
export const CHECK_STATUS_ORDER: Record<CheckStatus, number> = { pass: 0, warn: 1, skipped: 2, error: 3, fail: 4 };

/** Oldest first by start time; the id breaks ties, so the order never depends on reading order. */
export function chronological(a: { startedAt: string; id: string }, b: { startedAt: string; id: string }): number {
  if (a.startedAt !== b.startedAt) return a.startedAt < b.startedAt ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** A go/no-go criterion, from met to failed: an incomplete criterion is never met. */
export const CRITERION_STATUS_ORDER: Record<CriterionStatus, number> = { pass: 0, warn: 1, incomplete: 2, fail: 3 };
