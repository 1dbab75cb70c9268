/**
 * "Verify this report" in Chromium (issue 12): on the committed, signed evidence it finds every
 * file matching and every sign-off signed; against a host serving altered files it names the
 * changed, deleted or unlisted file, the edited manifest and the broken link, shows the sign-offs stale, and shows a forged, an untrusted and another deployment's
 * sign-off unverified — the same verdicts `verify` gives on the command line.
 */
import { createHash } from 'node:crypto';
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
import { forgedEnvelope } from '../harness/forge-signoff.ts';

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

/** A copy of the built site, altered as a compromised host would serve it. */
async function servedAs(alter: (published: string) => Promise<void> = async () => {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'served-'));
  await cp(build.outDir, dir, { recursive: true });
  await alter(join(dir, 'evidence'));
  const server = await serveStatic(dir);
  servers.push(server);
  return server.url;
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
    expect(texts[0]).toMatch(/^sign-off Deployed by: unverified by Sample Release Engineer \(the signature does not verify/);
    expect(texts[1]).toMatch(/^sign-off Validated by: unverified by Sample QA Engineer \(it signs another deployment \(sample-staging-pr73\)\)/);
    expect(texts[2]).toMatch(/^sign-off Approved for production: unverified by Sample Change Approver \(key [0-9a-f]{16}… is not among the trusted signers\)/);
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
    expect(texts[0]).toBe('sign-off Deployed by: signed by Sample Release Engineer');
    expect(texts[1]).toMatch(/^sign-off Validated by: unverified by Mallory Insider \(signed in the name of "Sample QA Engineer", but key [0-9a-f]{16}… belongs to "Mallory Insider"\)$/);
  }, 120_000);

  it('shows a sign-off that breaks the checklist\'s segregation of duties as unverified: one key validating what it deployed (issue 24)', async () => {
    const url = await servedAs(async (published) => {
      const file = join(published, PRODUCTION, 'signoffs.json');
      const signoffs = JSON.parse(await readFile(file, 'utf8'));
      const digest = createHash('sha256').update(await readFile(join(published, PRODUCTION, 'manifest.json'))).digest('hex');
      // validated-by, now by the Sample Release Engineer, who deployed it (a valid signature with his own key, in his own name).
      const keyFile = fileURLToPath(new URL('../../examples/sample-keys/deployed-by.key', import.meta.url));
      signoffs.signoffs[1] = { envelope: await forgedEnvelope({ keyFile, deploymentId: PRODUCTION, environment: 'production', role: 'validated-by', name: 'Sample Release Engineer', digest, signedAt: '2026-11-26T10:00:00.000Z' }) };
      await writeFile(file, JSON.stringify(signoffs));
    });
    const { verdict, items } = await verifyInBrowser(url);
    expect(verdict).toBe('failed');
    const texts = items.filter((i) => i.signoff).map((i) => i.text);
    expect(texts[0]).toBe('sign-off Deployed by: signed by Sample Release Engineer');
    expect(texts[1]).toMatch(/^sign-off Validated by: unverified by Sample Release Engineer \(Sample Release Engineer already signed off as Deployed by \(2026-11-25T09:44:19\.035Z\), and the checklist's sign-off policy says Deployed by and Validated by are signed by different people\)$/);
    expect(texts[2]).toBe('sign-off Approved for production: signed by Sample Change Approver');
    expect(items.filter((i) => !i.signoff).every((i) => i.result === 'ok')).toBe(true);
  }, 120_000);
});

