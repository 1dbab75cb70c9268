/**
 * Real evidence of a lock observation (issue 28), fast: a real collection on the real server of a
 * one-check checklist whose mutating step is a psql script (no Python) that takes ACCESS EXCLUSIVE
 * on `ledger.entry`, builds an index and holds its transaction 600 ms, observed by the lock sampler
 * every 20 ms — while a report (`report-reader`) that starts once the lock is held waits behind it.
 * The deployment `locks-observed` then holds a lock observation with holds, their bounds and a
 * waiter, as a migration's check page shows them. The caller drops the database with `drop`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { collect } from '../../collectors/collect.ts';
import { resolveConnection } from '../../collectors/db/connection.ts';
import { checklistSchema, type ChecklistInput } from '../../src/format/index.ts';
import { serverUrl } from './databases.ts';
import { tempEvidenceRoot } from './evidence.ts';
import { adminQuery } from './seed-database.ts';

export const LOCK_DEPLOYMENT = 'locks-observed';
export const LOCK_CHECK = 'migrate';
/** The session that waits behind the step, and the statement it waits in. */
export const WAITER = { applicationName: 'report-reader', query: 'SELECT count(*) FROM ledger.entry' };

const BASE = `CREATE SCHEMA ledger;
CREATE TABLE ledger.entry (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, amount integer NOT NULL, booked_on date NOT NULL);
INSERT INTO ledger.entry (amount, booked_on) SELECT g % 1000, DATE '2026-01-01' + (g % 365) FROM generate_series(1, 20000) g;`;

const MIGRATION = `BEGIN;
LOCK TABLE ledger.entry IN ACCESS EXCLUSIVE MODE;
CREATE INDEX entry_booked_idx ON ledger.entry (booked_on);
SELECT pg_sleep(0.6);
COMMIT;
`;

const checklist = (): ChecklistInput => ({
  id: 'ledger-locks',
  version: '1.0.0',
  title: 'Ledger locks',
  sections: [{ number: '1', title: 'Migration' }],
  checks: [
    {
      id: LOCK_CHECK,
      kind: 'command',
      section: '1',
      title: 'the migration, its locks observed',
      argv: ['sh', '-c', 'exec psql "$DATABASE_URL" -X -q -v ON_ERROR_STOP=1 -f migrate.sql'],
      env: ['DATABASE_URL'],
      mutating: true,
      observeLocks: { intervalMs: 20 },
      assertions: [{ type: 'exit-code' }, { type: 'max-lock-hold', warnAboveMs: 60_000 }],
    },
  ],
});

export interface LockEvidence {
  root: string;
  /** The oid of ledger.entry on the target, as the observation records it. */
  entryOid: string;
  drop(): Promise<void>;
}

/** Collects `locks-observed` into a fresh evidence root, with a report waiting behind the step. */
export async function collectLockObservation(): Promise<LockEvidence> {
  const name = `lke_${randomBytes(5).toString('hex')}`;
  await adminQuery(serverUrl('postgres'), `CREATE DATABASE ${name}`);
  const drop = async () => {
    await adminQuery(serverUrl('postgres'), `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  };
  try {
    const url = serverUrl(name);
    await adminQuery(url, BASE);
    const app = await mkdtemp(join(tmpdir(), 'lock-app-'));
    await writeFile(join(app, 'migrate.sql'), MIGRATION);
    const root = await tempEvidenceRoot();
    const watcher = new pg.Client({ connectionString: url, application_name: 'lock-evidence watcher' });
    const reader = new pg.Client({ connectionString: url, application_name: WAITER.applicationName });
    await watcher.connect();
    await reader.connect();
    const entryOid = String((await watcher.query(`SELECT 'ledger.entry'::regclass::oid::text AS oid`)).rows[0].oid);
    // Once the step holds ACCESS EXCLUSIVE on the table, the report reads it: it waits.
    let watching = true;
    let waited: Promise<unknown> | null = null;
    const watch = (async () => {
      while (watching && !waited) {
        const { rows } = await watcher.query(`SELECT 1 FROM pg_locks WHERE relation = $1::oid AND mode = 'AccessExclusiveLock' AND granted`, [entryOid]);
        if (rows.length > 0) waited = reader.query(`SET statement_timeout = 20000; ${WAITER.query}`);
        else await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    try {
      await collect({
        checklist: checklistSchema.parse(checklist()),
        environment: 'staging',
        deploymentId: LOCK_DEPLOYMENT,
        evidenceRoot: root,
        target: resolveConnection({ databaseUrl: url }),
        appDir: app,
        params: {},
        allowMutating: { by: 'test', via: 'test' },
      });
    } finally {
      watching = false;
      await watch;
      await waited;
      await watcher.end();
      await reader.end();
    }
    return { root, entryOid, drop };
  } catch (error) {
    await drop();
    throw error;
  }
}
