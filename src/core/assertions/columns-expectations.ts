/**
 * A `columns` check compares the relation's columns with the expected ones: presence, type,
 * nullability and order. PostgreSQL reports every view column as nullable, so a NOT NULL
 * expectation on a view is judged on the data (the collector counted NULL rows), and says so.
 */
import type { AssertionOutcome, CheckOf, ResultOf } from '../../format/index.ts';
import { count, listed, plainOutcome, plainValue } from './words.ts';

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

/** One of the outcomes above in a plain sentence, by the id it was given there. */
export function sayColumnExpectation(outcome: AssertionOutcome, result: ResultOf<'columns'> | null): string {
  const pass = outcome.status === 'pass';
  const names = (value: AssertionOutcome['actual']) => (Array.isArray(value) ? value.map((v) => plainValue(v)) : []);
  if (outcome.id === 'relation-exists') return pass ? outcome.description : `${result ? `${result.relation.schema}.${result.relation.name}` : outcome.description.replace(/ exists$/, '')} does not exist`;
  // A column named `count` or `order` has the id `column-count` too: the recorded value's shape tells them apart.
  if (outcome.id === 'column-count' && typeof outcome.actual === 'number') return pass ? `${plainValue(outcome.actual)} columns, as expected` : `${plainValue(outcome.actual)} columns (expected ${plainValue(outcome.expected)})`;
  if (outcome.id === 'column-order' && Array.isArray(outcome.actual)) return pass ? 'the columns are in the expected order' : `the columns are out of order: ${listed(names(outcome.actual), 20)} (expected ${listed(names(outcome.expected), 20)})`;
  if (outcome.id === 'no-extra-columns') {
    const extra = names(outcome.actual);
    return pass || extra.length === 0 ? 'no columns beyond the expected ones' : `${count(extra.length, 'column')} beyond the expected ones: ${listed(extra, 8)}`;
  }
  if (outcome.id.startsWith('column-')) {
    const name = outcome.id.slice('column-'.length);
    if (outcome.actual === 'missing') return `no column ${name} (expected ${plainValue(outcome.expected)})`;
    return pass ? `column ${name} is ${plainValue(outcome.actual)}` : `column ${name} is ${plainValue(outcome.actual)} (expected ${plainValue(outcome.expected)})`;
  }
  return plainOutcome(outcome);
}
