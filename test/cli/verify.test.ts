/**
 * `deploy-evidence verify` against tampered copies of the committed evidence (issue 12): a flipped
 * byte, a deleted or an added snapshot, an edited manifest, an earlier deployment rewritten with a
 * consistent manifest — each exits 1 naming the file or the link; the untouched evidence verifies.
 */
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../harness/cli.ts';
import { committedEvidence } from '../harness/committed-evidence.ts';
import { failingCheckMadeToPass, forge } from '../harness/forgery.ts';

const evidence = await committedEvidence();
const EARLIER = 'sample-staging-pr73';
const LATER = 'sample-staging-pr73-rerun';

async function copy(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'verify-'));
  await cp(evidence, root, { recursive: true });
  return root;
}

const verify = (root: string, ...args: string[]) => runCli(['verify', ...(args.length ? args : ['--all']), '--evidence-dir', root]);

describe('deploy-evidence verify', () => {
  it('passes on the committed evidence: every file matches its manifest and each environment\'s chain holds', async () => {
    const run = await verify(evidence);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^OK +${LATER} \\(staging\\)  sha256 [0-9a-f]{64}$`, 'm'));
    // Which deployments are signed off in every role is said, never implied (issue 24).
    expect(run.stdout).toContain('3 deployments verified: every file matches its manifest, every verdict is what its checks give, every chain holds, every sign-off made holds; sign-off complete on 1, roles unsigned on 2');
    const json = JSON.parse((await verify(evidence, EARLIER, '--json')).stdout) as { ok: boolean; deployments: { id: string; status: string; previous: string | null }[] };
    expect(json).toMatchObject({ ok: true, deployments: [{ id: EARLIER, status: 'OK', previous: null }] });
    // The later staging deployment names the earlier one's digest.
    const earlierDigest = createHash('sha256').update(await readFile(join(evidence, EARLIER, 'manifest.json'))).digest('hex');
    expect(JSON.parse(await readFile(join(evidence, LATER, 'manifest.json'), 'utf8')).previousManifestSha256).toBe(earlierDigest);
  });

  it('names a snapshot with one flipped byte', async () => {
    const root = await copy();
    const file = join(root, LATER, 'checks', 'row-count.json');
    const bytes = await readFile(file);
    bytes[bytes.length - 3] = bytes[bytes.length - 3]! ^ 0x01;
    await writeFile(file, bytes);
    const run = await verify(root);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(new RegExp(`^FAILED +${LATER} .*\\n +- checks/row-count\\.json: changed \\(sha256`, 'm'));
    expect(run.stdout).toContain('1 of 3 deployments do not verify');
  });

  it('names a deleted snapshot, and a check file its deployment does not name as not evidence (issue 25)', async () => {
    const root = await copy();
    await rm(join(root, LATER, 'checks', 'determinism.json'));
    await cp(join(root, LATER, 'checks', 'row-count.json'), join(root, LATER, 'checks', 'extra.json'));
    const run = await verify(root, LATER);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('- checks/determinism.json: listed in the manifest, missing');
    // Never read: a file its deployment.json does not name is not its evidence, whatever it holds.
    expect(run.stdout).toContain(`- ${LATER}/checks/extra.json: a check file its deployment.json does not name; not evidence`);
  });

  it('names an edited manifest, and the link of the deployment that follows it', async () => {
    const root = await copy();
    const file = join(root, EARLIER, 'manifest.json');
    const manifest = JSON.parse(await readFile(file, 'utf8'));
    manifest.files = manifest.files.filter((f: { path: string }) => f.path !== 'checks/determinism.json');
    await writeFile(file, `${JSON.stringify(manifest, null, 2)}\n`);
    const run = await verify(root);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('- checks/determinism.json: not in the manifest (added afterwards)');
    expect(run.stdout).toMatch(new RegExp(`- ${LATER}: its manifest follows [0-9a-f]{64}, which no staging manifest has`));
  });

  it('names the broken link when an earlier deployment is rewritten with a manifest that matches the rewrite', async () => {
    const root = await copy();
    const dir = join(root, EARLIER);
    const file = join(dir, 'checks', 'row-count.json');
    await writeFile(file, (await readFile(file, 'utf8')).replace('"status": "pass"', '"status": "fail"'));
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
    for (const f of manifest.files) {
      const bytes = await readFile(join(dir, f.path));
      f.bytes = bytes.length;
      f.sha256 = createHash('sha256').update(bytes).digest('hex');
    }
    await writeFile(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    const run = await verify(root);
    expect(run.exitCode).toBe(1);
    // The rewritten deployment's files match its new manifest; the chain gives it away, and so do
    // its sign-offs, which signed the manifest as collected.
    expect(run.stdout).not.toContain('checks/row-count.json: changed');
    expect(run.stdout).toMatch(/- sign-off as deployed-by by Sample Release Engineer is stale/);
    expect(run.stdout).toMatch(new RegExp(`^FAILED +${LATER} .*\\n +- ${LATER}: its manifest follows`, 'm'));
  });

  it('catches the insider\'s rewrite: a check made to pass and the decision forged mid-chain, re-hashed up to the head, sign-offs deleted (issue 24)', async () => {
    const root = await copy();
    const rewritten = await forge(root, EARLIER, { edits: failingCheckMadeToPass('preflight', 'none') });
    expect(rewritten).toEqual([EARLIER, LATER]);
    const run = await verify(root);
    expect(run.exitCode, run.stdout).toBe(1);
    // Every file matches its (new) manifest and the chain holds: only the re-derived verdicts give it away.
    expect(run.stdout).not.toMatch(/: changed \(sha256|which no staging manifest has/);
    expect(run.stdout).toMatch(new RegExp(`^FAILED +${EARLIER} \\(staging\\)`, 'm'));
    expect(run.stdout).toContain('- checks/preflight.json: assertion attestations says pass; the check\'s result gives warn');
    expect(run.stdout).toContain('- deployment.json: the decision says APPROVED; its checks give APPROVED WITH NOTES');
    expect(run.stdout).toMatch(new RegExp(`^OK +${LATER} `, 'm'));
    expect(run.stdout).not.toContain('every sign-off is valid');
    const strict = await runCli(['build', '--strict', '--evidence-dir', root, '--out-dir', join(root, '..', `strict-${Date.now()}`)]);
    expect(strict.exitCode, strict.stderr).not.toBe(0);
    expect(strict.stderr).toContain(`${EARLIER}:`);
    expect(strict.stderr).toContain('the decision says APPROVED; its checks give APPROVED WITH NOTES');
  }, 180_000);

  it('fails the same rewrite when one snapshot also carries a field the format does not know: a snapshot that does not read is not a verdict re-derived', async () => {
    const root = await copy();
    const edits = failingCheckMadeToPass('preflight', 'none');
    const forged = edits['checks/preflight.json']!;
    await forge(root, EARLIER, { edits: { ...edits, 'checks/preflight.json': (snapshot) => void (forged(snapshot), Object.assign(snapshot, { reviewedBy: 'nobody' })) } });
    const run = await verify(root);
    expect(run.exitCode, run.stdout).toBe(1);
    expect(run.stdout).toMatch(new RegExp(`^FAILED +${EARLIER} \\(staging\\)`, 'm'));
    expect(run.stdout).toMatch(/- checks\/preflight\.json: does not read as a check snapshot \([^\n]*reviewedBy[^\n]*\); no verdict of this deployment could be re-derived/);
  }, 180_000);

  it('says INCOMPLETE, not OK, for a deployment without a manifest, and exits 2 for usage', async () => {
    const root = await copy();
    await rm(join(root, LATER, 'manifest.json'));
    const run = await verify(root, LATER);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(new RegExp(`^INCOMPLETE ${LATER} \\(staging\\)\\n +- no manifest\\.json: the collection did not finish`, 'm'));
    expect((await runCli(['verify', '--evidence-dir', root])).exitCode).toBe(2);
    expect((await runCli(['verify', 'no-such-deployment', '--evidence-dir', root])).exitCode).toBe(2);
    expect((await runCli(['verify', '../etc', '--evidence-dir', root])).exitCode).toBe(2);
  });
});

describe('deploy-evidence verify: sign-offs', () => {
  const PRODUCTION = 'sample-production-pr73';

  it('shows the committed sample sign-offs signed, with their SAMPLE keys named', async () => {
    const run = await verify(evidence, PRODUCTION);
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.stdout).toMatch(/sign-off Approved for production: signed by Sample Change Approver, .*\(SAMPLE KEY\)/);
  });

  it('names a forged signature, another deployment\'s sign-off and an untrusted key as unverified, and evidence changed after signing as stale', async () => {
    const root = await copy();
    const file = join(root, PRODUCTION, 'signoffs.json');
    const signoffs = JSON.parse(await readFile(file, 'utf8'));
    const sig = signoffs.signoffs[0].envelope.signatures[0];
    sig.sig = `${sig.sig[0] === 'A' ? 'B' : 'A'}${sig.sig.slice(1)}`;
    signoffs.signoffs[1] = JSON.parse(await readFile(join(root, EARLIER, 'signoffs.json'), 'utf8')).signoffs[1];
    await writeFile(file, `${JSON.stringify(signoffs, null, 2)}\n`);
    // An auditor's own list of trusted keys, without the approver's.
    const signers = JSON.parse(await readFile(join(root, '_signers.json'), 'utf8'));
    signers.signers = signers.signers.filter((s: { name: string }) => s.name !== 'Sample Change Approver');
    const own = join(root, 'auditor-signers.json');
    await writeFile(own, JSON.stringify(signers));
    const run = await verify(root, PRODUCTION, '--signers', own);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('- sign-off as deployed-by by Sample Release Engineer is unverified: the signature does not verify (forged or altered)');
    expect(run.stdout).toContain(`- sign-off as validated-by by Sample QA Engineer is unverified: it signs another deployment (${EARLIER})`);
    expect(run.stdout).toMatch(/- sign-off as approved-for-production by Sample Change Approver is unverified: key [0-9a-f]{16}… is not among the trusted signers/);

    const changed = await copy();
    const snapshot = join(changed, PRODUCTION, 'checks', 'row-count.json');
    await writeFile(snapshot, (await readFile(snapshot, 'utf8')).replace('"status": "pass"', '"status": "warn"'));
    const stale = await verify(changed, PRODUCTION);
    expect(stale.exitCode).toBe(1);
    expect(stale.stdout).toContain('- checks/row-count.json: changed');
    expect(stale.stdout).toMatch(/- sign-off as approved-for-production by Sample Change Approver is stale: it signed digest [0-9a-f]{16}…, which the evidence no longer matches/);
  });
});
