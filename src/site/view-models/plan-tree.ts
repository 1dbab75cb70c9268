/** An EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) plan as a tree a person can read. */
import type { JsonValue } from '../../format/index.ts';
import { formatMs } from '../format.ts';

export interface PlanNodeView {
  nodeType: string;
  /** `on invoice i`, `using idx_x`… */
  target: string | null;
  details: { label: string; value: string }[];
  children: PlanNodeView[];
}

type Raw = Record<string, JsonValue>;

function text(value: JsonValue | undefined): string | null {
  if (value === undefined || value === null) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function node(raw: Raw): PlanNodeView {
  const relation = text(raw['Relation Name']);
  const alias = text(raw.Alias);
  const index = text(raw['Index Name']);
  const target = [relation ? `on ${relation}${alias && alias !== relation ? ` ${alias}` : ''}` : null, index ? `using ${index}` : null].filter(Boolean).join(' ') || null;
  const details: { label: string; value: string }[] = [];
  const add = (label: string, value: string | null) => {
    if (value !== null) details.push({ label, value });
  };
  const rows = raw['Actual Rows'];
  const loops = raw['Actual Loops'];
  if (typeof rows === 'number') add('actual rows', `${rows.toLocaleString('en-US')}${typeof loops === 'number' && loops !== 1 ? ` × ${loops.toLocaleString('en-US')} loops` : ''}`);
  if (typeof raw['Plan Rows'] === 'number') add('estimated rows', (raw['Plan Rows'] as number).toLocaleString('en-US'));
  if (typeof raw['Actual Total Time'] === 'number') add('time', formatMs(raw['Actual Total Time'] as number));
  add('filter', text(raw.Filter));
  if (typeof raw['Rows Removed by Filter'] === 'number') add('rows removed by filter', (raw['Rows Removed by Filter'] as number).toLocaleString('en-US'));
  add('index condition', text(raw['Index Cond']));
  add('recheck condition', text(raw['Recheck Cond']));
  add('join filter', text(raw['Join Filter']));
  add('hash condition', text(raw['Hash Cond']));
  add('sort key', Array.isArray(raw['Sort Key']) ? (raw['Sort Key'] as JsonValue[]).map(String).join(', ') : null);
  const hit = raw['Shared Hit Blocks'];
  const read = raw['Shared Read Blocks'];
  if (typeof hit === 'number' || typeof read === 'number') add('shared buffers', `${hit ?? 0} hit, ${read ?? 0} read`);
  const children = Array.isArray(raw.Plans) ? (raw.Plans as Raw[]).map(node) : [];
  return { nodeType: text(raw['Node Type']) ?? 'Node', target, details, children };
}

export function planTree(plan: JsonValue): PlanNodeView | null {
  const root = Array.isArray(plan) ? plan[0] : plan;
  if (!root || typeof root !== 'object' || Array.isArray(root) || !root.Plan || typeof root.Plan !== 'object') return null;
  return node(root.Plan as Raw);
}
