/**
 * Static search (pagefind): after the build, every deployment is indexed into `<site>/pagefind/`,
 * which the search page (src/site/client/search.ts) loads from the same host — no server, and it
 * works under any base path.
 *
 * One search record per deployment, not one per page: its report's header (what the report marks
 * `data-pagefind-body`: id, title, decision, PR, environment), then each of its check pages'
 * content under a heading whose id is the check id. A title or a value is found as a sub-result
 * of its deployment, which the search page opens on the check's own page (`checks/<check-id>/`).
 *
 * Memory (issue 14): pagefind holds what it indexes until it writes, about 40 bytes per byte of
 * text, and a page costs it some 165 KB more: indexed page by page, 1,000 deployments (17,000
 * pages) took 2.8 GB; as one record per deployment, 1.4 GB. So the index is written in parts of
 * PART_TEXT_BYTES, each by its own pagefind process, and the search page merges them. A part that
 * lacks a searched word answers with pagefind's longest-prefix fallback (pieces of other values);
 * the search page searches exactly first for that reason.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegrationLogger } from 'astro';
// Imported with the config: by astro:build:done the module loader that read the config is closed.
import * as pagefind from 'pagefind';

/** The inner HTML of the first element that opens with `open`, up to its `close` (our own markup: evidence text is escaped, so neither tag can come from it). */
function innerOf(html: string, open: string, close: string): string | null {
  const start = html.indexOf(open);
  if (start < 0) return null;
  const from = html.indexOf('>', start) + 1;
  const end = html.indexOf(close, from);
  return end < 0 ? null : html.slice(from, end);
}

/**
 * Our own markup as text, every tag a space: evidence text in it is escaped, so each `<` opens a
 * tag we wrote. pagefind gets the words it indexes (and the check headings, its only anchors) in
 * a third of the page's bytes: the highlighter alone writes a span per token.
 */
const textOf = (html: string) => html.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ');

/** What a page has for moving around, not evidence: its navigation (the previous and next check), buttons and "In the report" links. */
const withoutNavigation = (html: string) => html.replace(/<nav\b[\s\S]*?<\/nav>|<button\b[\s\S]*?<\/button>|<a [^>]*class="permalink"[^>]*>[\s\S]*?<\/a>/g, ' ');

/** A check page's content as a section of its deployment's record, headed by its title with the check id as anchor (the breadcrumb before it left out). */
function checkSection(checkId: string, page: string): string {
  const main = withoutNavigation(page);
  const open = main.indexOf('<h1');
  const close = main.indexOf('</h1>', open);
  if (open < 0 || close < 0) return `<section>${textOf(main)}</section>`;
  return `<section><h1 id="${checkId}">${textOf(main.slice(main.indexOf('>', open) + 1, close))}</h1>${textOf(main.slice(close + 5))}</section>`;
}

/** A deployment's search record: its report's header, then a section per check page. */
export async function deploymentRecord(site: string, id: string): Promise<string | null> {
  const dir = join(site, 'deployments', id);
  const report = await readFile(join(dir, 'index.html'), 'utf8').catch(() => null);
  const header = report && innerOf(report, '<header class="report-header" data-pagefind-body', '</header>');
  if (!header) return null;
  const title = innerOf(header, '<h1', '</h1>');
  const checkIds = (await readdir(join(dir, 'checks')).catch(() => [] as string[])).sort();
  const sections = await Promise.all(
    checkIds.map(async (checkId) => {
      const page = await readFile(join(dir, 'checks', checkId, 'index.html'), 'utf8').catch(() => null);
      const main = page && innerOf(page, '<main id="main" data-pagefind-body', '</main>');
      return main ? checkSection(checkId, main) : '';
    }),
  );
  // The record's title (pagefind takes the first heading, here without an anchor) names the
  // deployment: one PR's deployments share the report's title.
  const body = withoutNavigation(header.replace(/<h1[\s\S]*?<\/h1>/, ' '));
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"></head><body><div data-pagefind-body><h1>${id} — ${textOf(title ?? '')}</h1>${textOf(body)}${sections.join('')}</div></body></html>`;
}

/**
 * Text handed to one pagefind process before it writes its part of the index: pagefind holds
 * about 40 bytes per byte of text until it writes (measured: 1,000 deployments, 36 MB of text,
 * 1.4 GB). Parts keep that bounded whatever the history: under 100 MB each, about 55 generated
 * deployments; the search page merges one more part per 2 MB of text.
 */
export const PART_TEXT_BYTES = 2_000_000;

/**
 * Writes the index in parts: the first is the bundle the search page loads (`pagefind/`), the
 * others (`pagefind/part-<n>/`) are listed in `pagefind/parts.json` for it to merge.
 */
export async function writeSearchIndex(dir: URL, logger: AstroIntegrationLogger, { partTextBytes = PART_TEXT_BYTES } = {}): Promise<void> {
  const site = fileURLToPath(dir);
  const ids = (await readdir(join(site, 'deployments'), { withFileTypes: true }).catch(() => [])).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  const parts: string[] = [];
  let index: pagefind.PagefindIndex | null = null;
  let inPart = 0;
  const open = async () => {
    // SQL and evidence values are searched whole: check ids, table names, SKU-like values.
    const created = await pagefind.createIndex({ forceLanguage: 'en', includeCharacters: '_' });
    if (!created.index) throw new Error(`pagefind could not start: ${created.errors.join('; ')}`);
    parts.push(parts.length === 0 ? '' : `part-${parts.length + 1}`);
    inPart = 0;
    return created.index;
  };
  const finish = async (part: pagefind.PagefindIndex) => {
    const written = await part.writeFiles({ outputPath: join(site, 'pagefind', parts.at(-1)!) });
    if (written.errors.length > 0) throw new Error(`pagefind could not write its index: ${written.errors.join('; ')}`);
    // Its process goes with its memory; the next part starts a new one.
    await pagefind.close();
    index = null;
  };
  try {
    let records = 0;
    // The next record is read while pagefind indexes this one.
    let next = ids.length > 0 ? deploymentRecord(site, ids[0]!) : null;
    for (let i = 0; i < ids.length; i += 1) {
      const content = await next!;
      next = i + 1 < ids.length ? deploymentRecord(site, ids[i + 1]!) : null;
      if (content === null) continue;
      index ??= await open();
      // URLs stay relative to the site's root: the search page adds the base path.
      const added = await index.addHTMLFile({ url: `/deployments/${ids[i]}/`, content });
      if (added.errors.length > 0) throw new Error(`pagefind could not index ${ids[i]}: ${added.errors.join('; ')}`);
      records += 1;
      inPart += content.length;
      if (inPart >= partTextBytes) await finish(index);
    }
    // An empty history still gets an (empty) index: the search page loads it and finds nothing.
    if (index !== null || parts.length === 0) await finish(index ?? (await open()));
    await writeFile(join(site, 'pagefind', 'parts.json'), `${JSON.stringify(parts.slice(1))}\n`);
    logger.info(`${records} deployments indexed for search, each with its checks${parts.length > 1 ? ` (${parts.length} parts)` : ''}`);
  } finally {
    await pagefind.close();
  }
}
