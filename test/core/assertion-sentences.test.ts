/**
 * Each assertion type's outcome in words (issue 26): for every type of the registry (a table keyed
 * by the type union, so a new type without cases is a compile error) a pass, a warning and a
 * failure judged by the real module, then said — one plain sentence with the values formatted for
 * reading, never JSON. Then what `checkProblem` makes of errors, skips, missing checks, skipped
 * assertions and outcomes no module reads, and the helpers that format the values.
 */
import { describe, expect, it } from 'vitest';
import { evaluateAssertions, unjudgedAssertions, type Attested } from '../../src/core/assertions/evaluate.ts';
import { ASSERTION_TYPES } from '../../src/core/assertions/registry.ts';
import { outcomesInWords, programOf, sayOutcome } from '../../src/core/assertions/say.ts';
import { allOf, listed, readableMs } from '../../src/core/assertions/words.ts';
import { checkProblem, problemUnlessPass } from '../../src/core/decision/check-problem.ts';
import { diffCatalogs } from '../../src/core/schema-diff/diff.ts';
import { summarizeLocks, type LockSample } from '../../src/core/locks/lock-holds.ts';
import { checkDefinitionSchema, type CatalogObject, type AssertionInput, type AssertionType, type Cell, type CheckDefinition, type CheckResult, type ParsedOutput } from '../../src/format/index.ts';

const sql = (columns: [string, string][], rows: Cell[][], reads = ['a']): CheckResult => ({
  kind: 'sql',
  columns: columns.map(([name, type]) => ({ name, type, typeOid: 0 })),
  rows,
  rowCount: rows.length,
  reads: reads.map((h) => ({ durationMs: 1, rowsSha256: h })),
});

const command = (stdout: string, exitCode: number | null = 0, more: Partial<Extract<CheckResult, { kind: 'command' }>> = {}): CheckResult => ({
  kind: 'command',
  exitCode,
  signal: null,
  timedOut: false,
  stdout,
  stderr: '',
  outputCapBytes: 1024,
  redactions: 0,
  parsed: null,
  ...more,
});

const explain = (medianExecutionMs: number): CheckResult => ({
  kind: 'explain',
  plan: [],
  planningMs: 0.2,
  executionMs: medianExecutionMs,
  rowsScanned: 10,
  sharedHitBlocks: 1,
  sharedReadBlocks: 0,
  nodeTypes: ['Seq Scan'],
  runs: [{ planningMs: 0.2, executionMs: medianExecutionMs }],
  medianPlanningMs: 0.2,
  medianExecutionMs,
  noiseBand: 0.25,
  noiseFloorMs: 1,
  maxRatio: 1.5,
});

const dependents = (exists: boolean, names: string[]): CheckResult => ({
  kind: 'dependents',
  relation: { schema: 'public', name: 'attempt', exists },
  dependents: names.map((name) => ({ type: 'view', schema: 'public', name, dependencyType: 'n' })),
});

const table = (name: string, columns: [string, string][], relfilenode = '100'): CatalogObject => ({
  kind: 'table', schema: 'public', name, table: null, definition: null, owner: 'app', grants: null, relfilenode, estimatedRows: 0,
  columns: columns.map(([column, type]) => ({ name: column, type, notNull: false, default: null, identity: null })),
});
const index = (name: string, on: string): CatalogObject => ({ kind: 'index', schema: 'public', name, table: on, definition: `CREATE INDEX ${name} ON public.${on} USING btree (id)`, columns: null, owner: 'app', grants: null, relfilenode: '200', estimatedRows: null });

/** A schema snapshot after a migration, its change report made by the real diff from `before`. */
const migratedSchema = (before: CatalogObject[], after: CatalogObject[]): CheckResult => ({
  kind: 'schema', schemas: ['public'], objects: after, objectsTotal: after.length, drift: null,
  changes: { from: 'schema-before', entries: diffCatalogs(before, after, { storage: true }) },
});
const ATTEMPT = table('attempt', [['id', 'bigint'], ['score', 'integer']]);

/** pytest's parsed JUnit report: each test with its outcome and, for a failure, its message. */
function pytest(tests: [string, 'passed' | 'failed' | 'error' | 'skipped', string?][]): ParsedOutput {
  return {
    kind: 'pytest',
    tests: tests.map(([name, outcome, message]) => ({ name, classname: 'tests.test_refunds', outcome, durationMs: 5, message: message ?? null, details: null })),
    summary: { tests: tests.length, passed: tests.filter((t) => t[1] === 'passed').length, failed: tests.filter((t) => t[1] === 'failed').length, errors: 0, skipped: 0, durationMs: 20 },
    junitXml: null,
  };
}

/**
 * A step's lock observation made by the real summary from samples every 50 ms: `held` is the
 * samples (by number) in which pid 41 held ACCESS EXCLUSIVE on public.attempt.
 */
function observedLocks(held: number[], samples = 10): CheckResult {
  const list: LockSample[] = Array.from({ length: samples }, (_, i) => ({
    atMs: 50 * (i + 1),
    rows: [{ pid: 41, applicationName: 'step', backendStartMs: 0, relation: held.includes(i) ? '16400' : '', mode: held.includes(i) ? 'AccessExclusiveLock' : '', granted: true, blockedBy: null, query: '' }],
  }));
  const locks = summarizeLocks({ samples: list, stepMs: 50 * (samples + 1), intervalMs: 50, applicationName: 'step', stepStartServerMs: 0, samplerPid: 7, excludeApplicationNames: [], relationNames: new Map([['16400', { schema: 'public', name: 'attempt', relkind: 'r' }]]) });
  return command('', 0, { locks });
}

const migrated = (before: string[] | null, after: string[] | null, log: ParsedOutput | null = null): CheckResult =>
  command('', 0, { databaseState: { sql: 'SELECT version_num FROM alembic_version', before, after }, parsed: log });

const upgradeLog = (from: string, to: string): ParsedOutput => ({ kind: 'alembic-upgrade', migrations: [{ direction: 'upgrade', from, to, message: 'attempt view' }], reached: to, errors: [] });

const forwardSql = (sql: string): CheckResult => command(sql, 0, { parsed: { kind: 'alembic-sql', migrations: [{ direction: 'upgrade', from: 'a', to: 'b', message: null }], sql, errors: [] } });
const ATTESTED: Attested[] = [{ id: 'ci-green', label: 'CI green', by: 'release-bot', at: '2026-11-25T08:17:46.546Z' }];

interface Case {
  kind: CheckDefinition['kind'];
  assertion: AssertionInput;
  result: CheckResult;
  status: 'pass' | 'warn' | 'fail';
  sentence: string;
  measuredMs?: number;
  attestations?: Attested[];
  argv?: string[];
}

const FAILED_TEST = 'AssertionError: refund totals differ\nassert 90 == 100';
const REFUNDS = pytest([['test_refund_totals', 'failed', FAILED_TEST], ['test_refund_rounding', 'passed']]);

/** Pass, warn and fail for every type: keyed by the type union, a type left out does not compile. */
const CASES: { [T in AssertionType]: Case[] } = {
  'row-count': [
    { kind: 'sql', assertion: { type: 'row-count', min: 1 }, result: sql([['n', 'integer']], [[1]]), status: 'pass', sentence: 'returned 1 row (at least 1 row expected)' },
    { kind: 'sql', assertion: { type: 'row-count', max: 10, severity: 'warn' }, result: sql([['n', 'integer']], Array.from({ length: 12 }, (_, i) => [i])), status: 'warn', sentence: 'returned 12 rows (expected at most 10 rows)' },
    { kind: 'sql', assertion: { type: 'row-count', min: 1, max: 5 }, result: sql([['n', 'integer']], []), status: 'fail', sentence: 'returned 0 rows (expected between 1 and 5 rows)' },
  ],
  'field-compare': [
    { kind: 'sql', assertion: { type: 'field-compare', field: 'n', op: 'gt', value: 0 }, result: sql([['n', 'bigint']], [['50000']]), status: 'pass', sentence: 'n = 50000, as expected (> 0)' },
    { kind: 'sql', assertion: { type: 'field-compare', field: 'n', op: 'lt', value: 10, severity: 'warn' }, result: sql([['n', 'bigint']], [['500']]), status: 'warn', sentence: 'n = 500 (expected < 10)' },
    { kind: 'sql', assertion: { type: 'field-compare', field: 'n', op: 'gt', value: 0, rows: 'all' }, result: sql([['n', 'integer']], [[3], [0], [-1]]), status: 'fail', sentence: '2 of 3 rows break n > 0: row 2: n = 0; row 3: n = -1' },
  ],
  'column-types': [
    { kind: 'sql', assertion: { type: 'column-types', columns: [{ name: 'id', type: 'bigint' }] }, result: sql([['id', 'bigint']], []), status: 'pass', sentence: 'id is bigint' },
    { kind: 'sql', assertion: { type: 'column-types', columns: [{ name: 'id', type: 'bigint' }], severity: 'warn' }, result: sql([['id', 'numeric']], []), status: 'warn', sentence: 'id is numeric (expected bigint)' },
    { kind: 'sql', assertion: { type: 'column-types', columns: [{ name: 'id', type: 'bigint' }, { name: 'student_id', type: 'uuid' }] }, result: sql([['id', 'bigint']], []), status: 'fail', sentence: 'no column student_id (expected uuid)' },
  ],
  'fields-equal': [
    { kind: 'sql', assertion: { type: 'fields-equal', fields: ['total', 'unique_ids'] }, result: sql([['total', 'bigint'], ['unique_ids', 'bigint']], [['500', '500']]), status: 'pass', sentence: 'total = unique_ids, each 500' },
    { kind: 'sql', assertion: { type: 'fields-equal', fields: ['a', 'b'], severity: 'warn' }, result: sql([['a', 'integer'], ['b', 'integer']], [[1, 1], [2, 3]]), status: 'warn', sentence: 'a and b differ in 1 of 2 rows: row 2: a = 2, b = 3' },
    { kind: 'sql', assertion: { type: 'fields-equal', fields: ['a', 'c'] }, result: sql([['a', 'integer']], [[1]]), status: 'fail', sentence: 'cannot compare a and c: no column “c” in the result' },
  ],
  'no-nulls': [
    { kind: 'sql', assertion: { type: 'no-nulls', fields: ['student_id'] }, result: sql([['student_id', 'uuid']], [['u1'], ['u2']]), status: 'pass', sentence: 'no NULL in student_id (2 rows judged)' },
    { kind: 'sql', assertion: { type: 'no-nulls', fields: ['student_id'], severity: 'warn' }, result: sql([['student_id', 'uuid']], [['u1'], [null]]), status: 'warn', sentence: 'NULL found — student_id: 1 NULL (first at row 2)' },
    { kind: 'sql', assertion: { type: 'no-nulls', fields: ['student_id', 'item_id'] }, result: sql([['student_id', 'uuid']], [[null]]), status: 'fail', sentence: 'NULL found — student_id: 1 NULL (first at row 1); no column item_id' },
  ],
  'ordered-within-groups': [
    { kind: 'sql', assertion: { type: 'ordered-within-groups', groupBy: ['s'], orderBy: 'n', strict: false }, result: sql([['s', 'text'], ['n', 'integer']], [['a', 1], ['a', 1], ['b', 1]]), status: 'pass', sentence: 'n non-decreasing within each (s): 3 rows in 2 groups' },
    { kind: 'sql', assertion: { type: 'ordered-within-groups', groupBy: ['s'], orderBy: 'n', strict: false, severity: 'warn' }, result: sql([['s', 'text'], ['n', 'integer']], [['a', 2], ['a', 1]]), status: 'warn', sentence: 'n goes down within each (s): row 2: n 1 after 2' },
    { kind: 'sql', assertion: { type: 'ordered-within-groups', groupBy: ['s'], orderBy: 'n', strict: true }, result: sql([['s', 'text'], ['n', 'integer']], [['a', 1], ['a', 1]]), status: 'fail', sentence: 'n is not strictly increasing within each (s): row 2: n 1 after 1' },
  ],
  'same-on-reread': [
    { kind: 'sql', assertion: { type: 'same-on-reread' }, result: sql([['n', 'integer']], [[1]], ['h1', 'h1']), status: 'pass', sentence: 'both reads gave identical rows' },
    { kind: 'sql', assertion: { type: 'same-on-reread', severity: 'warn' }, result: sql([['n', 'integer']], [[1]], ['h1', 'h2', 'h1']), status: 'warn', sentence: 'the rows changed between reads: 2 different results in 3 reads' },
    { kind: 'sql', assertion: { type: 'same-on-reread' }, result: sql([['n', 'integer']], [[1]], ['h1']), status: 'fail', sentence: 'read once: at least 2 reads are needed to compare' },
  ],
  'max-duration': [
    { kind: 'sql', assertion: { type: 'max-duration', warnAboveMs: 500, failAboveMs: 2000 }, result: sql([['n', 'integer']], [[1]]), measuredMs: 312.4, status: 'pass', sentence: 'took 312 ms, within the 500 ms warning limit and the 2 s failure limit' },
    { kind: 'sql', assertion: { type: 'max-duration', warnAboveMs: 500 }, result: sql([['n', 'integer']], [[1]]), measuredMs: 812, status: 'warn', sentence: 'took 812 ms, above the 500 ms warning limit' },
    { kind: 'explain', assertion: { type: 'max-duration', metric: 'execution', warnAboveMs: 500, failAboveMs: 1000 }, result: explain(1234.5), status: 'fail', sentence: 'the median execution took 1.2 s, above the 1 s failure limit' },
  ],
  'text-contains': [
    { kind: 'command', assertion: { type: 'text-contains', text: 'DROP VIEW' }, result: command('BEGIN;\nDROP VIEW IF EXISTS attempt;\n'), status: 'pass', sentence: 'the output contains “DROP VIEW”' },
    { kind: 'command', assertion: { type: 'text-contains', text: 'DROP VIEW', stream: 'stdout', severity: 'warn' }, result: command('BEGIN;\n'), status: 'warn', sentence: '“DROP VIEW” not found in stdout' },
    { kind: 'command', assertion: { type: 'text-contains', text: 'Running upgrade' }, result: command(''), status: 'fail', sentence: '“Running upgrade” not found in the output' },
  ],
  'text-not-contains': [
    { kind: 'command', assertion: { type: 'text-not-contains', text: 'Traceback' }, result: command('INFO ok\n'), status: 'pass', sentence: '“Traceback” not found in the output' },
    { kind: 'command', assertion: { type: 'text-not-contains', text: 'WARNING', severity: 'warn' }, result: command('INFO ok\nWARNING: deprecated option\n'), status: 'warn', sentence: 'the output contains “WARNING”: WARNING: deprecated option' },
    { kind: 'command', assertion: { type: 'text-not-contains', text: 'Traceback' }, result: command('Traceback (most recent call last):\n  File "env.py"\n'), status: 'fail', sentence: 'the output contains “Traceback”: Traceback (most recent call last):' },
  ],
  'exit-code': [
    { kind: 'command', assertion: { type: 'exit-code', equals: 0 }, result: command('', 0), argv: ['alembic', 'upgrade', 'head'], status: 'pass', sentence: 'alembic exited with code 0' },
    { kind: 'command', assertion: { type: 'exit-code', equals: 0, severity: 'warn' }, result: command('', 2), argv: ['/usr/local/bin/alembic', 'check'], status: 'warn', sentence: 'alembic exited with code 2 (expected 0)' },
    {
      kind: 'command',
      assertion: { type: 'exit-code', equals: 0 },
      result: command('', 1, { parsed: REFUNDS }),
      argv: ['pytest', 'tests/test_refunds.py', '-v'],
      status: 'fail',
      sentence: 'pytest exited with code 1 (expected 0); failed: test_refund_totals — AssertionError: refund totals differ',
    },
  ],
  'tests-passed': [
    { kind: 'command', assertion: { type: 'tests-passed', tests: ['test_a', 'test_b'] }, result: command('t.py::test_a PASSED [50%]\nt.py::test_b PASSED [100%]\n'), status: 'pass', sentence: 'both named tests passed' },
    { kind: 'command', assertion: { type: 'tests-passed', tests: ['test_a', 'test_b'], severity: 'warn' }, result: command('t.py::test_a PASSED [50%]\nt.py::test_b FAILED [100%]\n', 1), status: 'warn', sentence: '1 of 2 named tests failed: test_b' },
    {
      kind: 'command',
      assertion: { type: 'tests-passed', tests: ['test_refund_totals', 'test_refund_rounding', 'test_refund_currency'] },
      result: command('', 1, { parsed: REFUNDS }),
      status: 'fail',
      sentence: '1 of 3 named tests failed: test_refund_totals — AssertionError: refund totals differ; 1 did not run: test_refund_currency',
    },
  ],
  'revision-is-head': [
    { kind: 'command', assertion: { type: 'revision-is-head', revision: '20251101' }, result: command('', 0, { parsed: { kind: 'alembic-history', revisions: [], heads: ['20251101_0900_attempt_view_lock'], head: '20251101_0900_attempt_view_lock' } }), status: 'pass', sentence: '20251101_0900_attempt_view_lock is the head' },
    { kind: 'command', assertion: { type: 'revision-is-head', revision: '20251101', severity: 'warn' }, result: command('', 0, { parsed: { kind: 'alembic-history', revisions: [], heads: ['20251101_a', '20251102_b'], head: null } }), status: 'warn', sentence: 'several heads: 20251101_a, 20251102_b (expected 20251101 alone)' },
    { kind: 'command', assertion: { type: 'revision-is-head', revision: '20251101' }, result: command('', 0, { parsed: { kind: 'alembic-history', revisions: [], heads: ['20251020_1200_base_tables'], head: '20251020_1200_base_tables' } }), status: 'fail', sentence: 'the head is 20251020_1200_base_tables, not 20251101' },
  ],
  'migration-ran': [
    { kind: 'command', assertion: { type: 'migration-ran', revision: '20251101_0900' }, result: migrated(['20251020_1200_base_tables'], ['20251101_0900_attempt_view_lock']), status: 'pass', sentence: 'the database moved from 20251020_1200_base_tables to 20251101_0900_attempt_view_lock' },
    { kind: 'command', assertion: { type: 'migration-ran', revision: '20251101_0900_attempt_view_lock', severity: 'warn' }, result: migrated(['20251101_0900_attempt_view_lock'], ['20251101_0900_attempt_view_lock']), status: 'warn', sentence: 'already applied: the database stayed at 20251101_0900_attempt_view_lock' },
    {
      kind: 'command',
      assertion: { type: 'migration-ran', revision: '20251101_0900_attempt_view_lock' },
      result: migrated(['20251020_1200_base_tables'], ['20251020_1200_base_tables'], upgradeLog('20251001_0000_init', '20251020_1200_base_tables')),
      status: 'fail',
      sentence: 'the database did not reach 20251101_0900_attempt_view_lock: it stayed at 20251020_1200_base_tables; the log reported 20251001_0000_init → 20251020_1200_base_tables',
    },
  ],
  'lock-timeout-set': [
    {
      kind: 'command',
      assertion: { type: 'lock-timeout-set' },
      result: forwardSql("BEGIN;\nSET LOCAL lock_timeout = '5s';\nALTER TABLE invoice ADD COLUMN note text;\nCOMMIT;"),
      status: 'pass',
      sentence: "lock_timeout '5s' is set at line 2, before the first strong lock: ALTER TABLE at line 3 (ALTER TABLE invoice ADD COLUMN note text)".replace("'5s'", '5s'),
    },
    {
      kind: 'command',
      assertion: { type: 'lock-timeout-set', severity: 'warn' },
      result: forwardSql("BEGIN;\n-- SET lock_timeout = '5s';\nCREATE INDEX invoice_issued_idx ON invoice (issued_at);\nCOMMIT;"),
      status: 'warn',
      sentence: 'no lock_timeout is set before the first strong lock: CREATE INDEX (without CONCURRENTLY) at line 3 (CREATE INDEX invoice_issued_idx ON invoice (issued_at))',
    },
    {
      kind: 'command',
      assertion: { type: 'lock-timeout-set' },
      result: forwardSql("BEGIN;\nSET lock_timeout = 0;\nDROP VIEW IF EXISTS invoice_totals;\nCOMMIT;"),
      status: 'fail',
      sentence: 'no lock_timeout is set before the first strong lock: DROP VIEW at line 3 (DROP VIEW IF EXISTS invoice_totals)',
    },
  ],
  'expected-changes': [
    { kind: 'schema', assertion: { type: 'expected-changes', objects: ['table public.attempt'] }, result: migratedSchema([ATTEMPT], [table('attempt', [['id', 'bigint'], ['score', 'bigint']], '101')]), status: 'pass', sentence: 'only expected objects changed: changed table public.attempt: column score integer → bigint; rewritten (relfilenode 100 → relfilenode 101)' },
    { kind: 'schema', assertion: { type: 'expected-changes', objects: ['public.attempt'], severity: 'warn' }, result: migratedSchema([ATTEMPT], [ATTEMPT, index('attempt_score_idx', 'attempt')]), status: 'warn', sentence: '1 object changed that is not expected: added index public.attempt_score_idx' },
    { kind: 'schema', assertion: { type: 'expected-changes', objects: [] }, result: migratedSchema([ATTEMPT], []), status: 'fail', sentence: '1 object changed that is not expected: dropped table public.attempt' },
  ],
  'no-unexpected-drops': [
    { kind: 'schema', assertion: { type: 'no-unexpected-drops', allow: ['public.attempt.score'] }, result: migratedSchema([ATTEMPT], [table('attempt', [['id', 'bigint']])]), status: 'pass', sentence: 'nothing was dropped beyond what is allowed' },
    { kind: 'schema', assertion: { type: 'no-unexpected-drops', severity: 'warn' }, result: migratedSchema([ATTEMPT], [table('attempt', [['id', 'bigint']])]), status: 'warn', sentence: '1 unexpected drop: column public.attempt.score' },
    { kind: 'schema', assertion: { type: 'no-unexpected-drops' }, result: migratedSchema([ATTEMPT, index('attempt_score_idx', 'attempt')], []), status: 'fail', sentence: '2 unexpected drops: index public.attempt_score_idx, table public.attempt' },
  ],
  'max-lock-hold': [
    { kind: 'command', assertion: { type: 'max-lock-hold', warnAboveMs: 200, failAboveMs: 1000 }, result: observedLocks([3]), status: 'pass', sentence: 'the longest: public.attempt ACCESS EXCLUSIVE held at most 100 ms, within warn above 200 ms, fail above 1000 ms' },
    { kind: 'command', assertion: { type: 'max-lock-hold', relations: ['public.attempt'], warnAboveMs: 200, failAboveMs: 1000 }, result: observedLocks([2, 3, 4, 5]), status: 'warn', sentence: 'public.attempt ACCESS EXCLUSIVE held 150 ms to 250 ms: above the 200 ms warning limit' },
    { kind: 'command', assertion: { type: 'max-lock-hold', failAboveMs: 1000 }, result: command('', 0), status: 'fail', sentence: 'cannot judge the lock holds: the step recorded no lock observation (observeLocks)' },
  ],
  'no-rewrite-above-rows': [
    { kind: 'schema', assertion: { type: 'no-rewrite-above-rows', maxRows: 1000 }, result: migratedSchema([{ ...ATTEMPT, estimatedRows: 500 }], [table('attempt', [['id', 'bigint'], ['score', 'bigint']], '101')]), status: 'pass', sentence: 'rewritten within 1,000 rows: public.attempt (about 500 rows)' },
    { kind: 'schema', assertion: { type: 'no-rewrite-above-rows', maxRows: 1000, severity: 'warn' }, result: migratedSchema([{ ...ATTEMPT, estimatedRows: -1 }], [table('attempt', [['id', 'bigint'], ['score', 'bigint']], '101')]), status: 'warn', sentence: '1 table rewritten above 1,000 rows or of unknown size: public.attempt (rows unknown, never analyzed)' },
    { kind: 'schema', assertion: { type: 'no-rewrite-above-rows', maxRows: 1000 }, result: migratedSchema([{ ...ATTEMPT, estimatedRows: 250000 }], [table('attempt', [['id', 'bigint'], ['score', 'bigint']], '101')]), status: 'fail', sentence: '1 table rewritten above 1,000 rows or of unknown size: public.attempt (about 250,000 rows)' },
  ],
  'no-dependents': [
    { kind: 'dependents', assertion: { type: 'no-dependents' }, result: dependents(true, []), status: 'pass', sentence: 'nothing depends on public.attempt' },
    { kind: 'dependents', assertion: { type: 'no-dependents', severity: 'warn' }, result: dependents(true, ['attempt_summary', 'weekly_kpi']), status: 'warn', sentence: '2 objects depend on public.attempt: view public.attempt_summary, view public.weekly_kpi' },
    { kind: 'dependents', assertion: { type: 'no-dependents' }, result: dependents(false, []), status: 'fail', sentence: 'public.attempt does not exist' },
  ],
  dependents: [
    { kind: 'dependents', assertion: { type: 'dependents', dependents: [{ name: 'attempt_summary' }] }, result: dependents(true, ['attempt_summary']), status: 'pass', sentence: 'the dependents of public.attempt are as expected: view public.attempt_summary' },
    { kind: 'dependents', assertion: { type: 'dependents', dependents: [{ name: 'attempt_summary' }], match: 'equals', severity: 'warn' }, result: dependents(true, ['attempt_summary', 'weekly_kpi']), status: 'warn', sentence: 'the dependents of public.attempt differ from the expected — unexpected: view public.weekly_kpi' },
    { kind: 'dependents', assertion: { type: 'dependents', dependents: [{ name: 'attempt_summary' }] }, result: dependents(true, []), status: 'fail', sentence: 'the dependents of public.attempt differ from the expected — missing: attempt_summary' },
  ],
  attestations: [
    { kind: 'sql', assertion: { type: 'attestations', required: ['ci-green'] }, result: sql([['n', 'integer']], [[1]]), attestations: ATTESTED, status: 'pass', sentence: 'attested: ci-green' },
    {
      kind: 'sql',
      assertion: { type: 'attestations', required: ['ci-green', 'pr-approved', 'guide-reviewed', 'dba-reviewed'], severity: 'warn' },
      result: sql([['n', 'integer']], [[1]]),
      attestations: ATTESTED,
      status: 'warn',
      sentence: '3 of 4 attestations missing: pr-approved, guide-reviewed, dba-reviewed (given: ci-green)',
    },
    { kind: 'sql', assertion: { type: 'attestations', required: ['ci-green', 'pr-approved'] }, result: sql([['n', 'integer']], [[1]]), status: 'fail', sentence: '2 of 2 attestations missing: ci-green, pr-approved' },
  ],
};

function checkOf(kind: Case['kind'], assertion: AssertionInput, argv: string[] = ['true']): CheckDefinition {
  const base = { id: 'c', section: '1', title: 't', assertions: [assertion] };
  const def = kind === 'sql' || kind === 'explain' ? { ...base, kind, sql: 'SELECT 1' } : kind === 'command' ? { ...base, kind, argv } : kind === 'dependents' ? { ...base, kind, relation: { name: 'attempt' } } : kind === 'schema' ? { ...base, kind, changesFrom: 'schema-before' } : { ...base, kind, relation: { name: 'attempt' }, expect: { columns: [] } };
  return checkDefinitionSchema.parse(def);
}

/** Nothing in a sentence reads as JSON: no braces, no ASCII double quotes, no quoted list. */
const JSON_LIKE = /[{}"]|\[\s*'/;

describe('each assertion type says its outcome in one plain sentence', () => {
  it('has a pass, a warning and a failure for every type the registry judges', () => {
    expect(Object.keys(CASES).sort()).toEqual(Object.keys(ASSERTION_TYPES).sort());
    for (const [type, cases] of Object.entries(CASES)) expect(cases.map((c) => c.status), type).toEqual(['pass', 'warn', 'fail']);
  });

  for (const [type, cases] of Object.entries(CASES)) {
    it.each(cases.map((c) => [c.status, c] as const))(`${type}: %s`, (_status, c) => {
      const check = checkOf(c.kind, c.assertion, c.argv);
      const [outcome] = evaluateAssertions({ check, result: c.result, measuredMs: c.measuredMs ?? 10, attestations: c.attestations ?? [] });
      expect(outcome!.status).toBe(c.status);
      const [said] = outcomesInWords({ assertions: [outcome!], result: c.result, source: c.argv ? { argv: c.argv } : {} }, check);
      expect(said!.sentence).toBe(c.sentence);
      expect(said!.sentence).not.toMatch(JSON_LIKE);
      expect(said!.sentence).not.toContain('\n');
    });
  }

  it('reads older evidence from what it stored when the result is gone: the stored record of each test, of each attestation', () => {
    const check = checkOf('command', { type: 'tests-passed', tests: ['test_a', 'test_b'] });
    const stored = { id: 'tests-passed', type: 'tests-passed', description: '2 tests passed', expected: { test_a: 'PASSED', test_b: 'PASSED' }, actual: { test_a: 'PASSED', test_b: 'not run' }, status: 'fail' as const };
    expect(sayOutcome(stored, { check, result: null })).toBe('1 of 2 named tests did not run: test_b');
    const preflight = checkOf('sql', { type: 'attestations', required: ['ci-green', 'guide-reviewed'], severity: 'warn' });
    const attested = { id: 'attestations', type: 'attestations', description: 'every required attestation given (missing: guide-reviewed)', expected: ['ci-green', 'guide-reviewed'], actual: { 'ci-green': 'release-bot at 2026-11-25T08:17:46.546Z', 'guide-reviewed': 'not attested' }, status: 'warn' as const };
    expect(sayOutcome(attested, { check: preflight, result: null })).toBe('1 of 2 attestations missing: guide-reviewed (given: ci-green)');
  });

  it('says an outcome no definition explains from what it recorded, in words, and a not-applicable one as such', () => {
    const orphan = { id: 'gone', type: 'field-compare', description: 'n > 0', expected: '> 0', actual: { n: 0, rows: [1, 2] }, status: 'fail' as const };
    const said = sayOutcome(orphan, { result: null });
    expect(said).toBe('n > 0 not met: n: 0, rows: 1, 2, where > 0 was expected');
    expect(said).not.toMatch(JSON_LIKE);
    const check = checkOf('command', { type: 'row-count', min: 1 });
    const [outcome] = evaluateAssertions({ check, result: command('x'), measuredMs: 1, attestations: [] });
    expect(sayOutcome(outcome!, { check, result: command('x') })).toBe('cannot judge a command result');
  });

  it('names the program a command ran, without its directory', () => {
    expect(programOf(['/usr/local/bin/pytest', '-v'])).toBe('pytest');
    expect(programOf(['python3', '-m', 'pytest', 'tests'])).toBe('python3 -m pytest');
    expect(programOf(undefined)).toBeNull();
  });
});

describe('checkProblem in sentences', () => {
  const check = checkOf('command', { type: 'exit-code', equals: 0 }, ['pytest', '-v']);
  const base = { id: 'smoke-tests', status: 'fail' as const, error: null, skipReason: null };

  it('says each unmet assertion with its status word first (the decision compares reasons by it), between them a middle dot', () => {
    const both = checkOf('command', { type: 'tests-passed', tests: ['test_refund_totals'] }, ['pytest', '-v']);
    both.assertions.push(check.assertions[0]!);
    const result = command('', 1, { parsed: REFUNDS });
    const assertions = evaluateAssertions({ check: both, result, measuredMs: 1, attestations: [] });
    const problem = checkProblem({ ...base, assertions, result, source: { argv: ['pytest', '-v'] } }, both);
    expect(problem).toBe(
      'fail: 1 of 1 named test failed: test_refund_totals — AssertionError: refund totals differ · fail: pytest exited with code 1 (expected 0); failed: test_refund_totals — AssertionError: refund totals differ',
    );
    // Callable as checkProblem(snapshot) too: each outcome then said from what it recorded.
    expect(checkProblem({ ...base, assertions, result })).toMatch(/^fail: 1 named tests passed not met: test_refund_totals: FAILED, where test_refund_totals: PASSED was expected · fail: exit code 0 not met: 1, where 0 was expected$/);
  });

  it('says errors by their kind, skips, missing checks and assertions not judged', () => {
    const error = { kind: 'sql' as const, message: 'relation "attempt_v2" does not exist', code: '42P01', hint: null, detail: null };
    expect(checkProblem({ ...base, status: 'error', assertions: unjudgedAssertions(check, 'the check errored'), error })).toBe('error: the database refused the query: relation "attempt_v2" does not exist (SQLSTATE 42P01)');
    expect(checkProblem({ ...base, status: 'fail', assertions: [], error: { kind: 'spawn', message: 'pytest: not found', code: null, hint: null, detail: null } })).toBe('failed: the command could not start: pytest: not found');
    expect(checkProblem({ ...base, status: 'error', assertions: [], error: { kind: 'timeout', message: 'canceling statement due to statement timeout', code: '57014', hint: 'raise statement_timeout', detail: null } })).toBe('error: timed out: canceling statement due to statement timeout (hint: raise statement_timeout)');
    expect(checkProblem({ ...base, status: 'skipped', assertions: unjudgedAssertions(check, 'skipped'), skipReason: 'alembic not found on PATH' })).toBe('skipped: alembic not found on PATH');
    expect(checkProblem(undefined)).toBe('missing: the check did not run');
    // A check that ran but whose assertion could not be judged: never a pass, said as not judged.
    const [unjudged] = unjudgedAssertions(check, 'the output was not read');
    expect(checkProblem({ ...base, assertions: [unjudged!] }, check)).toBe('skipped: not judged: the output was not read');
    expect(problemUnlessPass({ ...base, status: 'pass', assertions: evaluateAssertions({ check, result: command(''), measuredMs: 1, attestations: [] }) }, check)).toBeNull();
  });
});

describe('values formatted for reading', () => {
  it('durations at a reader’s precision, wholes of two as both, lists with the rest counted', () => {
    expect([0.42, 7.54, 512.4, 999.6, 1000, 1234.5, 14_200, 125_000, 120_000].map(readableMs)).toEqual(['0.42 ms', '7.5 ms', '512 ms', '1000 ms', '1 s', '1.2 s', '14 s', '2 min 5 s', '2 min']);
    expect([allOf(2, 'read'), allOf(3, 'read')]).toEqual(['both reads', 'all 3 reads']);
    expect(listed(['a', 'b', 'c', 'd', 'e', 'f', 'g'])).toBe('a, b, c, d, e and 2 more');
    expect(listed([])).toBe('none');
  });
});
