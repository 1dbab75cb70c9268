/**
 * `evidence/<id>/notes.mdx`: notes a team writes after collection (what was observed, a follow-up
 * ticket). They arrive by pull request like every evidence file, so they are read as MDX but
 * rendered as Markdown only: an import, an export, a `{expression}` or a `<Component>` would run
 * code in the build or in the reader's browser, and is refused — the note is then shown as its
 * plain text, with the line that was refused. Links keep to GitHub's sanitizing rules, and then
 * to the site: a link or an image may point only inside it (DESIGN.md: nothing on a page is
 * fetched from another host). An image elsewhere would be fetched by every reader who opens the
 * report — a tracking pixel, or a GET to an internal address from an auditor's browser (issue 25)
 * — and a link elsewhere leaves the audit trail: both are shown as their text and their address,
 * neither loaded nor linked. The page's Content-Security-Policy refuses such an image too.
 */
import type { Element, ElementContent, Root as HastRoot } from 'hast';
import { defaultSchema, sanitize } from 'hast-util-sanitize';
import { find, html as htmlSpace } from 'property-information';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { mdxFromMarkdown } from 'mdast-util-mdx';
import { toHast } from 'mdast-util-to-hast';
import { gfm } from 'micromark-extension-gfm';
import { mdxjs } from 'micromark-extension-mdxjs';
import { visit } from 'unist-util-visit';
import { underBase } from './routes.ts';

/**
 * The sanitized note as plain data — an element's tag, its attributes as HTML names, its
 * children; text as strings — which NoteNodes.astro renders through Astro's own escaping, so
 * the site never injects HTML (no set:html anywhere).
 */
export type NoteNode = string | { tag: string; attrs: Record<string, string | boolean>; children: NoteNode[] };

export type RenderedNotes = { nodes: NoteNode[]; problem: null; text: string } | { nodes: null; problem: string; text: string };

const CODE_NODES = new Set(['mdxjsEsm', 'mdxFlowExpression', 'mdxTextExpression', 'mdxJsxFlowElement', 'mdxJsxTextElement']);

/**
 * `where.page`: the path from the site's root of the page the note is shown on (the report,
 * `/deployments/<id>/`), against which a relative address in the note is read; `where.base`: the
 * path the site is published under (by default the build's, `--base`).
 */
export function renderNotes(text: string, where: { page: string; base?: string }): RenderedNotes {
  let tree;
  try {
    tree = fromMarkdown(text, { extensions: [mdxjs(), gfm()], mdastExtensions: [mdxFromMarkdown(), gfmFromMarkdown()] });
  } catch (error) {
    return { nodes: null, problem: `not valid MDX: ${(error as Error).message}`, text };
  }
  let refused: string | null = null;
  visit(tree, (node) => {
    if (refused === null && CODE_NODES.has(node.type)) {
      const what = node.type === 'mdxjsEsm' ? 'an import or export' : node.type.startsWith('mdxJsx') ? 'a component or HTML tag' : 'an {expression}';
      refused = `line ${node.position?.start.line ?? '?'} has ${what}: notes are Markdown only, nothing in them runs`;
    }
  });
  if (refused !== null) return { nodes: null, problem: refused, text };
  // Headings inside a note sit under the report's own: # becomes an h3.
  visit(tree, 'heading', (heading) => {
    heading.depth = Math.min(6, heading.depth + 2) as typeof heading.depth;
  });
  const hast = sanitize(toHast(tree) as HastRoot, defaultSchema) as HastRoot;
  const kept = hast.children.flatMap((child) => keepToSite(child as ElementContent, where));
  return { nodes: kept.flatMap((child) => toNode(child)), problem: null, text };
}

// Two made-up origins, with different schemes: an address is inside the site only if it stays on
// whichever origin the note is read from — a relative path does; anything naming a scheme or a
// host does not (`https:`, `mailto:`, `//host`, `/\host`, these spelled with tabs or newlines,
// and `https:/host`, which a browser reads as a path only on a page of the same scheme).
const SITE_A = 'https://site-a.invalid';
const SITE_B = 'http://site-b.invalid';

/**
 * A note's link or image address as the path it names on this site, under the base the site is
 * published at; null when it names anything else. A fragment stays on the page. A path from the
 * root (`/deployments/x/`) is from the site's root, wherever it is published (`--base`); a
 * relative one is read from the page the note is on; `..` never climbs above the site's root.
 */
export function insideSite(address: string, where: { page: string; base?: string }): string | null {
  if (address.startsWith('#')) return address;
  let a: URL;
  let b: URL;
  try {
    a = new URL(address, `${SITE_A}${where.page}`);
    b = new URL(address, `${SITE_B}${where.page}`);
  } catch {
    return null;
  }
  if (a.origin !== SITE_A || b.origin !== SITE_B || a.username !== '' || a.password !== '') return null;
  return `${underBase(a.pathname, where.base)}${a.search}${a.hash}`;
}

const text = (value: string): ElementContent => ({ type: 'text', value });
const element = (tagName: string, className: string, children: ElementContent[]): Element => ({ type: 'element', tagName, properties: { className: [className] }, children });

/** Shown in place of a link or an image that points off the site: what it says, and where it points, as text. */
function offSite(shown: ElementContent[], address: string, what: 'not linked' | 'not loaded'): Element {
  const said = shown.map(textOf).join('');
  // An autolink says its own address: as written, or without the http:// (`www.`) or mailto: GFM adds.
  const repeated = address === said || address === `http://${said}` || address === `mailto:${said}`;
  return element('span', 'note-offsite', [
    ...shown,
    text(' ('),
    ...(repeated ? [] : [element('code', 'note-address', [text(address)]), text(', ')]),
    text(`${what}: outside this site)`),
  ]);
}

function textOf(node: ElementContent): string {
  if (node.type === 'text') return node.value;
  if (node.type === 'element') return node.tagName === 'img' ? String(node.properties.alt ?? '') : node.children.map(textOf).join('');
  return '';
}

/**
 * The sanitized note with every address kept to the site: a link or image inside it points at its
 * path under the base; one outside it is shown as text. Markdown gives addresses only to `a` and
 * `img`; any other attribute that names one (`cite`, `longdesc`) is dropped.
 */
function keepToSite(node: ElementContent, where: { page: string; base?: string }): ElementContent[] {
  if (node.type !== 'element') return [node];
  const children = node.children.flatMap((child) => keepToSite(child, where));
  const { href, src, cite: _cite, longDesc: _longDesc, ...properties } = node.properties;
  if (node.tagName === 'a') {
    // No address left (the sanitizer removed a javascript: one): its text alone.
    if (typeof href !== 'string') return children;
    const inside = insideSite(href, where);
    return [inside === null ? offSite(children, href, 'not linked') : { ...node, properties: { ...properties, href: inside }, children }];
  }
  if (node.tagName === 'img') {
    const alt = typeof properties.alt === 'string' && properties.alt !== '' ? properties.alt : 'image';
    if (typeof src !== 'string') return [text(`[${alt}]`)];
    const inside = insideSite(src, where);
    return [inside === null ? offSite([text(`[image: ${alt}]`)], src, 'not loaded') : { ...node, properties: { ...properties, src: inside }, children }];
  }
  return [{ ...node, properties, children }];
}

function toNode(node: ElementContent): NoteNode[] {
  if (node.type === 'text') return [node.value];
  if (node.type !== 'element') return [];
  const attrs: Record<string, string | boolean> = {};
  for (const [property, value] of Object.entries(node.properties)) {
    if (value === null || value === undefined || value === false) continue;
    const info = find(htmlSpace, property);
    attrs[info.attribute] = Array.isArray(value) ? value.join(info.commaSeparated ? ', ' : ' ') : value === true ? true : String(value);
  }
  return [{ tag: node.tagName, attrs, children: node.children.flatMap((child) => toNode(child)) }];
}
