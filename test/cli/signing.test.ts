/**
 * `deploy-evidence keygen` and `sign` (issue 12): a key pair that is never overwritten, trusted
 * on request; a sign-off that verifies, leaves the manifest (and so the chain) as it was, and is
 * refused for evidence that does not verify or a role the checklist does not declare.
 */
import { cp, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../harness/cli.ts';
import { committedEvidence } from '../harness/committed-evidence.ts';

const evidence = await committedEvidence();
const STAGING = 'sample-staging-pr73-rerun';

describe('deploy-evidence keygen and sign', () => {
  it('signs a deployment off with a new trusted key: verify shows it signed, and the manifest is untouched', async () => {
    const root = await mkdtemp(join(tmpdir(), 'sign-'));
    await cp(evidence, root, { recursive: true });
    // Keys live with their owner, never under the evidence root.
    const key = join(await mkdtemp(join(tmpdir(), 'keys-')), 'alice');
    const keygen = await runCli(['keygen', '--out', key, '--name', 'Alice Example', '--trust', '--evidence-dir', root]);
    expect(keygen.exitCode, keygen.stderr).toBe(0);
    expect((await stat(`${key}.key`)).mode & 0o777).toBe(0o600);
    expect((await readFile(`${key}.pub`, 'utf8')).trim()).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(JSON.parse(await readFile(join(root, '_signers.json'), 'utf8')).signers.at(-1)).toMatchObject({ name: 'Alice Example', sample: false });
    // A key is never overwritten.
    expect((await runCli(['keygen', '--out', key, '--name', 'Alice Example'])).exitCode).toBe(2);

    const manifest = await readFile(join(root, STAGING, 'manifest.json'));
    const sign = await runCli(['sign', STAGING, '--role', 'validated-by', '--key', `${key}.key`, '--note', 'checked the plan', '--evidence-dir', root]);
    expect(sign.exitCode, sign.stderr).toBe(0);
    expect(sign.stderr).toMatch(new RegExp(`^${STAGING}: signed off as validated-by by Alice Example, over digest sha256 [0-9a-f]{64}$`, 'm'));
    expect(await readFile(join(root, STAGING, 'manifest.json'))).toEqual(manifest);
    const verify = await runCli(['verify', '--all', '--evidence-dir', root]);
    expect(verify.exitCode, verify.stdout).toBe(0);
    expect(verify.stdout).toMatch(/sign-off Validated by: signed by Alice Example, /);
  });

  it('refuses a role the checklist does not declare (exit 2) and evidence that does not verify (exit 1)', async () => {
    const root = await mkdtemp(join(tmpdir(), 'sign-'));
    await cp(evidence, root, { recursive: true });
    const key = join(await mkdtemp(join(tmpdir(), 'keys-')), 'bob');
    expect((await runCli(['keygen', '--out', key, '--name', 'Bob', '--trust', '--evidence-dir', root])).exitCode).toBe(0);
    const role = await runCli(['sign', STAGING, '--role', 'ceo', '--key', `${key}.key`, '--evidence-dir', root]);
    expect(role.exitCode).toBe(2);
    expect(role.stderr).toContain('declares no sign-off role "ceo" (it takes: deployed-by, validated-by, approved-for-production)');

    const snapshot = join(root, STAGING, 'checks', 'row-count.json');
    await writeFile(snapshot, `${await readFile(snapshot, 'utf8')} `);
    const before = await readFile(join(root, STAGING, 'signoffs.json'));
    const refused = await runCli(['sign', STAGING, '--role', 'validated-by', '--key', `${key}.key`, '--evidence-dir', root]);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain(`${STAGING} does not verify (FAILED): refusing to sign evidence that is not what was collected`);
    expect(refused.stderr).toContain('checks/row-count.json: changed');
    expect(await readFile(join(root, STAGING, 'signoffs.json'))).toEqual(before);
  });
});
