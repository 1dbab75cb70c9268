/**
 * `npm run sample-evidence`: regenerates the sample deployments committed in evidence/, each a
 * real collection by the collectors against the example application on a throwaway
 * PostgreSQL server (the tests' harness): staging, a staging re-run, and production.
 * Needs the PostgreSQL server binaries and the Python tooling
 * (pip install alembic sqlalchemy psycopg2-binary pytest).
 */
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import pg from 'pg';
import { attemptViewLock } from '../collectors/checklists/attempt-view-lock.ts';
import { collect, type CollectResult } from '../collectors/collect.ts';
import { resolveConnection } from '../collectors/db/connection.ts';
import { pythonToolingProblem } from '../collectors/python-tooling.ts';
import { startPostgres } from '../test/harness/postgres-server.ts';
import { BASE_REVISION, readSql, seedSettingsSql } from './seedtest-api/database.ts';

const evidence = fileURLToPath(new URL('../evidence/', import.meta.url));
const app = fileURLToPath(new URL('./seedtest-api/', import.meta.url));
const SAMPLES = { staging: 'sample-staging-pr73', rerun: 'sample-staging-pr73-rerun', production: 'sample-production-pr73' };

const problem = await pythonToolingProblem();
if (problem) throw new Error(`the sample evidence runs the real toolchain: ${problem}`);

const server = await startPostgres();
const admin = async (database: string, sql: string) => {
  const client = new pg.Client({ connectionString: server.url(database) });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
};

/** A database as it stands before the deployment: alembic at the base revision, then the data. */
async function prepare(database: string, attempts: number): Promise<string> {
  await admin('postgres', `CREATE DATABASE ${database}`);
  const url = server.url(database);
  await execa('alembic', ['upgrade', BASE_REVISION], { cwd: app, env: { DATABASE_URL: url } });
  await admin(database, `${seedSettingsSql({ attempts })}\n${await readSql('seed_data.sql')}`);
  return url;
}

function breakdown(label: string, result: CollectResult): void {
  const total = result.deployment.timeline.find((t) => t.id === 'total')!.durationMs;
  const commands = result.snapshots.filter((s) => s.kind === 'command').reduce((n, s) => n + s.durationMs, 0);
  const queries = result.snapshots.filter((s) => s.kind !== 'command').reduce((n, s) => n + s.durationMs, 0);
  console.log(
    `${label}: ${result.deployment.decision.status}; total ${Math.round(total)} ms = commands ${Math.round(commands)} ms + database checks ${Math.round(queries)} ms + the tool itself ${Math.round(total - commands - queries)} ms`,
  );
}

try {
  for (const id of Object.values(SAMPLES)) await rm(`${evidence}${id}`, { recursive: true, force: true });
  const pr = { number: 73, title: 'attempt VIEW V1 스키마 잠금' };
  // The throwaway server is the script's own: the migration step may run.
  const allowMutating = { by: 'release-engineer (sample)', via: 'the sample-evidence script, on its own throwaway server' };
  const staging = resolveConnection({ databaseUrl: await prepare('seedtest_staging', 50_000) });
  breakdown('staging', await collect({ checklist: attemptViewLock, environment: 'staging', deploymentId: SAMPLES.staging, pr, evidenceRoot: evidence, target: staging, appDir: app, allowMutating, attest: ['ci-green', 'pr-approved'], attestedBy: 'release-engineer (sample)' }));
  breakdown('staging re-run', await collect({ checklist: attemptViewLock, environment: 'staging', deploymentId: SAMPLES.rerun, pr, evidenceRoot: evidence, target: staging, appDir: app, allowMutating, attest: ['ci-green', 'pr-approved', 'guide-reviewed'], attestedBy: 'release-engineer (sample)', notes: 'Re-run after the guide review: the migration was already applied, so the upgrade is a no-op.' }));
  const production = resolveConnection({ databaseUrl: await prepare('seedtest_production', 120_000) });
  breakdown('production', await collect({ checklist: attemptViewLock, environment: 'production', deploymentId: SAMPLES.production, pr, evidenceRoot: evidence, target: production, appDir: app, allowMutating, attest: ['ci-green', 'pr-approved', 'guide-reviewed', 'backup-taken'], attestedBy: 'release-manager (sample)' }));
} finally {
  await server.stop();
}
