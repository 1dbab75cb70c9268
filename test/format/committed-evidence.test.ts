/** The evidence committed in evidence/ is valid format v1, complete, and each manifest matches its files' bytes. */
import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDeployment } from '../harness/evidence.ts';
import { committedEvidence } from '../harness/committed-evidence.ts';

/** The samples as git tracks them: a demo's deployments beside them are not committed evidence. */
const root = await committedEvidence();
const deploymentIds = async () => (await readdir(root)).filter((d) => !d.startsWith('_') && !d.startsWith('.'));

describe('committed evidence', () => {
  it('holds the sample deployments: staging, a staging re-run and production, collected with the real toolchain', async () => {
    expect((await deploymentIds()).sort()).toEqual(['sample-production-pr73', 'sample-staging-pr73', 'sample-staging-pr73-rerun']);
    const production = await readDeployment(join(root, 'sample-production-pr73'));
    expect(production.deployment.target.kind).toBe('postgresql');
    expect(production.deployment.decision.status).toBe('APPROVED');
    const smoke = production.snapshots.get('smoke-tests')?.result;
    expect(smoke?.kind === 'command' && smoke.parsed?.kind === 'pytest' && smoke.parsed.tests.map((t) => t.outcome)).toEqual(['passed', 'passed', 'passed', 'passed', 'passed']);
    const rerun = await readDeployment(join(root, 'sample-staging-pr73-rerun'));
    // The migration had already run: the database did not move, so the upgrade is only a warning.
    expect(rerun.snapshots.get('alembic-upgrade')?.status).toBe('warn');
  });

  it('every deployment is complete, and its manifest lists exactly its files with their sha256 and size', async () => {
    for (const id of await deploymentIds()) {
      const dir = join(root, id);
      const { deployment, snapshots, manifest } = await readDeployment(dir);
      expect(deployment.collection, id).toBe('complete');
      expect([...snapshots.keys()].sort(), id).toEqual(deployment.checks.map((c) => c.id).sort());
      expect(manifest, `${id}: manifest.json`).not.toBeNull();
      const onDisk = ['deployment.json', ...(await readdir(join(dir, 'checks'))).map((f) => `checks/${f}`)].sort();
      expect(manifest!.files.map((f) => f.path), id).toEqual(onDisk);
      for (const file of manifest!.files) {
        const bytes = await readFile(join(dir, file.path));
        expect(createHash('sha256').update(bytes).digest('hex'), `${id}/${file.path}`).toBe(file.sha256);
        expect(bytes.length, `${id}/${file.path}`).toBe(file.bytes);
      }
    }
  });
});
