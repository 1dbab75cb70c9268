/**
 * The rehearsed round trip on a real PostgreSQL server through real alembic (issue 28, point 6): an
 * alembic project of two revisions, the target at the first. A good downgrade passes and leaves no
 * copy behind; a downgrade that forgets the index its upgrade created fails, naming the index; the
 * target is never touched (its schema and alembic_version as they were); a collector stopped with
 * SIGTERM mid-step drops its copy, and a SIGKILLed one's copy is dropped by the next collection.
 * Each step's locks are observed on the copy: they name the copy's relations (the index only the
 * copy has; the copy's own oids when it was restored from a dump), the sampler's session is on the
 * copy only, one at a time, one per step run, and ends with its step — also a failed one.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect } from '../../collectors/collect.ts';
import { resolveConnection } from '../../collectors/db/connection.ts';
import { SCRATCH_PREFIX } from '../../collectors/checks/round-trip-check.ts';
import { roundTripLines } from '../../src/core/export/round-trip-lines.ts';
import { checklistSchema, type ChecklistInput, type CheckSnapshot, type ResultOf } from '../../src/format/index.ts';
import { BIN } from '../harness/cli.ts';
import { realServer, serverUrl, toolingProblem } from '../harness/databases.ts';
import { readDeployment, tempEvidenceRoot } from '../harness/evidence.ts';
import { adminQuery } from '../harness/seed-database.ts';

const ENV_PY = new URL('../../examples/billing/migrations/env.py', import.meta.url).pathname;

const BASE = `CREATE SCHEMA ledger;
CREATE TABLE ledger.entry (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, amount integer NOT NULL, booked_on date NOT NULL);
INSERT INTO ledger.entry (amount, booked_on) SELECT g, DATE '2026-01-01' + g FROM generate_series(1, 200) g;
GRANT SELECT ON ledger.entry TO PUBLIC;
CREATE TABLE public.alembic_version (version_num varchar(32) NOT NULL PRIMARY KEY);
INSERT INTO public.alembic_version VALUES ('0001_base');`;

/**
 * An alembic project whose head, 0002, adds an index; its downgrade drops it, or forgets to, or
 * fails after dropping it. Its steps hold their locks 300 ms (a migration's transaction going on),
 * so the sampler sees them.
 */
async function alembicProject(options: { forgetIndex?: boolean; slowUpgrade?: boolean; failDowngrade?: boolean } = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'round-trip-app-'));
  await mkdir(join(dir, 'migrations', 'versions'), { recursive: true });
  await writeFile(join(dir, 'alembic.ini'), '[alembic]\nscript_location = migrations\n');
  await copyFile(ENV_PY, join(dir, 'migrations', 'env.py'));
  await writeFile(join(dir, 'migrations', 'versions', '0001_base.py'), 'revision = "0001_base"\ndown_revision = None\nbranch_labels = None\ndepends_on = None\n\n\ndef upgrade():\n    pass\n\n\ndef downgrade():\n    pass\n');
  await writeFile(
    join(dir, 'migrations', 'versions', '0002_booked_index.py'),
    [
      'from alembic import op',
      'revision = "0002_booked_index"',
      'down_revision = "0001_base"',
      'branch_labels = None',
      'depends_on = None',
      '',
      'def upgrade():',
      ...(options.slowUpgrade ? ['    op.execute("SELECT pg_sleep(60)")'] : []),
      '    op.execute("CREATE INDEX IF NOT EXISTS entry_booked_idx ON ledger.entry (booked_on)")',
      '    op.execute("SELECT pg_sleep(0.3)")',
      '',
      'def downgrade():',
      options.forgetIndex ? '    pass' : '    op.execute("DROP INDEX ledger.entry_booked_idx")',
      '    op.execute("SELECT pg_sleep(0.3)")',
      ...(options.failDowngrade ? ['    raise RuntimeError("downgrade refused by the test")'] : []),
      '',
    ].join('\n'),
  );
  return dir;
}

const checklist: ChecklistInput = {
  id: 'ledger-round-trip',
  version: '1.0.0',
  title: 'Ledger round trip',
  sections: [{ number: '1', title: 'Rollback' }],
  checks: [
    {
      id: 'round-trip',
      kind: 'round-trip',
      section: '1',
      title: 'upgrade, downgrade, upgrade on a copy',
      upgrade: ['alembic', 'upgrade', 'head'],
      downgrade: ['alembic', 'downgrade', '-1'],
      schemas: ['ledger', 'public'],
      timeoutMs: 90_000,
    },
  ],
};

const SAMPLER = 'deploy-evidence lock sampler';

/**
 * Watches the lock sampler sessions on the copies and on the target while a collection runs (every
 * 5 ms, from a session of its own): on which database each was, and how many at once on any one.
 */
async function watchSamplers(target: string) {
  const client = new pg.Client({ connectionString: serverUrl('postgres'), application_name: 'round-trip watcher' });
  await client.connect();
  const seen = new Map<number, string>();
  let mostAtOnce = 0;
  let watching = true;
  const done = (async () => {
    while (watching) {
      const { rows } = await client.query(`SELECT pid, datname FROM pg_stat_activity WHERE application_name = $1 AND (starts_with(datname, $2) OR datname = $3)`, [SAMPLER, SCRATCH_PREFIX, target]);
      const perDatabase = new Map<string, number>();
      for (const r of rows) {
        seen.set(Number(r.pid), String(r.datname));
        perDatabase.set(String(r.datname), (perDatabase.get(String(r.datname)) ?? 0) + 1);
      }
      mostAtOnce = Math.max(mostAtOnce, ...perDatabase.values());
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  return {
    async stop() {
      watching = false;
      await done;
      await client.end();
      return { databases: [...new Set(seen.values())], sessions: seen.size, mostAtOnce };
    },
  };
}

const databaseOf = (url: string) => decodeURIComponent(new URL(url).pathname.slice(1));

/** The lock sampler sessions still open on a database. */
const samplersOn = async (database: string) =>
  Number((await adminQuery(serverUrl('postgres'), `SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1 AND datname = $2`, [SAMPLER, database])).rows[0]!.n);

const scratchDatabases = async () =>
  (await adminQuery(serverUrl('postgres'), `SELECT datname FROM pg_database WHERE starts_with(datname, $1) ORDER BY datname`, [SCRATCH_PREFIX])).rows.map((r) => String(r.datname));

describe.skipIf(realServer() === null || toolingProblem !== null)('a rehearsed round trip on a real server', () => {
  const databases: string[] = [];
  const target = async () => {
    const name = `rt_${randomBytes(5).toString('hex')}`;
    databases.push(name);
    await adminQuery(serverUrl('postgres'), `CREATE DATABASE ${name}`);
    await adminQuery(serverUrl(name), BASE);
    return serverUrl(name);
  };
  const targetState = async (url: string) => ({
    version: (await adminQuery(url, 'SELECT version_num FROM alembic_version')).rows,
    indexes: (await adminQuery(url, `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname IN ('ledger', 'public') ORDER BY indexname`)).rows,
    columns: (await adminQuery(url, `SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'ledger' ORDER BY table_name, ordinal_position`)).rows,
  });
  let root: string;
  beforeAll(async () => {
    root = await tempEvidenceRoot();
  });
  afterAll(async () => {
    for (const name of databases) await adminQuery(serverUrl('postgres'), `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });

  const run = async (url: string, appDir: string, id: string) => {
    await collect({
      checklist: checklistSchema.parse(checklist),
      environment: 'staging',
      deploymentId: id,
      evidenceRoot: root,
      target: resolveConnection({ databaseUrl: url }),
      appDir,
      params: {},
      allowMutating: { by: 'test', via: 'test' },
    });
    const { snapshots } = await readDeployment(join(root, id));
    return snapshots.get('round-trip') as CheckSnapshot;
  };
  const resultOf = (s: CheckSnapshot) => s.result as ResultOf<'round-trip'>;

  it('passes a good migration\'s round trip, drops the copy and never touches the target', async () => {
    const url = await target();
    const before = await targetState(url);
    const watcher = await watchSamplers(databaseOf(url));
    const snapshot = await run(url, await alembicProject(), 'good');
    const watched = await watcher.stop();
    expect(snapshot.status, JSON.stringify([snapshot.error, snapshot.assertions])).toBe('pass');
    const result = resultOf(snapshot);
    expect(result.steps.map((s) => [s.step, s.exitCode])).toEqual([['upgrade', 0], ['downgrade', 0], ['upgrade again', 0]]);
    expect(result.steps.every((s) => s.durationMs > 0)).toBe(true);
    expect(result.steps[0]!.stderr).toContain('Running upgrade 0001_base -> 0002_booked_index');
    // Nobody else was connected to the target: the template was used.
    expect(result.copy.method).toBe('template');
    expect(result.snapshots.afterUpgrade?.some((o) => o.kind === 'index' && o.name === 'entry_booked_idx')).toBe(true);
    expect(result.snapshots.before?.some((o) => o.name === 'entry_booked_idx')).toBe(false);
    expect(result.downgradeRestores?.entries).toEqual([]);
    expect(result.upgradeRepeats?.entries).toEqual([]);
    expect(result.copy.dropped).toBe(true);
    expect(await scratchDatabases()).not.toContain(result.copy.database);
    expect(await targetState(url)).toEqual(before);

    // Each step's locks, observed on the copy: the step's own sessions, by an application_name of its own.
    for (const s of result.steps) {
      expect(s.locks?.status, `${s.step}: ${s.locks?.note}`).toBe('observed');
      expect(s.locks?.matchedBy).toBe('application-name');
      expect(s.locks?.applicationName).toMatch(/^deploy-evidence-step-[0-9a-f]{12}$/);
      expect(s.locks?.blockedBySampler).toBe(0);
    }
    expect(new Set(result.steps.map((s) => s.locks?.applicationName)).size).toBe(3);
    const [upgrade, downgrade] = result.steps.map((s) => s.locks!);
    // The index only the copy has (the target never had it), named from the copy's catalog after the step.
    expect(upgrade!.relations.find((r) => r.name === 'entry_booked_idx')).toMatchObject({ schema: 'ledger', relkind: 'i' });
    // CREATE INDEX without CONCURRENTLY: SHARE on the table, held through the 300 ms the transaction goes on.
    const entryOf = (locks: typeof upgrade) => locks!.relations.find((r) => r.schema === 'ledger' && r.name === 'entry');
    expect(entryOf(upgrade)?.holds.some((h) => h.mode === 'ShareLock' && h.granted && h.minMs >= 150)).toBe(true);
    // DROP INDEX: ACCESS EXCLUSIVE on the table.
    expect(entryOf(downgrade)?.holds.some((h) => h.mode === 'AccessExclusiveLock' && h.granted && h.minMs >= 150)).toBe(true);
    // The sampler's sessions: on the copy only, one per step, never two at once.
    expect(watched).toEqual({ databases: [result.copy.database], sessions: 3, mostAtOnce: 1 });
    // The PR Markdown's line: each step's strongest lock on the copy.
    expect(roundTripLines(result).join('\n')).toMatch(/Locks on the copy: upgrade [A-Z ]+ on ledger\.\S+.*; downgrade ACCESS EXCLUSIVE on ledger\.\S+.*; upgrade again [A-Z ]+ on ledger\.\S+.*\./);
  }, 120_000);

  it('records the locks of a step that fails, and ends its sampler with it', async () => {
    const url = await target();
    const before = await targetState(url);
    const watcher = await watchSamplers(databaseOf(url));
    const snapshot = await run(url, await alembicProject({ failDowngrade: true }), 'failing-downgrade');
    const watched = await watcher.stop();
    expect(snapshot.status).toBe('fail');
    const result = resultOf(snapshot);
    expect(result.steps.map((s) => [s.step, s.exitCode])).toEqual([['upgrade', 0], ['downgrade', 1]]);
    expect(result.steps[1]!.stderr).toContain('downgrade refused by the test');
    // The failed step's observation was made (stop() ends the sampler's session): the DROP INDEX's ACCESS EXCLUSIVE, before the rollback.
    const locks = result.steps[1]!.locks!;
    expect(locks.status, locks.note ?? '').toBe('observed');
    const entry = locks.relations.find((r) => r.schema === 'ledger' && r.name === 'entry');
    expect(entry?.holds.some((h) => h.mode === 'AccessExclusiveLock' && h.granted && h.minMs >= 150)).toBe(true);
    // One sampler per step that ran, on the copy only, none left behind.
    expect(watched).toEqual({ databases: [result.copy.database], sessions: 2, mostAtOnce: 1 });
    expect(await samplersOn(result.copy.database)).toBe(0);
    expect(result.copy.dropped).toBe(true);
    expect(await targetState(url)).toEqual(before);
  }, 120_000);

  it('fails a downgrade that forgets an index, naming it; with the app connected to the target it copies by pg_dump', async () => {
    const url = await target();
    const before = await targetState(url);
    // An application's session on the target: PostgreSQL refuses it as a template.
    const app = new pg.Client({ connectionString: url });
    await app.connect();
    try {
      const snapshot = await run(url, await alembicProject({ forgetIndex: true }), 'forgetful');
      expect(snapshot.status).toBe('fail');
      const result = resultOf(snapshot);
      expect(result.copy.method).toBe('dump');
      expect(result.copy.templateRefused).toMatch(/being accessed by other users/);
      expect(result.downgradeRestores?.entries.map((e) => `${e.change} ${e.kind} ${e.name}`)).toEqual(['added index ledger.entry_booked_idx']);
      const downgrade = snapshot.assertions.find((a) => a.id === 'downgrade');
      expect(downgrade?.status).toBe('fail');
      expect(downgrade?.actual).toEqual(['index ledger.entry_booked_idx left behind by the downgrade']);
      expect(snapshot.assertions.find((a) => a.id === 'steps')?.status).toBe('pass');
      expect(result.copy.dropped).toBe(true);
      expect(await scratchDatabases()).not.toContain(result.copy.database);
      expect(await targetState(url)).toEqual(before);
      // Restored from a dump, the copy's relations have oids of their own: the locks are the copy's, not the target's.
      const targetOid = String((await adminQuery(url, `SELECT 'ledger.entry'::regclass::oid::text AS oid`)).rows[0]!.oid);
      const entry = result.steps[0]!.locks!.relations.find((r) => r.schema === 'ledger' && r.name === 'entry');
      expect(entry?.holds.some((h) => h.mode === 'ShareLock' && h.granted)).toBe(true);
      expect(entry?.oid).not.toBe(targetOid);
      // The application's session on the target is nobody the sampler watched.
      expect(result.steps.flatMap((s) => s.locks!.backends.map((b) => b.applicationName))).not.toContain('');
    } finally {
      await app.end();
    }
  }, 120_000);

  /** A collector of the CLI running the slow upgrade; resolves once its step is on the copy. */
  const slowCollector = async (url: string, id: string) => {
    const app = await alembicProject({ slowUpgrade: true });
    const file = join(root, '..', `round-trip-${id}.json`);
    await writeFile(file, JSON.stringify(checklist));
    const child = spawn(process.execPath, [BIN, 'collect', '--checklist', file, '--env', 'staging', '--id', id, '--evidence-dir', root, '--database-url', url, '--app-dir', app, '--allow-mutating', '--by', 'test'], { stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    for (let i = 0; i < 600; i += 1) {
      const sleeping = await adminQuery(serverUrl('postgres'), `SELECT datname FROM pg_stat_activity WHERE starts_with(datname, $1) AND query LIKE '%pg_sleep(60)%'`, [SCRATCH_PREFIX]);
      if (sleeping.rows.length > 0) return { child, exited, copy: String(sleeping.rows[0]!.datname) };
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    child.kill('SIGKILL');
    throw new Error('the slow upgrade never ran on a copy');
  };

  it('drops the copy when the collector is stopped mid-step (SIGTERM)', async () => {
    const url = await target();
    const before = await targetState(url);
    const { child, exited, copy } = await slowCollector(url, 'stopped');
    expect(await scratchDatabases()).toContain(copy);
    // Mid-step, the step's locks are being sampled: on the copy, never on the target.
    expect(await samplersOn(copy)).toBe(1);
    expect(await samplersOn(databaseOf(url))).toBe(0);
    child.kill('SIGTERM');
    expect(await exited).toBe(143);
    expect(await scratchDatabases()).not.toContain(copy);
    expect(await samplersOn(copy)).toBe(0);
    expect(await targetState(url)).toEqual(before);
  }, 120_000);

  it('leaves the copy of a SIGKILLed collector to the next collection, which drops it', async () => {
    const url = await target();
    const { child, exited, copy } = await slowCollector(url, 'killed');
    child.kill('SIGKILL');
    await exited;
    // Nothing ran: the copy is still there until the next round trip on the server.
    expect(await scratchDatabases()).toContain(copy);
    const snapshot = await run(url, await alembicProject(), 'after-kill');
    expect(snapshot.status).toBe('pass');
    expect(resultOf(snapshot).copy.leftoversDropped).toContain(copy);
    expect(await scratchDatabases()).not.toContain(copy);
  }, 120_000);
});
