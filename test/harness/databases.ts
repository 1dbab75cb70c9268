/** Per-test databases on the shared throwaway server, and the embedded database, for one shared suite. */
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { resolveConnection, type ConnectionTarget } from '../../collectors/db/connection.ts';
import { seedtestLoader } from '../../examples/seedtest-api/database.ts';
import { startEmbeddedDatabase } from '../../collectors/db/embedded.ts';
import { pythonToolingProblem } from '../../collectors/process/python-tooling.ts';
import { SEED_ANCHOR, SEED_ATTEMPTS, TEMPLATES } from './global-setup.ts';
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

/** Which state a test database starts in: before `alembic upgrade head`, or after it. */
export type Stage = keyof typeof TEMPLATES;

/**
 * The machine's Python tooling (alembic, pytest, psycopg2). With it, the built-in checklist
 * runs the real upgrade on a database at the base revision; without it, the command checks are
 * skipped and the data checks need a database that is already upgraded. In CI it must be there.
 */
export const toolingProblem = await pythonToolingProblem();
if (process.env.CI && toolingProblem) throw new Error(`CI=true but the Python tooling is missing (${toolingProblem}): .ci/run installs it`);
export const stageForBuiltInChecklist: Stage = toolingProblem ? 'upgraded' : 'base';

/** A fresh copy of a seeded template database on the real server. */
export async function cloneRealDatabase(stage: Stage = 'upgraded'): Promise<TestDatabase> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  await adminQuery(serverUrl('postgres'), `CREATE DATABASE ${name} TEMPLATE ${TEMPLATES[stage]}`);
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

/** The embedded database with the same seed as the real server's templates. */
export async function embeddedDatabase(stage: Stage = 'upgraded'): Promise<TestDatabase> {
  const embedded = await startEmbeddedDatabase(seedtestLoader({ attempts: SEED_ATTEMPTS, anchor: SEED_ANCHOR, withoutView: stage === 'base' }));
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
