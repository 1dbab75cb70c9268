/**
 * The decision's reasons as a reader is shown them: made again from the deployment's own
 * checklist and its snapshots with today's sentences (issue 26), so evidence of every format
 * version reads in the same words. The stored reasons stand when the words made again do not
 * name the same checks with the same verdicts (`reasonKey`): that evidence does not verify, and
 * `verify` says so — a reader then sees what was recorded, not what the checks would say.
 */
import type { Deployment } from '../../format/index.ts';
import { reasonKey } from '../integrity/rederive.ts';
import type { Judged } from './check-problem.ts';
import { decide } from './decide.ts';

export function reasonsInWords(deployment: Pick<Deployment, 'checklist' | 'decision' | 'collection'>, snapshots: ReadonlyMap<string, Judged>): string[] {
  const { decision } = decide({ checklist: deployment.checklist.definition, snapshots, complete: deployment.collection === 'complete' });
  const same = decision.status === deployment.decision.status && decision.reasons.map(reasonKey).join('\n') === deployment.decision.reasons.map(reasonKey).join('\n');
  return same ? decision.reasons : deployment.decision.reasons;
}
