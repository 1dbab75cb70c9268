/**
 * The search page, in the reader's browser: pagefind's static index (written as the site renders
 * by src/integrations/search-index.ts, in parts for a long history), queried with pagefind's own
 * API. A result is a deployment, with its decision; under it every check in it that matches, each
 * with its status, an excerpt of its own text around the match, and a link to the check's own
 * page. Everything shown is set as text.
 *
 * Exact first. pagefind answers a word that no indexed word starts with by the longest prefix
 * that one does (a deliberate fallback of its, with no option to turn it off), and each part of a
 * split index does so on its own: a part without a searched hash answers with pieces of other
 * values, ranked beside the part that holds it. So the query is first searched as a phrase
 * (pagefind's exact mode, `"…"`); only when no part holds it exactly is it searched as words and
 * prefixes — for a reader still typing, or looking for "calibrat…".
 */

import { decisionLabels, statusLabels, type AnyStatus } from '../format.ts';
import type { DecisionStatus } from '../../format/index.ts';
import { sectionMatches, type Excerpt, type SectionMatch } from './search-matches.ts';

interface SubResult {
  title: string;
  url: string;
  excerpt: string;
  locations: number[];
}

interface Fragment {
  url: string;
  content: string;
  anchors: { element: string; id?: string; text?: string; location: number }[];
  meta: Record<string, string | undefined>;
  sub_results?: SubResult[];
}

interface Pagefind {
  options(options: { baseUrl: string }): Promise<void>;
  mergeIndex(bundlePath: string, options: { baseUrl: string }): Promise<void>;
  search(term: string): Promise<{ results: SearchResult[] } | null>;
}

interface SearchResult {
  /** The page's id in the index: the same in every search. */
  id: string;
  data(): Promise<Fragment>;
}

/** Results shown at a time; "More results" shows the next ones. */
const PAGE = 10;

/** A check's section of a record (anchored at its id) opens the check's page. */
const checkPage = (url: string, checkId: string) => url.replace(/#.*$/, '').replace(/\/?$/, `/checks/${checkId}/`);

/** pagefind's own excerpt (its word mode) as parts: parsed inert, only its text and its marks kept. */
function partsOfExcerpt(excerpt: string): Excerpt {
  const parts: Excerpt['parts'] = [];
  for (const node of new DOMParser().parseFromString(excerpt, 'text/html').body.childNodes) parts.push({ text: node.textContent ?? '', marked: node.nodeName === 'MARK' });
  return { parts, cutBefore: false, cutAfter: false };
}

/** The sub-results pagefind gives a record searched as words (other forms, prefixes): every place of each word. */
function subResultMatches(fragment: Fragment): SectionMatch[] {
  const title = fragment.meta.title ?? '';
  return (fragment.sub_results ?? []).map((sub) => {
    const anchorId = /#([a-z0-9-]+)$/.exec(sub.url)?.[1] ?? null;
    return { anchorId, title: anchorId ? sub.title : title, places: sub.locations.length, excerpt: partsOfExcerpt(sub.excerpt) };
  });
}

/**
 * The sections of a result where the query stands. Searched exactly, they are found in the
 * record's text (search-matches.ts), every check. pagefind's exact mode also matches another form
 * of the word (`calibrations` holds `calibration`'s stem) and then says one place only: such a
 * record, and a search as words, gets pagefind's sub-results of the search as words.
 */
async function matchesOf(fragment: Fragment, query: string, exact: boolean, asWords: () => Promise<Fragment | null>): Promise<SectionMatch[]> {
  if (exact) {
    const found = sectionMatches({ content: fragment.content, anchors: fragment.anchors, title: fragment.meta.title ?? '' }, query);
    if (found.length > 0) return found;
    return subResultMatches((await asWords()) ?? fragment);
  }
  return subResultMatches(fragment);
}

function excerptElement(excerpt: Excerpt): HTMLParagraphElement {
  const p = document.createElement('p');
  p.className = 'search-excerpt';
  if (excerpt.cutBefore) p.append('… ');
  for (const part of excerpt.parts) p.append(part.marked ? Object.assign(document.createElement('mark'), { textContent: part.text }) : part.text);
  if (excerpt.cutAfter) p.append(' …');
  return p;
}

function link(href: string, text: string, className: string): HTMLAnchorElement {
  const a = document.createElement('a');
  a.className = className;
  a.href = href;
  a.textContent = text;
  return a;
}

/** A badge as the site's pages draw it (DecisionBadge, StatusBadge), for a value from the index's metadata; nothing for one the site does not know. */
function badge(kind: 'decision' | 'status', value: string | undefined): HTMLSpanElement | null {
  const span = document.createElement('span');
  const symbol = document.createElement('span');
  symbol.setAttribute('aria-hidden', 'true');
  if (kind === 'decision' && value !== undefined && Object.hasOwn(decisionLabels, value)) {
    const label = decisionLabels[value as DecisionStatus];
    span.className = `badge decision tone-${label.tone}`;
    span.dataset.decision = value;
    symbol.textContent = label.symbol;
    span.append(symbol, ` ${value}`);
    return span;
  }
  if (kind === 'status' && value !== undefined && Object.hasOwn(statusLabels, value)) {
    const label = statusLabels[value as AnyStatus];
    span.className = `badge tone-${value}`;
    span.dataset.status = value;
    symbol.textContent = label.symbol;
    span.append(symbol, ` ${label.word}`);
    return span;
  }
  return null;
}

const times = (n: number) => (n === 1 ? 'once' : `${n} times`);

async function resultItem(fragment: Fragment, query: string, exact: boolean, asWords: () => Promise<Fragment | null>): Promise<HTMLLIElement> {
  const item = document.createElement('li');
  item.className = 'search-result';
  const head = item.appendChild(document.createElement('p'));
  head.className = 'search-result-head';
  head.append(link(fragment.url, fragment.meta.title ?? fragment.url, 'search-result-link'));
  const decision = badge('decision', fragment.meta.decision);
  if (decision) head.append(' ', decision);
  const matches = await matchesOf(fragment, query, exact, asWords);
  const about = matches.find((m) => m.anchorId === null);
  if (about?.excerpt) item.append(excerptElement(about.excerpt));
  // In the order of the checklist's sections (§1, §2, §4.1, §4.2…), as the report lists them.
  const checks = matches.filter((m) => m.anchorId !== null).sort((a, b) => a.title.localeCompare(b.title, 'en', { numeric: true }));
  if (checks.length > 0) {
    const count = item.appendChild(document.createElement('p'));
    count.className = 'search-count';
    count.textContent = `${checks.length} ${checks.length === 1 ? 'check matches' : 'checks match'}:`;
    const list = item.appendChild(document.createElement('ul'));
    list.className = 'search-checks';
    for (const check of checks) {
      const entry = list.appendChild(document.createElement('li'));
      entry.className = 'search-check';
      entry.dataset.checkId = check.anchorId!;
      const line = entry.appendChild(document.createElement('p'));
      line.append(link(checkPage(fragment.url, check.anchorId!), check.title, 'search-result-link search-check-link'));
      const status = badge('status', fragment.meta[`status-${check.anchorId}`]);
      if (status) line.append(' ', status);
      const note = line.appendChild(document.createElement('span'));
      note.className = 'note';
      note.textContent = ` found ${times(check.places)}`;
      if (check.excerpt) entry.append(excerptElement(check.excerpt));
    }
  }
  return item;
}

async function loadPagefind(bundle: string, base: string): Promise<Pagefind> {
  // A URL known only at run time: loaded as the file pagefind wrote, never bundled.
  const url = `${bundle}pagefind.js`;
  const pagefind = (await import(/* @vite-ignore */ url)) as Pagefind;
  await pagefind.options({ baseUrl: base });
  const parts = await fetch(`${bundle}parts.json`).then((r) => (r.ok ? (r.json() as Promise<string[]>) : []));
  for (const part of parts) await pagefind.mergeIndex(`${bundle}${part}/`, { baseUrl: base });
  return pagefind;
}

async function run(root: HTMLElement): Promise<void> {
  const status = root.querySelector('[role=status]')!;
  const list = root.querySelector('ol')!;
  const more = root.querySelector('button')!;
  const query = new URL(location.href).searchParams.get('q')?.trim() ?? '';
  for (const input of document.querySelectorAll<HTMLInputElement>('form[role=search] input[name=q]')) input.value = query;
  if (!query) {
    status.textContent = 'Type a check title, a table name or a value from a result in the search field above.';
    return;
  }
  status.textContent = `Searching for “${query}”…`;
  let pagefind: Pagefind;
  try {
    pagefind = await loadPagefind(root.dataset.bundle!, root.dataset.base!);
  } catch {
    status.textContent = 'The search index could not be loaded: was the site built with deploy-evidence build?';
    return;
  }
  const quoted = /^".*"$/.test(query);
  const exactly = await pagefind.search(quoted ? query : `"${query.replaceAll('"', '')}"`);
  const exact = quoted || (exactly !== null && exactly.results.length > 0);
  const results = exact ? (exactly?.results ?? []) : ((await pagefind.search(query))?.results ?? []);
  status.textContent = results.length === 0 ? `No deployment matches “${query}”.` : `${results.length} ${results.length === 1 ? 'deployment matches' : 'deployments match'} “${query}”.`;
  let shown = 0;
  // The same query searched as words, once, for the records the exact search matched by another form of a word only.
  // A result is known by its page's id in both searches: only its own fragment is loaded.
  let wordSearch: Promise<SearchResult[]> | null = null;
  const asWords = async (id: string) => {
    wordSearch ??= pagefind.search(query.replaceAll('"', '')).then((found) => found?.results ?? []);
    return (await (await wordSearch).find((r) => r.id === id)?.data()) ?? null;
  };
  const showMore = async () => {
    const next = results.slice(shown, shown + PAGE);
    list.append(...(await Promise.all(next.map(async (r) => resultItem(await r.data(), query, exact, () => asWords(r.id))))));
    shown += next.length;
    more.hidden = shown >= results.length;
  };
  more.addEventListener('click', () => void showMore());
  await showMore();
}

const root = document.getElementById('search');
if (root) void run(root);
