/** `max-duration`: duration limits with warn and fail levels; explain checks can limit their median execution or planning time. */
import type { CheckResult } from '../../../format/index.ts';
import { roundMs } from '../../numbers.ts';
import type { AssertionModule, AssertionOf } from '../assertion-type.ts';
import { readableMs, unquoted } from '../words.ts';

function durationMetric(metric: 'duration' | 'execution' | 'planning', result: CheckResult, measuredMs: number): number | null {
  if (metric === 'duration') return measuredMs;
  if (result.kind !== 'explain') return null;
  return metric === 'execution' ? result.medianExecutionMs : result.medianPlanningMs;
}

function durationText(a: AssertionOf<'max-duration'>): string {
  const label = a.metric === 'duration' ? 'duration' : `${a.metric} time`;
  const parts = [a.warnAboveMs !== undefined ? `warn above ${a.warnAboveMs} ms` : null, a.failAboveMs !== undefined ? `fail above ${a.failAboveMs} ms` : null].filter(Boolean);
  return `${label}: ${parts.join(', ')}`;
}

/** `took`, `the median execution took`: what the limit is on. */
const took = (a: AssertionOf<'max-duration'>) => (a.metric === 'duration' ? 'took' : `the median ${a.metric} took`);

export const maxDuration: AssertionModule<AssertionOf<'max-duration'>> = {
  over: 'result',
  describe: durationText,
  judge(a, { result, measuredMs }) {
    const value = durationMetric(a.metric, result, measuredMs);
    const label = a.metric === 'duration' ? 'duration' : `${a.metric} time`;
    const parts = [a.warnAboveMs !== undefined ? `warn above ${a.warnAboveMs} ms` : null, a.failAboveMs !== undefined ? `fail above ${a.failAboveMs} ms` : null].filter(Boolean);
    const description = durationText(a);
    if (value === null) return { status: 'fail', expected: parts.join(', '), actual: `no ${label} in a ${result.kind} result`, description };
    const status = a.failAboveMs !== undefined && value > a.failAboveMs ? 'fail' : a.warnAboveMs !== undefined && value > a.warnAboveMs ? 'warn' : 'pass';
    return { status, expected: { warnAboveMs: a.warnAboveMs ?? null, failAboveMs: a.failAboveMs ?? null }, actual: roundMs(value), description };
  },
  say(a, { outcome }) {
    // The measured value is stored as the outcome's actual; anything else is why it could not be judged.
    if (typeof outcome.actual !== 'number') return `cannot judge the time limit: ${typeof outcome.actual === 'string' ? unquoted(outcome.actual) : 'no time recorded'}`;
    const value = `${took(a)} ${readableMs(outcome.actual)}`;
    const warnAt = a.warnAboveMs !== undefined ? `the ${readableMs(a.warnAboveMs)} warning limit` : null;
    const failAt = a.failAboveMs !== undefined ? `the ${readableMs(a.failAboveMs)} failure limit` : null;
    if (outcome.status === 'fail' && failAt && outcome.actual > a.failAboveMs!) return `${value}, above ${failAt}`;
    if (outcome.status !== 'pass' && warnAt && outcome.actual > a.warnAboveMs!) return `${value}, above ${warnAt}${failAt ? ` (below ${failAt})` : ''}`;
    if (outcome.status !== 'pass') return `${value}, over the limit`;
    const limits = [warnAt, failAt].filter(Boolean);
    return `${value}, within ${limits.join(' and ')}`;
  },
};
