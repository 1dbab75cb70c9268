/**
 * Starts one throwaway PostgreSQL server for the whole test run, with a seeded template
 * database that tests clone (CREATE DATABASE … TEMPLATE) for isolation.
 * In CI (CI=true) a missing server is a failure, never a skip.
 *
 * Everything the run writes to the temporary directory goes into one folder of its own, removed
 * when the run ends: the tests make some 1,700 folders (evidence, built sites, keys, the server's
 * data), and removing each where it was made would take a `finally` in every test.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/**
 * The run's own temporary folder, as TMPDIR for this process and everything it starts: the test
 * workers (forked after this setup, with its environment) and the CLI, Astro and Chromium they run
 * (os.tmpdir() reads TMPDIR at each call). Readable by others: the server's data folder inside it
 * belongs to `postgres` when we are root.
 */
async function runTemporaryFolder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'deploy-evidence-tests-'));
  await chmod(dir, 0o755);
  process.env.TMPDIR = dir;
  return dir;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await compileCli();
  const binaries = findPostgresBinaries();
  if (!binaries && process.env.CI) throw new Error('CI=true but no PostgreSQL server binaries were found under /usr/lib/postgresql/*/bin: the real-server tests must run in CI');
  const temporary = await runTemporaryFolder();
  const removeTemporary = () => rm(temporary, { recursive: true, force: true });
  if (!binaries) {
    project.provide('postgres', null);
    return removeTemporary;
  }
  const server = await startPostgres().catch(async (error: unknown) => {
    await removeTemporary();
    throw error;
  });
  try {
    for (const [stage, name] of Object.entries(TEMPLATES)) {
      await adminQuery(server.url('postgres'), `CREATE DATABASE ${name}`);
      await seedDatabase(server.url(name), { attempts: SEED_ATTEMPTS, anchor: SEED_ANCHOR, withoutView: stage === 'base' });
    }
  } catch (error) {
    await server.stop().finally(removeTemporary);
    throw error;
  }
  project.provide('postgres', { host: server.host, port: server.port, password: server.password, version: server.version });
  return async () => {
    try {
      await server.stop();
    } finally {
      await removeTemporary();
    }
  };
}
