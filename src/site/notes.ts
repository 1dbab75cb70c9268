/**
 * `evidence/<id>/notes.mdx`: notes a team writes after collection (what was observed, a follow-up
 * ticket). They arrive by pull request like every evidence file, so they are read as MDX but
 * rendered as Markdown only: an import, an export, a `{expression}` or a `<Component>` would run
 * code in the build or in the reader's browser, and is refused — the note is then shown as its
 * plain text, with the line that was refused. Links keep to GitHub's sanitizing rules.
 */
import type { ElementContent, Root as HastRoot } from 'hast';
import { defaultSchema, sanitize } from 'hast-util-sanitize';
import { find, html as htmlSpace } from 'property-information';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { mdxFromMarkdown } from 'mdast-util-mdx';
import { toHast } from 'mdast-util-to-hast';
import { gfm } from 'micromark-extension-gfm';
import { mdxjs } from 'micromark-extension-mdxjs';
import { visit } from 'unist-util-visit';

/**
 * The sanitized note as plain data — an element's tag, its attributes as HTML names, its
 * children; text as strings — which NoteNodes.astro renders through Astro's own escaping, so
 * the site never injects HTML (no set:html anywhere).
 */
export type NoteNode = string | { tag: string; attrs: Record<string, string | boolean>; children: NoteNode[] };

export type RenderedNotes = { nodes: NoteNode[]; problem: null; text: string } | { nodes: null; problem: string; text: string };

const CODE_NODES = new Set(['mdxjsEsm', 'mdxFlowExpression', 'mdxTextExpression', 'mdxJsxFlowElement', 'mdxJsxTextElement']);

export function renderNotes(text: string): RenderedNotes {
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
  return { nodes: hast.children.flatMap((child) => toNode(child as ElementContent)), problem: null, text };
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
