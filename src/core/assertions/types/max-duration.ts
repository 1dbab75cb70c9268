/** `max-duration`: duration limits with warn and fail levels; explain checks can limit their median execution or planning time. */
import type { CheckResult } from '../../../format/index.ts';
import { roundMs } from '../../numbers.ts';
import type { AssertionModule, AssertionOf } from '../assertion-type.ts';

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
};
