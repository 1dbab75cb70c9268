/**
 * The search page, in the reader's browser: pagefind's static index (written as the site renders
 * by src/integrations/search-index.ts, in parts for a long history), queried with pagefind's own
 * API. A result is a deployment; the checks in it that match come as its sub-results, each opened
 * on the check's own page. Everything shown is set as text.
 *
 * Exact first. pagefind answers a word that no indexed word starts with by the longest prefix
 * that one does (a deliberate fallback of its, with no option to turn it off), and each part of a
 * split index does so on its own: a part without a searched hash answers with pieces of other
 * values, ranked beside the part that holds it. So the query is first searched as a phrase
 * (pagefind's exact mode, `"…"`); only when no part holds it exactly is it searched as words and
 * prefixes — for a reader still typing, or looking for "calibrat…".
 */

interface SubResult {
  title: string;
  url: string;
  excerpt: string;
  locations: number[];
}

interface Fragment {
  url: string;
  meta: { title?: string };
  excerpt: string;
  sub_results?: SubResult[];
}

interface Pagefind {
  options(options: { baseUrl: string }): Promise<void>;
  mergeIndex(bundlePath: string, options: { baseUrl: string }): Promise<void>;
  search(term: string): Promise<{ results: { data(): Promise<Fragment> }[] } | null>;
}

/** Results shown at a time; "More results" shows the next ones. */
const PAGE = 10;
/** Checks listed under a deployment: the ones where the query matches most. */
const CHECKS_SHOWN = 5;

/** A sub-result anchored at a check id (the record's section heading) opens the check's page. */
const checkPage = (url: string) => url.replace(/\/#([a-z0-9-]+)$/, '/checks/$1/');

/** pagefind marks matched words with <mark>; the excerpt is parsed inert and rebuilt from its text and marks only. */
function excerptElement(excerpt: string): HTMLParagraphElement {
  const p = document.createElement('p');
  p.className = 'search-excerpt';
  const parsed = new DOMParser().parseFromString(excerpt, 'text/html');
  for (const node of parsed.body.childNodes) {
    if (node.nodeName === 'MARK') p.append(Object.assign(document.createElement('mark'), { textContent: node.textContent ?? '' }));
    else p.append(node.textContent ?? '');
  }
  return p;
}

function link(href: string, text: string): HTMLAnchorElement {
  const a = document.createElement('a');
  a.className = 'search-result-link';
  a.href = href;
  a.textContent = text;
  return a;
}

function resultItem(fragment: Fragment): HTMLLIElement {
  const item = document.createElement('li');
  item.className = 'search-result';
  item.append(link(fragment.url, fragment.meta.title ?? fragment.url), excerptElement(fragment.excerpt));
  const checks = (fragment.sub_results ?? []).filter((s) => s.url !== fragment.url).sort((a, b) => b.locations.length - a.locations.length).slice(0, CHECKS_SHOWN);
  if (checks.length > 0) {
    const list = item.appendChild(document.createElement('ul'));
    for (const check of checks) list.appendChild(document.createElement('li')).append(link(checkPage(check.url), check.title), excerptElement(check.excerpt));
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
  const exact = await pagefind.search(quoted ? query : `"${query.replaceAll('"', '')}"`);
  const results = exact && exact.results.length > 0 ? exact.results : quoted ? [] : ((await pagefind.search(query))?.results ?? []);
  status.textContent = results.length === 0 ? `No deployment matches “${query}”.` : `${results.length} ${results.length === 1 ? 'deployment matches' : 'deployments match'} “${query}”.`;
  let shown = 0;
  const showMore = async () => {
    const next = await Promise.all(results.slice(shown, shown + PAGE).map((r) => r.data()));
    list.append(...next.map(resultItem));
    shown += next.length;
    more.hidden = shown >= results.length;
  };
  more.addEventListener('click', () => void showMore());
  await showMore();
}

const root = document.getElementById('search');
if (root) void run(root);
