/**
 * The build verifies (issue 12): tampered evidence still renders, with an INTEGRITY FAILED banner
 * on every page of the deployment naming the files or the link, and `--strict` fails the build.
 */
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSite, type SiteBuild } from '../harness/site-build.ts';
import { runCli } from '../harness/cli.ts';
import { committedEvidence } from '../harness/committed-evidence.ts';
import { appendForgedSignoff } from '../harness/forge-signoff.ts';
import { collectTiny } from '../harness/tiny-collection.ts';

const evidence = await committedEvidence();
const EARLIER = 'sample-staging-pr73';
const LATER = 'sample-staging-pr73-rerun';
const PRODUCTION = 'sample-production-pr73';
/** A v3 collection whose sign-offs break its checklist's segregation of duties. */
const DUTIES = 'qa-duties';
const sampleKey = (role: string) => fileURLToPath(new URL(`../../examples/sample-keys/${role}.key`, import.meta.url));

let root: string;
let build: SiteBuild;

/** One byte of a check's title flipped (upper/lower case): still valid JSON, no longer what was collected. */
async function flipTitleByte(file: string): Promise<void> {
  const bytes = await readFile(file);
  const at = bytes.indexOf('"title": "') + '"title": "'.length;
  bytes[at] = bytes[at]! ^ 0x20;
  await writeFile(file, bytes);
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'tampered-'));
  await cp(evidence, root, { recursive: true });
  await flipTitleByte(join(root, LATER, 'checks', 'row-count.json'));
  // …and its one sign-off forged (one character of the signature changed).
  const signoffs = JSON.parse(await readFile(join(root, LATER, 'signoffs.json'), 'utf8'));
  const sig = signoffs.signoffs[0].envelope.signatures[0];
  sig.sig = `${sig.sig[0] === 'A' ? 'B' : 'A'}${sig.sig.slice(1)}`;
  await writeFile(join(root, LATER, 'signoffs.json'), `${JSON.stringify(signoffs, null, 2)}\n`);
  await rm(join(root, PRODUCTION, 'checks', 'determinism.json'));
  // The earlier staging deployment rewritten with a manifest that matches the rewrite.
  const file = join(root, EARLIER, 'checks', 'determinism.json');
  await flipTitleByte(file);
  const manifest = JSON.parse(await readFile(join(root, EARLIER, 'manifest.json'), 'utf8'));
  const entry = manifest.files.find((f: { path: string }) => f.path === 'checks/determinism.json');
  entry.sha256 = createHash('sha256').update(await readFile(file)).digest('hex');
  await writeFile(join(root, EARLIER, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  // …and approved with a trusted key in another's name (the SAMPLE keys' private halves are committed).
  await appendForgedSignoff(root, { keyFile: sampleKey('deployed-by'), deploymentId: EARLIER, environment: 'staging', role: 'approved-for-production', name: 'Bob Chief Financial Officer', signedAt: '2026-11-26T10:00:00.000Z' });
  // Collected by the Sample QA Engineer, who may not validate it; the approver signs two roles.
  await collectTiny(root, { environment: 'qa', by: 'Sample QA Engineer', deploymentId: DUTIES, policy: { notByCollector: ['validated-by'] } });
  await writeFile(join(root, DUTIES, 'signoffs.json'), `${JSON.stringify({ $schema: '../_schemas/v3/signoffs.schema.json', schemaVersion: 3, deploymentId: DUTIES, signoffs: [] })}\n`);
  const forged = (role: string, key: string, name: string, signedAt: string) => appendForgedSignoff(root, { keyFile: sampleKey(key), deploymentId: DUTIES, environment: 'qa', role, name, signedAt });
  await forged('deployed-by', 'approved-for-production', 'Sample Change Approver', '2026-11-26T10:00:00.000Z');
  await forged('validated-by', 'validated-by', 'Sample QA Engineer', '2026-11-26T10:01:00.000Z');
  await forged('approved-for-production', 'approved-for-production', 'Sample Change Approver', '2026-11-26T10:02:00.000Z');
  build = await buildSite(root);
  if (build.exitCode !== 0) throw new Error(`site build failed:\n${build.output}`);
}, 300_000);

const page = (path: string) => readFile(join(build.outDir, path, 'index.html'), 'utf8');
const banner = (html: string) => /<div class="error-box integrity-failed"[^>]*>([\s\S]*?)<\/div>/.exec(html)?.[1] ?? null;

describe('a build over tampered evidence', () => {
  it('renders every deployment, with the banner on each page of a tampered one naming the file', async () => {
    const report = banner(await page(`deployments/${LATER}`));
    expect(report).toContain('INTEGRITY FAILED');
    expect(report).toContain('checks/row-count.json: changed');
    // …and on its check pages, including one that was not touched.
    expect(banner(await page(`deployments/${LATER}/checks/sample-rows`))).toContain('checks/row-count.json: changed');
    expect(banner(await page(`deployments/${PRODUCTION}`))).toContain('checks/determinism.json: listed in the manifest, missing');
  });

  it('names the broken link of the deployment after a rewritten one; the rewrite itself is self-consistent', async () => {
    expect(banner(await page(`deployments/${LATER}`))).toMatch(/its manifest follows [0-9a-f]{64}, which no staging manifest has/);
    expect(banner(await page(`deployments/${EARLIER}`))).toBeNull();
  });

  it('shows each sign-off as the evidence now stands: stale over changed files, unverified when forged, and the list flags both', async () => {
    const states = (html: string) => [...html.matchAll(/data-signoff-state="([a-z]+)"/g)].map((m) => m[1]);
    const production = await page(`deployments/${PRODUCTION}`);
    expect(states(production)).toEqual(['stale', 'stale', 'stale']);
    expect(production).toContain('Sign-off incomplete: 0 of 3 roles signed');
    expect(states(await page(`deployments/${LATER}`))).toEqual(['unverified', 'unsigned', 'unsigned']);
    expect(await page('')).toMatch(new RegExp(`data-deployment="${PRODUCTION}"[\\s\\S]*?data-signoff="0/3"[^>]*>\\s*0 of 3 ⚠`));
  });

  it('shows a sign-off in another\'s name as unverified, under the name the signers list binds to its key, with the reason (issue 24)', async () => {
    const earlier = await page(`deployments/${EARLIER}`);
    const item = /<li data-signoff-state="unverified">([\s\S]*?)<\/li>/.exec(earlier)?.[1] ?? '';
    const text = item.replace(/<[^>]+>/g, '').replace(/&quot;|&#34;/g, '"').replace(/\s+/g, ' ').trim();
    expect(text).toMatch(/^Approved for production: Unverified Sample Release Engineer, /);
    expect(text).toMatch(/signed in the name of "Bob Chief Financial Officer", but key [0-9a-f]{16}… belongs to "Sample Release Engineer"/);
    expect(earlier).not.toMatch(/Unverified<\/span>\s*Bob Chief Financial Officer/);
  });

  it('shows sign-offs that break the checklist\'s segregation of duties as unverified, saying why, under the policy in words (issue 24)', async () => {
    const html = await page(`deployments/${DUTIES}`);
    const items = [...html.matchAll(/<li data-signoff-state="([a-z]+)">([\s\S]*?)<\/li>/g)].map((m) => [m[1], m[2]!.replace(/<[^>]+>/g, '').replace(/&quot;|&#34;/g, '"').replace(/&#39;/g, "'").replace(/\s+/g, ' ').trim()]);
    expect(items.map(([state]) => state)).toEqual(['signed', 'unverified', 'unverified']);
    expect(items[1]![1]).toMatch(/^Validated by: Unverified Sample QA Engineer, .* — Sample QA Engineer ran the collection, and the checklist's sign-off policy says whoever ran it may not sign off as Validated by$/);
    expect(items[2]![1]).toMatch(/^Approved for production: Unverified Sample Change Approver, .* — Sample Change Approver already signed off as Deployed by \(2026-11-26T10:00:00\.000Z\), and the checklist's sign-off policy says Deployed by and Approved for production are signed by different people$/);
    expect(html).toMatch(/data-signoff-policy[^>]*>Segregation of duties \(the checklist(&#39;|')s sign-off policy\): every role by a different person; not by the person who ran the collection: Validated by\./);
    expect(html).toMatch(/<dt>Collected by<\/dt>\s*<dd>Sample QA Engineer<\/dd>/);
  });

  it('shows no banner on untampered evidence, and the deployment\'s digest on its report', async () => {
    const clean = await buildSite(evidence);
    expect(clean.exitCode, clean.output).toBe(0);
    const html = await readFile(join(clean.outDir, 'deployments', LATER, 'index.html'), 'utf8');
    expect(html).not.toContain('integrity-failed');
    const digest = createHash('sha256').update(await readFile(join(evidence, LATER, 'manifest.json'))).digest('hex');
    expect(html).toContain(digest);
    // The committed sample sign-offs, verified at build.
    const production = await readFile(join(clean.outDir, 'deployments', PRODUCTION, 'index.html'), 'utf8');
    expect([...production.matchAll(/data-signoff-state="([a-z]+)"/g)].map((m) => m[1])).toEqual(['signed', 'signed', 'signed']);
    expect(production).toContain('Sign-off complete: all 3 roles signed over this evidence.');
    expect(production).toContain('a SAMPLE key');
  }, 300_000);

  it('says what it saw without --strict: each warning on stderr naming its path, counted on the last line, exit 0 (issue 25)', async () => {
    const stray = await mkdtemp(join(tmpdir(), 'stray-'));
    await cp(root, stray, { recursive: true });
    await writeFile(join(stray, 'notes.txt'), 'not evidence');
    const run = await runCli(['build', '--evidence-dir', stray, '--out-dir', join(stray, '..', `site-${Date.now()}`)]);
    expect(run.exitCode, run.stderr).toBe(0);
    const warnings = run.stderr.split('\n').filter((l) => l.startsWith('warning: '));
    expect(warnings).toContain(`warning: ${join(stray, 'notes.txt')}: a file the evidence format does not know; not evidence, not read or published`);
    expect(warnings.some((w) => w.startsWith(`warning: ${LATER}: does not verify (INTEGRITY FAILED on its pages): `) && w.includes('checks/row-count.json: changed'))).toBe(true);
    expect(warnings.some((w) => w.startsWith(`warning: ${PRODUCTION}: does not verify`) && w.includes('checks/determinism.json: listed in the manifest, missing'))).toBe(true);
    expect(warnings).toContain(`warning: ${LATER}: sign-off Deployed by is unverified: the signature does not verify (forged or altered)`);
    const last = run.stderr.trim().split('\n').at(-1)!;
    expect(last).toMatch(new RegExp(`^site built in [\\d.]+ s: .*: ${warnings.length} warnings$`));
  }, 300_000);

  it('fails with deploy-evidence build --strict, naming the deployments and files', async () => {
    const strict = await runCli(['build', '--strict', '--evidence-dir', root, '--out-dir', join(root, '..', `strict-${Date.now()}`)]);
    expect(strict.exitCode).toBe(1);
    expect(strict.stderr).toContain('evidence does not verify (--strict)');
    expect(strict.stderr).toContain(`${PRODUCTION}:`);
    expect(strict.stderr).toContain('checks/determinism.json: listed in the manifest, missing');
  }, 300_000);
});
