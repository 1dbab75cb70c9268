/**
 * The built site, over fixture evidence from real collections (approved, blocked, incomplete,
 * interrupted, markup payloads, two environments), served on 127.0.0.1 and read in Debian's
 * Chromium. In CI (CI=true) the browser tests must run, never skip.
 */
import { cp, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchBrowser, watchedPage } from '../harness/browser.ts';
import { buildSite, sitePages, type SiteBuild } from '../harness/site-build.ts';
import { comparisonPairs } from '../../src/core/compare/comparison-targets.ts';
import type { Deployment } from '../../src/format/index.ts';
import { serveStatic, type StaticServer } from '../harness/static-server.ts';

const FIXTURE = new URL('../fixtures/site-evidence/', import.meta.url).pathname;
const axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

if (process.env.CI && !chromiumAvailable()) throw new Error('CI=true but /usr/bin/chromium is missing: the browser tests must run in CI');

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name))).sort();
}

async function fixtureSnapshots(): Promise<Map<string, Map<string, string>>> {
  const map = new Map<string, Map<string, string>>();
  for (const id of (await readdir(FIXTURE)).filter((d) => !d.startsWith('_'))) {
    const statuses = new Map<string, string>();
    const deployment = JSON.parse(await readFile(join(FIXTURE, id, 'deployment.json'), 'utf8')) as { checks: { id: string }[] };
    for (const { id: checkId } of deployment.checks) {
      const text = await readFile(join(FIXTURE, id, 'checks', `${checkId}.json`), 'utf8').catch(() => null);
      statuses.set(checkId, text ? (JSON.parse(text) as { status: string }).status : 'missing');
    }
    map.set(id, statuses);
  }
  return map;
}

let build: SiteBuild;
let pages: string[];

beforeAll(async () => {
  build = await buildSite(FIXTURE);
  if (build.exitCode !== 0) throw new Error(`site build failed:\n${build.output}`);
  pages = await sitePages(build.outDir);
});

describe('the site build over fixture evidence', () => {
  it('builds the index, each environment, each report, every check page, the bounded comparisons, check histories, trends, the evidence index and the checklist reference', async () => {
    const statuses = await fixtureSnapshots();
    const expected = ['/', '/evidence/', '/trends/', '/population/', '/search/', '/about/', '/environments/production/', '/environments/staging/', '/reference/checklists/'];
    const checkIds = new Set<string>();
    for (const [id, checks] of statuses) {
      expected.push(`/deployments/${id}/`);
      for (const checkId of checks.keys()) {
        expected.push(`/deployments/${id}/checks/${checkId}/`);
        checkIds.add(checkId);
      }
    }
    for (const checkId of checkIds) expected.push(`/checks/${checkId}/`);
    const deployments = await Promise.all([...statuses.keys()].map(async (id) => JSON.parse(await readFile(join(FIXTURE, id, 'deployment.json'), 'utf8')) as Deployment));
    const pairs = comparisonPairs(deployments);
    expect(pairs.length).toBeGreaterThanOrEqual(statuses.size - 2);
    expect(pairs.length).toBeLessThanOrEqual(3 * statuses.size);
    for (const { current, base } of pairs) expected.push(`/deployments/${current}/compare/${base}/`);
    expect(pages.sort()).toEqual(expected.sort());
    // The checklist schema, for editors, beside the reference.
    const schema = JSON.parse(await readFile(join(build.outDir, 'schemas/checklist.schema.json'), 'utf8')) as { title: string };
    expect(schema.title).toBe('deploy-evidence checklist');
  });

  it('publishes the raw evidence byte for byte under /evidence/', async () => {
    const sources = await filesUnder(FIXTURE);
    expect(sources.length).toBeGreaterThan(30);
    for (const file of sources) {
      const original = await readFile(join(FIXTURE, file));
      const published = await readFile(join(build.outDir, 'evidence', file));
      expect(published.equals(original), file).toBe(true);
    }
  });

  it('ships chart.js only on chart pages', async () => {
    const report = await readFile(join(build.outDir, 'deployments/staging-pr73-full/index.html'), 'utf8');
    const trends = await readFile(join(build.outDir, 'trends/index.html'), 'utf8');
    // The report's modules are the copy-link buttons and Verify this report; chart.js comes with the charts only.
    expect([...report.matchAll(/<script[^>]*\bsrc="([^"]+)"/g)].map((m) => m[1])).toEqual([expect.stringMatching(/^\/_astro\/CopyLink\./), expect.stringMatching(/^\/_astro\/VerifyReport\./)]);
    expect(trends).toMatch(/<script type="module" src="\/_astro\/[^"]+\.js"/);
  });

  it('ships no JavaScript on a report page beyond the copy-link enhancement and Verify this report (within 3 KB gzip), and none inline', async () => {
    const html = await readFile(join(build.outDir, 'deployments/staging-pr73-full/index.html'), 'utf8');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    // Inline, a script would need the Content-Security-Policy to allow it (src/site/content-security-policy.ts).
    expect(scripts.filter(([, attrs]) => !/\bsrc=/.test(attrs ?? ''))).toEqual([]);
    const src = scripts.map(([, attrs]) => /\bsrc="([^"]+)"/.exec(attrs ?? '')?.[1]).filter(Boolean);
    expect(src).toEqual([expect.stringMatching(/^\/_astro\/CopyLink\./), expect.stringMatching(/^\/_astro\/VerifyReport\./)]);
    expect(gzipSync(await readFile(join(build.outDir, src[0]!))).length).toBeLessThan(1024);
    const verifier = await readFile(join(build.outDir, src[1]!));
    expect(gzipSync(verifier).length).toBeLessThan(3 * 1024);
  });

  // One bad file end to end; the loader's other cases are unit tests (test/site/load-evidence.test.ts).
  it.each([
    ['check-bad-status.json', 'staging-pr74-blocked/checks/too-many-rows.json', /status: Invalid enum value.*received 'ok'/],
  ])('fails on a bad file (%s) naming the file and the field, without a stack trace', async (broken, into, message) => {
    const dir = await mkdtemp(join(tmpdir(), 'bad-evidence-'));
    await cp(FIXTURE, dir, { recursive: true });
    await writeFile(join(dir, into), await readFile(new URL(`../fixtures/broken/${broken}`, import.meta.url)));
    const bad = await buildSite(dir);
    expect(bad.exitCode).not.toBe(0);
    expect(bad.output).toContain(join(dir, into));
    expect(bad.output).toMatch(message);
    expect(bad.output).not.toMatch(/Stack trace|^\s+at /m);
  });
});

describe.skipIf(!chromiumAvailable())('the site in Chromium', () => {
  let server: StaticServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await serveStatic(build.outDir);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** A page in a context of its own; `problems` gathers console errors, failed requests and every Content-Security-Policy violation. */
  async function open(path: string, options: { javaScriptEnabled?: boolean } = {}): Promise<{ page: Page; problems: string[] }> {
    const { page, problems } = await watchedPage(browser, options);
    page.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    const response = await page.goto(`${server.url}${path}`);
    expect(response?.status(), path).toBe(200);
    return { page, problems };
  }

  it('loads every page with no console error, and every internal link and #anchor resolves', async () => {
    const fetched = new Map<string, Promise<{ status: number; html: string }>>();
    const get = (path: string) => {
      let entry = fetched.get(path);
      if (!entry) {
        entry = fetch(`${server.url}${path}`).then(async (r) => ({ status: r.status, html: await r.text() }));
        fetched.set(path, entry);
      }
      return entry;
    };
    let links = 0;
    let anchors = 0;
    // Pages are read three at a time: the checks are per page, and the browser is mostly waiting.
    const queue = [...pages];
    const visit = async (path: string) => {
      const { page, problems } = await open(path);
      expect(problems, path).toEqual([]);
      // One h1, and headings never skip a level on the way down.
      const levels = await page.$$eval('main :is(h1,h2,h3,h4,h5,h6)', (hs) => hs.map((h) => Number(h.tagName[1])));
      expect(levels[0], path).toBe(1);
      expect(levels.filter((l) => l === 1), path).toHaveLength(1);
      levels.forEach((level, i) => {
        if (i > 0) expect(level, `${path}: heading ${i}`).toBeLessThanOrEqual(levels[i - 1]! + 1);
      });
      expect(await page.locator('header, nav, main, footer').count(), path).toBeGreaterThanOrEqual(4);
      const hrefs = await page.$$eval('a[href]', (as) => as.map((a) => (a as HTMLAnchorElement).href));
      await page.context().close();
      for (const href of hrefs) {
        const url = new URL(href);
        if (url.origin !== server.url) continue;
        links += 1;
        const target = await get(url.pathname);
        expect(target.status, `${path} → ${url.pathname}`).toBe(200);
        if (url.hash) {
          anchors += 1;
          expect(target.html, `${path} → ${url.pathname}${url.hash}`).toContain(`id="${decodeURIComponent(url.hash.slice(1))}"`);
        }
      }
    };
    await Promise.all(
      Array.from({ length: 3 }, async () => {
        for (let path = queue.shift(); path !== undefined; path = queue.shift()) await visit(path);
      }),
    );
    expect(links).toBeGreaterThan(100);
    expect(anchors).toBeGreaterThan(10);
    // Every page of the fixture site in a real browser: minutes on a loaded 2-core machine.
  }, 300_000);

  it('searches under the Content-Security-Policy: pagefind\'s worker, WebAssembly and index from the site, nothing refused', async () => {
    const { page, problems } = await open('/search/?q=calibration');
    await page.waitForSelector('.search-result-link', { timeout: 30_000 });
    expect(await page.locator('.search-result-link').count()).toBeGreaterThan(0);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('verifies a report under the Content-Security-Policy: its fetches and its verifier chunk from the site, nothing refused', async () => {
    const { page, problems } = await open('/deployments/staging-pr73-full/');
    await page.click('[data-verify-report] button');
    await page.waitForSelector('[data-verify-report][data-verified]', { timeout: 30_000 });
    expect(await page.locator('.verify-results li').count()).toBeGreaterThan(5);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('shows each check on the report with the status of its snapshot', async () => {
    for (const [id, checks] of await fixtureSnapshots()) {
      const { page } = await open(`/deployments/${id}/`);
      const shown = await page.$$eval('article[data-check-id]', (els) => els.map((el) => [el.getAttribute('data-check-id'), el.getAttribute('data-check-status'), el.querySelector('.badge')?.textContent?.trim()]));
      expect(new Map(shown.map(([checkId, status]) => [checkId, status])), id).toEqual(checks);
      const words: Record<string, string> = { pass: 'Pass', warn: 'Warn', fail: 'Fail', error: 'Error', skipped: 'Skipped', missing: 'Not collected' };
      for (const [checkId, status, badge] of shown) expect(badge, `${id}#${checkId}`).toContain(words[status!]);
      // A Sign-Off section only where the checklist declares roles (the built-in one does; the others don't).
      const roles = await page.$$eval('section[aria-labelledby="signoff"] li strong', (items) => items.map((i) => i.textContent?.trim()));
      const declared = JSON.parse(await readFile(join(FIXTURE, id, 'deployment.json'), 'utf8')).checklist.definition.signoff as string[];
      expect(roles, id).toEqual(declared.length > 0 ? ['Deployed by:', 'Validated by:', 'Approved for production:'] : []);
      await page.context().close();
    }
  });

  it('has no serious or critical accessibility violations (axe-core)', async () => {
    const compare = pages.find((p) => p.includes('/compare/'))!;
    const sample = ['/', '/environments/staging/', '/evidence/', '/trends/', '/population/', '/reference/checklists/', '/checks/perf-baseline/', compare, '/deployments/staging-pr73-full/', '/deployments/staging-pr74-blocked/', '/deployments/staging-pr73-full/checks/perf-baseline/', '/deployments/production-pr73-approved/checks/long-result/', '/deployments/staging-pr75-interrupted/checks/determinism/'];
    for (const path of sample) {
      const { page } = await open(path);
      // Evaluated by the browser's tooling, not added as an inline script, which the page's policy refuses.
      await page.evaluate(axeSource);
      const violations = await page.evaluate(async () => {
        const result = await (window as unknown as { axe: { run: (ctx: Document) => Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> } }).axe.run(document);
        return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}, ${v.nodes.length} nodes)`);
      });
      expect(violations, path).toEqual([]);
      await page.context().close();
    }
  });

  it('executes nothing from markup in result cells and command output, and shows it as text', async () => {
    for (const path of ['/deployments/staging-xss-payloads/', '/deployments/staging-xss-payloads/checks/payload-cells/', '/deployments/staging-xss-payloads/checks/payload-output/']) {
      const { page, problems } = await open(path);
      expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
      expect(await page.locator('img[src="x"]').count()).toBe(0);
      expect(problems).toEqual([]);
      const text = await page.locator('main').innerText();
      expect(text).toContain('<script>window.__xss = "');
      if (!path.endsWith('payload-output/')) expect(text).toContain(`<img src=x onerror="window.__xss = 'img'">`);
      await page.context().close();
    }
  });

  it('shows parsed tool output: the smoke tests by name (a failure and a missing test), the revision graph, the rollback SQL', async () => {
    const { page } = await open('/deployments/staging-pr76-smoke-failing/');
    const smoke = page.locator('article#smoke-tests');
    expect(await smoke.getAttribute('data-check-status')).toBe('fail');
    expect(await smoke.locator('tr[data-test="test_attempt_view_types"]').innerText()).toMatch(/Fail[\s\S]*response_time_ms must be a float here/);
    const assertion = await smoke.locator('table.assertions').innerText();
    expect(assertion).toContain('1 of 5 named tests failed: test_attempt_view_types — AssertionError: response_time_ms must be a float here');
    expect(assertion).toContain('1 did not run: test_attempt_view_no_nulls_in_required_fields');
    // The values as recorded stay folded away from the reader, never a JSON cell.
    expect(assertion).not.toContain('"test_attempt_view_types":"FAILED"');
    await page.context().close();

    const full = await open('/deployments/staging-pr73-full/checks/alembic-history-after/');
    expect(await full.page.locator('main').innerText()).toMatch(/Head: 20251101_0900_attempt_view_lock/);
    await full.page.context().close();
    const rollback = await open('/deployments/staging-pr73-full/checks/rollback-sql/');
    expect(await rollback.page.locator('pre[aria-label="SQL preview of rollback-sql"]').innerText()).toContain('DROP VIEW IF EXISTS attempt;');
    await rollback.page.context().close();
  });

  it('draws every chart (the canvas is not blank) with the same data in the table beside it, read from the evidence', async () => {
    for (const path of ['/trends/', '/checks/perf-baseline/', '/checks/row-count/']) {
      const { page, problems } = await open(path);
      const canvases = page.locator('canvas[data-chart]');
      expect(await canvases.count(), path).toBeGreaterThan(0);
      for (let i = 0; i < (await canvases.count()); i += 1) {
        const canvas = canvases.nth(i);
        expect(await canvas.getAttribute('aria-label')).toMatch(/: \d+ deployments?; the table below has every value\./);
        const painted = await canvas.evaluate((c: HTMLCanvasElement) => {
          const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
          let n = 0;
          for (let p = 3; p < data.length; p += 4) if (data[p]! > 0) n += 1;
          return n;
        });
        expect(painted, `${path} chart ${i}`).toBeGreaterThan(500);
      }
      expect(problems, path).toEqual([]);
      await page.context().close();
    }
    // Each table holds what the evidence says: the count of row-count, the total time of each deployment.
    const counts = await open('/checks/row-count/');
    // Two checklists have a row-count check: one chart and table each, never one line.
    expect(await counts.page.locator('table.chart-data').count()).toBe(2);
    for (const [id, value] of await counts.page.$$eval('table.chart-data tbody tr', (trs) => trs.map((tr) => [tr.getAttribute('data-deployment'), tr.querySelector('td[data-value]')?.getAttribute('data-value')]))) {
      const snapshot = JSON.parse(await readFile(join(FIXTURE, id!, 'checks', 'row-count.json'), 'utf8').catch(() => 'null')) as { result?: { rows?: unknown[][] } } | null;
      expect(value, id!).toBe(snapshot?.result?.rows?.[0]?.[0] === undefined ? '' : String(snapshot.result.rows[0]![0]));
    }
    await counts.page.context().close();
    const trends = await open('/trends/');
    // The total-time table shows each deployment's decision: BLOCKED is never "Pass".
    expect(await trends.page.locator('table[data-chart-table="trend-total-duration"] tr[data-deployment="staging-pr74-blocked"] [data-decision="BLOCKED"]').count()).toBe(1);
    for (const [id, value] of await trends.page.$$eval('table[data-chart-table="trend-total-duration"] tbody tr', (trs) => trs.map((tr) => [tr.getAttribute('data-deployment'), tr.querySelector('td[data-value]')?.getAttribute('data-value')]))) {
      const deployment = JSON.parse(await readFile(join(FIXTURE, id!, 'deployment.json'), 'utf8')) as Deployment;
      expect(value, id!).toBe(String(deployment.timeline.find((t) => t.id === 'total')!.durationMs));
    }
    await trends.page.context().close();
    // The perf-baseline table: every value is that deployment's median execution time in its snapshot.
    const { page } = await open('/checks/perf-baseline/');
    const rows = await page.$$eval('table.chart-data tbody tr', (trs) => trs.map((tr) => [tr.getAttribute('data-deployment'), tr.querySelector('td[data-value]')?.getAttribute('data-value')]));
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const [id, value] of rows) {
      const snapshot = JSON.parse(await readFile(join(FIXTURE, id!, 'checks', 'perf-baseline.json'), 'utf8').catch(() => 'null')) as { result?: { medianExecutionMs?: number } } | null;
      expect(value, id!).toBe(snapshot?.result?.medianExecutionMs === undefined ? '' : String(snapshot.result.medianExecutionMs));
    }
    await page.context().close();
  });

  it('shows a comparison labelled check by check, linked from the report', async () => {
    const { page } = await open('/deployments/staging-pr76-smoke-failing/');
    const link = page.locator('nav.comparison-links a').first();
    const href = await link.getAttribute('href');
    expect(href).toMatch(/^\/deployments\/staging-pr76-smoke-failing\/compare\/[a-z0-9-]+\/$/);
    await link.click();
    await page.waitForURL(`**${href}`);
    const labels = await page.$$eval('tr[data-check-id]', (trs) => Object.fromEntries(trs.map((tr) => [tr.getAttribute('data-check-id'), tr.getAttribute('data-label')])));
    expect(labels['smoke-tests']).toBe('regressed');
    expect(await page.locator('tr[data-check-id="smoke-tests"]').innerText()).toMatch(/test newly failed: test_attempt_view_types|test removed: test_attempt_view_no_nulls_in_required_fields/);
    await page.context().close();
  });

  it('works without JavaScript: reports render and links resolve; the copy button stays hidden', async () => {
    const { page } = await open('/deployments/staging-pr73-full/', { javaScriptEnabled: false });
    expect(await page.locator('article#view-columns .check-header').innerText()).toContain('View attempt has the 13 expected columns');
    expect(await page.locator('button[data-copy-href]').first().isHidden()).toBe(true);
    // Built without --site: the button says it copies the address the report is read at.
    expect(await page.locator('button[data-copy-href]').first().getAttribute('title')).toContain('built without its published URL');
    // …and the page says so where everyone reads it, not only in a tooltip.
    expect(await page.locator('footer [data-links]').getAttribute('data-links')).toBe('relative');
    expect(await page.locator('footer [data-links]').innerText()).toContain('Links on this site are relative');
    await page.locator('article#view-columns a.permalink').click();
    await page.waitForURL('**/deployments/staging-pr73-full/checks/view-columns/');
    expect(await page.locator('h1').innerText()).toContain('13 expected columns');
    await page.context().close();
  });

  it('copies a check link with the button when JavaScript is on', async () => {
    const context = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
    const page = await context.newPage();
    await page.goto(`${server.url}/deployments/staging-pr73-full/`);
    const button = page.locator('article#perf-baseline button[data-copy-href]');
    await button.click();
    // The copy is asynchronous: the label changes once the clipboard has the URL.
    await expect.poll(() => button.innerText()).toBe('Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`${server.url}/deployments/staging-pr73-full/checks/perf-baseline/`);
    await context.close();
  });

  it('prints a clean document with link addresses written out', async () => {
    const { page } = await open('/deployments/staging-pr73-full/');
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.site-header').isHidden()).toBe(true);
    const after = await page.locator('article#row-count a.permalink').evaluate((a) => getComputedStyle(a, '::after').content);
    expect(after).toContain('/deployments/staging-pr73-full/checks/row-count/');
    await page.context().close();
  });
});
