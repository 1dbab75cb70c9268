/** An EXPLAIN ANALYZE result as pages show it: medians, every run, buffers and the plan tree. */
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
});
