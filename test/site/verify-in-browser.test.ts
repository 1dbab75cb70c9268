/**
 * "Verify this report" in Chromium (issue 12): on the committed, signed evidence it finds every
 * file matching and every sign-off signed; against a host serving altered files it names the
 * changed, deleted or unlisted file, the edited manifest and the broken link, shows the sign-offs stale, and shows a forged, an untrusted and another deployment's
 * sign-off unverified — the same verdicts `verify` gives on the command line. What the sign-offs are judged by comes from the
 * deployment.json it verified, never from the page a compromised host could edit; what the build found in git, about the deployment
 * or the evidence root, it shows as failed. A site built with `--signers` publishes that list, not the evidence's own, and the browser
 * judges by it as the build did.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchBrowser } from '../harness/browser.ts';
import { buildSite, type SiteBuild } from '../harness/site-build.ts';
import { serveStatic, type StaticServer } from '../harness/static-server.ts';
import { committedEvidence, copyOfCommittedEvidence } from '../harness/committed-evidence.ts';
import { failingCheckMadeToPass, forge } from '../harness/forgery.ts';
import { forgedEnvelope, signedWithAppendedKey } from '../harness/forge-signoff.ts';
import { GitRepo } from '../harness/git-repo.ts';
import { runCli } from '../harness/cli.ts';
import { rawPublicKey } from '../../collectors/signing/keys.ts';

const evidence = await committedEvidence();
const PRODUCTION = 'sample-production-pr73';
const EARLIER = 'sample-staging-pr73';
const LATER = 'sample-staging-pr73-rerun';

if (process.env.CI && !chromiumAvailable()) throw new Error('CI=true but /usr/bin/chromium is missing: the browser tests must run in CI');

let build: SiteBuild;
let browser: Browser;
const servers: StaticServer[] = [];

beforeAll(async () => {
  build = await buildSite(evidence);
  if (build.exitCode !== 0) throw new Error(`site build failed:\n${build.output}`);
}, 300_000);
afterAll(async () => {
  await browser?.close();
  await Promise.all(servers.map((s) => s.close()));
});

/** A copy of a built site (by default the committed evidence's), altered as a compromised host would serve it: `published` is its /evidence/, `site` the whole site. */
async function servedAs(alter: (published: string, site: string) => Promise<void> = async () => {}, outDir = build.outDir): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'served-'));
  await cp(outDir, dir, { recursive: true });
  await alter(join(dir, 'evidence'), dir);
  const server = await serveStatic(dir);
  servers.push(server);
  return server.url;
}

/** Sets an attribute of the report's Verify this report section in the served HTML (as a compromised host may), whether the page has it or not. */
async function editVerifySection(site: string, id: string, attribute: string, value: string): Promise<void> {
  const file = join(site, 'deployments', id, 'index.html');
  const html = await readFile(file, 'utf8');
  const escaped = value.replaceAll('&', '&amp;').replaceAll('"', '&quot;');
  const edited = html.replace(new RegExp(`\\s${attribute}="[^"]*"`, 'g'), '').replace('data-verify-report', `data-verify-report ${attribute}="${escaped}"`);
  expect(edited).toContain(`${attribute}="${escaped}"`);
  await writeFile(file, edited);
}

/** The production deployment's sign-offs, with one of them replaced. */
async function replaceSignoff(published: string, index: number, envelope: (signoffs: { signoffs: { envelope: any }[] }) => Promise<unknown>): Promise<void> {
  const file = join(published, PRODUCTION, 'signoffs.json');
  const signoffs = JSON.parse(await readFile(file, 'utf8'));
  signoffs.signoffs[index] = { envelope: await envelope(signoffs) };
  await writeFile(file, JSON.stringify(signoffs));
}

/** A sign-off by the Sample Release Engineer, who deployed, as the production deployment's validator: a valid signature with his own key, in his own name. */
async function releaseEngineerValidates(published: string): Promise<unknown> {
  const digest = createHash('sha256').update(await readFile(join(published, PRODUCTION, 'manifest.json'))).digest('hex');
  const keyFile = fileURLToPath(new URL('../../examples/sample-keys/deployed-by.key', import.meta.url));
  return forgedEnvelope({ keyFile, deploymentId: PRODUCTION, environment: 'production', role: 'validated-by', name: 'Sample Release Engineer', digest, signedAt: '2026-11-26T10:00:00.000Z' });
}

async function verifyInBrowser(base: string, id = PRODUCTION): Promise<{ verdict: string; summary: string; items: { result: string; signoff: string | null; text: string }[]; errors: string[] }> {
  browser ??= await launchBrowser();
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${base}/deployments/${id}/`);
  await page.click('[data-verify-report] button');
  await page.waitForSelector('[data-verify-report][data-verified]', { timeout: 30_000 });
  const result = await page.$eval('[data-verify-report]', (el) => ({
    verdict: (el as HTMLElement).dataset.verified ?? '',
    summary: el.querySelector('output')?.textContent ?? '',
    items: [...el.querySelectorAll('li')].map((li) => ({ result: li.dataset.result ?? '', signoff: li.dataset.signoff ?? null, text: li.textContent ?? '' })),
  }));
  await page.close();
  return { ...result, errors };
}

const signoffStates = (items: { signoff: string | null }[]) => items.filter((i) => i.signoff).map((i) => i.signoff);

describe.skipIf(!chromiumAvailable())('Verify this report, in the browser', () => {
  it('verifies the committed evidence: every file matches, the digest is the one shown, three roles signed', async () => {
    const { verdict, summary, items, errors } = await verifyInBrowser(await servedAs());
    expect(errors).toEqual([]);
    expect(verdict, summary).toBe('ok');
    expect(summary).toMatch(/^Verified:/);
    expect(items.filter((i) => i.text.includes('matches the manifest')).length).toBeGreaterThan(10);
    expect(signoffStates(items)).toEqual(['signed', 'signed', 'signed']);
    // Each signer with their key beside the name: what tells two signers apart.
    expect(items.filter((i) => i.signoff).map((i) => i.text)).toEqual([
      expect.stringMatching(/^sign-off Deployed by: signed by Sample Release Engineer, key [0-9a-f]{16}…$/),
      expect.stringMatching(/^sign-off Validated by: signed by Sample QA Engineer, key [0-9a-f]{16}…$/),
      expect.stringMatching(/^sign-off Approved for production: signed by Sample Change Approver, key [0-9a-f]{16}…$/),
    ]);
  }, 120_000);

  it('names a changed file and shows the sign-offs over it stale', async () => {
    const url = await servedAs(async (published) => {
      const file = join(published, PRODUCTION, 'checks', 'row-count.json');
      const bytes = await readFile(file);
      const at = bytes.indexOf('"title": "') + 10;
      bytes[at] = bytes[at]! ^ 0x20;
      await writeFile(file, bytes);
    });
    const { verdict, summary, items } = await verifyInBrowser(url);
    expect(verdict).toBe('failed');
    expect(summary).toMatch(/^VERIFICATION FAILED/);
    expect(items.find((i) => i.result === 'failed')?.text).toMatch(/^✗ checks\/row-count\.json: changed \(sha256 [0-9a-f]{64}\)$/);
    expect(signoffStates(items)).toEqual(['stale', 'stale', 'stale']);
  }, 120_000);

  it('names a deleted snapshot, and an edited manifest (not the digest shown, a file no longer listed)', async () => {
    const deleted = await verifyInBrowser(await servedAs((published) => rm(join(published, PRODUCTION, 'checks', 'determinism.json'))));
    expect(deleted.verdict).toBe('failed');
    expect(deleted.items.filter((i) => i.result === 'failed' && !i.signoff).map((i) => i.text)).toEqual(['✗ checks/determinism.json: missing']);
    const edited = await verifyInBrowser(
      await servedAs(async (published) => {
        const file = join(published, PRODUCTION, 'manifest.json');
        const manifest = JSON.parse(await readFile(file, 'utf8'));
        manifest.files = manifest.files.filter((f: { path: string }) => f.path !== 'checks/determinism.json');
        await writeFile(file, `${JSON.stringify(manifest, null, 2)}\n`);
      }),
    );
    const failed = edited.items.filter((i) => i.result === 'failed' && !i.signoff).map((i) => i.text);
    expect(failed[0]).toMatch(/^✗ manifest\.json: sha256 [0-9a-f]{64}, not the digest this report shows/);
    expect(failed).toContain('✗ checks/determinism.json: not in the manifest (added afterwards)');
  }, 120_000);

  it('names the broken link after an earlier deployment is rewritten with a matching manifest', async () => {
    const url = await servedAs(async (published) => {
      const dir = join(published, EARLIER);
      const file = join(dir, 'checks', 'row-count.json');
      await writeFile(file, (await readFile(file, 'utf8')).replace('"status": "pass"', '"status": "fail"'));
      const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
      for (const f of manifest.files) f.sha256 = createHash('sha256').update(await readFile(join(dir, f.path))).digest('hex');
      await writeFile(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    });
    const later = await verifyInBrowser(url, LATER);
    expect(later.verdict).toBe('failed');
    expect(later.items.find((i) => i.result === 'failed')?.text).toMatch(/^✗ chain: the manifest before this one \([0-9a-f]{64}\) is now [0-9a-f]{64}: the deployment before it was removed or rewritten$/);
    const earlier = await verifyInBrowser(url, EARLIER);
    expect(earlier.items.find((i) => i.result === 'failed')?.text).toMatch(/not the digest this report shows/);
  }, 120_000);

  it('agrees with verify on the insider\'s rewrite: every file matches and the chain holds, but the decision is not what the checks give (issue 24)', async () => {
    const forged = await copyOfCommittedEvidence();
    await forge(forged, EARLIER, { edits: failingCheckMadeToPass('preflight', 'none') });
    const site = await buildSite(forged);
    expect(site.exitCode, site.output).toBe(0);
    const dir = await mkdtemp(join(tmpdir(), 'served-'));
    await cp(site.outDir, dir, { recursive: true });
    const server = await serveStatic(dir);
    servers.push(server);
    const { verdict, summary, items, errors } = await verifyInBrowser(server.url, EARLIER);
    expect(errors).toEqual([]);
    expect(verdict, summary).toBe('failed');
    const failed = items.filter((i) => i.result === 'failed').map((i) => i.text);
    expect(failed).toEqual([
      '✗ checks/preflight.json: assertion attestations says pass; the check\'s result gives warn',
      '✗ checks/preflight.json: status pass; its assertions give warn',
      '✗ deployment.json: lists check preflight as pass; its snapshot gives warn',
      '✗ deployment.json: the decision says APPROVED; its checks give APPROVED WITH NOTES',
    ]);
    // The untouched deployment after it verifies: its link names the forged manifest's digest.
    expect((await verifyInBrowser(server.url, LATER)).items.filter((i) => i.result === 'failed' && !i.signoff)).toEqual([]);
    // The build said so first, on the page.
    expect(await readFile(join(site.outDir, 'deployments', EARLIER, 'index.html'), 'utf8')).toContain('the decision says APPROVED; its checks give APPROVED WITH NOTES');
  }, 300_000);

  it('shows a forged signature, an untrusted key and another deployment\'s sign-off as unverified', async () => {
    const url = await servedAs(async (published) => {
      const file = join(published, PRODUCTION, 'signoffs.json');
      const signoffs = JSON.parse(await readFile(file, 'utf8'));
      // deployed-by: a forged signature (one character of the signature changed).
      const sig = signoffs.signoffs[0].envelope.signatures[0];
      sig.sig = `${sig.sig[0] === 'A' ? 'B' : 'A'}${sig.sig.slice(1)}`;
      // validated-by: another deployment's sign-off, copied over.
      const staging = JSON.parse(await readFile(join(published, 'sample-staging-pr73', 'signoffs.json'), 'utf8'));
      signoffs.signoffs[1] = staging.signoffs[1];
      await writeFile(file, JSON.stringify(signoffs));
      // approved-for-production: its key no longer trusted.
      const signers = JSON.parse(await readFile(join(published, '_signers.json'), 'utf8'));
      signers.signers = signers.signers.filter((s: { name: string }) => s.name !== 'Sample Change Approver');
      await writeFile(join(published, '_signers.json'), JSON.stringify(signers));
    });
    const { verdict, items } = await verifyInBrowser(url);
    expect(verdict).toBe('failed');
    const texts = items.filter((i) => i.signoff).map((i) => i.text);
    expect(texts[0]).toMatch(/^sign-off Deployed by: unverified by Sample Release Engineer, key [0-9a-f]{16}… \(the signature does not verify/);
    expect(texts[1]).toMatch(/^sign-off Validated by: unverified by Sample QA Engineer, key [0-9a-f]{16}… \(it signs another deployment \(sample-staging-pr73\)\)/);
    expect(texts[2]).toMatch(/^sign-off Approved for production: unverified by Sample Change Approver, key [0-9a-f]{16}… \(key [0-9a-f]{16}… is not among the trusted signers\)/);
    // The files themselves still match.
    expect(items.filter((i) => !i.signoff).every((i) => i.result === 'ok')).toBe(true);
  }, 120_000);

  it('shows a sign-off whose payload names someone other than the key\'s owner as unverified, under the owner\'s name (issue 24)', async () => {
    const url = await servedAs(async (published) => {
      const signers = JSON.parse(await readFile(join(published, '_signers.json'), 'utf8'));
      signers.signers.find((s: { name: string }) => s.name === 'Sample QA Engineer').name = 'Mallory Insider';
      await writeFile(join(published, '_signers.json'), JSON.stringify(signers));
    });
    const { verdict, items } = await verifyInBrowser(url);
    expect(verdict).toBe('failed');
    const texts = items.filter((i) => i.signoff).map((i) => i.text);
    expect(texts[0]).toMatch(/^sign-off Deployed by: signed by Sample Release Engineer, key [0-9a-f]{16}…$/);
    expect(texts[1]).toMatch(/^sign-off Validated by: unverified by Mallory Insider, key [0-9a-f]{16}… \(signed in the name of "Sample QA Engineer", but key [0-9a-f]{16}… belongs to "Mallory Insider"\)$/);
  }, 120_000);

  it('shows a sign-off that breaks the checklist\'s segregation of duties as unverified: one key validating what it deployed (issue 24)', async () => {
    // validated-by, now by the Sample Release Engineer, who deployed it.
    const url = await servedAs((published) => replaceSignoff(published, 1, () => releaseEngineerValidates(published)));
    const { verdict, items } = await verifyInBrowser(url);
    expect(verdict).toBe('failed');
    const texts = items.filter((i) => i.signoff).map((i) => i.text);
    expect(texts[0]).toMatch(/^sign-off Deployed by: signed by Sample Release Engineer, key [0-9a-f]{16}…$/);
    expect(texts[1]).toMatch(/^sign-off Validated by: unverified by Sample Release Engineer, key [0-9a-f]{16}… \(Sample Release Engineer already signed off as Deployed by \(2026-11-25T09:44:19\.035Z\), and the checklist's sign-off policy says Deployed by and Validated by are signed by different people\)$/);
    expect(texts[2]).toMatch(/^sign-off Approved for production: signed by Sample Change Approver, key [0-9a-f]{16}…$/);
    expect(items.filter((i) => !i.signoff).every((i) => i.result === 'ok')).toBe(true);
  }, 120_000);

  it('takes the roles and the policy from the deployment.json it verified, not from the page: a page edited to declare no roles, or to separate no duties, still shows the forged and the breaching sign-off unverified', async () => {
    // approved-for-production: a forged signature; the page says the checklist declares no roles.
    const noRoles = await verifyInBrowser(
      await servedAs(async (published, site) => {
        await replaceSignoff(published, 2, async ({ signoffs }) => {
          const envelope = signoffs[2]!.envelope;
          const sig = envelope.signatures[0].sig as string;
          return { ...envelope, signatures: [{ ...envelope.signatures[0], sig: `${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}` }] };
        });
        await editVerifySection(site, PRODUCTION, 'data-roles', '[]');
      }),
    );
    expect(noRoles.verdict, noRoles.summary).toBe('failed');
    expect(signoffStates(noRoles.items)).toEqual(['signed', 'signed', 'unverified']);
    expect(noRoles.items.filter((i) => i.signoff).at(-1)?.text).toMatch(/^sign-off Approved for production: unverified by Sample Change Approver, key [0-9a-f]{16}… \(the signature does not verify \(forged or altered\)\)$/);

    // validated-by by the person who deployed it; the page says anyone may sign any roles.
    const noDuties = await verifyInBrowser(
      await servedAs(async (published, site) => {
        await replaceSignoff(published, 1, () => releaseEngineerValidates(published));
        await editVerifySection(site, PRODUCTION, 'data-policy', JSON.stringify({ distinct: [], notByCollector: [] }));
      }),
    );
    expect(noDuties.verdict, noDuties.summary).toBe('failed');
    expect(signoffStates(noDuties.items)).toEqual(['signed', 'unverified', 'signed']);
    expect(noDuties.items.filter((i) => i.signoff)[1]?.text).toContain('the checklist\'s sign-off policy says Deployed by and Validated by are signed by different people');
  }, 120_000);

  it('reads no roles from a deployment.json that does not match the manifest: it says the roles could not be read from verified evidence, and judges no sign-off by them', async () => {
    const url = await servedAs(async (published) => {
      const file = join(published, PRODUCTION, 'deployment.json');
      const deployment = JSON.parse(await readFile(file, 'utf8'));
      // What a compromised host would want the browser to read: no roles to sign.
      deployment.checklist.definition.signoff = [];
      await writeFile(file, `${JSON.stringify(deployment, null, 2)}\n`);
    });
    const { verdict, summary, items, errors } = await verifyInBrowser(url);
    expect(errors).toEqual([]);
    expect(verdict, summary).toBe('failed');
    expect(items.find((i) => i.result === 'failed')?.text).toMatch(/^✗ deployment\.json: changed \(sha256 [0-9a-f]{64}\)$/);
    const signoffs = items.filter((i) => i.signoff);
    expect(signoffs).toEqual([{ result: 'failed', signoff: 'unreadable', text: '✗ sign-offs: the roles, the sign-off policy and who ran the collection could not be read from verified evidence (deployment.json does not match the manifest): no sign-off is checked' }]);
  }, 120_000);

  it('judges by the signers list given to the build, as the build did: a key the evidence\'s own _signers.json gained is not trusted, and that list is not published', async () => {
    const root = await copyOfCommittedEvidence();
    const work = await mkdtemp(join(tmpdir(), 'given-signers-'));
    // Whoever can push the evidence branch appends a key and signs the approval with it.
    const attack = await signedWithAppendedKey(root, { deploymentId: PRODUCTION, environment: 'production', role: 'approved-for-production', index: 2, name: 'Mallory Approver', keyFile: join(work, 'mallory.key') });
    const reviewed = join(work, 'reviewed.json');
    await writeFile(reviewed, attack.reviewed);
    const out = join(work, 'site');
    const built = await runCli(['build', '--evidence-dir', root, '--out-dir', out, '--signers', reviewed]);
    expect(built.exitCode, built.stderr).toBe(0);
    expect(built.stderr).toMatch(/warning: sample-production-pr73: sign-off Approved for production is unverified: key [0-9a-f]{16}… is not among the trusted signers/);
    // Published: the given list, byte for byte; the evidence's own (with the appended key) nowhere.
    expect(await readFile(join(out, 'evidence', '_signers.json'))).toEqual(attack.reviewed);
    expect((await readFile(join(root, '_signers.json'), 'utf8')).includes(attack.appended.publicKey)).toBe(true);
    const page = await readFile(join(out, 'deployments', PRODUCTION, 'index.html'), 'utf8');
    expect([...page.matchAll(/data-signoff-state="(\w+)"/g)].map((m) => m[1])).toEqual(['signed', 'signed', 'unverified']);
    expect(page).toContain('<p class="note" data-signers-source>Sign-offs judged against the signers list given to the build (reviewed.json), not the evidence&#39;s own <code>_signers.json</code>.</p>');
    // The browser, from what the site published, says what the build said.
    const { verdict, items, errors } = await verifyInBrowser(await servedAs(async () => {}, out));
    expect(errors).toEqual([]);
    expect(verdict).toBe('failed');
    expect(signoffStates(items)).toEqual(['signed', 'signed', 'unverified']);
    expect(items.filter((i) => i.signoff).at(-1)?.text).toMatch(/^sign-off Approved for production: unverified by Mallory Approver, key [0-9a-f]{16}… \(key [0-9a-f]{16}… is not among the trusted signers\)$/);
    expect(items.filter((i) => !i.signoff).every((i) => i.result === 'ok')).toBe(true);
  }, 300_000);

  it('shows what the build found in the history of the evidence root as failed: a _signers.json entry renamed in a later commit', async () => {
    const repo = await GitRepo.init('team');
    await repo.copyIn(await copyOfCommittedEvidence(), 'evidence');
    await repo.commitAll('Evidence of three deployments');
    const signersFile = repo.path('evidence', '_signers.json');
    const signers = JSON.parse(await readFile(signersFile, 'utf8'));
    // A signer appended (allowed), then renamed (not): the deployments' own sign-offs all still hold.
    signers.signers.push({ name: 'New Approver', publicKey: Buffer.from(rawPublicKey(generateKeyPairSync('ed25519').publicKey)).toString('base64'), sample: false });
    await writeFile(signersFile, `${JSON.stringify(signers, null, 2)}\n`);
    await repo.commitAll('Add a signer');
    signers.signers.at(-1).name = 'Mallory';
    await writeFile(signersFile, `${JSON.stringify(signers, null, 2)}\n`);
    await repo.commitAll('Rename a signer');
    const out = join(await mkdtemp(join(tmpdir(), 'site-')), 'site');
    const built = await runCli(['build', '--evidence-dir', repo.path('evidence'), '--out-dir', out]);
    expect(built.exitCode, built.stderr).toBe(0);
    const { verdict, summary, items, errors } = await verifyInBrowser(await servedAs(async () => {}, out));
    expect(errors).toEqual([]);
    expect(verdict, summary).toBe('failed');
    expect(signoffStates(items)).toEqual(['signed', 'signed', 'signed']);
    const failed = items.filter((i) => i.result === 'failed').map((i) => i.text);
    expect(failed).toEqual([expect.stringMatching(/^✗ git history \(found when the site was built\): the evidence root: _signers\.json: .*signer "New Approver" \(key [A-Za-z0-9+/]{16}…\) altered \(now signer "Mallory"\).*"Rename a signer"/)]);
  }, 300_000);
});
