/**
 * Starts one throwaway PostgreSQL server for the whole test run, with a seeded template
 * database that tests clone (CREATE DATABASE … TEMPLATE) for isolation.
 * In CI (CI=true) a missing server is a failure, never a skip.
 */
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { TestProject } from 'vitest/node';
import { findPostgresBinaries, startPostgres } from './postgres-server.ts';
import { adminQuery, seedDatabase } from './seed-database.ts';

/** Two seeded templates: as before `alembic upgrade head` (base tables, stamped at the base revision) and after it. */
export const TEMPLATES = { base: 'seedtest_base', upgraded: 'seedtest_upgraded' } as const;
// Today (UTC): the checklist's queries look back from CURRENT_DATE, so the data must end today.
export const SEED_ANCHOR = new Date().toISOString().slice(0, 10);
export const SEED_ATTEMPTS = 5_000;

declare module 'vitest' {
  export interface ProvidedContext {
    postgres: { host: string; port: number; password: string; version: string } | null;
  }
}

/** The tests run the CLI as users do, compiled (bin/ → lib/): compile it first, so it is never stale. */
async function compileCli(): Promise<void> {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const tsc = await execa(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { cwd: root, reject: false, all: true });
  if (tsc.exitCode !== 0) throw new Error(`the CLI does not compile (tsc -p tsconfig.build.json):\n${tsc.all}`);
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await compileCli();
  if (!findPostgresBinaries()) {
    if (process.env.CI) throw new Error('CI=true but no PostgreSQL server binaries were found under /usr/lib/postgresql/*/bin: the real-server tests must run in CI');
    project.provide('postgres', null);
    return async () => {};
  }
  const server = await startPostgres();
  for (const [stage, name] of Object.entries(TEMPLATES)) {
    await adminQuery(server.url('postgres'), `CREATE DATABASE ${name}`);
    await seedDatabase(server.url(name), { attempts: SEED_ATTEMPTS, anchor: SEED_ANCHOR, withoutView: stage === 'base' });
  }
  project.provide('postgres', { host: server.host, port: server.port, password: server.password, version: server.version });
  return () => server.stop();
}
