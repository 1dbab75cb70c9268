import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../collectors/evidence/atomic-write.ts';
import { ensureJsonSchemas } from '../../collectors/evidence/evidence-writer.ts';
import { buildJsonSchemaFiles } from '../../src/format/json-schema.ts';
import { SCHEMA_DIR } from '../../src/format/common.ts';
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

describe('the JSON Schema files beside the evidence', () => {
  it('writes the missing ones and never rewrites one already there, reporting a file that differs', async () => {
    const root = await mkdtemp(join(tmpdir(), 'schemas-'));
    expect(await ensureJsonSchemas(root)).toEqual([]);
    const names = (await readdir(join(root, SCHEMA_DIR))).sort();
    expect(names).toEqual(['check.schema.json', 'deployment.schema.json', 'manifest.schema.json', 'signers.schema.json', 'signoffs.schema.json']);
    const check = join(root, SCHEMA_DIR, 'check.schema.json');
    const committed = '{"committed": "by an auditor, whatever it says"}\n';
    await writeFile(check, committed);
    await rm(join(root, SCHEMA_DIR, 'manifest.schema.json'));
    // An older version's committed folder is the evidence of that version: never touched.
    await mkdir(join(root, '_schemas/v1'));
    await writeFile(join(root, '_schemas/v1/check.schema.json'), committed);
    expect(await ensureJsonSchemas(root)).toEqual([check]);
    expect(await readFile(check, 'utf8')).toBe(committed);
    expect(await readFile(join(root, SCHEMA_DIR, 'manifest.schema.json'), 'utf8')).toBe(buildJsonSchemaFiles().get('manifest.schema.json'));
    expect(await readdir(join(root, '_schemas/v1'))).toEqual(['check.schema.json']);
    expect(await readFile(join(root, '_schemas/v1/check.schema.json'), 'utf8')).toBe(committed);
  });
});
