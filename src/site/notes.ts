/**
 * `evidence/<id>/notes.mdx`: notes a team writes after collection (what was observed, a follow-up
 * ticket). They arrive by pull request like every evidence file, so they are read as MDX but
 * rendered as Markdown only: an import, an export, a `{expression}` or a `<Component>` would run
 * code in the build or in the reader's browser, and is refused — the note is then shown as its
 * plain text, with the line that was refused. Links keep to GitHub's sanitizing rules.
 */
import type { Root as HastRoot } from 'hast';
import { toHtml } from 'hast-util-to-html';
import { defaultSchema, sanitize } from 'hast-util-sanitize';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { mdxFromMarkdown } from 'mdast-util-mdx';
import { toHast } from 'mdast-util-to-hast';
import { gfm } from 'micromark-extension-gfm';
import { mdxjs } from 'micromark-extension-mdxjs';
import { visit } from 'unist-util-visit';

export type RenderedNotes = { html: string; problem: null; text: string } | { html: null; problem: string; text: string };

const CODE_NODES = new Set(['mdxjsEsm', 'mdxFlowExpression', 'mdxTextExpression', 'mdxJsxFlowElement', 'mdxJsxTextElement']);

export function renderNotes(text: string): RenderedNotes {
  let tree;
  try {
    tree = fromMarkdown(text, { extensions: [mdxjs(), gfm()], mdastExtensions: [mdxFromMarkdown(), gfmFromMarkdown()] });
  } catch (error) {
    return { html: null, problem: `not valid MDX: ${(error as Error).message}`, text };
  }
  let refused: string | null = null;
  visit(tree, (node) => {
    if (refused === null && CODE_NODES.has(node.type)) {
      const what = node.type === 'mdxjsEsm' ? 'an import or export' : node.type.startsWith('mdxJsx') ? 'a component or HTML tag' : 'an {expression}';
      refused = `line ${node.position?.start.line ?? '?'} has ${what}: notes are Markdown only, nothing in them runs`;
    }
  });
  if (refused !== null) return { html: null, problem: refused, text };
  // Headings inside a note sit under the report's own: # becomes an h3.
  visit(tree, 'heading', (heading) => {
    heading.depth = Math.min(6, heading.depth + 2) as typeof heading.depth;
  });
  const hast = sanitize(toHast(tree) as HastRoot, defaultSchema);
  return { html: toHtml(hast), problem: null, text };
}
