/**
 * `explain` checks in the core: medians compared as ratios against the check's noise band and
 * absolute floor (both recorded in the snapshot), node types and rows scanned; charted by the
 * median execution time.
 */
import type { ResultOf } from '../../format/index.ts';
import { pct, type Difference, type TimingComparison } from '../compare/difference.ts';
import { roundMs } from '../numbers.ts';
import { oneLine, type CheckKindCore } from './check-kind.ts';
import { plainOutcome } from '../assertions/words.ts';

function timing(metric: TimingComparison['metric'], baseMs: number, currentMs: number, band: { noiseBand: number; noiseFloorMs: number; maxRatio: number }): TimingComparison {
  const ratio = Math.max(currentMs, 0.001) / Math.max(baseMs, 0.001);
  // Both a relative band and an absolute floor: 0.6 ms → 1.1 ms is ×1.8, and still noise.
  const noise = Math.abs(currentMs - baseMs) <= band.noiseFloorMs;
  const verdict = noise ? 'within noise' : ratio > 1 + band.noiseBand ? 'slower' : ratio < 1 / (1 + band.noiseBand) ? 'faster' : 'within noise';
  return { metric, baseMs, currentMs, ratio: roundMs(ratio), ...band, verdict, exceedsLimit: !noise && metric === 'execution' && ratio > band.maxRatio };
}

function explainDifferences(base: ResultOf<'explain'>, current: ResultOf<'explain'>): { differences: Difference[]; timings: TimingComparison[] } {
  const timings = [
    timing('execution', base.medianExecutionMs, current.medianExecutionMs, current),
    timing('planning', base.medianPlanningMs, current.medianPlanningMs, { ...current, maxRatio: Number.POSITIVE_INFINITY }),
  ];
  const differences: Difference[] = timings
    .filter((t) => t.verdict !== 'within noise')
    .map((t) => ({
      kind: 'timing',
      text: `${t.metric} time ${t.verdict}: ${t.baseMs} ms → ${t.currentMs} ms (×${t.ratio}; noise band ±${Math.round(t.noiseBand * 100)}% and ${t.noiseFloorMs} ms${t.exceedsLimit ? `, above the ×${t.maxRatio} limit` : ''})`,
      worse: t.exceedsLimit,
    }));
  if (base.nodeTypes.join('|') !== current.nodeTypes.join('|')) {
    differences.push({ kind: 'plan-nodes', text: `plan: ${base.nodeTypes.join(' → ')}  ⇒  ${current.nodeTypes.join(' → ')}`, worse: false });
  }
  if (base.rowsScanned !== current.rowsScanned) {
    differences.push({ kind: 'row-count', text: `rows scanned: ${base.rowsScanned.toLocaleString('en-US')} → ${current.rowsScanned.toLocaleString('en-US')} (${pct(base.rowsScanned, current.rowsScanned)})`, worse: false });
  }
  return { differences, timings };
}

/**
 * The run whose plan an explain check keeps: the median by execution time (the lower of the
 * middle two for an even count, the earlier of equal runs), so the plan sits under the median.
 */
export function medianRunIndex(runs: readonly { executionMs: number }[]): number {
  const byTime = runs.map((r, i) => ({ i, ms: r.executionMs })).sort((a, b) => a.ms - b.ms || a.i - b.i);
  return byTime[Math.floor((byTime.length - 1) / 2)]?.i ?? 0;
}

export const explainKind: CheckKindCore<'explain'> = {
  describe: (check) => `EXPLAIN ANALYZE, ${check.runs} run${check.runs > 1 ? 's' : ''}: ${oneLine(check.sql)}`,
  paramsNeeded: (check) => check.params,
  expectations: () => [],
  judgeExpectations: () => [],
  // Judges no expectations of its own: an outcome of its kind is a stored one from elsewhere, said plainly.
  sayExpectation: plainOutcome,
  compare: (base, current) => explainDifferences(base, current),
  metric: (result) => ({ name: 'execution time (ms, median)', value: result.medianExecutionMs }),
};
