/**
 * Search an auditor can trust, over evidence collected now (issue 26): the built-in checklist
 * collected against a real PostgreSQL server, its application copied into the temporary folder (as
 * a CI runner's checkout is a machine path), the site built, searched in Chromium. Each result
 * shows the deployment's decision and every check that matches with an excerpt of its own text; no
 * byte count or sha256 of a raw file, no JSON of recorded values. And no machine path anywhere:
 * not the application directory, the temporary folder, the home directory, nor this checkout's —
 * in no page and no search record.
 */
import { cp, mkdtemp, readdir, readFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attemptViewLock } from '../../collectors/checklists/attempt-view-lock.ts';
import { collect, type CollectResult } from '../../collectors/collect.ts';
import { deploymentRecord } from '../../src/integrations/search-index.ts';
import { chromiumAvailable, launchBrowser } from '../harness/browser.ts';
import { cloneRealDatabase, realServer, stageForBuiltInChecklist, toolingProblem, type TestDatabase } from '../harness/databases.ts';
import { tempEvidenceRoot } from '../harness/evidence.ts';
import { buildSite, sitePages } from '../harness/site-build.ts';
import { serveStatic, type StaticServer } from '../harness/static-server.ts';

const CHECKOUT = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');
const available = realServer() !== null && chromiumAvailable();

let db: TestDatabase;
let app: string;
let collected: CollectResult;
let outDir: string;
let server: StaticServer;
let browser: Browser;

beforeAll(async () => {
  if (!available) return;
  app = join(await mkdtemp(join(tmpdir(), 'fresh-app-')), 'seedtest-api');
  await cp(join(CHECKOUT, 'examples', 'seedtest-api'), app, { recursive: true, filter: (source) => !/__pycache__|\.pytest_cache/.test(source) });
  db = await cloneRealDatabase(stageForBuiltInChecklist);
  const evidence = await tempEvidenceRoot();
  collected = await collect({
    checklist: attemptViewLock,
    environment: 'staging',
    pr: { number: 81, title: 'attempt view, collected now' },
    evidenceRoot: evidence,
    target: db.target,
    appDir: app,
    allowMutating: { by: 'test', via: 'the test suite, on its own database' },
  });
  const built = await buildSite(evidence);
  if (built.exitCode !== 0) throw new Error(`build failed:\n${built.output}`);
  outDir = built.outDir;
  server = await serveStatic(outDir);
}, 600_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await db?.drop();
});

/** The machine's paths a page could leak: each with the reason it is one. */
function machinePaths(): string[] {
  const paths = [app, tmpdir(), CHECKOUT, '/tmp/'];
  if (homedir().length > 1) paths.push(`${homedir()}/`);
  return paths;
}

describe.skipIf(!available)('a site built from evidence collected now', () => {
  it('publishes no machine path: not in any page, not in any search record', async () => {
    const id = collected.deployment.id;
    // The command checks ran (with the Python tooling): their cwd, argv and output are what is judged here.
    if (toolingProblem === null) expect(collected.snapshots.filter((s) => s.kind === 'command' && s.result !== null).length).toBeGreaterThanOrEqual(4);
    const pages = await sitePages(outDir);
    expect(pages.length).toBeGreaterThan(20);
    const leaks: string[] = [];
    for (const page of pages) {
      const html = await readFile(join(outDir, page, 'index.html'), 'utf8');
      for (const path of machinePaths()) if (html.includes(path)) leaks.push(`${page}: ${path}`);
    }
    const record = await deploymentRecord(outDir, id);
    expect(record).not.toBeNull();
    for (const path of machinePaths()) if (record!.includes(path)) leaks.push(`search record of ${id}: ${path}`);
    expect(leaks).toEqual([]);
    // What the pages say instead: the report folder's placeholder, and the working directory relative to the application directory.
    if (toolingProblem === null) {
      const smoke = await readFile(join(outDir, 'deployments', id, 'checks', 'smoke-tests', 'index.html'), 'utf8');
      expect(smoke).toContain('--junitxml=$REPORT_DIR/report');
      expect(smoke).toMatch(/in <code>\.<\/code> of the application directory/);
      expect(smoke).toMatch(/environment: <code>PATH<\/code>, <code>DATABASE_URL<\/code>/);
    }
  });

  it('lists, for a view named in many checks\' SQL, every such check of the deployment with an excerpt, and the decision', async () => {
    const id = collected.deployment.id;
    // The checks whose SQL names the view `attempt` (FROM attempt, 'public.attempt'), as collected.
    const naming = collected.snapshots.filter((s) => /\bFROM attempt\b|'public\.attempt'/.test(s.source.sql ?? '')).map((s) => s.id);
    expect(naming.length).toBeGreaterThanOrEqual(8);
    browser = await launchBrowser();
    const page = await browser.newPage();
    await page.goto(`${server.url}/search/?q=attempt`);
    await page.waitForSelector('.search-result', { timeout: 30_000 });
    const result = page.locator('.search-result', { has: page.locator(`a[href="/deployments/${id}/"]`) });
    await expect.poll(() => result.count()).toBe(1);
    expect(await result.locator('.badge.decision').getAttribute('data-decision')).toBe(collected.deployment.decision.status);
    const checks = await result.locator('.search-check').evaluateAll((items) =>
      items.map((li) => ({ id: (li as HTMLElement).dataset.checkId, href: li.querySelector('a')?.getAttribute('href'), excerpt: li.querySelector('.search-excerpt')?.textContent ?? '', marks: [...li.querySelectorAll('.search-excerpt mark')].map((m) => m.textContent) })),
    );
    const listed = new Map(checks.map((c) => [c.id, c]));
    for (const checkId of naming) {
      const check = listed.get(checkId);
      expect(check, `${checkId} is listed`).toBeDefined();
      expect(check!.href).toBe(`/deployments/${id}/checks/${checkId}/`);
      // A mark is the word holding the view's name as a phrase of its own (`to_regclass('public.attempt')`, not `attempt_no`).
      expect(check!.marks.some((m) => /(^|[^\p{L}\p{N}_])attempt($|[^\p{L}\p{N}_])/iu.test(m ?? '')), `${checkId}'s excerpt marks the view: ${check!.marks.join(' | ')}`).toBe(true);
    }
    const text = await result.innerText();
    expect(text).not.toMatch(/KiB|sha256|\{"/);
    for (const path of machinePaths()) expect(text).not.toContain(path);
    await page.close();
  }, 60_000);
});
