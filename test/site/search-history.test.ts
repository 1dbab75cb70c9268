/**
 * Search counts on a long history (issue 31): 200 generated deployments (bench/generate-history.ts,
 * from the committed samples), built once, the index written in several parts as for any long
 * history, searched in Chromium. Every count the page states must be the number of deployments
 * whose indexed text holds the query — counted here by a plain reading of each deployment's search
 * record on disk (its text, every searched word standing whole, in any case), not by the page's code.
 */
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateHistory } from '../../bench/generate-history.ts';
import { deploymentRecord } from '../../src/integrations/search-index.ts';
import { chromiumAvailable, launchBrowser } from '../harness/browser.ts';
import { buildSite } from '../harness/site-build.ts';
import { serveStatic, type StaticServer } from '../harness/static-server.ts';

const DEPLOYMENTS = 200;
const PRODUCTION_DIGEST = '9e27e0607bcc4eb23b0321102c4cad16';
const STAGING_DIGEST = 'ec28b5c0c6c38d6bde6e2516bcd328ed';

let out: string;
let server: StaticServer;
let browser: Browser;
let page: Page;
/** Each deployment's search record as plain text, lower case. */
let texts: string[];

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'", nbsp: ' ' };
const plain = (html: string) => html.replace(/<[^>]*>/g, ' ').replace(/&(amp|lt|gt|quot|#39|#x27|nbsp);/g, (_m, e: string) => ENTITIES[e]!).toLowerCase();
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A term standing whole: no letter, digit or `_` right before or after it. */
const standsIn = (text: string, term: string) => new RegExp(`(?<![\\p{L}\\p{N}_])${escape(term.toLowerCase())}(?![\\p{L}\\p{N}_])`, 'u').test(text);
/** How many deployments hold every term whole. */
const holding = (...terms: string[]) => texts.filter((t) => terms.every((term) => standsIn(t, term))).length;

beforeAll(async () => {
  if (!chromiumAvailable()) return;
  const evidence = await mkdtemp(join(tmpdir(), 'search-history-'));
  await generateHistory(evidence, DEPLOYMENTS);
  const built = await buildSite(evidence);
  if (built.exitCode !== 0) throw new Error(`build failed:\n${built.output}`);
  out = built.outDir;
  const ids = (await readdir(join(out, 'deployments'), { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  texts = await Promise.all(ids.map(async (id) => plain((await deploymentRecord(out, id)) ?? '')));
  server = await serveStatic(out);
  browser = await launchBrowser();
  page = await browser.newPage();
}, 600_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** The page's answer to a query: the count it states, the matches it lists, the looser hits it lists apart and their label. */
async function search(query: string): Promise<{ stated: number; listed: number; looser: number; label: string }> {
  await page.goto(`${server.url}/search/?q=${encodeURIComponent(query)}`);
  await page.waitForSelector('#search[data-state=done]', { timeout: 60_000 });
  const status = (await page.locator('#search [role=status]').textContent()) ?? '';
  const stated = /^No deployment matches/.test(status) ? 0 : Number(/^(\d+) deployments? match/.exec(status)?.[1] ?? NaN);
  const looserShown = await page.locator('.search-looser').isVisible();
  return {
    stated,
    listed: await page.locator('.search-result').count(),
    looser: looserShown ? await page.locator('.search-looser-result').count() : 0,
    label: looserShown ? ((await page.locator('.search-looser-summary').textContent()) ?? '') : '',
  };
}

describe.skipIf(!chromiumAvailable())(`search over ${DEPLOYMENTS} deployments, the index in parts`, () => {
  it('is built in several parts, and every deployment has a search record', async () => {
    expect((JSON.parse(await readFile(join(out, 'pagefind', 'parts.json'), 'utf8')) as string[]).length).toBeGreaterThanOrEqual(2);
    expect(texts).toHaveLength(DEPLOYMENTS);
    expect(texts.every((t) => t.length > 1000)).toBe(true);
  });

  it('states, for values, the number of deployments that hold them whole: digests, numbers, deployment ids, and none for a near-miss or a start', async () => {
    const cases: [query: string, expected: number][] = [
      [PRODUCTION_DIGEST, holding(PRODUCTION_DIGEST)],
      [STAGING_DIGEST, holding(STAGING_DIGEST)],
      [`${PRODUCTION_DIGEST.slice(0, -1)}f`, 0],
      [`${STAGING_DIGEST.slice(0, -1)}e`, 0],
      [STAGING_DIGEST.slice(0, 12), 0],
      // The row count of the 8th deployment: 50,000 + 7 × 250 rows (bench/generate-history.ts).
      ['51750', holding('51750')],
      ['5175', 0],
      ['bench-0008-staging', holding('bench-0008-staging')],
      // Every fourth deployment is a production one: there is no bench-0007-staging.
      ['bench-0007-staging', 0],
    ];
    // The oracle itself: the digests stand in every deployment of their environment, the number and the id in few.
    expect(cases.map(([, n]) => n).slice(0, 2)).toEqual([DEPLOYMENTS / 4, (DEPLOYMENTS * 3) / 4]);
    expect(holding('51750')).toBeGreaterThanOrEqual(1);
    expect(holding('bench-0008-staging')).toBeGreaterThanOrEqual(1);
    for (const [query, expected] of cases) {
      const found = await search(query);
      expect({ query, ...found }).toEqual({ query, stated: expected, listed: Math.min(expected, 10), looser: 0, label: '' });
    }
  }, 300_000);

  it('states none for a made-up word, lists a word\'s longer forms apart without counting them, and needs every word of a query', async () => {
    expect(await search('nonexistentzzq')).toEqual({ stated: 0, listed: 0, looser: 0, label: '' });
    expect(await search('attempt nonexistentzzq')).toEqual({ stated: 0, listed: 0, looser: 0, label: '' });
    expect(holding('attem')).toBe(0);
    expect(await search('attem')).toEqual({ stated: 0, listed: 0, looser: 10, label: `No exact match; ${DEPLOYMENTS} deployments contain words starting with “attem” instead.` });
    expect(await search('determinism 51750')).toMatchObject({ stated: holding('determinism', '51750'), looser: 0 });
    expect(await search('"IRT calibration"')).toMatchObject({ stated: texts.filter((t) => standsIn(t, 'irt calibration')).length, looser: 0 });
    expect(await search('"calibration IRT"')).toEqual({ stated: 0, listed: 0, looser: 0, label: '' });
  }, 300_000);
});
