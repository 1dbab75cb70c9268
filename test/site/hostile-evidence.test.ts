/**
 * Evidence arrives by pull request: it is an attacker's input (issue 8). A build over an
 * evidence folder with symlinks to /etc/passwd (a file, a folder, a snapshot), unknown files
 * and `javascript:` pull-request URLs publishes nothing from outside the evidence, reads no
 * link, and renders no URL but http(s) as a link — checked in the built files and in Chromium.
 * `--strict` (DEPLOY_EVIDENCE_STRICT=1) turns the warnings into a failed build naming the paths.
 */
import { cp, mkdtemp, readFile, readdir, symlink, writeFile } from 'node:fs/promises';
import { schemaDir } from '../../src/format/common.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchBrowser } from '../harness/browser.ts';
import { buildSite, type SiteBuild } from '../harness/site-build.ts';
import { serveStatic, type StaticServer } from '../harness/static-server.ts';

const FIXTURE = new URL('../fixtures/site-evidence/', import.meta.url).pathname;
const SOURCE_ID = 'staging-pr74-blocked';

/** Each a deployment whose pr.url a reader must never be able to run. */
const HOSTILE_URLS: Record<string, string> = {
  'url-javascript': 'javascript:alert(document.domain)',
  'url-mixed-case': 'JaVaScRiPt:alert(1)',
  'url-leading-space': '   javascript:alert(1)',
  'url-control-chars': '\u0001\u0008java\tscr\nipt:alert(1)',
  'url-data': 'data:text/html,<script>alert(1)</script>',
  'url-vbscript': 'vbscript:msgbox(1)',
};
const GOOD_URL = 'https://git.example.com/org/repo/pull/74';
/** Displays as "invoice-exe.png" if the override is obeyed. */
const BIDI_TITLE = 'invoice-\u202Egnp.exe\u200B\u0007';

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => !e.isDirectory()).map((e) => join(e.parentPath, e.name));
}

/** A copy of a fixture deployment under another id (every file that names the id rewritten). */
async function copyDeployment(root: string, id: string, prUrl: string | null, prTitle?: string): Promise<void> {
  await cp(join(FIXTURE, SOURCE_ID), join(root, id), { recursive: true });
  for (const file of await filesUnder(join(root, id))) {
    const text = await readFile(file, 'utf8');
    const rewritten = text.replaceAll(`"${SOURCE_ID}"`, `"${id}"`);
    if (file.endsWith('deployment.json')) {
      const json = JSON.parse(rewritten) as { pr: { number: number | null; url: string | null } };
      json.pr.url = prUrl;
      if (prTitle !== undefined) (json.pr as { title?: string }).title = prTitle;
      json.pr.number ??= 74;
      await writeFile(file, `${JSON.stringify(json, null, 2)}\n`);
    } else {
      await writeFile(file, rewritten);
    }
  }
}

/** Where the fixture's JSON Schemas are published: the version it was collected in (v2). */
const FIXTURE_SCHEMAS = schemaDir(2);

let root: string;
let build: SiteBuild;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hostile-evidence-'));
  await cp(join(FIXTURE, '_schemas'), join(root, '_schemas'), { recursive: true });
  await copyDeployment(root, 'good-url', GOOD_URL, BIDI_TITLE);
  for (const [id, url] of Object.entries(HOSTILE_URLS)) await copyDeployment(root, id, url);
  // The links and strays a pull request can commit.
  await symlink('/etc/passwd', join(root, 'passwd'));
  await symlink('/etc', join(root, 'linked-folder'));
  const outside = await mkdtemp(join(tmpdir(), 'outside-evidence-'));
  await copyDeployment(outside, 'linked-deployment', GOOD_URL);
  await symlink(join(outside, 'linked-deployment'), join(root, 'linked-deployment'));
  await symlink('/etc/passwd', join(root, 'good-url', 'checks', 'stolen.json'));
  // A link to a valid snapshot: still never read.
  await cp(join(root, 'good-url', 'checks', 'columns-mismatch.json'), join(outside, 'valid-elsewhere.json'));
  await symlink(join(outside, 'valid-elsewhere.json'), join(root, 'good-url', 'checks', 'linked-check.json'));
  await symlink('/etc/passwd', join(root, 'good-url', 'notes.md'));
  await writeFile(join(root, 'good-url', 'stray.txt'), 'not evidence\n');
  await symlink('/etc/shadow', join(root, FIXTURE_SCHEMAS, 'extra.schema.json'));
  build = await buildSite(root);
  if (build.exitCode !== 0) throw new Error(`site build failed:\n${build.output}`);
});

describe('a build over hostile evidence', () => {
  it('publishes only the regular evidence files: no link, no file from outside the evidence', async () => {
    const published = await filesUnder(join(build.outDir, 'evidence'));
    const relative = published.map((f) => f.slice(join(build.outDir, 'evidence').length + 1)).sort();
    expect(relative).not.toContain('passwd');
    expect(relative.some((f) => f.startsWith('linked-'))).toBe(false);
    expect(relative).not.toContain('good-url/checks/stolen.json');
    expect(relative).not.toContain('good-url/checks/linked-check.json');
    expect(relative).not.toContain('good-url/notes.md');
    expect(relative).not.toContain('good-url/stray.txt');
    expect(relative).not.toContain(`${FIXTURE_SCHEMAS}/extra.schema.json`);
    expect(relative).toContain('good-url/checks/columns-mismatch.json');
    expect(relative).toContain(`${FIXTURE_SCHEMAS}/check.schema.json`);
    const passwd = await readFile('/etc/passwd', 'utf8');
    const firstLine = passwd.split('\n')[0]!;
    for (const file of await filesUnder(build.outDir)) {
      expect((await readFile(file, 'utf8')).includes(firstLine), file).toBe(false);
    }
  });

  it('reads no snapshot through a link: the linked check has no page', async () => {
    const pages = await readdir(join(build.outDir, 'deployments', 'good-url', 'checks'));
    expect(pages).toContain('columns-mismatch');
    expect(pages).not.toContain('linked-check');
    expect(pages).not.toContain('stolen');
    expect(await readdir(join(build.outDir, 'deployments'))).not.toContain('linked-deployment');
  });

  it('warns naming every refused path', () => {
    for (const path of ['passwd', 'linked-folder', 'linked-deployment', 'good-url/checks/stolen.json', 'good-url/checks/linked-check.json', 'good-url/notes.md', 'good-url/stray.txt', `${FIXTURE_SCHEMAS}/extra.schema.json`]) {
      expect(build.output).toContain(`${join(root, path)}: `);
    }
    expect(build.output).toMatch(/passwd: a symbolic link \(never followed\); not read, not published/);
  });

  it('renders a non-http pull request URL as text, never as a link', async () => {
    for (const id of Object.keys(HOSTILE_URLS)) {
      const html = await readFile(join(build.outDir, 'deployments', id, 'index.html'), 'utf8');
      expect(html, id).not.toMatch(/<a\b[^>]*href="\s*(javascript|data|vbscript)/i);
      expect(html, id).toContain('not a web address, not linked');
    }
    const good = await readFile(join(build.outDir, 'deployments', 'good-url', 'index.html'), 'utf8');
    expect(good).toContain(`href="${GOOD_URL}"`);
  });

  it('shows bidi overrides, zero-width and control characters as visible markers on every page', async () => {
    const html = await readFile(join(build.outDir, 'deployments', 'good-url', 'index.html'), 'utf8');
    expect(html).toContain('invoice-⟨U+202E⟩gnp.exe⟨U+200B⟩⟨U+0007⟩');
    for (const file of (await filesUnder(build.outDir)).filter((f) => f.endsWith('.html'))) {
      expect(/[\u202A-\u202E\u2066-\u2069\u200B]/.test(await readFile(file, 'utf8')), file).toBe(false);
    }
    // The raw evidence keeps the bytes as they are.
    expect(await readFile(join(build.outDir, 'evidence', 'good-url', 'deployment.json'), 'utf8')).toContain('gnp.exe'.padStart(8, '\u202E'));
  });

  it('fails a strict build, naming the paths', async () => {
    const strict = await buildSite(root, { strict: true });
    expect(strict.exitCode).toBe(1);
    expect(strict.output).toMatch(/--strict/);
    expect(strict.output).toContain(`${join(root, 'passwd')}: a symbolic link (never followed)`);
    expect(strict.output).toContain(join(root, 'good-url', 'checks', 'linked-check.json'));
  });
});

if (process.env.CI && !chromiumAvailable()) throw new Error('CI=true but /usr/bin/chromium is missing: the browser tests must run in CI');

describe.skipIf(!chromiumAvailable())('hostile pull request URLs in Chromium', () => {
  let browser: Browser;
  let server: StaticServer;
  beforeAll(async () => {
    browser = await launchBrowser();
    server = await serveStatic(build.outDir);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('runs no script when every link of the report header is clicked', async () => {
    for (const id of Object.keys(HOSTILE_URLS)) {
      const page = await browser.newPage();
      const dialogs: string[] = [];
      page.on('dialog', async (dialog) => {
        dialogs.push(dialog.message());
        await dialog.dismiss();
      });
      await page.goto(`${server.url}/deployments/${id}/`);
      const hrefs = await page.$$eval('a[href]', (links) => links.map((a) => (a as HTMLAnchorElement).href));
      for (const href of hrefs) expect(new URL(href).protocol, `${id}: ${href}`).toMatch(/^https?:$/);
      // Click every link in the facts (where the pull request is), staying on the page.
      const facts = await page.$$('dl.facts a');
      for (const link of facts) {
        await link.evaluate((a) => a.setAttribute('target', '_blank'));
        await link.click({ modifiers: [] }).catch(() => {});
      }
      await page.waitForTimeout(100);
      expect(dialogs, id).toEqual([]);
      const text = await page.locator('dl.facts').innerText();
      expect(text, id).toContain('not a web address, not linked');
      await page.close();
    }
  });
});
