import { describe, expect, it } from 'vitest';
import { evaluateAssertions } from '../../src/core/assertions/evaluate.ts';
import { compareCells } from '../../src/core/assertions/compare-values.ts';
import { foldRows } from '../../src/core/assertions/row-folds.ts';
import { assertionSchema, checkDefinitionSchema, type AssertionInput, type Cell, type CheckResult } from '../../src/format/index.ts';
import { describeAssertion } from '../../src/core/assertions/registry.ts';
import { checkExpectations } from '../../src/core/kinds/registry.ts';

function sqlResult(columns: [string, string][], rows: Cell[][], reads = ['a']): CheckResult {
  return {
    kind: 'sql',
    columns: columns.map(([name, type]) => ({ name, type, typeOid: 0 })),
    rows,
    rowCount: rows.length,
    reads: reads.map((h) => ({ durationMs: 1, rowsSha256: h })),
  };
}

function commandResult(stdout: string, exitCode: number | null = 0, stderr = ''): CheckResult {
  return { kind: 'command', exitCode, signal: null, timedOut: false, stdout, stderr, outputCapBytes: 1024, redactions: 0, parsed: null };
}

function judge(kind: 'sql' | 'command' | 'explain' | 'dependents', assertion: AssertionInput, result: CheckResult, measuredMs = 10) {
  const base = { id: 'c', section: '1', title: 't', assertions: [assertion] };
  const def =
    kind === 'sql'
      ? { ...base, kind, sql: 'SELECT 1' }
      : kind === 'command'
        ? { ...base, kind, argv: ['true'] }
        : kind === 'explain'
          ? { ...base, kind, sql: 'SELECT 1' }
          : { ...base, kind, relation: { name: 'attempt' } };
  const check = checkDefinitionSchema.parse(def);
  const [outcome] = evaluateAssertions({ check, result, measuredMs, attestations: [] });
  return outcome!;
}

describe('comparing values exactly', () => {
  it('compares decimals exactly: many digits, tiny differences, signs, exponents, NaN and infinities', () => {
    expect(compareCells('12345678901234567890.5', '12345678901234567890.4')).toBe(1);
    expect(compareCells('1234567890123456789012345678901234567890', '1234567890123456789012345678901234567891')).toBe(-1);
    expect(compareCells('0.10000000000000000000000000000000000001', '0.1')).toBe(1);
    expect(compareCells('-0.000000000000000000001', '-0.000000000000000000002')).toBe(1);
    expect(compareCells('-12345678901234567890.5', '-12345678901234567890.4')).toBe(-1);
    expect(compareCells('100', '1e2')).toBe(0);
    expect(compareCells('1.0e-3', '0.001')).toBe(0);
    expect(compareCells('-0', '0')).toBe(0);
    expect(compareCells('007', '7')).toBe(0);
    expect(compareCells('NaN', 'NaN')).toBe(0);
    expect(compareCells('NaN', 'Infinity')).toBe(1);
    expect(compareCells('Infinity', '99999999999999999999999999')).toBe(1);
    expect(compareCells('-Infinity', '-99999999999999999999999999')).toBe(-1);
    expect(compareCells(0.1, '0.1')).toBe(0);
    expect(compareCells(1e21, '1000000000000000000000')).toBe(0);
  });

  it('orders int8 strings beyond 2^53 exactly', () => {
    expect(compareCells('9007199254740993', '9007199254740992')).toBe(1);
    expect(compareCells('9007199254740993', 9007199254740992)).toBe(1);
    expect(compareCells('-5', '3')).toBe(-1);
    expect(compareCells('1.50', 1.5)).toBe(0);
    expect(compareCells(null, 1)).toBeNull();
  });
});

describe('assertions', () => {
  it('row-count: bounds, with warn severity', () => {
    const empty = sqlResult([['a', 'integer']], []);
    expect(judge('sql', { type: 'row-count', min: 1 }, empty).status).toBe('fail');
    expect(judge('sql', { type: 'row-count', min: 1, severity: 'warn' }, empty).status).toBe('warn');
    expect(judge('sql', { type: 'row-count', max: 0 }, empty).status).toBe('pass');
  });

  it('field-compare: first row or every row, exact for int8', () => {
    const r = sqlResult([['n', 'bigint']], [['9007199254740993'], ['0']]);
    expect(judge('sql', { type: 'field-compare', field: 'n', op: 'gt', value: '9007199254740992' }, r).status).toBe('pass');
    expect(judge('sql', { type: 'field-compare', field: 'n', op: 'gt', value: 0, rows: 'all' }, r)).toMatchObject({ status: 'fail', actual: '1 of 2 rows: row 2: n = 0' });
    expect(judge('sql', { type: 'field-compare', field: 'missing', op: 'eq', value: 1 }, r)).toMatchObject({ status: 'fail', actual: 'no column "missing"' });
    expect(judge('sql', { type: 'field-compare', field: 'n', op: 'gt', value: 0 }, sqlResult([['n', 'bigint']], []))).toMatchObject({ status: 'fail', actual: 'no rows' });
  });

  it('keeps the operator with the expected value: "≥ 2000", not 2000', () => {
    const r = sqlResult([['total', 'bigint']], [['1999']]);
    expect(judge('sql', { type: 'field-compare', field: 'total', op: 'gte', value: 2000 }, r)).toMatchObject({ status: 'fail', expected: '≥ 2000', actual: '1999' });
    expect(judge('sql', { type: 'field-compare', field: 'total', op: 'ne', value: 0, rows: 'all' }, r).expected).toBe('≠ 0');
    expect(judge('sql', { type: 'row-count', min: 2 }, r).expected).toBe('≥ 2');
    expect(judge('sql', { type: 'row-count', max: 5 }, r).expected).toBe('≤ 5');
    expect(judge('sql', { type: 'row-count', min: 1, max: 5 }, r).expected).toBe('between 1 and 5');
  });

  it('fields-equal: determinism equalities', () => {
    const cols: [string, string][] = [['total', 'bigint'], ['pairs', 'bigint'], ['ids', 'bigint']];
    expect(judge('sql', { type: 'fields-equal', fields: ['total', 'pairs', 'ids'] }, sqlResult(cols, [['1000', '1000', '1000']])).status).toBe('pass');
    expect(judge('sql', { type: 'fields-equal', fields: ['total', 'pairs', 'ids'] }, sqlResult(cols, [['1000', '1000', '999']]))).toMatchObject({
      status: 'fail',
      actual: '1 of 1 rows differ: row 1: total = 1000, pairs = 1000, ids = 999',
    });
  });

  it('column-types: result types by name', () => {
    const r = sqlResult([['id', 'bigint'], ['completed_at', 'timestamp with time zone']], []);
    expect(judge('sql', { type: 'column-types', columns: [{ name: 'id', type: 'bigint' }] }, r).status).toBe('pass');
    expect(judge('sql', { type: 'column-types', columns: [{ name: 'completed_at', type: 'timestamp without time zone' }] }, r)).toMatchObject({
      status: 'fail',
      actual: { completed_at: 'timestamp with time zone' },
    });
  });

  it('no-nulls: counts NULLs per field, and an empty string is not NULL', () => {
    const r = sqlResult([['a', 'text'], ['b', 'text']], [['', 'x'], ['y', null]]);
    expect(judge('sql', { type: 'no-nulls', fields: ['a'] }, r).status).toBe('pass');
    expect(judge('sql', { type: 'no-nulls', fields: ['a', 'b'] }, r)).toMatchObject({ status: 'fail', actual: { a: 0, b: '1 NULL (first at row 2)' } });
  });

  it('judges every row, not only those kept: a NULL at row 150 and a value out of bounds at row 180 of 200 fail, by row number', () => {
    const rows: Cell[][] = Array.from({ length: 200 }, (_, i) => [String(i + 1), i + 1 === 150 ? null : 'a@example.com', i + 1 === 180 ? 9999 : 10]);
    const result = { ...sqlResult([['id', 'bigint'], ['email', 'text'], ['score', 'integer']], rows.slice(0, 100)), rowCount: 200 };
    const check = checkDefinitionSchema.parse({
      id: 'c', section: '1', title: 't', kind: 'sql', sql: 'SELECT 1', maxRows: 100,
      assertions: [{ type: 'no-nulls', fields: ['email'] }, { type: 'field-compare', field: 'score', op: 'lte', value: 100, rows: 'all' }],
    });
    // The folds see every row as it streams; the kept 100 alone would pass.
    const streamed = foldRows(check, ['id', 'email', 'score'], rows);
    const outcomes = evaluateAssertions({ check, result, measuredMs: 1, attestations: [], rowVerdicts: streamed });
    expect(outcomes.map((o) => [o.status, o.actual])).toEqual([
      ['fail', { email: '1 NULL (first at row 150)' }],
      ['fail', '1 of 200 rows: row 180: score = 9999'],
    ]);
    expect(evaluateAssertions({ check, result, measuredMs: 1, attestations: [] }).map((o) => o.status)).toEqual(['pass', 'pass']);
  });

  it('ordered-within-groups: attempt_no increasing per (student, item)', () => {
    const cols: [string, string][] = [['student_id', 'uuid'], ['item_id', 'integer'], ['attempt_no', 'bigint']];
    const good = sqlResult(cols, [['s1', 1, '1'], ['s2', 1, '1'], ['s1', 1, '2'], ['s1', 2, '1']]);
    expect(judge('sql', { type: 'ordered-within-groups', groupBy: ['student_id', 'item_id'], orderBy: 'attempt_no' }, good).status).toBe('pass');
    const repeated = sqlResult(cols, [['s1', 1, '2'], ['s1', 1, '2']]);
    expect(judge('sql', { type: 'ordered-within-groups', groupBy: ['student_id', 'item_id'], orderBy: 'attempt_no' }, repeated).status).toBe('fail');
    expect(judge('sql', { type: 'ordered-within-groups', groupBy: ['student_id', 'item_id'], orderBy: 'attempt_no', strict: false }, repeated).status).toBe('pass');
    const backwards = sqlResult(cols, [['s1', 1, '10'], ['s1', 1, '9']]);
    expect(judge('sql', { type: 'ordered-within-groups', groupBy: ['student_id', 'item_id'], orderBy: 'attempt_no' }, backwards)).toMatchObject({
      status: 'fail',
      actual: 'row 2: attempt_no 9 after 10',
    });
  });

  it('same-on-reread: needs two identical reads', () => {
    const cols: [string, string][] = [['a', 'integer']];
    expect(judge('sql', { type: 'same-on-reread' }, sqlResult(cols, [], ['h1', 'h1'])).status).toBe('pass');
    expect(judge('sql', { type: 'same-on-reread' }, sqlResult(cols, [], ['h1', 'h2'])).status).toBe('fail');
    expect(judge('sql', { type: 'same-on-reread' }, sqlResult(cols, [], ['h1'])).status).toBe('fail');
  });

  it('max-duration: pass below the warn level, warn above it, fail above the fail level', () => {
    const explain = (executionMs: number): CheckResult => ({
      kind: 'explain',
      plan: [],
      planningMs: 1,
      executionMs,
      rowsScanned: 0,
      sharedHitBlocks: 0,
      sharedReadBlocks: 0,
      nodeTypes: [],
      runs: [{ planningMs: 1, executionMs }],
      medianPlanningMs: 1,
      medianExecutionMs: executionMs,
      noiseBand: 0.25,
      noiseFloorMs: 1,
      maxRatio: 1.5,
    });
    const a: AssertionInput = { type: 'max-duration', metric: 'execution', warnAboveMs: 500, failAboveMs: 5000 };
    expect(judge('explain', a, explain(499.9)).status).toBe('pass');
    expect(judge('explain', a, explain(612))).toMatchObject({ status: 'warn', actual: 612 });
    expect(judge('explain', a, explain(6000)).status).toBe('fail');
    expect(judge('sql', { type: 'max-duration', warnAboveMs: 2000 }, sqlResult([], []), 2500).status).toBe('warn');
  });

  it('refuses, before its module runs, a result of a kind the type does not judge (ASSERTION_KINDS): unmet, never a pass', () => {
    const refused = { status: 'fail', expected: null, description: 'not applicable' };
    expect(judge('command', { type: 'row-count', min: 1 }, commandResult(''))).toMatchObject({ ...refused, actual: 'this assertion cannot judge a command result' });
    expect(judge('command', { type: 'no-nulls', fields: ['x'] }, commandResult(''))).toMatchObject({ ...refused, actual: 'this assertion cannot judge a command result' });
    expect(judge('sql', { type: 'exit-code' }, sqlResult([], []))).toMatchObject({ ...refused, actual: 'this assertion cannot judge a sql result' });
    expect(judge('sql', { type: 'no-dependents' }, sqlResult([], []))).toMatchObject({ ...refused, actual: 'this assertion cannot judge a sql result' });
    expect(judge('command', { type: 'attestations', required: ['ci-green'] }, commandResult(''))).toMatchObject({ ...refused, actual: 'this assertion cannot judge a command result' });
  });

  it('judges a check\'s own expectations through its kind before its assertions: a columns check\'s `expect`', () => {
    const check = checkDefinitionSchema.parse({
      id: 'c', section: '1', title: 't', kind: 'columns', relation: { name: 'v' },
      expect: { columns: [{ name: 'id', type: 'bigint', nullable: false }, { name: 'total', type: 'numeric(14,2)', nullable: true }] },
      assertions: [{ type: 'max-duration', failAboveMs: 100 }],
    });
    const result: CheckResult = {
      kind: 'columns', relation: { schema: 'public', name: 'v', relkind: 'view' }, note: null,
      columns: [{ position: 1, name: 'total', type: 'numeric(14,2)', nullable: true }, { position: 2, name: 'id', type: 'bigint', nullable: true }],
      nullCheckOnData: { sql: 'SELECT …', nullRows: [{ column: 'id', rows: '0' }] },
    };
    const outcomes = evaluateAssertions({ check, result, measuredMs: 1, attestations: [] });
    expect(outcomes.map((o) => `${o.id} ${o.status}`)).toEqual(['column-count pass', 'column-id pass', 'column-total pass', 'column-order fail', 'no-extra-columns pass', 'max-duration pass']);
    expect(outcomes[1]!.actual).toBe('bigint, 0 NULL rows (view: checked on the data)');
    expect(checkExpectations(check)).toEqual(['column id is bigint, NOT NULL', 'column total is numeric(14,2)', 'no other columns, in this order']);
    // A result of another kind (a stored file edited by hand): the kind's expectations are not judged on it.
    expect(evaluateAssertions({ check, result: sqlResult([], []), measuredMs: 1, attestations: [] }).map((o) => o.id)).toEqual(['max-duration']);
  });

  it('command assertions: exit code, text, named tests, head revision', () => {
    expect(judge('command', { type: 'exit-code', equals: 0 }, commandResult('', 2))).toMatchObject({ status: 'fail', actual: 2 });
    expect(judge('command', { type: 'text-contains', stream: 'stdout', text: 'DROP VIEW IF EXISTS attempt' }, commandResult('DROP VIEW IF EXISTS attempt;\n')).status).toBe('pass');
    expect(judge('command', { type: 'text-contains', stream: 'stdout', text: 'DROP VIEW' }, commandResult('', 0, 'DROP VIEW')).status).toBe('fail');
    expect(judge('command', { type: 'text-not-contains', text: 'Traceback' }, commandResult('', 1, 'Traceback (most recent call last)')).status).toBe('fail');

    const pytest = 'tests/test_a.py::test_one PASSED [ 50%]\ntests/test_a.py::test_two FAILED [100%]\n';
    expect(judge('command', { type: 'tests-passed', tests: ['test_one'] }, commandResult(pytest)).status).toBe('pass');
    expect(judge('command', { type: 'tests-passed', tests: ['test_one', 'test_two', 'test_three'] }, commandResult(pytest))).toMatchObject({
      status: 'fail',
      actual: { test_one: 'PASSED', test_two: 'FAILED', test_three: 'not run' },
    });

    const history = '20251020_1200 -> 20251101_0900_attempt_view_lock (head), attempt VIEW V1\n<base> -> 20251020_1200, base tables\n';
    expect(judge('command', { type: 'revision-is-head', revision: '20251101_0900' }, commandResult(history)).status).toBe('pass');
    expect(judge('command', { type: 'revision-is-head', revision: '20251020_1200' }, commandResult(history)).status).toBe('fail');
  });

  it('no-dependents: a missing relation is not a pass', () => {
    const result = (exists: boolean, dependents: { type: string; schema: string; name: string; dependencyType: string }[]): CheckResult => ({
      kind: 'dependents',
      relation: { schema: 'public', name: 'attempt', exists },
      dependents,
    });
    expect(judge('dependents', { type: 'no-dependents' }, result(true, [])).status).toBe('pass');
    expect(judge('dependents', { type: 'no-dependents' }, result(false, [])).status).toBe('fail');
    expect(judge('dependents', { type: 'no-dependents' }, result(true, [{ type: 'view', schema: 'public', name: 'weekly_kpi', dependencyType: 'n' }]))).toMatchObject({
      status: 'fail',
      actual: ['view public.weekly_kpi'],
    });
  });

  it('dependents: exactly the expected ones, or at least them; an unexpected or a missing one is named; a missing relation is not a pass', () => {
    const result = (exists: boolean, dependents: { type: string; schema: string | null; name: string }[]): CheckResult => ({
      kind: 'dependents',
      relation: { schema: 'public', name: 'invoice', exists },
      dependents: dependents.map((d) => ({ ...d, dependencyType: 'n' })),
    });
    const view = { type: 'view', schema: 'public', name: 'invoice_totals' };
    const fn = { type: 'function', schema: 'public', name: 'public.invoice_sum(bigint)' };
    const expectView: AssertionInput = { type: 'dependents', dependents: [{ type: 'view', name: 'invoice_totals' }] };
    expect(judge('dependents', expectView, result(true, [view]))).toMatchObject({ status: 'pass', actual: ['view public.invoice_totals'] });
    // equals (the default): a second, unexpected dependent fails and is named…
    expect(judge('dependents', expectView, result(true, [view, fn]))).toMatchObject({
      status: 'fail',
      actual: { found: ['view public.invoice_totals', 'function public.public.invoice_sum(bigint)'], missing: [], unexpected: ['function public.public.invoice_sum(bigint)'] },
    });
    // …while includes lets it be.
    expect(judge('dependents', { ...expectView, match: 'includes' } as AssertionInput, result(true, [view, fn])).status).toBe('pass');
    // A missing expected dependent fails either way, and its type and schema must match when given.
    expect(judge('dependents', { ...expectView, match: 'includes' } as AssertionInput, result(true, [fn]))).toMatchObject({ status: 'fail', actual: { missing: ['view invoice_totals'] } });
    expect(judge('dependents', { type: 'dependents', dependents: [{ type: 'materialized view', name: 'invoice_totals' }] }, result(true, [view])).status).toBe('fail');
    expect(judge('dependents', { type: 'dependents', dependents: [{ schema: 'reporting', name: 'invoice_totals' }] }, result(true, [view])).status).toBe('fail');
    // equals [] is "nothing depends on it"; a warn severity warns; a missing relation never passes.
    expect(judge('dependents', { type: 'dependents', dependents: [] }, result(true, [])).status).toBe('pass');
    expect(judge('dependents', { type: 'dependents', dependents: [], severity: 'warn' }, result(true, [view])).status).toBe('warn');
    expect(judge('dependents', { type: 'dependents', dependents: [], match: 'includes' }, result(false, [])).status).toBe('fail');
    expect(describeAssertion(assertionSchema.parse({ ...expectView, match: 'includes' }))).toBe('the dependents of the relation include: view invoice_totals');
  });
});
