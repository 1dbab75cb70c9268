/**
 * A rehearsed round trip on the site (issue 28): a site built from real evidence of three round
 * trips (collected on the real server: one passes, one's downgrade leaves an index behind and loses
 * another, one's downgrade exits 3), each check page read in real Chromium — the one sentence, the
 * steps with their durations and exit codes, the comparisons naming what was lost or left behind —
 * with the hostile index name as text, no raw JSON on the page, and the report's own line; each
 * step's locks on the copy in its row and as a lock timeline drawn with no console error and no
 * Content-Security-Policy violation.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchBrowser, watchedPage } from '../harness/browser.ts';
import { realServer } from '../harness/databases.ts';
import { templateLeaks } from '../harness/rendered-text.ts';
import { collectRoundTrips, HOSTILE_INDEX, type RoundTripEvidence } from '../harness/round-trip-evidence.ts';
import { buildSite, type SiteBuild } from '../harness/site-build.ts';
import { serveStatic, type StaticServer } from '../harness/static-server.ts';

if (process.env.CI && !chromiumAvailable()) throw new Error('CI=true but /usr/bin/chromium is missing: the browser tests must run in CI');

/** The name as the catalog qualifies it (its newline kept by textContent; a table cell's innerText shows it as a space, as HTML does). */
const INDEX = `ledger.${HOSTILE_INDEX}`;
const INDEX_IN_A_CELL = INDEX.replace('\n', ' ');
const page = (id: string) => `/deployments/${id}/checks/rehearsal/`;
/** Signs of the evidence's JSON shown as it is, rather than read. */
const RAW_JSON = /"(?:downgradeRestores|upgradeRepeats|afterDowngrade|exitCode|durationMs|entries|relfilenode)"\s*:|\{\s*"kind"/;

describe.skipIf(realServer() === null || !chromiumAvailable())('a round trip on its check page', () => {
  let evidence: RoundTripEvidence;
  let build: SiteBuild;
  let server: StaticServer;
  let browser: Browser;
  beforeAll(async () => {
    evidence = await collectRoundTrips();
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

  const read = async (path: string): Promise<{ text: string; tab: Page }> => {
    const tab = await browser.newPage();
    const response = await tab.goto(`${server.url}${path}`);
    expect(response?.status(), path).toBe(200);
    return { text: (await tab.textContent('main')) ?? '', tab };
  };
  /** The rows of the table captioned `caption`, each cell's innerText. */
  const rows = (tab: Page, caption: string) =>
    tab.$$eval(
      'main table',
      (tables, want) => {
        const table = tables.find((t) => t.querySelector('caption')?.textContent?.trim() === want);
        return table ? [...table.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => (td as HTMLElement).innerText.trim())) : null;
      },
      caption,
    );

  it('says a good round trip in one sentence, with each step\'s duration and exit code, and the same schema twice', async () => {
    const { text, tab } = await read(page('rt-good'));
    expect(text).toMatch(/Upgrade, downgrade and upgrade again succeeded on a copy of the database \(CREATE DATABASE … TEMPLATE\) \(upgrade \d[\d.,]* (?:ms|s), downgrade \d[\d.,]* (?:ms|s), upgrade again \d[\d.,]* (?:ms|s)\); the downgrade gave back the schema before, and the second upgrade the schema of the first\./);
    const steps = await rows(tab, 'The steps, on the copy');
    expect(steps?.map((r) => [r[0], r[3]])).toEqual([['upgrade', 'exit 0'], ['downgrade', 'exit 0'], ['upgrade again', 'exit 0']]);
    for (const r of steps!) expect(r[2]).toMatch(/^\d[\d.,]* (?:ms|s)$/);
    expect(steps![0]![1]).toContain('psql "$DATABASE_URL"');
    expect(text).toContain('After the downgrade, against before the upgrade: the same schema.');
    expect(text).toContain('After the second upgrade, against after the first: the same schema.');
    expect(text).toMatch(/The copy: CREATE DATABASE … TEMPLATE the target into deploy_evidence_rt_[0-9a-f]{8}, dropped afterwards\./);
    expect(text).not.toMatch(RAW_JSON);
    expect(templateLeaks(text)).toEqual([]);
    await tab.close();
  });

  it('says each step\'s strongest lock on the copy in its row, and draws a lock timeline per step with no console error and no policy violation', async () => {
    const { page: tab, problems } = await watchedPage(browser);
    expect((await tab.goto(`${server.url}${page('rt-good')}`))?.status()).toBe(200);
    const steps = await rows(tab, 'The steps, on the copy');
    // ALTER TABLE and DROP INDEX: ACCESS EXCLUSIVE on the table (or the index), held through the 300 ms the transaction goes on.
    for (const r of steps!) expect(r[4], r[0]).toMatch(/^ACCESS EXCLUSIVE on ledger\..+, \d[\d.]* (?:ms|s) to \d[\d.]* (?:ms|s)$/);
    expect(await tab.$$eval('main section.lock-timeline h3', (hs) => hs.map((h) => h.textContent))).toEqual([
      'Locks taken by the upgrade, on the copy',
      'Locks taken by the downgrade, on the copy',
      'Locks taken by the upgrade again, on the copy',
    ]);
    const canvases = tab.locator('main canvas[data-lock-chart]');
    expect(await canvases.count()).toBe(3);
    for (let i = 0; i < 3; i += 1) {
      const painted = () =>
        canvases.nth(i).evaluate((c: HTMLCanvasElement) => {
          const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
          let n = 0;
          for (let p = 3; p < data.length; p += 4) if (data[p]! > 0) n += 1;
          return n;
        });
      await expect.poll(painted, { timeout: 5_000 }).toBeGreaterThan(500);
    }
    // Each chart's table beside it: ledger.entry held ACCESS EXCLUSIVE.
    const held = await tab.$$eval('main table[data-lock-holds] tbody tr', (trs) => trs.map((tr) => `${tr.querySelector('th')!.innerText.trim()} ${tr.querySelector('td')!.innerText.trim()}`));
    expect(held.filter((h) => h === 'ledger.entry ACCESS EXCLUSIVE').length).toBeGreaterThanOrEqual(3);
    expect(problems).toEqual([]);
    await tab.context().close();
  });

  it('names the index a downgrade left behind and the one it lost, the hostile name as text', async () => {
    const { text, tab } = await read(page('rt-forgetful'));
    expect(text).toContain('The steps succeeded on a copy of the database (CREATE DATABASE … TEMPLATE)');
    expect(text).toContain(`index ${INDEX} left behind by the downgrade`);
    expect(text).toContain('index ledger.entry_amount_idx lost by the downgrade');
    expect(text).toContain('index ledger.entry_amount_idx missing after the second upgrade');
    const downgrade = await rows(tab, 'After the downgrade, against before the upgrade');
    expect(downgrade?.map((r) => [r[0], r[1]])).toEqual(
      expect.arrayContaining([['added', `index ${INDEX_IN_A_CELL}`], ['dropped', 'index ledger.entry_amount_idx']]),
    );
    expect(downgrade).toHaveLength(2);
    const repeat = await rows(tab, 'After the second upgrade, against after the first');
    expect(repeat?.map((r) => [r[0], r[1]])).toEqual([['dropped', 'index ledger.entry_amount_idx']]);
    // The name's markup is text: no element was made of it.
    expect(await tab.$$eval('main img', (imgs) => imgs.length)).toBe(0);
    const html = await readFile(join(build.outDir, page('rt-forgetful'), 'index.html'), 'utf8');
    expect(html.replace(/"[^"]*"/g, '""')).not.toContain('<img');
    expect(text).not.toMatch(RAW_JSON);
    expect(templateLeaks(text)).toEqual([]);
    await tab.close();
  });

  it('says where a round trip stopped: the downgrade\'s exit code, its error, nothing compared', async () => {
    const { text, tab } = await read(page('rt-broken'));
    expect(text).toContain('The round trip on a copy of the database (CREATE DATABASE … TEMPLATE) stopped: downgrade exited with 3.');
    const steps = await rows(tab, 'The steps, on the copy');
    expect(steps?.map((r) => [r[0], r[3]])).toEqual([['upgrade', 'exit 0'], ['downgrade', 'exit 3']]);
    // The failed step's outcome is marked, not only said.
    expect(await tab.$$eval('main table.round-trip-steps tbody tr:nth-child(2) td:nth-child(4) strong', (s) => s.map((e) => e.textContent))).toEqual(['exit 3']);
    expect(text).toContain('After the downgrade, against before the upgrade: not compared, a step before it did not succeed.');
    // psql's own words, in the downgrade's output.
    expect(text).toContain('table "no_such_table" does not exist');
    expect(text).not.toMatch(RAW_JSON);
    await tab.close();
  });

  it('puts the round trip\'s sentence on the report, beside the check', async () => {
    const { text, tab } = await read('/deployments/rt-forgetful/');
    expect(text).toContain(`index ${INDEX} left behind by the downgrade`);
    expect(text).not.toMatch(RAW_JSON);
    await tab.close();
  });
});
