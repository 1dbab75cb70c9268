/** Per-test databases on the shared throwaway server, and the embedded database, for one shared suite. */
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { resolveConnection, type ConnectionTarget } from '../../collectors/db/connection.ts';
import { startEmbeddedDatabase } from '../../collectors/db/embedded.ts';
import { SEED_ANCHOR, SEED_ATTEMPTS, TEMPLATE_DB } from './global-setup.ts';
import { adminQuery } from './seed-database.ts';

export interface TestDatabase {
  target: ConnectionTarget;
  url: string;
  /** Runs SQL as the superuser, outside the collector (for setting up faults). */
  admin(sql: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  drop(): Promise<void>;
}

export function realServer() {
  return inject('postgres');
}

function serverUrl(database: string, user = 'postgres', password?: string): string {
  const pg = realServer();
  if (!pg) throw new Error('no real PostgreSQL server in this run');
  return `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password ?? pg.password)}@${pg.host}:${pg.port}/${database}`;
}

/** A fresh copy of the seeded template database on the real server. */
export async function cloneRealDatabase(): Promise<TestDatabase> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  await adminQuery(serverUrl('postgres'), `CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DB}`);
  const url = serverUrl(name);
  return {
    target: resolveConnection({ databaseUrl: url }),
    url,
    admin: (sql, values) => adminQuery(url, sql, values),
    drop: async () => {
      await adminQuery(serverUrl('postgres'), `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

export { serverUrl };

/** The embedded database with the same seed as the real server's template. */
export async function embeddedDatabase(): Promise<TestDatabase> {
  const embedded = await startEmbeddedDatabase({ attempts: SEED_ATTEMPTS, anchor: SEED_ANCHOR });
  return {
    target: embedded.target,
    url: embedded.target.url,
    admin: async (sql, values) => {
      const result = await embedded.db.query<Record<string, unknown>>(sql, values as unknown[] | undefined);
      return { rows: result.rows };
    },
    drop: () => embedded.stop(),
  };
}
