/**
 * A site about a team's own project (issue 11): built from evidence of the billing example only,
 * no page — read in Chromium, every one of them — carries the attempt-view example's headings or
 * words, and the report's sections are the billing checklist's own.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchBrowser } from '../harness/browser.ts';
import { buildSite, sitePages, type SiteBuild } from '../harness/site-build.ts';
import { serveStatic, type StaticServer } from '../harness/static-server.ts';

const FIXTURE = new URL('../fixtures/own-project-evidence/', import.meta.url).pathname;
/** The example's words: none may reach a site about another project. */
const EXAMPLE_WORDS = /attempt|seedtest|PR #73|Pre-Deployment Checklist|student|alembic_version_pkc/i;

if (process.env.CI && !chromiumAvailable()) throw new Error('CI=true but /usr/bin/chromium is missing: the browser tests must run in CI');

let build: SiteBuild;
let pages: string[];

beforeAll(async () => {
  build = await buildSite(FIXTURE);
  if (build.exitCode !== 0) throw new Error(`site build failed:\n${build.output}`);
  pages = await sitePages(build.outDir);
});

describe.skipIf(!chromiumAvailable())('a site about a team\'s own project', () => {
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

  it('carries none of the example\'s headings or words on any page', async () => {
    expect(pages.length).toBeGreaterThan(20);
    const context = await browser.newContext();
    const found: string[] = [];
    for (const path of pages) {
      const page = await context.newPage();
      const response = await page.goto(`${server.url}${path}`);
      expect(response?.status(), path).toBe(200);
      const text = await page.evaluate(() => `${document.title}\n${document.body.innerText}`);
      const match = EXAMPLE_WORDS.exec(text);
      if (match) found.push(`${path}: "${text.slice(Math.max(0, match.index - 40), match.index + 40).replaceAll('\n', ' ')}"`);
      await page.close();
    }
    await context.close();
    expect(found).toEqual([]);
  }, 300_000);

  it('lays the report out by the billing checklist: its sections, its attestation, its pull request', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/deployments/production-pr12/`);
    const headings = await page.$$eval('main h2', (hs) => hs.map((h) => h.textContent?.trim() ?? ''));
    expect(headings).toContain('Attestations');
    expect(headings).toContain('Summary for the pull request');
    expect(headings).toContain('Post-Deployment Actions');
    // Sign-off for the roles the billing checklist declares, and no other.
    expect(headings).toContain('Sign-Off');
    const roles = await page.$$eval('section[aria-labelledby="signoff"] li strong', (items) => items.map((i) => i.textContent?.trim() ?? ''));
    expect(roles).toEqual(['Deployed by:', 'Billing owner:']);
    const sections = await page.$$eval('main h3', (hs) => hs.map((h) => h.textContent?.replace(/\s+/g, ' ').trim() ?? ''));
    for (const title of ['Migration', 'Schema', 'Data', 'Performance', 'Smoke tests', 'Rollback']) expect(sections.some((s) => s.includes(title)), title).toBe(true);
    expect(await page.textContent('main')).toContain('The change is approved by the billing team');
    await page.close();
  });
});
