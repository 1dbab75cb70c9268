/** The evidence committed in evidence/ is valid format v1, and each manifest matches its files' bytes. */
import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDeployment } from '../harness/evidence.ts';

const root = new URL('../../evidence/', import.meta.url).pathname;

describe('committed evidence', () => {
  it('holds the sample deployments: staging, a staging re-run and production, collected with the real toolchain', async () => {
    const ids = (await readdir(root)).filter((d) => !d.startsWith('_') && !d.startsWith('.'));
    expect(ids).toEqual(expect.arrayContaining(['sample-staging-pr73', 'sample-staging-pr73-rerun', 'sample-production-pr73']));
    const production = await readDeployment(join(root, 'sample-production-pr73'));
    expect(production.deployment.target.kind).toBe('postgresql');
    expect(production.deployment.decision.status).toBe('APPROVED');
    const smoke = production.snapshots.get('smoke-tests')?.result;
    expect(smoke?.kind === 'command' && smoke.parsed?.kind === 'pytest' && smoke.parsed.tests.map((t) => t.outcome)).toEqual(['passed', 'passed', 'passed', 'passed', 'passed']);
    const rerun = await readDeployment(join(root, 'sample-staging-pr73-rerun'));
    expect(rerun.snapshots.get('alembic-upgrade')?.status).toBe('warn');
  });

  it('validates every file and matches every manifest entry to the bytes on disk', async () => {
    for (const id of (await readdir(root)).filter((d) => !d.startsWith('_') && !d.startsWith('.'))) {
      const dir = join(root, id);
      const { manifest } = await readDeployment(dir);
      if (!manifest) continue;
      for (const file of manifest.files) {
        const bytes = await readFile(join(dir, file.path));
        expect(createHash('sha256').update(bytes).digest('hex'), `${id}/${file.path}`).toBe(file.sha256);
        expect(bytes.length).toBe(file.bytes);
      }
    }
  });
});
