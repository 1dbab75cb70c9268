/** An EXPLAIN ANALYZE result as pages show it: medians, every run, buffers and the plan tree. */
import { medianRunIndex } from '../../../core/kinds/explain.ts';
import { formatMs } from '../../format.ts';
import { planTree, type PlanNodeView } from '../plan-tree.ts';
import type { ResultViewBuilder } from './result-view.ts';

export interface ExplainResultView {
  kind: 'explain';
  executionMs: string;
  planningMs: string;
  medianExecutionMs: string;
  medianPlanningMs: string;
  runs: { n: number; execution: string; planning: string }[];
  rowsScanned: string;
  buffers: string;
  nodeTypes: string[];
  tree: PlanNodeView | null;
  /** Which run the plan is from: the median run's in new evidence, the last run's in older evidence. */
  planLabel: string;
}

function planLabel(result: Parameters<ResultViewBuilder<'explain', ExplainResultView>>[0]): string {
  if (result.runs.length <= 1) return 'Plan tree';
  const matches = result.runs.map((r, i) => (r.executionMs === result.executionMs && r.planningMs === result.planningMs ? i : -1)).filter((i) => i >= 0);
  const run = matches.at(-1);
  if (run === undefined) return 'Plan tree';
  const median = result.runs[medianRunIndex(result.runs)]!;
  return `Plan tree (run ${run + 1} of ${result.runs.length}${result.runs[run]!.executionMs === median.executionMs ? ', the median' : ''})`;
}

export const explainResultView: ResultViewBuilder<'explain', ExplainResultView> = (result) => ({
  kind: 'explain',
  executionMs: formatMs(result.executionMs),
  planningMs: formatMs(result.planningMs),
  medianExecutionMs: formatMs(result.medianExecutionMs),
  medianPlanningMs: formatMs(result.medianPlanningMs),
  runs: result.runs.map((r, i) => ({ n: i + 1, execution: formatMs(r.executionMs), planning: formatMs(r.planningMs) })),
  rowsScanned: result.rowsScanned.toLocaleString('en-US'),
  buffers: `${result.sharedHitBlocks.toLocaleString('en-US')} hit, ${result.sharedReadBlocks.toLocaleString('en-US')} read`,
  nodeTypes: result.nodeTypes,
  tree: planTree(result.plan),
  planLabel: planLabel(result),
});
