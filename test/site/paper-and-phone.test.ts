/**
 * A report on paper and on a phone (issue 26), read in Debian's Chromium over two built sites: the
 * committed samples built with their published address (`--site`), and the fixture evidence
 * (approved, blocked, interrupted, failing, markup payloads) built without one.
 *
 * Paper: a report printed to PDF holds what every check ran, although "What ran" is closed on
 * screen; each page carries the deployment, its decision, its digest and its number; links are
 * printed absolute when the site's address is known; no cell runs off the page.
 * Phone: no page is wider than a 390 px viewport, the deployment list shows each decision without
 * scrolling, and no page shows template source as text.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchBrowser } from '../harness/browser.ts';
import { runCli } from '../harness/cli.ts';
import { committedEvidence, evidenceFixture } from '../harness/committed-evidence.ts';
import { pdfPages, unwrapped, type PdfPage } from '../harness/pdf-text.ts';
import { templateLeaks } from '../harness/rendered-text.ts';
import { buildSite, sitePages } from '../harness/site-build.ts';
import { serveStatic, type StaticServer } from '../harness/static-server.ts';
import { showInvisible } from '../../src/site/visible-text.ts';

if (process.env.CI && !chromiumAvailable()) throw new Error('CI=true but /usr/bin/chromium is missing: the browser tests must run in CI');

const SITE = 'https://audit.example.com';
/** The printable width of an A4 page with site.css's 12 mm side margins, in CSS pixels (96 per inch). */
const A4_PRINTABLE_PX = Math.floor(((210 - 2 * 12) / 25.4) * 96);

interface BuiltSite {
  evidence: string;
  out: string;
  server: StaticServer;
  pages: string[];
}

let samples: BuiltSite;
let fixtures: BuiltSite;
let browser: Browser;

async function served(evidence: string, out: string): Promise<BuiltSite> {
  return { evidence, out, server: await serveStatic(out), pages: await sitePages(out) };
}

beforeAll(async () => {
  const sampleEvidence = await committedEvidence();
  const sampleOut = join(await mkdtemp(join(tmpdir(), 'paper-site-')), 'dist');
  const fixtureEvidence = await evidenceFixture('site-evidence');
  const [built, fixtureBuild] = await Promise.all([
    runCli(['build', '--evidence-dir', sampleEvidence, '--out-dir', sampleOut, '--site', SITE]),
    buildSite(fixtureEvidence),
  ]);
  if (built.exitCode !== 0) throw new Error(`build failed:\n${built.stderr}`);
  if (fixtureBuild.exitCode !== 0) throw new Error(`build failed:\n${fixtureBuild.output}`);
  samples = await served(sampleEvidence, sampleOut);
  fixtures = await served(fixtureEvidence, fixtureBuild.outDir);
  if (chromiumAvailable()) browser = await launchBrowser();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await samples?.server.close();
  await fixtures?.server.close();
});

async function deploymentIds(evidence: string): Promise<string[]> {
  return (await readdir(evidence, { withFileTypes: true })).filter((e) => e.isDirectory() && !e.name.startsWith('_')).map((e) => e.name).sort();
}

interface Facts {
  decision: string;
  digest: string | null;
  /** Each check's id and what ran: its SQL, or its command's arguments (shown shell-quoted). */
  checks: { id: string; sql: string | null; argv: string[] }[];
}

async function factsOf(evidence: string, id: string): Promise<Facts> {
  const deployment = JSON.parse(await readFile(join(evidence, id, 'deployment.json'), 'utf8')) as { decision: { status: string }; checks: { id: string }[] };
  const manifest = await readFile(join(evidence, id, 'manifest.json')).catch(() => null);
  const checks: Facts['checks'] = [];
  for (const { id: checkId } of deployment.checks) {
    const text = await readFile(join(evidence, id, 'checks', `${checkId}.json`), 'utf8').catch(() => null);
    if (!text) continue;
    const source = (JSON.parse(text) as { source: { sql?: string; argv?: string[] } }).source;
    // As the page shows it: invisible characters as visible markers (src/site/visible-text.ts).
    checks.push({ id: checkId, sql: source.sql ? showInvisible(source.sql) : null, argv: (source.argv ?? []).map(showInvisible) });
  }
  return { decision: deployment.decision.status, digest: manifest ? createHash('sha256').update(manifest).digest('hex') : null, checks };
}

/** A page printed as a reader's browser prints it (A4, the site's own print styles), read back from the PDF. */
async function printed(context: BrowserContext, url: string): Promise<PdfPage[]> {
  const page = await context.newPage();
  const response = await page.goto(url);
  expect(response?.status(), url).toBe(200);
  const pdf = await page.pdf({ format: 'A4' });
  await page.close();
  // site.css prints the page's header and footer in its 16 mm top and bottom margins.
  return pdfPages(pdf, (16 / 25.4) * 72);
}

/** Each printed page carries the deployment, its decision, its digest and "page n of N". */
function expectMarginsOnEveryPage(pages: PdfPage[], id: string, facts: Facts, label: string): void {
  expect(pages.length, label).toBeGreaterThan(1);
  for (const [i, page] of pages.entries()) {
    const where = `${label}, page ${i + 1}`;
    expect(page.margins, where).toContain(`Deployment ${id}`);
    expect(page.margins, where).toContain(`Decision: ${facts.decision}`);
    expect(unwrapped(page.margins), where).toContain(facts.digest ? `Digestsha256${facts.digest}` : 'Nomanifest:thecollectiondidnotfinish');
    expect(page.margins, where).toContain(`page ${i + 1} of ${pages.length}`);
  }
}

/** The printed text holds the check's SQL as written, and each of its arguments (quoting aside: the page shows the command line shell-quoted). */
function expectWhatRan(text: string, check: Facts['checks'][number], label: string): void {
  expect(check.sql !== null || check.argv.length > 0, `${label}: ${check.id} ran something`).toBe(true);
  const printed = unwrapped(text);
  if (check.sql) expect(printed, `${label}: ${check.id} ran ${check.sql}`).toContain(unwrapped(check.sql));
  const unquoted = printed.replace(/['\\]/g, '');
  for (const arg of check.argv) expect(unquoted, `${label}: ${check.id} ran ${arg}`).toContain(unwrapped(arg).replace(/['\\]/g, ''));
}

/** Nothing printed past the page's right margin (12 mm, 34 pt), nor before its left edge. */
function expectNothingOffThePage(pages: PdfPage[], label: string): void {
  for (const [i, page] of pages.entries()) {
    const off = page.items.filter((item) => item.left < 0 || item.right > page.width - 34 + 1).map((item) => `${item.str} (${Math.round(item.left)}–${Math.round(item.right)} of ${Math.round(page.width)} pt)`);
    expect(off, `${label}, page ${i + 1}`).toEqual([]);
  }
}

describe.skipIf(!chromiumAvailable())('a report on paper', () => {
  it('prints what every check ran although "What ran" is closed on screen, with the deployment, decision, digest and page number on every page', async () => {
    const context = await browser.newContext();
    for (const site of [samples, fixtures]) {
      for (const id of await deploymentIds(site.evidence)) {
        const facts = await factsOf(site.evidence, id);
        const url = `${site.server.url}/deployments/${id}/`;
        // On screen, what ran is behind a closed disclosure: the printout is what opens it.
        const screen = await context.newPage();
        await screen.goto(url);
        const closed = await screen.$$eval('details:not([open]) > summary', (ss) => ss.filter((s) => s.textContent === 'What ran').length);
        await screen.close();
        expect(closed, id).toBeGreaterThanOrEqual(facts.checks.length);
        const pages = await printed(context, url);
        // The content, page after page, without the headers and footers between them.
        const text = pages.map((p) => p.body).join('\n');
        for (const check of facts.checks) expectWhatRan(text, check, id);
        expectMarginsOnEveryPage(pages, id, facts, id);
        expectNothingOffThePage(pages, id);
      }
    }
    await context.close();
  }, 600_000);

  it('prints each check page with what it ran, the same margins, and nothing off the page', async () => {
    const context = await browser.newContext();
    const id = 'sample-production-pr73';
    const facts = await factsOf(samples.evidence, id);
    expect(facts.checks.map((c) => c.id)).toEqual(expect.arrayContaining(['smoke-tests', 'rollback-dependents', 'perf-baseline']));
    for (const check of facts.checks) {
      const pages = await printed(context, `${samples.server.url}/deployments/${id}/checks/${check.id}/`);
      expectWhatRan(pages.map((p) => p.body).join('\n'), check, id);
      // A check page may fit on one page: its margins are checked all the same.
      for (const [i, page] of pages.entries()) {
        expect(page.margins, `${check.id} page ${i + 1}`).toContain(`Deployment ${id}`);
        expect(page.margins, `${check.id} page ${i + 1}`).toContain(`Decision: ${facts.decision}`);
        expect(page.margins, `${check.id} page ${i + 1}`).toContain(`page ${i + 1} of ${pages.length}`);
      }
      expectNothingOffThePage(pages, check.id);
    }
    await context.close();
  }, 600_000);

  it('prints links absolute when the build knew the site\'s address, and says where a page was printed from', async () => {
    const context = await browser.newContext();
    const id = 'sample-production-pr73';
    const facts = await factsOf(samples.evidence, id);
    const text = unwrapped((await printed(context, `${samples.server.url}/deployments/${id}/`)).map((p) => p.body).join('\n'));
    expect(text).toContain(unwrapped(`Printed from ${SITE}/deployments/${id}/`));
    // Each check's permanent link, and each raw evidence file.
    for (const check of facts.checks) expect(text, check.id).toContain(`Permanentlink<${SITE}/deployments/${id}/checks/${check.id}/>`);
    expect(text).toContain(`<${SITE}/evidence/${id}/manifest.json>`);
    // No link printed from the site's root alone.
    expect(text).not.toMatch(/<\/(deployments|evidence|checks)\//);

    // Built without its address: the links are printed from the site's root, and the page says so.
    const fixture = unwrapped((await printed(context, `${fixtures.server.url}/deployments/staging-pr74-blocked/`)).map((p) => p.body).join('\n'));
    expect(fixture).toContain(unwrapped('Printed from a site built without its published address (deploy-evidence build --site)'));
    expect(fixture).toContain('Permanentlink</deployments/staging-pr74-blocked/checks/');
    await context.close();
  }, 300_000);

  it('lays every table, cell and code block of every deployment\'s pages within the printed page\'s width', async () => {
    // The PDFs above are checked for text past the margin; this checks the boxes themselves, in
    // print media at the printable width of an A4 page, on every report and check page of both sites.
    const context = await browser.newContext({ viewport: { width: A4_PRINTABLE_PX, height: 1100 } });
    const page = await context.newPage();
    await page.emulateMedia({ media: 'print' });
    let measured = 0;
    for (const site of [samples, fixtures]) {
      for (const path of site.pages.filter((p) => /^\/deployments\/[^/]+\/(checks\/[^/]+\/)?$/.test(p))) {
        await page.goto(`${site.server.url}${path}`);
        const overflowing = await page.$$eval('table, th, td, pre, .table-scroll', (els, width) =>
          els
            .filter((el) => {
              const box = el.getBoundingClientRect();
              return box.width > 0 && (box.right > width + 0.5 || el.scrollWidth > el.clientWidth + 1);
            })
            .map((el) => `${el.tagName.toLowerCase()}.${el.className} ${Math.round(el.getBoundingClientRect().right)} px: ${(el.textContent ?? '').slice(0, 60)}`),
          A4_PRINTABLE_PX,
        );
        expect(overflowing, path).toEqual([]);
        expect(await page.evaluate(() => document.documentElement.scrollWidth), path).toBeLessThanOrEqual(A4_PRINTABLE_PX);
        measured += 1;
      }
    }
    expect(measured).toBeGreaterThan(80);
    await context.close();
  }, 600_000);
});

describe.skipIf(!chromiumAvailable())('the site on a phone', () => {
  it('fits every page in a 390 px viewport, and shows no template source on any page', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    const wide: string[] = [];
    const leaks: string[] = [];
    let walked = 0;
    for (const site of [samples, fixtures]) {
      for (const path of site.pages) {
        const response = await page.goto(`${site.server.url}${path}`);
        expect(response?.status(), path).toBe(200);
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        if (width > 390) wide.push(`${path}: ${width} px`);
        for (const leak of templateLeaks(await page.evaluate(() => document.body.innerText))) leaks.push(`${path}: ${leak}`);
        walked += 1;
      }
    }
    expect(wide).toEqual([]);
    expect(leaks).toEqual([]);
    // Both sites, every page: reports, check pages, comparisons, histories, the reference.
    expect(walked).toBe(samples.pages.length + fixtures.pages.length);
    expect(walked).toBeGreaterThan(150);
    await context.close();
  }, 600_000);

  it('shows each deployment\'s decision in the deployment list without scrolling, at 390 px', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    for (const site of [samples, fixtures]) {
      for (const path of site.pages.filter((p) => p === '/' || p.startsWith('/environments/'))) {
        await page.goto(`${site.server.url}${path}`);
        const rows = await page.$$eval('table.deployments tbody tr', (trs) =>
          trs.map((tr) => {
            const badge = tr.querySelector('[data-decision]')!.getBoundingClientRect();
            return { id: tr.getAttribute('data-deployment'), decision: tr.querySelector('[data-decision]')!.getAttribute('data-decision'), left: badge.left, right: badge.right };
          }),
        );
        expect(rows.length, path).toBeGreaterThan(0);
        for (const row of rows) {
          expect(row.left, `${path} ${row.id}`).toBeGreaterThanOrEqual(0);
          expect(row.right, `${path} ${row.id} ${row.decision}`).toBeLessThanOrEqual(390);
        }
      }
    }
    await context.close();
  }, 300_000);
});
