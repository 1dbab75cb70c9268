/**
 * A `columns` check compares the relation's columns with the expected ones: presence, type,
 * nullability and order. PostgreSQL reports every view column as nullable, so a NOT NULL
 * expectation on a view is judged on the data (the collector counted NULL rows), and says so.
 */
import type { AssertionOutcome, CheckOf, ResultOf } from '../../format/index.ts';

export function evaluateColumnExpectations(expect: CheckOf<'columns'>['expect'], result: ResultOf<'columns'>): AssertionOutcome[] {
  const outcomes: AssertionOutcome[] = [];
  const relation = `${result.relation.schema}.${result.relation.name}`;
  if (result.relation.relkind === 'missing') {
    return [{ id: 'relation-exists', type: 'columns', description: `${relation} exists`, expected: 'exists', actual: 'missing', status: 'fail' }];
  }
  const isView = result.relation.relkind === 'view';
  const byName = new Map(result.columns.map((c) => [c.name, c]));
  const nullRows = new Map(result.nullCheckOnData?.nullRows.map((n) => [n.column, n.rows]) ?? []);

  if (expect.exact) {
    outcomes.push({
      id: 'column-count',
      type: 'columns',
      description: `${expect.columns.length} columns`,
      expected: expect.columns.length,
      actual: result.columns.length,
      status: result.columns.length === expect.columns.length ? 'pass' : 'fail',
    });
  }
  for (const want of expect.columns) {
    const got = byName.get(want.name);
    const expected = `${want.type}, ${want.nullable ? 'NULL allowed' : 'NOT NULL'}`;
    const outcome = { id: `column-${want.name}`, type: 'columns', description: `column ${want.name}` };
    if (!got) {
      outcomes.push({ ...outcome, expected, actual: 'missing', status: 'fail' });
      continue;
    }
    const typeOk = got.type === want.type;
    let nullability: string;
    let nullOk = true;
    if (want.nullable) {
      nullability = got.nullable ? 'NULL allowed' : 'NOT NULL';
    } else if (isView) {
      const rows = nullRows.get(want.name);
      nullOk = rows === '0';
      nullability = rows === undefined ? 'NOT NULL not checked on data' : `${rows} NULL rows (view: checked on the data)`;
    } else {
      nullOk = !got.nullable;
      nullability = got.nullable ? 'NULL allowed' : 'NOT NULL';
    }
    outcomes.push({ ...outcome, expected, actual: `${got.type}, ${nullability}`, status: typeOk && nullOk ? 'pass' : 'fail' });
  }
  if (expect.ordered) {
    const wanted = expect.columns.map((c) => c.name);
    const actualOrder = result.columns.map((c) => c.name).filter((name) => wanted.includes(name));
    outcomes.push({
      id: 'column-order',
      type: 'columns',
      description: 'columns in the expected order',
      expected: wanted,
      actual: actualOrder,
      status: actualOrder.join('\u0000') === wanted.join('\u0000') ? 'pass' : 'fail',
    });
  }
  if (expect.exact) {
    const extra = result.columns.filter((c) => !expect.columns.some((w) => w.name === c.name)).map((c) => c.name);
    outcomes.push({ id: 'no-extra-columns', type: 'columns', description: 'no columns beyond the expected ones', expected: [], actual: extra, status: extra.length === 0 ? 'pass' : 'fail' });
  }
  return outcomes;
}
