/** Comparison is a pure function with labelled results: every label, every kind, missing checks, other checklists. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { compareCheck } from '../../src/core/compare/compare-checks.ts';
import { compareDeployments } from '../../src/core/compare/compare-deployments.ts';
import { comparisonPairs, comparisonTargets } from '../../src/core/compare/comparison-targets.ts';
import { parseAlembicHistory } from '../../src/core/parsers/alembic-output.ts';
import type { CheckResult, CheckSnapshot, CheckStatus, Deployment, ParsedOutput, ResultOf } from '../../src/format/index.ts';
import { SCHEMA_VERSION, schemaFiles } from '../../src/format/index.ts';

function snap(id: string, kind: CheckSnapshot['kind'], status: CheckStatus, result: CheckResult | null, assertions: CheckSnapshot['assertions'] = []): CheckSnapshot {
  return {
    $schema: schemaFiles.check.fromFile,
    schemaVersion: SCHEMA_VERSION,
    deploymentId: 'd',
    id,
    section: '1',
    title: id,
    kind,
    required: true,
    source: {},
    session: null,
    startedAt: '2026-11-24T00:00:00.000Z',
    finishedAt: '2026-11-24T00:00:00.001Z',
    durationMs: 1,
    status,
    assertions,
    result,
    error: null,
    skipReason: null,
    truncation: null,
  };
}

const sql = (columns: [string, string][], rows: (string | number | null)[][]): CheckResult => ({
  kind: 'sql',
  columns: columns.map(([name, type]) => ({ name, type, typeOid: 0 })),
  rows,
  rowCount: rows.length,
  reads: [{ durationMs: 1, rowsSha256: createHash('sha256').update(JSON.stringify(rows)).digest('hex') }],
});
const columns = (cols: [string, string, boolean][]): CheckResult => ({
  kind: 'columns',
  relation: { schema: 'public', name: 'attempt', relkind: 'view' },
  columns: cols.map(([name, type, nullable], i) => ({ position: i + 1, name, type, nullable })),
  nullCheckOnData: null,
  note: null,
});
const explain = (executionMs: number, nodeTypes = ['Seq Scan'], rowsScanned = 100, band = { noiseBand: 0.25, noiseFloorMs: 1, maxRatio: 1.5 }): CheckResult => ({
  kind: 'explain',
  plan: [],
  planningMs: 0.5,
  executionMs,
  rowsScanned,
  sharedHitBlocks: 0,
  sharedReadBlocks: 0,
  nodeTypes,
  runs: [{ planningMs: 0.5, executionMs }],
  medianPlanningMs: 0.5,
  medianExecutionMs: executionMs,
  ...band,
});
const command = (parsed: ParsedOutput | null, exitCode = 0): CheckResult => ({ kind: 'command', exitCode, signal: null, timedOut: false, stdout: '', stderr: '', outputCapBytes: 1024, redactions: 0, parsed });
const pytest = (tests: [string, 'passed' | 'failed' | 'error' | 'skipped'][]): ParsedOutput => ({
  kind: 'pytest',
  tests: tests.map(([name, outcome]) => ({ name, classname: 't', outcome, durationMs: 1, message: null, details: null })),
  summary: { tests: tests.length, passed: 0, failed: 0, errors: 0, skipped: 0, durationMs: 0 },
  junitXml: null,
});
const history = (heads: string[]): ParsedOutput => ({ kind: 'alembic-history', revisions: heads.map((r) => ({ revision: r, downRevisions: [], message: null, markers: ['head'] })), heads, head: heads.length === 1 ? heads[0]! : null });

describe('labels', () => {
  it('new and removed: a check on one side only', () => {
    expect(compareCheck(undefined, snap('a', 'sql', 'pass', null)).label).toBe('new');
    expect(compareCheck(snap('a', 'sql', 'pass', null), undefined).label).toBe('removed');
  });

  it('regressed and fixed follow the status: pass < warn < skipped < error < fail', () => {
    const order: CheckStatus[] = ['pass', 'warn', 'skipped', 'error', 'fail'];
    for (const [i, before] of order.entries()) {
      for (const [j, after] of order.entries()) {
        const label = compareCheck(snap('a', 'sql', before, null), snap('a', 'sql', after, null)).label;
        expect(label, `${before} → ${after}`).toBe(j > i ? 'regressed' : j < i ? 'fixed' : 'same');
      }
    }
  });

  it('same when nothing meaningful differs, changed when something does at the same status', () => {
    const count = (n: string) => snap('c', 'sql', 'pass', sql([['total', 'bigint']], [[n]]));
    expect(compareCheck(count('50000'), count('50000')).label).toBe('same');
    const changed = compareCheck(count('50000'), count('120000'));
    expect(changed).toMatchObject({ label: 'changed', differences: [{ kind: 'value', text: 'total: 50000 → 120000 (+70,000, +140.0%)', worse: false }] });
  });

  it('an assertion outcome that changed is a difference (and worse is a regression)', () => {
    const a = (status: 'pass' | 'warn') => [{ id: 'x', type: 'max-duration', description: 'fast enough', expected: null, actual: null, status }];
    const result = compareCheck(snap('k', 'sql', 'warn', null, a('pass')), snap('k', 'sql', 'warn', null, a('warn')));
    expect(result).toMatchObject({ label: 'regressed', differences: [{ kind: 'assertion', text: 'fast enough: pass → warn', worse: true }] });
  });

  it('says an assertion that got worse in its sentence when the check\'s definition is given (issue 26)', () => {
    const definition = { kind: 'sql' as const, assertions: [{ type: 'max-duration' as const, metric: 'duration' as const, warnAboveMs: 500, severity: 'fail' as const, id: 'x' }] };
    const a = (status: 'pass' | 'warn', actual: number) => [{ id: 'x', type: 'max-duration', description: 'fast enough', expected: { warnAboveMs: 500, failAboveMs: null }, actual, status }];
    const result = compareCheck(snap('k', 'sql', 'pass', null, a('pass', 120)), snap('k', 'sql', 'warn', null, a('warn', 812)), { definition });
    expect(result.differences.find((d) => d.kind === 'assertion')).toEqual({ kind: 'assertion', text: 'fast enough: pass → warn (took 812 ms, above the 500 ms warning limit)', worse: true });
  });
});

describe('per kind', () => {
  it('sql: row count delta, absolute and %, for multi-row results; values exact beyond 2^53', () => {
    const rows = (n: number) => snap('s', 'sql', 'pass', sql([['id', 'bigint']], Array.from({ length: n }, (_, i) => [String(i)])));
    expect(compareCheck(rows(10), rows(15)).differences).toEqual([
      { kind: 'row-count', text: 'rows: 10 → 15 (+5, +50.0%)', worse: false },
      { kind: 'rows-added', text: '5 rows added (by position): row 11; row 12; row 13; and 2 more', worse: false },
    ]);
    const big = (v: string) => snap('s', 'sql', 'pass', sql([['n', 'bigint']], [[v]]));
    expect(compareCheck(big('9007199254740992'), big('9007199254740993')).differences[0]?.text).toBe('n: 9007199254740992 → 9007199254740993 (+1, +0.0%)');
  });

  it('columns: added, removed, retyped, nullability changed', () => {
    const before = snap('v', 'columns', 'pass', columns([['id', 'bigint', true], ['score', 'integer', true], ['old', 'text', true], ['n', 'integer', false]]));
    const after = snap('v', 'columns', 'pass', columns([['id', 'bigint', true], ['score', 'numeric', true], ['new', 'text', true], ['n', 'integer', true]]));
    const result = compareCheck(before, after);
    expect(result.differences.map((d) => [d.kind, d.text])).toEqual([
      ['column-retyped', 'column retyped: score integer → numeric'],
      ['column-added', 'column added: new text'],
      ['column-nullability', 'column n: NOT NULL → NULL allowed'],
      ['column-removed', 'column removed: old'],
    ]);
    expect(result.label).toBe('regressed');
  });

  it('explain: timing within the noise band or floor is the same; beyond it changed; beyond the limit regressed; plans side by side', () => {
    const at = (ms: number, nodes?: string[]) => snap('p', 'explain', 'pass', explain(ms, nodes));
    expect(compareCheck(at(100), at(120)).label).toBe('same');
    expect(compareCheck(at(0.6), at(1.1)).label).toBe('same');
    const slower = compareCheck(at(100), at(140));
    expect(slower).toMatchObject({ label: 'changed', timings: [{ metric: 'execution', ratio: 1.4, verdict: 'slower', exceedsLimit: false }, { metric: 'planning', verdict: 'within noise' }] });
    expect(compareCheck(at(100), at(200))).toMatchObject({ label: 'regressed', timings: [{ ratio: 2, exceedsLimit: true }, expect.anything()] });
    expect(compareCheck(at(100), at(40)).timings[0]?.verdict).toBe('faster');
    expect(compareCheck(at(100, ['Seq Scan']), at(100, ['Index Scan'])).differences).toEqual([{ kind: 'plan-nodes', text: 'plan: Seq Scan  ⇒  Index Scan', worse: false }]);
  });

  it('explain: the noise band and limit come from the current evidence', () => {
    const wide = { noiseBand: 2, noiseFloorMs: 0, maxRatio: 5 };
    expect(compareCheck(snap('p', 'explain', 'pass', explain(100)), snap('p', 'explain', 'pass', explain(250, ['Seq Scan'], 100, wide))).label).toBe('same');
  });

  it('command: tests added, removed, newly failing, fixed; migration head moved; exit code', () => {
    const before = snap('t', 'command', 'fail', command(pytest([['a', 'passed'], ['b', 'passed'], ['c', 'failed'], ['gone', 'passed']])));
    const after = snap('t', 'command', 'fail', command(pytest([['a', 'passed'], ['b', 'failed'], ['c', 'passed'], ['d', 'passed']])));
    const result = compareCheck(before, after);
    expect(result.differences.map((d) => [d.kind, d.text, d.worse])).toEqual([
      ['test-newly-failing', 'test newly failed: b', true],
      ['test-fixed', 'test now passes: c (was failed)', false],
      ['test-added', 'test added: d (passed)', false],
      ['test-removed', 'test removed: gone', true],
    ]);
    expect(result.label).toBe('regressed');
    expect(compareCheck(snap('h', 'command', 'pass', command(history(['r1']))), snap('h', 'command', 'pass', command(history(['r2'])))).differences).toEqual([{ kind: 'head-moved', text: 'migration head moved: r1 → r2', worse: false }]);
    expect(compareCheck(snap('e', 'command', 'fail', command(null, 1)), snap('e', 'command', 'fail', command(null, 2))).differences[0]).toMatchObject({ kind: 'exit-code', text: 'exit code: 1 → 2' });
  });

  it('command: `alembic current` with the database behind the head names the revision it was at, not "none" (issue 26)', () => {
    // What alembic prints: the database's revision, marked (head) only when it is the head.
    const behind = parseAlembicHistory('INFO  [alembic.runtime.migration] Context impl PostgresqlImpl.\n20251020_0800_attempts\n');
    const atHead = parseAlembicHistory('INFO  [alembic.runtime.migration] Context impl PostgresqlImpl.\n20251101_0900_attempt_view_lock (head)\n');
    const empty = parseAlembicHistory('INFO  [alembic.runtime.migration] Will assume transactional DDL.\n');
    const moved = (a: ParsedOutput, b: ParsedOutput) => compareCheck(snap('c', 'command', 'pass', command(a)), snap('c', 'command', 'pass', command(b))).differences;
    expect(moved(behind, atHead)).toEqual([{ kind: 'head-moved', text: 'migration revision moved: 20251020_0800_attempts → 20251101_0900_attempt_view_lock (head)', worse: false }]);
    expect(moved(atHead, behind)).toEqual([{ kind: 'head-moved', text: 'migration revision moved: 20251101_0900_attempt_view_lock (head) → 20251020_0800_attempts', worse: false }]);
    // A database with no alembic_version yet prints nothing: that one is "none".
    expect(moved(empty, atHead)).toEqual([{ kind: 'head-moved', text: 'migration revision moved: none → 20251101_0900_attempt_view_lock (head)', worse: false }]);
    expect(moved(behind, behind)).toEqual([]);
  });

  it('sql: rows compared by position when every value changed, not labelled same because the count is', () => {
    const cols: [string, string][] = [['id', 'bigint'], ['score', 'integer']];
    const a = snap('s', 'sql', 'pass', sql(cols, [['1', 10], ['2', 20], ['3', 30]]));
    const b = snap('s', 'sql', 'pass', sql(cols, [['1', 11], ['2', 21], ['3', 31]]));
    expect(compareCheck(a, b)).toMatchObject({
      label: 'changed',
      differences: [{ kind: 'rows-changed', text: '3 rows changed (by position): row 1: score 10 → 11; row 2: score 20 → 21; row 3: score 30 → 31' }],
    });
    expect(compareCheck(a, a)).toMatchObject({ label: 'same', differences: [] });
  });

  it('sql: rows compared by key — added, removed and changed, naming the first few', () => {
    const cols: [string, string][] = [['id', 'bigint'], ['name', 'text']];
    const a = snap('s', 'sql', 'pass', sql(cols, [['1', 'a'], ['2', 'b'], ['3', 'c'], ['4', 'd'], ['5', 'e'], ['6', 'f']]));
    const b = snap('s', 'sql', 'pass', sql(cols, [['2', 'B'], ['1', 'a'], ['3', 'c'], ['7', 'g'], ['4', 'D'], ['5', 'E'], ['6', 'F']]));
    expect(compareCheck(a, b, { key: ['id'] }).differences.map((d) => d.text)).toEqual([
      'rows: 6 → 7 (+1, +16.7%)',
      '1 row added (by key id): id=7',
      '4 rows changed (by key id): id=2: name b → B; id=4: name d → D; id=5: name e → E; and 1 more',
    ]);
    const c = snap('s', 'sql', 'pass', sql(cols, [['2', 'b'], ['3', 'c']]));
    expect(compareCheck(a, c, { key: ['id'] }).differences.map((d) => d.text)).toEqual(['rows: 6 → 2 (-4, -66.7%)', '4 rows removed (by key id): id=1; id=4; id=5; and 1 more']);
  });

  it('sql: says when the results differ beyond the kept rows (the digest of every row)', () => {
    const cols: [string, string][] = [['id', 'bigint']];
    const kept = [['1'], ['2']];
    const a = snap('s', 'sql', 'pass', { ...(sql(cols, kept) as ResultOf<'sql'>), rowCount: 500, reads: [{ durationMs: 1, rowsSha256: 'digest-of-all-500-a' }] });
    const b = snap('s', 'sql', 'pass', { ...(sql(cols, kept) as ResultOf<'sql'>), rowCount: 500, reads: [{ durationMs: 1, rowsSha256: 'digest-of-all-500-b' }] });
    expect(compareCheck(a, b)).toMatchObject({ label: 'changed', differences: [{ text: 'the kept rows are identical, but the results differ beyond them (their digests differ)' }] });
    const same = snap('s', 'sql', 'pass', { ...(sql(cols, kept) as ResultOf<'sql'>), rowCount: 500, reads: [{ durationMs: 1, rowsSha256: 'digest-of-all-500-a' }] });
    expect(compareCheck(a, same)).toMatchObject({ label: 'same', differences: [] });
  });

  it('dependents: a new dependent is worse', () => {
    const deps = (names: string[]): CheckResult => ({ kind: 'dependents', relation: { schema: 'public', name: 'attempt', exists: true }, dependents: names.map((name) => ({ type: 'view', schema: 'public', name, dependencyType: 'n' })) });
    expect(compareCheck(snap('d', 'dependents', 'fail', deps([])), snap('d', 'dependents', 'fail', deps(['kpi'])))).toMatchObject({ label: 'regressed', differences: [{ text: 'dependents: none → view public.kpi' }] });
  });
});

function deployment(id: string, env: string, startedAt: string, checks: string[], extra: Partial<Deployment> = {}): Deployment {
  return {
    id,
    environment: env,
    startedAt,
    checks: checks.map((c) => ({ id: c, section: '1', title: c, kind: 'sql', required: true, status: 'pass' })),
    checklist: { id: 'list', version: '1.0.0', definition: { checks: [] } as unknown as Deployment['checklist']['definition'] },
    decision: { status: 'APPROVED', reasons: [] },
    baseline: null,
    markedBaseline: false,
    ...extra,
  } as Deployment;
}

describe('deployments', () => {
  it('compares in the current checklist order, with checks missing on either side, and notes other checklist versions', () => {
    const base = { deployment: deployment('a', 'staging', '2026-11-01T00:00:00Z', ['x', 'y', 'old'], { checklist: { id: 'list', version: '0.9.0', definition: { checks: [] } as never } }), snapshots: new Map([['x', snap('x', 'sql', 'pass', null)], ['y', snap('y', 'sql', 'pass', null)], ['old', snap('old', 'sql', 'pass', null)]]) };
    const current = { deployment: deployment('b', 'staging', '2026-11-02T00:00:00Z', ['y', 'x', 'added', 'never']), snapshots: new Map([['x', snap('x', 'sql', 'fail', null)], ['y', snap('y', 'sql', 'pass', null)], ['added', snap('added', 'sql', 'pass', null)]]) };
    const result = compareDeployments(base, current);
    expect(result.checks.map((c) => [c.id, c.label])).toEqual([['y', 'same'], ['x', 'regressed'], ['added', 'new'], ['never', 'same'], ['old', 'removed']]);
    expect(result.counts).toEqual({ new: 1, removed: 1, regressed: 1, fixed: 0, changed: 0, same: 2 });
    expect(result.regressions).toEqual(['x: status: pass → fail', 'old: in a but missing from b']);
    expect(result.checklistNote).toBe('collected with different versions of checklist list: 0.9.0 and 1.0.0');
  });

  it('never compares the checks of two different checklists, even where the ids match, and says so up front', () => {
    const base = { deployment: deployment('a', 'staging', '2026-11-01T00:00:00Z', ['sample-rows'], { checklist: { id: 'invoices', version: '1.0.0', definition: { checks: [] } as never } }), snapshots: new Map([['sample-rows', snap('sample-rows', 'sql', 'pass', sql([['n', 'integer']], [[1], [2]]))]]) };
    const current = { deployment: deployment('b', 'staging', '2026-11-02T00:00:00Z', ['sample-rows']), snapshots: new Map([['sample-rows', snap('sample-rows', 'sql', 'pass', sql([['n', 'integer']], [[7], [8]]))]]) };
    const result = compareDeployments(base, current);
    expect(result.checklistNote).toBe('different checklists: invoices 1.0.0 and list 1.0.0 — their checks are not compared, even where the ids match');
    expect(result.checks.map((c) => [c.id, c.label, c.differences.length])).toEqual([['sample-rows', 'new', 0], ['sample-rows', 'removed', 0]]);
    expect(result.regressions).toEqual(['sample-rows: in a but missing from b']);
  });

  it('fails the gate when a check the base had is missing from the current deployment', () => {
    const base = { deployment: deployment('a', 'staging', '2026-11-01T00:00:00Z', ['x', 'y']), snapshots: new Map([['x', snap('x', 'sql', 'pass', null)], ['y', snap('y', 'sql', 'pass', null)]]) };
    const current = { deployment: deployment('b', 'staging', '2026-11-02T00:00:00Z', []), snapshots: new Map() };
    expect(compareDeployments(base, current).regressions).toEqual(['x: in a but missing from b', 'y: in a but missing from b']);
  });

  it('uses the key columns the current checklist names for a sql check', () => {
    const key = { checks: [{ id: 'rows', kind: 'sql', key: ['id'] }] } as never;
    const base = { deployment: deployment('a', 'staging', '2026-11-01T00:00:00Z', ['rows']), snapshots: new Map([['rows', snap('rows', 'sql', 'pass', sql([['id', 'bigint'], ['v', 'text']], [['1', 'a'], ['2', 'b']]))]]) };
    const current = { deployment: deployment('b', 'staging', '2026-11-02T00:00:00Z', ['rows'], { checklist: { id: 'list', version: '1.0.0', definition: key } }), snapshots: new Map([['rows', snap('rows', 'sql', 'pass', sql([['id', 'bigint'], ['v', 'text']], [['2', 'b'], ['1', 'a']]))]]) };
    expect(compareDeployments(base, current).checks[0]).toMatchObject({ label: 'same', differences: [] });
  });

  it('picks the previous deployment in the same environment, the baseline and the same PR elsewhere, at most three pairs each', () => {
    const list = [
      { id: 's1', environment: 'staging', startedAt: '2026-11-01T00:00:00Z', baseline: null, markedBaseline: true },
      { id: 'p1', environment: 'production', startedAt: '2026-11-02T00:00:00Z', baseline: 's1', markedBaseline: false, pr: { number: 73 } },
      { id: 's2', environment: 'staging', startedAt: '2026-11-03T00:00:00Z', baseline: null, markedBaseline: false },
      { id: 's3', environment: 'staging', startedAt: '2026-11-04T00:00:00Z', baseline: null, markedBaseline: false, pr: { number: 74 } },
      { id: 'p2', environment: 'production', startedAt: '2026-11-05T00:00:00Z', baseline: 'gone', markedBaseline: false, pr: { number: 74 } },
    ];
    const targets = comparisonTargets(list);
    expect(Object.fromEntries(targets)).toEqual({
      s1: { previous: null, baseline: null, samePr: null },
      p1: { previous: null, baseline: 's1', samePr: null },
      s2: { previous: 's1', baseline: 's1', samePr: null },
      s3: { previous: 's2', baseline: 's1', samePr: null },
      p2: { previous: 'p1', baseline: null, samePr: 's3' },
    });
    const pairs = comparisonPairs(list);
    expect(pairs).toEqual([{ current: 'p1', base: 's1' }, { current: 's2', base: 's1' }, { current: 's3', base: 's2' }, { current: 's3', base: 's1' }, { current: 'p2', base: 'p1' }, { current: 'p2', base: 's3' }]);
    expect(pairs.length).toBeLessThanOrEqual(3 * list.length);
  });
});
