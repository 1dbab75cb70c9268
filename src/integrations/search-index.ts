/**
 * Static search (pagefind): as the site renders, every deployment is indexed into `<site>/pagefind/`,
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
 * lacks a searched word answers with pagefind's longest-prefix fallback (pieces of other values):
 * the search page takes pagefind's answers as candidates only and judges each on its own text
 * (src/site/client/search-query.ts, issue 31).
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegrationLogger } from 'astro';
// Imported with the config: by astro:build:done the module loader that read the config is closed.
import * as pagefind from 'pagefind';
import { deflateText, inflateText } from '../site/deflated-text.ts';
import type { SearchRecordListener } from '../site/search-records.ts';

/** The inner HTML of the first element that opens with `open`, up to its `close` (our own markup: evidence text is escaped, so neither tag can come from it). */
function innerOf(html: string, open: string, close: string): string | null {
  const start = html.indexOf(open);
  if (start < 0) return null;
  const from = html.indexOf('>', start) + 1;
  const end = html.indexOf(close, from);
  return end < 0 ? null : html.slice(from, end);
}

/**
 * Our own markup as text: evidence text in it is escaped, so each `<` opens a tag we wrote.
 * pagefind gets the words it indexes (and the check headings, its only anchors) in a third of
 * the page's bytes: the highlighter alone writes a span per token. A tag ends a word (a table
 * cell, a column's name before its type), except inside a code block, where the text keeps its
 * own spaces and lines and the highlighter's tags go without a trace: `public.attempt`, split
 * into three tokens, stays one word to search.
 */
const textOf = (html: string) => html.replace(/<pre\b[^>]*>([\s\S]*?)<\/pre>|<[^>]*>/g, (_tag, code?: string) => (code === undefined ? ' ' : ` ${code.replace(/<[^>]*>/g, '')} `)).replace(/\s+/g, ' ');

/** Elements with no end tag: one marked ignored ends where it opens. */
const VOID = new Set(['area', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);

/** Where the element of `name` opened just before `from` ends: after its matching end tag (elements of the same name may nest in it). */
function endOf(html: string, name: string, from: number): number {
  const tags = new RegExp(`<(/?)${name}\\b[^>]*>`, 'gi');
  tags.lastIndex = from;
  let depth = 1;
  for (let m = tags.exec(html); m !== null; m = tags.exec(html)) {
    depth += m[1] ? -1 : 1;
    if (depth === 0) return m.index + m[0].length;
  }
  return html.length;
}

/**
 * The markup without the elements a page marks `data-pagefind-ignore`: what is there for the eye
 * but would only be noise in an excerpt (a raw file's size and sha256, the values an assertion
 * recorded as JSON beside its sentence). Linear: each element is passed once.
 */
function withoutIgnored(html: string): string {
  const marked = /<([a-zA-Z][a-zA-Z0-9]*)\b[^>]*\sdata-pagefind-ignore\b[^>]*>/g;
  const kept: string[] = [];
  let from = 0;
  for (let m = marked.exec(html); m !== null; m = marked.exec(html)) {
    const name = m[1]!.toLowerCase();
    const opened = m.index + m[0].length;
    kept.push(html.slice(from, m.index), ' ');
    from = VOID.has(name) || m[0].endsWith('/>') ? opened : endOf(html, name, opened);
    marked.lastIndex = from;
  }
  kept.push(html.slice(from));
  return kept.join('');
}

/** What a page has for moving around, not evidence: its navigation (the previous and next check), buttons and "In the report" links. */
const withoutNavigation = (html: string) => html.replace(/<nav\b[\s\S]*?<\/nav>|<button\b[\s\S]*?<\/button>|<a [^>]*class="permalink"[^>]*>[\s\S]*?<\/a>/g, ' ');

/** A check page's content as a section of its deployment's record, headed by its title with the check id as anchor (the breadcrumb before it left out). */
function checkSection(checkId: string, page: string): string {
  const main = withoutIgnored(withoutNavigation(page));
  // The check's status, which the search page shows beside it: pagefind keeps it as the record's
  // metadata (`status-<check-id>`), never as words of the text.
  const status = /\sdata-check-status="([a-z]+)"/.exec(main)?.[1];
  const meta = status ? `<span data-pagefind-meta="status-${checkId}:${status}"></span>` : '';
  const open = main.indexOf('<h1');
  const close = main.indexOf('</h1>', open);
  if (open < 0 || close < 0) return `<section>${meta}${textOf(main)}</section>`;
  return `<section>${meta}<h1 id="${checkId}">${textOf(main.slice(main.indexOf('>', open) + 1, close))}</h1>${textOf(main.slice(close + 5))}</section>`;
}

/** What a report's header says (the record's head), from the report page. */
const headerOf = (report: string) => innerOf(report, '<header class="report-header" data-pagefind-body', '</header>');

/** A deployment's search record: its report's header, then its check pages' sections in check-id order. */
function recordOf(id: string, header: string | null, sections: ReadonlyMap<string, string>): string | null {
  if (!header) return null;
  const title = innerOf(header, '<h1', '</h1>');
  const body = [...sections].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, section]) => section);
  // The record's title (pagefind takes the first heading, here without an anchor) names the
  // deployment: one PR's deployments share the report's title.
  const about = withoutIgnored(withoutNavigation(header.replace(/<h1[\s\S]*?<\/h1>/, ' ')));
  // The decision, shown on each result: the report's decision badge says it (`data-decision`).
  const decision = /\sdata-decision="([A-Z][A-Z ]*)"/.exec(header)?.[1];
  const meta = decision ? `<span data-pagefind-meta="decision:${decision}"></span>` : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"></head><body><div data-pagefind-body><h1>${id} — ${textOf(title ?? '')}</h1>${meta}${textOf(about)}${body.join('')}</div></body></html>`;
}

/** A check page's section of its deployment's record, or '' for a page without the content mark. */
function sectionOf(checkId: string, page: string): string {
  const main = innerOf(page, '<main id="main" data-pagefind-body', '</main>');
  return main ? checkSection(checkId, main) : '';
}

/**
 * A deployment's search record from its folder of pages held in memory (path → bytes, as
 * src/site/reuse-plan.ts reads a kept deployment's folder): the same record as deploymentRecord().
 */
export function recordFromPages(id: string, files: ReadonlyMap<string, Buffer>): string | null {
  const report = files.get('index.html');
  if (report === undefined) return null;
  const checkIds = new Set([...files.keys()].filter((path) => path.startsWith('checks/')).map((path) => path.split('/')[1]!));
  const sections = new Map([...checkIds].map((checkId) => [checkId, sectionOf(checkId, files.get(`checks/${checkId}/index.html`)?.toString('utf8') ?? '')] as const));
  return recordOf(id, headerOf(report.toString('utf8')), sections);
}

/** A deployment's search record, read back from a built site. */
export async function deploymentRecord(site: string, id: string): Promise<string | null> {
  const dir = join(site, 'deployments', id);
  const report = await readFile(join(dir, 'index.html'), 'utf8').catch(() => null);
  if (report === null) return null;
  const checkIds = await readdir(join(dir, 'checks')).catch(() => [] as string[]);
  const pages = await Promise.all(checkIds.map(async (checkId) => [checkId, await readFile(join(dir, 'checks', checkId, 'index.html'), 'utf8').catch(() => '')] as const));
  return recordOf(id, headerOf(report), new Map(pages.map(([checkId, page]) => [checkId, sectionOf(checkId, page)])));
}

/**
 * Text handed to one pagefind process before it writes its part of the index: pagefind holds
 * about 40 bytes per byte of text until it writes (measured: 1,000 deployments, 36 MB of text,
 * 1.4 GB). Parts keep that bounded whatever the history: under 100 MB each, about 55 generated
 * deployments; the search page merges one more part per 2 MB of text.
 */
const PART_TEXT_BYTES = 2_000_000;

/**
 * The index written in parts as records come: the first part is the bundle the search page loads
 * (`pagefind/`), the others (`pagefind/part-<n>/`) are listed in `pagefind/parts.json` for it to
 * merge. A record is sent without waiting for pagefind's answer: its service takes requests one
 * at a time, in the order sent, so the index is the same; the answers are checked before the part
 * is written. (Waiting for each answer while the site renders cost 30–90 ms a record: the answer
 * is read only when the renderer lets the event loop turn.)
 */
class PartedIndex {
  private index: pagefind.PagefindIndex | null = null;
  private inPart = 0;
  private readonly parts: string[] = [];
  /** The answers of the records sent to the current part: null, or what went wrong (never rejected, so none goes unhandled). */
  private sent: Promise<string | null>[] = [];
  records = 0;

  constructor(
    private readonly site: string,
    private readonly partTextBytes: number,
  ) {}

  async add(id: string, content: string): Promise<void> {
    const index = (this.index ??= await this.open());
    // URLs stay relative to the site's root: the search page adds the base path.
    this.sent.push(
      index.addHTMLFile({ url: `/deployments/${id}/`, content }).then(
        (added) => (added.errors.length > 0 ? `pagefind could not index ${id}: ${added.errors.join('; ')}` : null),
        (error: unknown) => `pagefind could not index ${id}: ${String(error)}`,
      ),
    );
    this.records += 1;
    this.inPart += content.length;
    if (this.inPart >= this.partTextBytes) await this.write(index);
  }

  /** Writes the last part and the list of parts. An empty history still gets an (empty) index: the search page loads it and finds nothing. */
  async finish(): Promise<number> {
    if (this.index !== null || this.parts.length === 0) await this.write(this.index ?? (await this.open()));
    await writeFile(join(this.site, 'pagefind', 'parts.json'), `${JSON.stringify(this.parts.slice(1))}\n`);
    return this.parts.length;
  }

  /** Ends pagefind's process, whatever state it is in (after finish, or after a failure). */
  async close(): Promise<void> {
    await pagefind.close();
  }

  private async open(): Promise<pagefind.PagefindIndex> {
    // SQL and evidence values are searched whole: check ids, table names, SKU-like values.
    const created = await pagefind.createIndex({ forceLanguage: 'en', includeCharacters: '_' });
    if (!created.index) throw new Error(`pagefind could not start: ${created.errors.join('; ')}`);
    this.parts.push(this.parts.length === 0 ? '' : `part-${this.parts.length + 1}`);
    this.inPart = 0;
    return created.index;
  }

  private async write(part: pagefind.PagefindIndex): Promise<void> {
    const problem = (await Promise.all(this.sent)).find((p) => p !== null);
    this.sent = [];
    if (problem) throw new Error(problem);
    const written = await part.writeFiles({ outputPath: join(this.site, 'pagefind', this.parts.at(-1)!) });
    if (written.errors.length > 0) throw new Error(`pagefind could not write its index: ${written.errors.join('; ')}`);
    // Its process goes with its memory; the next part starts a new one.
    await pagefind.close();
    this.index = null;
  }
}

const summary = (records: number, parts: number) => `${records} deployments indexed for search, each with its checks${parts > 1 ? ` (${parts} parts)` : ''}`;

/**
 * The index built while the site renders (src/site/search-records.ts): a deployment's record is
 * complete once its report and each of its check pages have rendered, in whatever order Astro
 * renders them, and pagefind indexes it in its own process — on the other core — while the
 * renderer goes on. Records are indexed in report order, so every build writes the same index.
 */
export class RenderedSearchIndex {
  /**
   * Deployments whose record is not complete yet: the report's header and check count once it has
   * rendered, the check sections so far — deflated: Astro renders every check page before the
   * first report, so at 1,000 deployments all 17,000 sections wait (36 MB of text; held as
   * strings, the build peaked at 1.4 GB instead of 0.65 GB).
   */
  private readonly pending = new Map<string, { report?: { header: string | null; order: number; checks: number }; sections: Map<string, Buffer> }>();
  /** Complete records by report order (null: a report without a header), waiting for their turn. */
  private readonly ready = new Map<number, readonly [id: string, content: string] | null>();
  private next = 0;
  private work: Promise<void> = Promise.resolve();
  private failure: unknown = null;
  private readonly index: PartedIndex;

  constructor(site: string, { partTextBytes = PART_TEXT_BYTES } = {}) {
    this.index = new PartedIndex(site, partTextBytes);
  }

  readonly take: SearchRecordListener = (mark, html) => {
    if (this.failure !== null) return;
    const pending = this.pending.get(mark.deploymentId) ?? { sections: new Map<string, Buffer>() };
    this.pending.set(mark.deploymentId, pending);
    if (mark.kind === 'check') pending.sections.set(mark.checkId, deflateText(sectionOf(mark.checkId, html)));
    else pending.report = { header: headerOf(html), order: mark.order, checks: mark.checks };
    if (!pending.report || pending.sections.size < pending.report.checks) return;
    this.pending.delete(mark.deploymentId);
    const sections = new Map([...pending.sections].map(([checkId, section]) => [checkId, inflateText(section)]));
    const record = recordOf(mark.deploymentId, pending.report.header, sections);
    this.ready.set(pending.report.order, record === null ? null : [mark.deploymentId, record]);
    this.work = this.work.then(() => this.indexReady(false)).catch((error: unknown) => {
      this.failure ??= error;
    });
  };

  /**
   * A deployment whose pages this build kept from the previous output (issue 29): its record, read
   * back from those pages (recordFromPages), takes its place in report order like a rendered one.
   */
  keep(order: number, id: string, record: string | null): void {
    if (this.failure !== null) return;
    this.ready.set(order, record === null ? null : [id, record]);
    this.work = this.work.then(() => this.indexReady(false)).catch((error: unknown) => {
      this.failure ??= error;
    });
  }

  /** Adds the records that are next in order (at the end: all that are left, in order). */
  private async indexReady(all: boolean): Promise<void> {
    const orders = all ? [...this.ready.keys()].sort((a, b) => a - b) : [];
    for (;;) {
      const order = all ? orders.shift() : this.next;
      if (order === undefined || !this.ready.has(order) || this.failure !== null) return;
      const entry = this.ready.get(order)!;
      this.ready.delete(order);
      this.next = order + 1;
      if (entry !== null) await this.index.add(...entry);
    }
  }

  /**
   * Indexes what is left, writes the last part and the list of parts. Fails with the first
   * failure seen while rendering, and when a record is incomplete (a report or a check page that
   * never rendered, or rendered twice): the search would silently lack it.
   */
  async finish(logger: AstroIntegrationLogger): Promise<void> {
    try {
      await this.work;
      if (this.failure === null) await this.indexReady(true);
      if (this.failure !== null) throw this.failure;
      if (this.pending.size > 0) {
        const incomplete = [...this.pending].map(([id, { report, sections }]) => `${id} (${report ? `${sections.size} of ${report.checks} check pages` : 'no report'})`);
        throw new Error(`search records left incomplete: ${incomplete.join(', ')}`);
      }
      const parts = await this.index.finish();
      logger.info(summary(this.index.records, parts));
    } finally {
      await this.index.close();
    }
  }
}

/**
 * Indexes a built site again from its pages on disk, the same records as the build writes (the
 * tests try other part sizes this way).
 */
export async function writeSearchIndex(dir: URL, logger: AstroIntegrationLogger, { partTextBytes = PART_TEXT_BYTES } = {}): Promise<void> {
  const site = fileURLToPath(dir);
  const ids = (await readdir(join(site, 'deployments'), { withFileTypes: true }).catch(() => [])).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  const index = new PartedIndex(site, partTextBytes);
  try {
    // The next record is read while pagefind indexes this one.
    let next = ids.length > 0 ? deploymentRecord(site, ids[0]!) : null;
    for (let i = 0; i < ids.length; i += 1) {
      const content = await next!;
      next = i + 1 < ids.length ? deploymentRecord(site, ids[i + 1]!) : null;
      if (content !== null) await index.add(ids[i]!, content);
    }
    logger.info(summary(index.records, await index.finish()));
  } finally {
    await index.close();
  }
}
