/** `columns` checks in the core: a retyped or removed column is worse; a column that became nullable too. */
import type { ResultOf } from '../../format/index.ts';
import type { Difference } from '../compare/difference.ts';
import { evaluateColumnExpectations, sayColumnExpectation } from '../assertions/columns-expectations.ts';
import type { CheckKindCore } from './check-kind.ts';

function columnDifferences(base: ResultOf<'columns'>, current: ResultOf<'columns'>): Difference[] {
  const out: Difference[] = [];
  const before = new Map(base.columns.map((c) => [c.name, c]));
  const after = new Map(current.columns.map((c) => [c.name, c]));
  for (const [name, c] of after) {
    const b = before.get(name);
    if (!b) out.push({ kind: 'column-added', text: `column added: ${name} ${c.type}`, worse: false });
    else {
      if (b.type !== c.type) out.push({ kind: 'column-retyped', text: `column retyped: ${name} ${b.type} → ${c.type}`, worse: true });
      if (b.nullable !== c.nullable) out.push({ kind: 'column-nullability', text: `column ${name}: ${b.nullable ? 'NULL allowed' : 'NOT NULL'} → ${c.nullable ? 'NULL allowed' : 'NOT NULL'}`, worse: c.nullable });
    }
  }
  for (const name of before.keys()) {
    if (!after.has(name)) out.push({ kind: 'column-removed', text: `column removed: ${name}`, worse: true });
  }
  return out;
}

export const columnsKind: CheckKindCore<'columns'> = {
  describe: (check) => `columns of ${check.relation.schema}.${check.relation.name}`,
  paramsNeeded: () => [],
  expectations({ expect }) {
    const out = expect.columns.map((c) => `column ${c.name} is ${c.type}${c.nullable ? '' : ', NOT NULL'}`);
    if (expect.exact) out.push(`no other columns${expect.ordered ? ', in this order' : ''}`);
    else if (expect.ordered) out.push('in this order');
    return out;
  },
  judgeExpectations: (check, result) => evaluateColumnExpectations(check.expect, result),
  sayExpectation: sayColumnExpectation,
  compare: (base, current) => ({ differences: columnDifferences(base, current) }),
  metric: () => null,
};
