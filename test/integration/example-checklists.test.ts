/**
 * The example checklists (examples/checklists/<app>.json, for the application in examples/<app>/)
 * together use every check kind and every assertion type, and each collects against a real
 * PostgreSQL server through the real toolchain with every check passing.
 */
import { randomBytes } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assertionSchema, checkKindSchema, type ChecklistInput } from '../../src/format/index.ts';
import { runCli } from '../harness/cli.ts';
import { realServer, serverUrl, toolingProblem } from '../harness/databases.ts';
import { readDeployment, tempEvidenceRoot } from '../harness/evidence.ts';
import { adminQuery } from '../harness/seed-database.ts';

const examples = new URL('../../examples/', import.meta.url).pathname;
const files = (await readdir(join(examples, 'checklists'))).filter((f) => f.endsWith('.json')).sort();
const checklists = await Promise.all(files.map(async (f) => ({ file: join(examples, 'checklists', f), app: join(examples, f.replace(/\.json$/, '')), data: JSON.parse(await readFile(join(examples, 'checklists', f), 'utf8')) as ChecklistInput })));

describe('the example checklists', () => {
  it('use every check kind and every assertion type between them', () => {
    const kinds = new Set(checklists.flatMap((c) => c.data.checks.map((k) => k.kind)));
    const types = new Set(checklists.flatMap((c) => c.data.checks.flatMap((k) => (k.assertions ?? []).map((a) => a.type))));
    expect([...kinds].sort()).toEqual([...checkKindSchema.options].sort());
    expect([...types].sort()).toEqual(assertionSchema.options.map((o) => o.shape.type.value).sort());
  });

  const databases: string[] = [];
  afterAll(async () => {
    for (const name of databases) await adminQuery(serverUrl('postgres'), `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });

  for (const { file, app, data } of checklists) {
    it.skipIf(realServer() === null || toolingProblem !== null)(`${data.id} collects on a fresh database with every check passing`, async () => {
      const name = `ex_${randomBytes(4).toString('hex')}`;
      databases.push(name);
      await adminQuery(serverUrl('postgres'), `CREATE DATABASE ${name}`);
      const root = await tempEvidenceRoot();
      const attest = (data.attestations ?? []).flatMap((a) => ['--attest', a.id]);
      const run = await runCli(['collect', '--checklist', file, '--env', 'staging', '--id', 'example', '--app-dir', app, '--database-url', serverUrl(name), '--evidence-dir', root, '--allow-mutating', '--by', 'release-bot', ...attest]);
      const { deployment, snapshots } = await readDeployment(join(root, 'example'));
      const notPassing = [...snapshots.values()].filter((s) => s.status !== 'pass').map((s) => `${s.id}: ${s.status} ${JSON.stringify(s.assertions.filter((a) => a.status !== 'pass'))} ${s.error?.message ?? ''} ${s.skipReason ?? ''}`);
      expect(notPassing).toEqual([]);
      expect(snapshots.size).toBe(data.checks.length);
      expect(deployment.decision.status).toBe('APPROVED');
      expect(run.exitCode, run.stderr).toBe(0);
    });
  }
});
