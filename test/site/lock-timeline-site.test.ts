/**
 * The lock timeline in real Chromium (issue 28, point 4): a site built from a real lock observation
 * (collected on the real server: a step holding ACCESS EXCLUSIVE and building an index, a report
 * waiting behind it), the migration's check page opened with and without JavaScript. With it: the
 * chart's canvas is painted, no console error, no failed request, no Content-Security-Policy
 * violation; on a phone no row's label is clipped. Either way: the table beside the chart lists every hold the evidence records —
 * relation, mode, its bounds — and the waiter with the statement it waited in.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResultOf } from '../../src/format/index.ts';
import { holdBounds, modeLabel } from '../../src/core/locks/lock-holds.ts';
import { chromiumAvailable, launchBrowser, watchedPage } from '../harness/browser.ts';
import { realServer } from '../harness/databases.ts';
import { readDeployment } from '../harness/evidence.ts';
import { collectLockObservation, LOCK_CHECK, LOCK_DEPLOYMENT, WAITER, type LockEvidence } from '../harness/lock-evidence.ts';
import { buildSite, type SiteBuild } from '../harness/site-build.ts';
import { serveStatic, type StaticServer } from '../harness/static-server.ts';

if (process.env.CI && !chromiumAvailable()) throw new Error('CI=true but /usr/bin/chromium is missing: the browser tests must run in CI');

const PAGE = `/deployments/${LOCK_DEPLOYMENT}/checks/${LOCK_CHECK}/`;

describe.skipIf(realServer() === null || !chromiumAvailable())('the lock timeline on a migration\'s check page', () => {
  let evidence: LockEvidence;
  let locks: NonNullable<ResultOf<'command'>['locks']>;
  let build: SiteBuild;
  let server: StaticServer;
  let browser: Browser;
  beforeAll(async () => {
    evidence = await collectLockObservation();
    const { snapshots } = await readDeployment(join(evidence.root, LOCK_DEPLOYMENT));
    locks = (snapshots.get(LOCK_CHECK)!.result as ResultOf<'command'>).locks!;
    build = await buildSite(evidence.root);
    if (build.exitCode !== 0) throw new Error(`site build failed:\n${build.output}`);
    server = await serveStatic(build.outDir);
    browser = await launchBrowser();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await evidence?.drop();
  });

  /** The page in a context of its own; `problems` gathers console errors, page errors, failed requests and CSP violations. */
  const open = async (javaScriptEnabled: boolean): Promise<{ page: Page; problems: string[] }> => {
    const { page, problems } = await watchedPage(browser, { javaScriptEnabled });
    const response = await page.goto(`${server.url}${PAGE}`);
    expect(response?.status(), PAGE).toBe(200);
    return { page, problems };
  };

  /** What the evidence says, in the words the tables use. */
  const expectedHolds = () =>
    locks.relations.flatMap((r) => r.holds.map((h) => [`${r.schema}.${r.name}`, `${modeLabel(h.mode)}${h.granted ? '' : ' (waiting)'}`, h.granted ? holdBounds(h.minMs, h.maxMs) : `waited ${holdBounds(h.minMs, h.maxMs)}`]));
  const holdRows = (page: Page) =>
    page.$$eval(`table[data-lock-holds="${LOCK_CHECK}"] tbody tr`, (trs) => trs.map((tr) => [tr.querySelector('th')!.innerText.trim(), ...[...tr.querySelectorAll('td')].map((td) => (td as HTMLElement).innerText.trim())]));
  const waiterRows = (page: Page) =>
    page.$$eval(`table[data-lock-waiters="${LOCK_CHECK}"] tbody tr`, (trs) => trs.map((tr) => [tr.querySelector('th')!.innerText.trim(), ...[...tr.querySelectorAll('td')].map((td) => (td as HTMLElement).innerText.trim())]));

  it('was collected with an ACCESS EXCLUSIVE hold, the new index and a waiter', () => {
    // The evidence the page is built from holds what the page must show (else the test below could pass on nothing).
    expect(locks.status, locks.note ?? '').toBe('observed');
    const entry = locks.relations.find((r) => r.schema === 'ledger' && r.name === 'entry')!;
    expect(entry.oid).toBe(evidence.entryOid);
    expect(entry.holds.some((h) => h.mode === 'AccessExclusiveLock' && h.granted && h.minMs >= 300)).toBe(true);
    expect(locks.relations.some((r) => r.name === 'entry_booked_idx' && r.relkind === 'i')).toBe(true);
    expect(entry.waiters).toEqual([expect.objectContaining({ applicationName: WAITER.applicationName, mode: 'AccessShareLock', query: expect.stringContaining(WAITER.query) })]);
  });

  it('draws the chart with no console error and no policy violation, the holds and the waiter in the tables beside it', async () => {
    const { page, problems } = await open(true);
    const canvas = page.locator(`canvas#locks-${LOCK_CHECK}`);
    expect(await canvas.count()).toBe(1);
    expect(await canvas.getAttribute('aria-label')).toBe(`Locks held during ${LOCK_CHECK}, ms from the step's start: ${expectedHolds().length} holds; the table below has every one.`);
    // Painted: chart.js drew bars, axes and labels into it (a blank canvas has no opaque pixel).
    const painted = () =>
      canvas.evaluate((c: HTMLCanvasElement) => {
        const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let p = 3; p < data.length; p += 4) if (data[p]! > 0) n += 1;
        return n;
      });
    await expect.poll(painted, { timeout: 5_000 }).toBeGreaterThan(500);
    // The bars themselves: pixels in the ACCESS EXCLUSIVE colour (the strongest mode's, #a50f15).
    const exclusiveColour = await canvas.evaluate((c: HTMLCanvasElement) => {
      const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let p = 0; p < data.length; p += 4) if (data[p] === 0xa5 && data[p + 1] === 0x0f && data[p + 2] === 0x15) n += 1;
      return n;
    });
    expect(exclusiveColour).toBeGreaterThan(50);

    const holds = await holdRows(page);
    expect(holds.map((r) => [r[0], r[1], r[5]])).toEqual(expectedHolds());
    expect(holds.find((r) => r[0] === 'ledger.entry' && r[1] === 'ACCESS EXCLUSIVE')?.[5]).toMatch(/^\d[\d.]* (?:ms|s) to \d[\d.]* (?:ms|s)$/);
    const waiters = await waiterRows(page);
    expect(waiters).toHaveLength(1);
    expect(waiters[0]!.slice(0, 3)).toEqual(['ledger.entry', expect.stringMatching(new RegExp(`^${WAITER.applicationName} \\(\\d+\\)$`)), 'ACCESS SHARE']);
    expect(waiters[0]![5]).toContain(WAITER.query);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('fits the rows\' labels on a phone: none is clipped at the canvas\'s left edge (the table has them whole)', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${server.url}${PAGE}`);
    const canvas = page.locator(`canvas#locks-${LOCK_CHECK}`);
    // Opaque pixels in the canvas's two leftmost columns, and in all of it (drawn at all).
    const edge = () =>
      canvas.evaluate((c: HTMLCanvasElement) => {
        const ctx = c.getContext('2d')!;
        const all = ctx.getImageData(0, 0, c.width, c.height).data;
        const left = ctx.getImageData(0, 0, 2, c.height).data;
        const count = (data: Uint8ClampedArray) => data.filter((_, i) => i % 4 === 3 && data[i]! > 0).length;
        return { painted: count(all), atTheEdge: count(left) };
      });
    await expect.poll(async () => (await edge()).painted, { timeout: 5_000 }).toBeGreaterThan(500);
    expect((await edge()).atTheEdge).toBe(0);
    await context.close();
  });

  it('keeps the tables without JavaScript: the same holds and the waiter', async () => {
    const { page, problems } = await open(false);
    expect(await holdRows(page).then((rows) => rows.map((r) => [r[0], r[1], r[5]]))).toEqual(expectedHolds());
    expect((await waiterRows(page)).map((r) => r[0])).toEqual(['ledger.entry']);
    expect(await page.locator('main').innerText()).toMatch(/Sampled every 20 ms: \d+ samples over/);
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
