/**
 * Why a check is not a plain pass, in one line: the decision's reasons and the site's report
 * say it with the same words, from this one function.
 */
import type { CheckSnapshot } from '../../format/index.ts';

export type Judged = Pick<CheckSnapshot, 'id' | 'status' | 'assertions' | 'error' | 'skipReason'>;

function show(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}

/** The line for a check that is not a plain pass (missing, skipped, errored, or with unmet assertions). */
export function checkProblem(snapshot: Judged | undefined): string {
  if (!snapshot) return 'missing: the check did not run';
  if (snapshot.skipReason) return `skipped: ${snapshot.skipReason}`;
  if (snapshot.error) return `${snapshot.status === 'fail' ? 'failed' : 'error'} (${snapshot.error.kind}${snapshot.error.code ? ` ${snapshot.error.code}` : ''}): ${snapshot.error.message}`;
  const unmet = snapshot.assertions.filter((a) => a.status !== 'pass');
  if (unmet.length === 0) return snapshot.status;
  return unmet.map((a) => `${a.status}: ${a.description} (expected ${show(a.expected)}, got ${show(a.actual)})`).join('; ');
}

/** Null for a plain pass; otherwise `checkProblem`. */
export function problemUnlessPass(snapshot: Judged): string | null {
  return snapshot.status === 'pass' && !snapshot.error && !snapshot.skipReason && snapshot.assertions.every((a) => a.status === 'pass') ? null : checkProblem(snapshot);
}
