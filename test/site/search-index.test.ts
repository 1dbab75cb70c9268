/**
 * The search index written while the site renders (issue 14): pages arrive in whatever order the
 * renderer finishes them, and the index must be the one the finished pages on disk give — the
 * same records, the same parts, byte for byte — or the build must fail saying which record is
 * incomplete. pagefind is the real one.
 */
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RenderedSearchIndex, writeSearchIndex } from '../../src/integrations/search-index.ts';
import type { SearchRecordMark } from '../../src/site/search-records.ts';

const logger = { info: () => {} } as never;

const page = (main: string) => `<!doctype html><html><body><nav aria-label="Site">Deployments</nav><main id="main" data-pagefind-body>${main}</main><footer>footer</footer></body></html>`;
const reportPage = (id: string, title: string) => `<!doctype html><html><body><header class="report-header" data-pagefind-body><p class="eyebrow">Deployment evidence report</p><h1>${title}</h1><p>Decision: GO</p><dl><dt>Deployment</dt><dd>${id}</dd></dl></header><main id="main">report body</main></body></html>`;
const checkPage = (id: string, check: string, value: string) => page(`<nav aria-label="Breadcrumb"><a href="/">Deployments</a> › ${id}</nav><h1>§1 ${check} <span>PASS</span></h1><table><tr><td>${value}</td></tr></table>`);

/** Three deployments of a warehouse checklist (not the example's), two checks each, with one value each to find. */
const deployments = ['wh-001-staging', 'wh-002-staging', 'wh-003-production'].map((id, i) => ({
  id,
  report: reportPage(id, `Warehouse ${i} — partition bins`),
  checks: [
    { check: 'bin-counts', html: checkPage(id, 'bin-counts', `SKU-${4000 + i}`) },
    { check: 'row-total', html: checkPage(id, 'row-total', `${91_000 + i} rows`) },
  ],
}));

async function writeSite(): Promise<string> {
  const site = await mkdtemp(join(tmpdir(), 'search-index-'));
  for (const d of deployments) {
    await mkdir(join(site, 'deployments', d.id), { recursive: true });
    await writeFile(join(site, 'deployments', d.id, 'index.html'), d.report);
    for (const c of d.checks) {
      await mkdir(join(site, 'deployments', d.id, 'checks', c.check), { recursive: true });
      await writeFile(join(site, 'deployments', d.id, 'checks', c.check, 'index.html'), c.html);
    }
  }
  return site;
}

/** Every file of a pagefind index, by path, as bytes. */
async function indexFiles(site: string): Promise<Map<string, string>> {
  const dir = join(site, 'pagefind');
  const files = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
  return new Map(await Promise.all(files.sort().map(async (f) => [f, (await readFile(join(dir, f))).toString('base64')] as const)));
}

type Rendered = { mark: SearchRecordMark; html: string };
const reportOf = (order: number): Rendered => {
  const d = deployments[order]!;
  return { mark: { kind: 'report', deploymentId: d.id, order, checks: d.checks.length }, html: d.report };
};
const checkOf = (order: number, n: number): Rendered => {
  const d = deployments[order]!;
  return { mark: { kind: 'check', deploymentId: d.id, checkId: d.checks[n]!.check }, html: d.checks[n]!.html };
};

describe('the search index written as pages render', () => {
  it.each([
    ['check pages first, then the reports (the order Astro renders them)', [checkOf(0, 0), checkOf(0, 1), checkOf(1, 1), checkOf(1, 0), checkOf(2, 0), checkOf(2, 1), reportOf(0), reportOf(2), reportOf(1)]],
    ['reports first, out of order, check pages interleaved', [reportOf(2), checkOf(2, 1), reportOf(1), checkOf(0, 1), checkOf(1, 0), reportOf(0), checkOf(1, 1), checkOf(2, 0), checkOf(0, 0)]],
  ])('writes the index the built pages give, in parts, byte for byte: %s', async (_order, rendered) => {
    const fromDisk = await writeSite();
    await writeSearchIndex(pathToFileURL(`${fromDisk}/`), logger, { partTextBytes: 1 });
    const whileRendering = await mkdtemp(join(tmpdir(), 'search-index-'));
    const index = new RenderedSearchIndex(whileRendering, { partTextBytes: 1 });
    for (const { mark, html } of rendered) index.take(mark, html);
    await index.finish(logger);

    const expected = await indexFiles(fromDisk);
    expect(JSON.parse(await readFile(join(fromDisk, 'pagefind', 'parts.json'), 'utf8'))).toEqual(['part-2', 'part-3']);
    expect(await indexFiles(whileRendering)).toEqual(expected);
  }, 60_000);

  it('fails naming the deployment whose record never completed, instead of indexing it without a check', async () => {
    const index = new RenderedSearchIndex(await mkdtemp(join(tmpdir(), 'search-index-')));
    for (const { mark, html } of [reportOf(0), checkOf(0, 0), checkOf(0, 1), reportOf(1), checkOf(1, 0), checkOf(2, 0)]) index.take(mark, html);
    await expect(index.finish(logger)).rejects.toThrow('search records left incomplete: wh-002-staging (1 of 2 check pages), wh-003-production (no report)');
  }, 60_000);

  it('writes an index the search page can load for an empty history', async () => {
    const site = await mkdtemp(join(tmpdir(), 'search-index-'));
    await new RenderedSearchIndex(site).finish(logger);
    expect(JSON.parse(await readFile(join(site, 'pagefind', 'parts.json'), 'utf8'))).toEqual([]);
    expect((await readdir(join(site, 'pagefind'))).filter((f) => f === 'pagefind.js' || f === 'pagefind-entry.json').sort()).toEqual(['pagefind-entry.json', 'pagefind.js']);
  }, 60_000);
});
