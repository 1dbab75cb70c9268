import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../collectors/evidence/atomic-write.ts';
import { claimDeploymentDir, defaultDeploymentId, DeploymentIdError, validateDeploymentId } from '../../collectors/evidence/deployment-id.ts';

describe('deployment ids', () => {
  it('defaults to <date>-<env>-pr<n>', () => {
    expect(defaultDeploymentId(new Date('2026-11-24T23:59:00Z'), 'staging', 73)).toBe('2026-11-24-staging-pr73');
    expect(defaultDeploymentId(new Date('2026-11-24T00:00:00Z'), 'production', null)).toBe('2026-11-24-production');
  });

  it.each(['Staging', '../etc', '', '-x', 'a'.repeat(81), 'a_b', 'a b'])('refuses %j', (id) => {
    expect(() => validateDeploymentId(id)).toThrow(DeploymentIdError);
  });

  it('claims -2, -3 for re-runs and never overwrites an explicit id', async () => {
    const root = await mkdtemp(join(tmpdir(), 'ids-'));
    expect(await claimDeploymentDir(root, '2026-11-24-staging-pr73', true)).toBe('2026-11-24-staging-pr73');
    expect(await claimDeploymentDir(root, '2026-11-24-staging-pr73', true)).toBe('2026-11-24-staging-pr73-2');
    expect(await claimDeploymentDir(root, '2026-11-24-staging-pr73', true)).toBe('2026-11-24-staging-pr73-3');
    await expect(claimDeploymentDir(root, '2026-11-24-staging-pr73', false)).rejects.toThrow(/already exists.*never overwritten/);
  });
});

describe('atomic writes', () => {
  it('replaces a file whole and leaves no temp file behind', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'atomic-'));
    const file = join(dir, 'deployment.json');
    await writeFile(file, 'old\n');
    await writeFileAtomic(file, 'new\n');
    expect(await readFile(file, 'utf8')).toBe('new\n');
    expect(await readdir(dir)).toEqual(['deployment.json']);
  });

  it('fails without touching the old file when the directory is gone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'atomic-'));
    await expect(writeFileAtomic(join(dir, 'missing', 'x.json'), '{}')).rejects.toThrow(/ENOENT/);
  });
});
