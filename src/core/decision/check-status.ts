/**
 * A check's status from what it recorded: skipped, errored (or failed, when the checklist says a
 * check that cannot run fails), or the worst of its assertions. The collector judges a check with
 * this, and `verify` judges the stored snapshot with it again (issue 24).
 */
import type { CheckDefinition, CheckSnapshot, CheckStatus } from '../../format/index.ts';
import { CHECK_STATUS_ORDER } from '../order.ts';

export function checkStatusOf(
  check: Pick<CheckDefinition, 'errorVerdict'>,
  run: { error: unknown; skipReason: string | null },
  outcomes: readonly Pick<CheckSnapshot['assertions'][number], 'status'>[],
): CheckStatus {
  if (run.skipReason) return 'skipped';
  if (run.error) return check.errorVerdict === 'fail' ? 'fail' : 'error';
  let worst: 'pass' | 'warn' | 'fail' = 'pass';
  for (const outcome of outcomes) {
    // A skipped assertion on a check that ran means it could not be judged: never a pass.
    const status = outcome.status === 'skipped' ? 'fail' : outcome.status;
    if (CHECK_STATUS_ORDER[status] > CHECK_STATUS_ORDER[worst]) worst = status;
  }
  return worst;
}
