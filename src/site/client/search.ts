/**
 * The search page, in the reader's browser: pagefind's static index (written as the site renders
 * by src/integrations/search-index.ts, in parts for a long history), queried with pagefind's own
 * API. A result is a deployment, with its decision; under it every check in it that matches, each
 * with its status, an excerpt of its own text around the match, and a link to the check's own
 * page. Everything shown is set as text.
 *
 * pagefind finds candidates only (issue 31). It answers a word by every indexed word that starts
 * with it, by another form of it, and — when no indexed word starts with it — by the longest
 * indexed word it starts with, in each part of a split index on its own, and does not say which:
 * a near-miss of a digest, or a made-up word, would list deployments. So every deployment it
 * answers is judged on its own text (search-query.ts): a match holds every word of the query
 * whole (a quoted phrase, its words in order); one that holds only a longer word starting with a
 * typed word, or another form of it, is listed apart, labelled, never counted; the rest is dropped.
 */

import { decisionLabels, statusLabels, type AnyStatus } from '../format.ts';
import type { DecisionStatus } from '../../format/index.ts';
import { sectionMatches, type Excerpt, type SectionMatch } from './search-matches.ts';
import { candidateSearches, howSearched, judgeRecord, looserLabel, looserSummary, matchCount, parseQuery, wordsAtLocations, wordsOf, type Judgement, type Looser, type Needle } from './search-query.ts';

interface Fragment {
  url: string;
  content: string;
  anchors: { element: string; id?: string; text?: string; location: number }[];
  meta: Record<string, string | undefined>;
  /** The word locations of the search whose result loaded it (pagefind sets them on its shared copy). */
  locations: number[];
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
/** Fragments loaded at once while the candidates are judged. */
const LOADS = 6;

/** A check's section of a record (anchored at its id) opens the check's page. */
const checkPage = (url: string, checkId: string) => url.replace(/#.*$/, '').replace(/\/?$/, `/checks/${checkId}/`);

const recordOf = (fragment: Fragment) => ({ content: fragment.content, anchors: fragment.anchors, title: fragment.meta.title ?? '' });

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

/**
 * One deployment: its link and decision, then each check where `phrases` stand, with its status,
 * how often and an excerpt. `label`: for a looser hit, what it holds instead of a match.
 */
function resultItem(fragment: Fragment, phrases: readonly string[], label: string | null): HTMLLIElement {
  const item = document.createElement('li');
  item.className = label === null ? 'search-result' : 'search-looser-result';
  const head = item.appendChild(document.createElement('p'));
  head.className = 'search-result-head';
  head.append(link(fragment.url, fragment.meta.title ?? fragment.url, label === null ? 'search-result-link' : 'search-looser-link'));
  const decision = badge('decision', fragment.meta.decision);
  if (decision) head.append(' ', decision);
  if (label !== null) {
    const note = item.appendChild(document.createElement('p'));
    note.className = 'search-looser-label';
    note.textContent = `Not a match: ${label}.`;
  }
  const matches: SectionMatch[] = sectionMatches(recordOf(fragment), phrases);
  const about = matches.find((m) => m.anchorId === null);
  if (about?.excerpt) item.append(excerptElement(about.excerpt));
  // In the order of the checklist's sections (§1, §2, §4.1, §4.2…), as the report lists them.
  const checks = matches.filter((m) => m.anchorId !== null).sort((a, b) => a.title.localeCompare(b.title, 'en', { numeric: true }));
  if (checks.length > 0) {
    const count = item.appendChild(document.createElement('p'));
    count.className = 'search-count';
    const n = checks.length;
    count.textContent = label !== null ? `In ${n} ${n === 1 ? 'check' : 'checks'}:` : phrases.length === 1 ? `${n} ${n === 1 ? 'check matches' : 'checks match'}:` : `${n} ${n === 1 ? 'check holds' : 'checks hold'} one or more of the words:`;
    const list = item.appendChild(document.createElement('ul'));
    list.className = 'search-checks';
    for (const check of checks) {
      const entry = list.appendChild(document.createElement('li'));
      entry.className = 'search-check';
      entry.dataset.checkId = check.anchorId!;
      const line = entry.appendChild(document.createElement('p'));
      line.append(link(checkPage(fragment.url, check.anchorId!), check.title, label === null ? 'search-result-link search-check-link' : 'search-looser-link search-check-link'));
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

/** Shows `items` PAGE at a time in `list`, the button showing the next ones. */
function paged<T>(list: HTMLElement, more: HTMLButtonElement, items: readonly T[], render: (item: T) => HTMLElement): void {
  let shown = 0;
  const showMore = () => {
    const next = items.slice(shown, shown + PAGE);
    list.append(...next.map(render));
    shown += next.length;
    more.hidden = shown >= items.length;
  };
  more.addEventListener('click', showMore);
  showMore();
}

/** Runs `load` on every item, LOADS at a time, the answers in the items' order. */
async function loadAll<T, R>(items: readonly T[], load: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await load(items[i]!);
  };
  await Promise.all(Array.from({ length: Math.min(LOADS, items.length) }, worker));
  return out;
}

/**
 * The deployments pagefind answers for every needle: for each word of a needle, the union of its
 * searches (candidateSearches), intersected over the words and the needles. A deployment holding
 * the query is among them; most others are not (a word nothing starts with ends the search).
 */
async function candidatesOf(pagefind: Pagefind, needles: readonly Needle[]): Promise<SearchResult[]> {
  const byId = new Map<string, SearchResult>();
  let kept: Set<string> | null = null;
  const searched = new Map<string, Set<string>>();
  for (const needle of needles) {
    for (const word of needle.text.split(' ')) {
      let ids = searched.get(word);
      if (!ids) {
        ids = new Set<string>();
        for (const term of candidateSearches(word)) {
          for (const result of (await pagefind.search(term))?.results ?? []) {
            ids.add(result.id);
            if (!byId.has(result.id)) byId.set(result.id, result);
          }
        }
        searched.set(word, ids);
      }
      const these: Set<string> = ids;
      const before: Set<string> | null = kept;
      kept = before === null ? new Set(these) : new Set([...before].filter((id: string) => these.has(id)));
      if (kept.size === 0) return [];
    }
  }
  return [...byId.values()].filter((r) => kept?.has(r.id));
}

/**
 * For the candidates that hold a plain word neither whole nor as the start of a longer word:
 * whether pagefind's exact mode (a quoted word: its stem, never a prefix fallback) finds another
 * form of it there, and the words that are that form, at the locations of its search as a word
 * (its exact mode points at one place only). Loaded one by one, after every other load: pagefind
 * keeps one copy of a fragment and sets on it the locations of the last search that loaded it.
 */
async function otherForms(pagefind: Pagefind, needles: readonly Needle[], unjudged: ReadonlyMap<string, readonly string[]>): Promise<Map<string, Map<string, string[]>>> {
  const forms = new Map<string, Map<string, string[]>>();
  for (const needle of needles) {
    if (needle.kind !== 'word') continue;
    const byId = new Map<string, string[]>();
    for (const result of (await pagefind.search(`"${needle.text}"`))?.results ?? []) if (unjudged.has(result.id)) byId.set(result.id, []);
    if (byId.size > 0) {
      for (const result of (await pagefind.search(needle.text))?.results ?? []) {
        if (!byId.has(result.id)) continue;
        const fragment = await result.data();
        byId.set(result.id, wordsAtLocations(unjudged.get(result.id)!, [...fragment.locations], needle.text));
      }
    }
    forms.set(needle.text, byId);
  }
  return forms;
}

async function run(root: HTMLElement): Promise<void> {
  const status = root.querySelector('[role=status]')!;
  const how = root.querySelector('.search-how')!;
  const list = root.querySelector<HTMLElement>('ol.search-results')!;
  const more = root.querySelector<HTMLButtonElement>('button.search-more')!;
  const looserPart = root.querySelector<HTMLElement>('.search-looser')!;
  const query = new URL(location.href).searchParams.get('q')?.trim() ?? '';
  for (const input of document.querySelectorAll<HTMLInputElement>('form[role=search] input[name=q]')) input.value = query;
  const done = () => (root.dataset.state = 'done');
  const needles = parseQuery(query);
  if (needles.length === 0) {
    status.textContent = 'Type a check title, a table name or a value from a result in the search field above.';
    done();
    return;
  }
  how.textContent = howSearched(needles);
  status.textContent = `Searching for “${query}”…`;
  let pagefind: Pagefind;
  try {
    pagefind = await loadPagefind(root.dataset.bundle!, root.dataset.base!);
  } catch {
    status.textContent = 'The search index could not be loaded: was the site built with deploy-evidence build?';
    done();
    return;
  }
  const candidates = await candidatesOf(pagefind, needles);
  if (candidates.length > 0) status.textContent = `Reading the ${candidates.length} ${candidates.length === 1 ? 'deployment' : 'deployments'} the index answers for “${query}”…`;
  const fragments = await loadAll(candidates, async (r) => {
    const fragment = await r.data();
    return { id: r.id, fragment, words: wordsOf(fragment.content) };
  });
  const noForms = () => null;
  const judged = fragments.map((f) => ({ ...f, judgement: judgeRecord(f.words, needles, noForms) as Judgement }));
  // Another form of a word is asked of pagefind only for what is neither a match nor a longer word.
  const unjudged = new Map(judged.filter((j) => j.judgement.kind === 'none').map((j) => [j.id, j.words] as const));
  if (unjudged.size > 0 && needles.some((n) => n.kind === 'word')) {
    const forms = await otherForms(pagefind, needles, unjudged);
    for (const j of judged) if (j.judgement.kind === 'none') j.judgement = judgeRecord(j.words, needles, (n) => forms.get(n.text)?.get(j.id) ?? null);
  }
  const matches = judged.filter((j) => j.judgement.kind === 'match');
  const looser = judged.flatMap((j) => (j.judgement.kind === 'looser' ? [{ ...j, looser: j.judgement.looser }] : []));
  status.textContent = matchCount(matches.length, query);
  const phrases = needles.map((n) => n.text);
  paged(list, more, matches, (m) => resultItem(m.fragment, phrases, null));
  if (looser.length > 0) {
    looserPart.hidden = false;
    looserPart.querySelector('.search-looser-summary')!.textContent = looserSummary(looser.length, matches.length, looser.flatMap((l) => l.looser));
    const marked = (l: readonly Looser[]) => [...phrases.filter((p) => !l.some((x) => x.needle.text === p)), ...l.flatMap((x) => x.words)];
    paged(looserPart.querySelector<HTMLElement>('ol')!, looserPart.querySelector<HTMLButtonElement>('button')!, looser, (l) => resultItem(l.fragment, marked(l.looser), looserLabel(l.looser)));
  }
  done();
}

const root = document.getElementById('search');
if (root) void run(root);
