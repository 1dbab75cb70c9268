/** Figures read from an EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) plan. */
import type { JsonValue } from '../../format/index.ts';

interface PlanNode {
  'Node Type'?: string;
  'Relation Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  Plans?: PlanNode[];
}

interface ExplainRoot {
  Plan: PlanNode;
  'Planning Time'?: number;
  'Execution Time'?: number;
}

export interface PlanFigures {
  planningMs: number;
  executionMs: number;
  /** Rows read from tables: (rows returned + rows removed by filter) × loops, over every base-relation scan. */
  rowsScanned: number;
  sharedHitBlocks: number;
  sharedReadBlocks: number;
  /** Distinct node types, depth first. */
  nodeTypes: string[];
}

export function readPlan(plan: JsonValue): PlanFigures {
  const root = (Array.isArray(plan) ? plan[0] : plan) as unknown as ExplainRoot | undefined;
  if (!root || typeof root !== 'object' || !root.Plan) throw new Error('EXPLAIN returned no plan');
  const nodeTypes: string[] = [];
  let rowsScanned = 0;
  const visit = (node: PlanNode) => {
    const type = node['Node Type'];
    if (type && !nodeTypes.includes(type)) nodeTypes.push(type);
    if (node['Relation Name'] !== undefined) {
      const loops = node['Actual Loops'] ?? 1;
      rowsScanned += ((node['Actual Rows'] ?? 0) + (node['Rows Removed by Filter'] ?? 0)) * loops;
    }
    node.Plans?.forEach(visit);
  };
  visit(root.Plan);
  return {
    planningMs: root['Planning Time'] ?? 0,
    executionMs: root['Execution Time'] ?? 0,
    rowsScanned: Math.round(rowsScanned),
    // Buffer counts at the top node include every child's.
    sharedHitBlocks: root.Plan['Shared Hit Blocks'] ?? 0,
    sharedReadBlocks: root.Plan['Shared Read Blocks'] ?? 0,
    nodeTypes,
  };
}
