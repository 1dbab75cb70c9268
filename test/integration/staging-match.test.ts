/**
 * The change request of a production deployment says whether production's schema after the change
 * is staging's for the same change (issue 28 point 3): matched, differing object by object, or no
 * staging deployment found. Real collections on a real server; the CLI's export finds the staging one.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect } from '../../collectors/collect.ts';
import { resolveConnection } from '../../collectors/db/connection.ts';
import { stagingEnvironmentOf } from '../../src/core/compare/staging-match.ts';
import { checklistSchema } from '../../src/format/index.ts';
import { runCli } from '../harness/cli.ts';
import { realServer, serverUrl } from '../harness/databases.ts';
import { tempEvidenceRoot } from '../harness/evidence.ts';
import { adminQuery } from '../harness/seed-database.ts';

const checklist = (revision: string) =>
  checklistSchema.parse({
    id: 'shop-change',
    version: '1.0.0',
    title: 'Shop change',
    revisionParam: 'rev',
    parameters: [{ name: 'rev', description: 'the target revision', default: revision }],
    sections: [{ number: '1', title: 'Schema' }],
    checks: [
      { id: 'schema-before', kind: 'schema', section: '1', title: 'Schema before', schemas: ['shop'] },
      { id: 'schema-after', kind: 'schema', section: '1', title: 'Schema after', schemas: ['shop'], changesFrom: 'schema-before' },
    ],
  });

describe('staging environments by name', () => {
  it('pairs production and prod with staging, <name>-production with <name>-staging, and nothing else', () => {
    expect(stagingEnvironmentOf('production')).toBe('staging');
    expect(stagingEnvironmentOf('prod')).toBe('staging');
    expect(stagingEnvironmentOf('eu-production')).toBe('eu-staging');
    expect(stagingEnvironmentOf('eu-prod')).toBe('eu-staging');
    for (const other of ['staging', 'dev', 'preproduction', 'production-2', 'product']) expect(stagingEnvironmentOf(other), other).toBeNull();
  });
});

describe.skipIf(realServer() === null)('the change request against staging', () => {
  const names: string[] = [];
  const database = async (sql: string) => {
    const name = `stg_${randomBytes(5).toString('hex')}`;
    names.push(name);
    await adminQuery(serverUrl('postgres'), `CREATE DATABASE ${name}`);
    await adminQuery(serverUrl(name), sql);
    return serverUrl(name);
  };
  let root: string;
  const SCHEMA = 'CREATE SCHEMA shop; CREATE TABLE shop.item (id bigint PRIMARY KEY, name text NOT NULL); INSERT INTO shop.item SELECT g, g::text FROM generate_series(1, 100) g';
  const run = (url: string, environment: string, id: string, revision: string) =>
    collect({ checklist: checklist(revision), environment, deploymentId: id, evidenceRoot: root, target: resolveConnection({ databaseUrl: url }), appDir: '.' });
  const cr = async (id: string) => {
    const out = await runCli(['export', id, '--format', 'cr', '--evidence-dir', root, '--no-git']);
    expect(out.exitCode, out.stderr).toBe(0);
    return out.stdout;
  };

  beforeAll(async () => {
    root = await tempEvidenceRoot();
    const staging = await database(SCHEMA);
    // Production holds more rows (another estimate, other relfilenodes): storage is not schema.
    const production = await database(`${SCHEMA}; INSERT INTO shop.item SELECT g, g::text FROM generate_series(101, 5000) g; TRUNCATE shop.item; INSERT INTO shop.item SELECT g, g::text FROM generate_series(1, 5000) g; ANALYZE shop.item`);
    const drifted = await database(`${SCHEMA}; ALTER TABLE shop.item ADD COLUMN note text`);
    await run(staging, 'staging', 'staging-r1', 'r1');
    await run(production, 'production', 'production-r1', 'r1');
    await run(drifted, 'production', 'production-r1-b', 'r1');
    await run(production, 'production', 'production-r2', 'r2');
  });
  afterAll(async () => {
    for (const name of names) await adminQuery(serverUrl('postgres'), `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });

  it('says production matches staging for the same change', async () => {
    expect(await cr('production-r1')).toContain("- Staging: the schema matches staging's [staging-r1](/deployments/staging-r1/) (schema-after, object by object, storage aside)");
  });

  it('names the objects that differ', async () => {
    const text = await cr('production-r1-b');
    expect(text).toContain("- Staging: the schema **differs** from staging's [staging-r1](/deployments/staging-r1/):");
    expect(text).toContain('schema-after: 1 object differ (staging → production):');
    expect(text).toMatch(/\| changed \| table shop\.item \| column note added \(text\) \|/);
  });

  it('says when no staging deployment of the change was found, and says nothing on staging itself', async () => {
    expect(await cr('production-r2')).toContain('- Staging: no staging deployment of this change found (a finished staging deployment of the same checklist at revision `r2`, before this one)');
    expect(await cr('staging-r1')).not.toContain('- Staging:');
  });
});
