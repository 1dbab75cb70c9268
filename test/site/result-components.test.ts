/**
 * Each kind of result, rendered as a reader sees it (issue 26): for every kind and every branch
 * of its component, the visible text says what the evidence says — and nothing of the template's
 * own source (`result.exists ? ( …`) is printed beside it. Results go through the same view
 * models as the pages (src/site/view-models/results/), rendered with Astro's container API.
 */
import { experimental_AstroContainer as AstroContainer } from 'astro/container';
import { describe, expect, it } from 'vitest';
import CheckResult from '../../src/components/CheckResult.astro';
import type { CheckResult as Result, ResultOf } from '../../src/format/index.ts';
import { resultView } from '../../src/site/view-models/results/registry.ts';
import { summarizeLocks } from '../../src/core/locks/lock-holds.ts';
import { templateLeaks, visibleText } from '../harness/rendered-text.ts';

const container = await AstroContainer.create();

/** The visible text of a result as the check's page (full) or the report (compact) shows it. */
async function rendered(result: Result, options: { compact?: boolean; truncation?: Parameters<typeof resultView>[1]['truncation']; tableLimit?: number } = {}): Promise<string> {
  const view = resultView(result, { truncation: options.truncation ?? null, tableLimit: options.tableLimit ?? Number.POSITIVE_INFINITY, checkId: 'the-check' });
  const html = await container.renderToString(CheckResult, { props: { result: view, checkId: 'the-check', compact: options.compact ?? false } });
  const text = visibleText(html);
  expect(templateLeaks(text), text).toEqual([]);
  // None of these results holds a brace: one in the text is an expression printed as source.
  expect(text, text).not.toMatch(/[{}]/);
  return text;
}

const both = [false, true] as const;

describe('dependents result', () => {
  const relation = { schema: 'public', name: 'attempt' };

  it.each(both)('says nothing depends on an existing relation without dependents, and only that (compact: %s)', async (compact) => {
    const text = await rendered({ kind: 'dependents', relation: { ...relation, exists: true }, dependents: [] }, { compact });
    expect(text).toBe('Nothing in the catalog depends on public.attempt.');
  });

  it.each(both)('lists what depends on an existing relation, in words (compact: %s)', async (compact) => {
    const text = await rendered(
      {
        kind: 'dependents',
        relation: { ...relation, exists: true },
        dependents: [
          { type: 'view', schema: 'public', name: 'attempt_summary', dependencyType: 'n' },
          { type: 'index', schema: null, name: 'attempt_pkey', dependencyType: 'a' },
        ],
      },
      { compact },
    );
    expect(text).toBe('Objects that depend on public.attempt Type Name Dependency view public.attempt_summary normal index attempt_pkey automatic');
  });

  it.each(both)('says a missing relation does not exist, and only that (compact: %s)', async (compact) => {
    const text = await rendered({ kind: 'dependents', relation: { ...relation, exists: false }, dependents: [] }, { compact });
    expect(text).toBe('public.attempt does not exist.');
  });
});

const sqlResult = (rows: ResultOf<'sql'>['rows'], rowCount = rows.length): ResultOf<'sql'> => ({
  kind: 'sql',
  columns: [
    { name: 'id', type: 'bigint', typeOid: 20 },
    { name: 'label', type: 'text', typeOid: 25 },
  ],
  rows,
  rowCount,
  reads: [{ durationMs: 3.25, rowsSha256: 'ab'.repeat(32) }],
});

describe('sql result', () => {
  it('shows the rows under their columns and types, NULL apart from an empty string', async () => {
    const text = await rendered(sqlResult([['9007199254740993', 'kept'], ['2', null], ['3', '']]));
    expect(text).toBe('Result of the-check: 3 rows id bigint label text 9007199254740993 kept 2 NULL 3 (empty string)');
  });

  it('says so when the evidence kept fewer rows than the query returned, and when the page shows fewer', async () => {
    const rows = Array.from({ length: 5 }, (_, i) => [String(i + 1), `row ${i + 1}`]);
    const text = await rendered(sqlResult(rows, 1200), { truncation: { rowsTotal: 1200, rowsKept: 5, bytesOmitted: null } as never, tableLimit: 2 });
    expect(text).toBe('The query returned 1,200 rows; the evidence keeps the first 5. Showing 2 of the 5 rows kept; the raw evidence file has them all. Result of the-check: 1,200 rows id bigint label text 1 row 1 2 row 2');
  });

  it('says the query returned no rows', async () => {
    expect(await rendered(sqlResult([]))).toBe('The query returned no rows.');
  });

  it('names each read when the query was read more than once, on the full page only', async () => {
    const twice: ResultOf<'sql'> = { ...sqlResult([['1', 'a']]), reads: [{ durationMs: 3, rowsSha256: 'a'.repeat(64) }, { durationMs: 4, rowsSha256: 'a'.repeat(64) }] };
    const full = await rendered(twice);
    expect(full).toMatch(/Read 2 times: read 1 3(\.0+)? ms, rows sha256 aaaaaaaaaaaaaaaa…; read 2 4(\.0+)? ms, rows sha256 aaaaaaaaaaaaaaaa…\.$/);
    expect(await rendered(twice, { compact: true })).toBe('Result of the-check: 1 row id bigint label text 1 a');
  });
});

describe('columns result', () => {
  const columns: ResultOf<'columns'> = {
    kind: 'columns',
    relation: { schema: 'public', name: 'attempt_summary', relkind: 'view' },
    columns: [
      { position: 1, name: 'id', type: 'bigint', nullable: true },
      { position: 2, name: 'score', type: 'numeric', nullable: false },
    ],
    nullCheckOnData: { sql: 'SELECT count(*) FILTER (WHERE id IS NULL) FROM public.attempt_summary', nullRows: [] },
    note: 'PostgreSQL reports every view column as nullable.',
  };

  it('shows the relation, its columns and the NULL count query on the full page', async () => {
    expect(await rendered(columns)).toBe(
      'public.attempt_summary is a view. PostgreSQL reports every view column as nullable. Columns of public.attempt_summary as the catalog reports them # column_name data_type is_nullable 1 id bigint YES 2 score numeric NO NOT NULL checked on the data with SELECT count(*) FILTER (WHERE id IS NULL) FROM public.attempt_summary',
    );
  });

  it('leaves the NULL count query to the check page in the report, and shows no note when there is none', async () => {
    expect(await rendered({ ...columns, note: null }, { compact: true })).toBe(
      'public.attempt_summary is a view. Columns of public.attempt_summary as the catalog reports them # column_name data_type is_nullable 1 id bigint YES 2 score numeric NO',
    );
  });
});

const command = (over: Partial<ResultOf<'command'>>): ResultOf<'command'> => ({
  kind: 'command',
  exitCode: 0,
  signal: null,
  timedOut: false,
  stdout: '',
  stderr: '',
  outputCapBytes: 65536,
  redactions: 0,
  parsed: null,
  ...over,
});

describe('command result', () => {
  it('exit 0: the code and the output', async () => {
    expect(await rendered(command({ stdout: 'all good\n' }))).toBe('Exit code 0 stdout all good');
  });

  it('nonzero exit: the code, both streams and the secrets redacted', async () => {
    expect(await rendered(command({ exitCode: 2, stdout: 'partial\n', stderr: 'boom\n', redactions: 1 }))).toBe('Exit code 2 — 1 secret redacted before writing stdout partial stderr boom');
    expect(await rendered(command({ exitCode: 1, redactions: 3 }))).toBe('Exit code 1 — 3 secrets redacted before writing No output on stdout.');
  });

  it('killed by a signal at its timeout', async () => {
    expect(await rendered(command({ exitCode: null, signal: 'SIGKILL', timedOut: true, stdout: 'started\n' }))).toBe('Exit code killed by SIGKILL — killed at its timeout stdout started');
  });

  it('a capped stream: its head, what was left out and its tail', async () => {
    const text = await rendered(command({ stdout: 'head\n', streams: { stdout: { bytes: 5000, sha256: 'c'.repeat(64), tail: 'tail\n' }, stderr: { bytes: 0, sha256: 'd'.repeat(64), tail: null } } }));
    expect(text).toMatch(/^Exit code 0 stdout head … 4\.9\d* KiB left out here \(the whole stream: 4\.9\d* KiB, sha256 c{64}\) … tail$/);
  });

  it('parsed pytest: the summary and each test with its outcome and message', async () => {
    const parsed: ResultOf<'command'>['parsed'] = {
      kind: 'pytest',
      tests: [
        { name: 'test_refund_totals', classname: 'tests.test_refunds', outcome: 'failed', durationMs: 12, message: 'AssertionError: 3 != 4', details: null },
        { name: 'test_ok', classname: 'tests.test_refunds', outcome: 'passed', durationMs: 1, message: null, details: null },
      ],
      summary: { tests: 2, passed: 1, failed: 1, errors: 0, skipped: 0, durationMs: 13 },
      junitXml: null,
    };
    const text = await rendered(command({ exitCode: 1, stdout: '1 failed, 1 passed\n', parsed }));
    expect(text).toMatch(
      /^Exit code 1 2 tests: 1 passed, 1 failed, 0 errors, 0 skipped \(from pytest's JUnit report\) Tests Test Outcome Duration Message test_refund_totals \S+ Fail 12(\.0+)? ms AssertionError: 3 != 4 test_ok \S+ Pass 1(\.0+)? ms stdout 1 failed, 1 passed$/u,
    );
  });

  it('parsed alembic upgrade: the migrations that ran and the errors alembic reported', async () => {
    const parsed: ResultOf<'command'>['parsed'] = {
      kind: 'alembic-upgrade',
      migrations: [{ direction: 'upgrade', from: null, to: '20251101_0900', message: 'attempt view' }],
      reached: '20251101_0900',
      errors: ['relation "attempt" already exists'],
    };
    expect(await rendered(command({ stderr: 'INFO Running upgrade\n', parsed }))).toBe(
      'Exit code 0 Migrations that ran: upgrade <base> → 20251101_0900: attempt view Errors reported by alembic relation "attempt" already exists No output on stdout. stderr INFO Running upgrade',
    );
    expect(await rendered(command({ parsed: { kind: 'alembic-upgrade', migrations: [], reached: null, errors: [] } }))).toBe('Exit code 0 Migrations that ran: none No output on stdout.');
  });

  it('parsed alembic --sql: the migrations and the SQL preview instead of stdout', async () => {
    const parsed: ResultOf<'command'>['parsed'] = {
      kind: 'alembic-sql',
      migrations: [{ direction: 'upgrade', from: 'a1', to: 'b2', message: null }],
      sql: 'CREATE VIEW attempt_summary AS SELECT 1;',
      errors: [],
    };
    expect(await rendered(command({ stdout: 'CREATE VIEW attempt_summary AS SELECT 1;', parsed }))).toBe('Exit code 0 Migrations the SQL would run: upgrade a1 → b2 CREATE VIEW attempt_summary AS SELECT 1;');
  });

  it('forward SQL (alembic upgrade A:B --sql): highlighted as SQL on the check page, once, not as a log', async () => {
    const sql = "BEGIN;\n\nSET LOCAL lock_timeout = '5s';\n\n-- Running upgrade a1 -> b2\n\nALTER TABLE invoice ADD COLUMN note text;\n\nCOMMIT;\n";
    const parsed: ResultOf<'command'>['parsed'] = { kind: 'alembic-sql', migrations: [{ direction: 'upgrade', from: 'a1', to: 'b2', message: null }], sql, errors: [] };
    const view = resultView(command({ stdout: sql, parsed }), { truncation: null, tableLimit: Number.POSITIVE_INFINITY, checkId: 'forward-sql' });
    const html = await container.renderToString(CheckResult, { props: { result: view, checkId: 'forward-sql', compact: false } });
    const blocks = [...html.matchAll(/<pre class="([^"]*)"[^>]*aria-label="([^"]*)"/g)].map((m) => m[2]);
    expect(blocks).toEqual(['SQL preview of forward-sql']);
    // shiki's SQL grammar: keywords in their own colour, the comment in another, the string in a third.
    const spans = (cls: string) => [...html.matchAll(new RegExp(`<span class="${cls}">([^<]*)</span>`, 'g'))].map((m) => m[1]);
    const keyword = /<span class="([^"]+)">ALTER<\/span>/.exec(html)?.[1];
    expect(keyword).toBeDefined();
    expect(spans(keyword!)).toEqual(expect.arrayContaining(['BEGIN', 'SET', 'ALTER', 'TABLE', 'COMMIT']));
    const comment = /<span class="([^"]+)">-- Running upgrade a1 -&gt; b2<\/span>/.exec(html)?.[1];
    expect(comment).toBeDefined();
    expect(comment).not.toBe(keyword);
    expect(visibleText(html)).toContain("SET LOCAL lock_timeout = '5s';");
  });

  it('parsed alembic history: the head and every revision', async () => {
    const parsed: ResultOf<'command'>['parsed'] = {
      kind: 'alembic-history',
      revisions: [
        { revision: 'b2', downRevisions: ['a1'], message: 'attempt view', markers: ['head'] },
        { revision: 'a1', downRevisions: [], message: null, markers: [] },
      ],
      heads: ['b2'],
      head: 'b2',
    };
    expect(await rendered(command({ stdout: 'a1 -> b2 (head), attempt view\n', parsed }), { compact: true })).toBe(
      'Exit code 0 Head: b2 Revisions, newest first (as alembic printed them) Revision Parents Markers Message b2 a1 head attempt view a1 <base> stdout a1 -> b2 (head), attempt view',
    );
    const twoHeads = await rendered(command({ parsed: { ...parsed, heads: ['b2', 'c3'], head: null } }));
    expect(twoHeads).toMatch(/^Exit code 0 Head: several heads: b2, c3 /);
  });
});

describe('explain result', () => {
  const plan = [{ Plan: { 'Node Type': 'Seq Scan', 'Relation Name': 'attempt', Alias: 'a', 'Actual Rows': 40, 'Actual Loops': 1, 'Plan Rows': 38, 'Actual Total Time': 0.5, Filter: '(score > 0)', 'Rows Removed by Filter': 2 } }];
  const explain: ResultOf<'explain'> = {
    kind: 'explain',
    plan,
    planningMs: 0.2,
    executionMs: 1.5,
    rowsScanned: 42,
    sharedHitBlocks: 1200,
    sharedReadBlocks: 3,
    nodeTypes: ['Seq Scan'],
    runs: [
      { planningMs: 0.3, executionMs: 2 },
      { planningMs: 0.2, executionMs: 1.5 },
      { planningMs: 0.2, executionMs: 1 },
    ],
    medianPlanningMs: 0.2,
    medianExecutionMs: 1.5,
    noiseBand: 0.25,
    noiseFloorMs: 1,
    maxRatio: 1.5,
  };

  it('shows the medians, every run and the plan tree on the full page', async () => {
    const text = await rendered(explain);
    expect(text).toMatch(/^Execution time 1\.5\d* ms \(median of 3 runs\) Planning time 0\.2\d* ms Rows scanned 42 Shared buffers 1,200 hit, 3 read Every run Run Execution Planning 1 2(\.0+)? ms 0\.3\d* ms 2 1\.5\d* ms 0\.2\d* ms 3 1(\.0+)? ms 0\.2\d* ms /);
    expect(text).toMatch(/Plan tree \(run 2 of 3, the median\) Seq Scan on attempt a actual rows 40 estimated rows 38 time 0\.5\d* ms filter \(score > 0\) rows removed by filter 2$/);
  });

  it('shows the medians and the plan\'s node types in the report', async () => {
    expect(await rendered(explain, { compact: true })).toMatch(/^Execution time 1\.5\d* ms \(median of 3 runs\) Planning time 0\.2\d* ms Rows scanned 42 Shared buffers 1,200 hit, 3 read Plan: Seq Scan$/);
  });

  it('a single run without a readable plan: the figures, no runs table, no tree', async () => {
    const single = { ...explain, plan: null, runs: [{ planningMs: 0.2, executionMs: 1.5 }] };
    expect(await rendered(single)).toMatch(/^Execution time 1\.5\d* ms Planning time 0\.2\d* ms Rows scanned 42 Shared buffers 1,200 hit, 3 read$/);
  });
});

describe('a command result with the locks it took (issue 28)', () => {
  const hold = (relation: string, mode: string) => ({ pid: 41, applicationName: 'step', backendStartMs: 0, relation, mode, granted: true, blockedBy: null, query: '' });
  const waiter = { pid: 60, applicationName: 'report-reader', backendStartMs: 0, relation: '16400', mode: 'AccessShareLock', granted: false, blockedBy: [41], query: 'SELECT count(*) FROM ledger.entry' };
  const locks = summarizeLocks({
    samples: [50, 100, 150, 200].map((atMs, i) => ({ atMs, rows: i < 3 ? [hold('16400', 'AccessExclusiveLock'), hold('16500', 'ShareLock'), ...(i > 0 ? [waiter] : [])] : [hold('', '')] })),
    stepMs: 250,
    intervalMs: 50,
    applicationName: 'step',
    stepStartServerMs: 0,
    samplerPid: 7,
    excludeApplicationNames: [],
    relationNames: new Map([['16400', { schema: 'ledger', name: 'entry', relkind: 'r' }]]),
  });
  const result = (l = locks): ResultOf<'command'> => ({ kind: 'command', exitCode: 0, signal: null, timedOut: false, stdout: '', stderr: '', outputCapBytes: 1024, redactions: 0, parsed: null, locks: l });

  it('shows each hold with its bounds, the relation dropped during the step and the waiter on the check page; the summary per relation on the report', async () => {
    const page = await rendered(result());
    expect(page).toContain('Locks taken');
    expect(page).toMatch(/ledger\.entry ACCESS EXCLUSIVE 41 50 ms 150 ms 100 ms to 200 ms 3/);
    expect(page).toMatch(/relation 16500 \(dropped during the step\) SHARE 41/);
    expect(page).toMatch(/ledger\.entry report-reader \(60\) ACCESS SHARE 100 ms to 150 ms 41 SELECT count\(\*\) FROM ledger\.entry/);
    const html = await container.renderToString(CheckResult, { props: { result: resultView(result(), { truncation: null, tableLimit: 10, checkId: 'upgrade' }), checkId: 'upgrade', compact: false } });
    expect(html).toMatch(/<canvas id="locks-upgrade" role="img"/);
    const report = await rendered(result(), { compact: true });
    expect(report).toMatch(/ledger\.entry ACCESS EXCLUSIVE 100 ms to 200 ms 1/);
    expect(report).not.toContain('report-reader');
  });

  it('says why there is nothing to show rather than an empty timeline', async () => {
    const unsupported = { ...locks, status: 'unsupported' as const, note: 'the embedded database (PGlite) serves every connection in one session', relations: [] };
    for (const compact of both) expect(await rendered(result(unsupported), { compact })).toContain('No locks to show: the lock observation could not run: the embedded database (PGlite) serves every connection in one session.');
  });
});
