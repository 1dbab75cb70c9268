/**
 * The locks a migration really took (issue 28, point 4), on a real PostgreSQL server through real
 * alembic: a migration that retypes a column (a table rewrite) and builds an index without
 * CONCURRENTLY, on a table of 200,000 rows, observed by the lock sampler. The evidence names the
 * rewritten table (its relfilenode), the ACCESS EXCLUSIVE hold with a duration, the new index; a
 * second session that waits behind the migration is recorded as a waiter; the max-hold and rewrite
 * assertions warn and fail at low limits and pass at high ones. Meanwhile a watcher reads pg_locks
 * on its own: the sampler never holds a lock on an application relation and never blocks anyone.
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect } from '../../collectors/collect.ts';
import { resolveConnection } from '../../collectors/db/connection.ts';
import { checklistSchema, type ChecklistInput, type ResultOf } from '../../src/format/index.ts';
import { markdownReport } from '../../src/core/export/markdown.ts';
import { realServer, serverUrl, toolingProblem } from '../harness/databases.ts';
import { tempEvidenceRoot } from '../harness/evidence.ts';
import { adminQuery } from '../harness/seed-database.ts';

const APP = fileURLToPath(new URL('../fixtures/apps/ledger-rewrite', import.meta.url));
const SAMPLER = 'deploy-evidence lock sampler';

const checklist: ChecklistInput = {
  id: 'ledger-rewrite',
  version: '1.0.0',
  title: 'Ledger rewrite',
  sections: [{ number: '1', title: 'Migration' }],
  checks: [
    { id: 'schema-before', kind: 'schema', section: '1', title: 'Schema before', schemas: ['ledger'] },
    {
      id: 'upgrade',
      kind: 'command',
      section: '1',
      title: 'alembic upgrade head',
      argv: ['alembic', 'upgrade', 'head'],
      env: ['DATABASE_URL'],
      mutating: true,
      observeLocks: { intervalMs: 20 },
      assertions: [
        { type: 'exit-code' },
        { type: 'max-lock-hold', id: 'entry-hold-warns', relations: ['ledger.entry'], warnAboveMs: 1 },
        { type: 'max-lock-hold', id: 'any-hold-fails', failAboveMs: 1 },
        { type: 'max-lock-hold', id: 'hold-within-a-minute', warnAboveMs: 60_000, failAboveMs: 120_000 },
      ],
    },
    {
      id: 'schema-after',
      kind: 'schema',
      section: '1',
      title: 'Schema after',
      schemas: ['ledger'],
      changesFrom: 'schema-before',
      assertions: [
        { type: 'no-rewrite-above-rows', id: 'small-rewrites-only', maxRows: 1000 },
        { type: 'no-rewrite-above-rows', id: 'no-huge-rewrite', maxRows: 10_000_000 },
      ],
    },
  ],
};

describe.skipIf(realServer() === null || toolingProblem !== null)('the locks a real alembic migration took', () => {
  let name: string;
  let url: string;
  beforeAll(async () => {
    name = `locks_${randomBytes(5).toString('hex')}`;
    await adminQuery(serverUrl('postgres'), `CREATE DATABASE ${name}`);
    url = serverUrl(name);
    await adminQuery(
      url,
      `CREATE SCHEMA ledger;
       CREATE TABLE ledger.entry (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, amount integer NOT NULL, booked_on date NOT NULL);
       INSERT INTO ledger.entry (amount, booked_on) SELECT g % 1000, DATE '2026-01-01' + (g % 365) FROM generate_series(1, 200000) g;
       ANALYZE ledger.entry;`,
    );
  }, 60_000);
  afterAll(async () => {
    await adminQuery(serverUrl('postgres'), `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });

  it('records the rewrite, the ACCESS EXCLUSIVE hold with its bounds, the new index and a waiter; the sampler locks nothing and blocks no one', async () => {
    const watcher = new pg.Client({ connectionString: url, application_name: 'lock-test watcher' });
    const reader = new pg.Client({ connectionString: url, application_name: 'report-reader' });
    await watcher.connect();
    await reader.connect();
    const entryOid = String((await watcher.query(`SELECT 'ledger.entry'::regclass::oid::text AS oid`)).rows[0].oid);

    // The watcher: every few ms, what the sampler holds, and whom anyone waits behind.
    let watching = true;
    let samplerSeen = 0;
    const samplerRelationLocks: string[] = [];
    const blockedBySampler: string[] = [];
    let readerStarted: Promise<unknown> | null = null;
    const watch = (async () => {
      while (watching) {
        const { rows } = await watcher.query(
          `SELECT a.pid, a.application_name, pg_blocking_pids(a.pid) AS blockers,
             (SELECT json_agg(l.relation::text) FROM pg_locks l WHERE l.pid = a.pid AND l.locktype = 'relation' AND l.relation >= 16384) AS app_locks,
             EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.relation = $1::oid AND l.mode = 'AccessExclusiveLock' AND l.granted) AS holds_entry
           FROM pg_stat_activity a WHERE a.datname = current_database() AND a.pid <> pg_backend_pid()`,
          [entryOid],
        );
        const sampler = rows.find((r) => r.application_name === SAMPLER);
        if (sampler) {
          samplerSeen += 1;
          if (sampler.app_locks) samplerRelationLocks.push(JSON.stringify(sampler.app_locks));
          for (const r of rows) if ((r.blockers as number[]).includes(sampler.pid)) blockedBySampler.push(`${r.application_name} (${r.pid})`);
        }
        // Once the migration holds ACCESS EXCLUSIVE on the table, a report reads it: it waits.
        if (!readerStarted && rows.some((r) => r.holds_entry)) readerStarted = reader.query(`SET statement_timeout = 20000; SELECT count(*) FROM ledger.entry`);
        await new Promise((resolve) => setTimeout(resolve, 3));
      }
    })();

    const root = await tempEvidenceRoot();
    let result: Awaited<ReturnType<typeof collect>>;
    try {
      result = await collect({
        checklist: checklistSchema.parse(checklist),
        environment: 'staging',
        deploymentId: 'rewrite',
        evidenceRoot: root,
        target: resolveConnection({ databaseUrl: url }),
        appDir: APP,
        allowMutating: { by: 'test', via: 'test' },
      });
    } finally {
      watching = false;
      await watch;
      await readerStarted;
      await watcher.end();
      await reader.end();
    }

    const upgrade = result.snapshots.find((s) => s.id === 'upgrade')!;
    expect(upgrade.error, JSON.stringify(upgrade.result)).toBeNull();
    const command = upgrade.result as ResultOf<'command'>;
    expect(command.exitCode, command.stderr).toBe(0);
    const locks = command.locks!;
    expect(locks.status, locks.note ?? '').toBe('observed');
    // alembic's psycopg2 session carried the PGAPPNAME the collector set.
    expect(locks.matchedBy).toBe('application-name');
    expect(locks.applicationName).toMatch(/^deploy-evidence-step-[0-9a-f]{12}$/);
    expect(locks.backends.length).toBeGreaterThan(0);
    expect([...new Set(locks.backends.map((b) => b.applicationName))]).toEqual([locks.applicationName]);
    expect(locks.samples.taken).toBeGreaterThan(10);
    expect(locks.blockedBySampler).toBe(0);

    const entry = locks.relations.find((r) => r.schema === 'ledger' && r.name === 'entry')!;
    expect(entry.oid).toBe(entryOid);
    const exclusive = entry.holds.filter((h) => h.mode === 'AccessExclusiveLock' && h.granted);
    expect(exclusive.length).toBeGreaterThan(0);
    const longest = exclusive.reduce((a, b) => (b.maxMs > a.maxMs ? b : a));
    // Held through the rewrite, the index build and the 400 ms the migration's transaction goes on.
    expect(longest.minMs).toBeGreaterThan(300);
    expect(longest.maxMs).toBeGreaterThanOrEqual(longest.minMs);
    expect(longest.lastSeenMs).toBeGreaterThan(longest.firstSeenMs);
    // The new index, named after the step.
    expect(locks.relations.some((r) => r.schema === 'ledger' && r.name === 'entry_booked_idx' && r.relkind === 'i')).toBe(true);
    // The report that waited behind the migration, with the query it waited in.
    expect(entry.waiters).toEqual([
      expect.objectContaining({ applicationName: 'report-reader', mode: 'AccessShareLock', query: expect.stringContaining('SELECT count(*) FROM ledger.entry'), blockedBy: [longest.pid] }),
    ]);

    // The watcher's own reading: the sampler never held a lock on an application relation, nobody waited behind it.
    expect(samplerSeen).toBeGreaterThan(5);
    expect(samplerRelationLocks).toEqual([]);
    expect(blockedBySampler).toEqual([]);

    const outcome = (id: string) => upgrade.assertions.find((a) => a.id === id)!;
    expect(outcome('entry-hold-warns').status).toBe('warn');
    expect(outcome('any-hold-fails').status).toBe('fail');
    expect(outcome('hold-within-a-minute').status).toBe('pass');

    const after = result.snapshots.find((s) => s.id === 'schema-after')!;
    const changes = (after.result as ResultOf<'schema'>).changes!.entries;
    expect(changes.find((c) => c.name === 'ledger.entry')).toMatchObject({ kind: 'table', change: 'changed', rewritten: true, rowsBefore: 200000 });
    expect(changes.find((c) => c.name === 'ledger.entry_booked_idx')).toMatchObject({ kind: 'index', change: 'added' });
    expect(after.assertions.find((a) => a.id === 'small-rewrites-only')).toMatchObject({ status: 'fail', actual: { over: ['ledger.entry'] } });
    expect(after.assertions.find((a) => a.id === 'no-huge-rewrite')?.status).toBe('pass');

    // The PR Markdown says what was locked, for how long, and who waited.
    const markdown = markdownReport({ deployment: result.deployment, snapshots: new Map(result.snapshots.map((s) => [s.id, s])), digest: result.manifestSha256, fileDigests: new Map(), where: {} });
    expect(markdown).toMatch(/Locks taken/);
    expect(markdown).toMatch(/\| ledger\.entry \| ACCESS EXCLUSIVE \| \d[^|]* \| 1 \|/);
  }, 120_000);
});
