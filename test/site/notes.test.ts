/**
 * `notes.mdx` arrives by pull request like any evidence file: it is parsed as MDX and rendered as
 * Markdown only. Anything that would run — an import, an expression, a component or HTML tag — is
 * refused naming its line, and the note is kept as plain text; link targets are sanitized.
 */
import { experimental_AstroContainer as AstroContainer } from 'astro/container';
import { describe, expect, it } from 'vitest';
import DeploymentNotes from '../../src/components/DeploymentNotes.astro';
import { renderNotes } from '../../src/site/notes.ts';

const container = await AstroContainer.create();
/** The note as the report shows it. */
const shown = (text: string) => container.renderToString(DeploymentNotes, { props: { deploymentId: 'd-1', notes: renderNotes(text) } });

describe('deployment notes (notes.mdx)', () => {
  it('renders Markdown with GFM tables, headings under the report\'s own, in a frame marked annotation', async () => {
    const text = '# Observed\n\nThe **p95** stayed low & fine.\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n\n---\n\nline one  \nline two\n';
    expect(renderNotes(text).problem).toBeNull();
    const html = await shown(text);
    expect(html).toContain('Notes (annotation)');
    expect(html).toContain('href="/evidence/d-1/notes.mdx"');
    expect(html).toContain('<h3>Observed</h3>');
    expect(html).toContain('<strong>p95</strong> stayed low &amp; fine');
    expect(html).toContain('<td>2</td>');
    expect(html).toMatch(/<hr\s*\/?>/);
    expect(html).not.toContain('</hr>');
    expect(html).toMatch(/line one<br\s*\/?>/);
  });

  it.each([
    ['import fs from "node:fs"\n\nHello', 'line 1 has an import or export'],
    ['Fine.\n\n{globalThis.__notesRan = true}\n', 'line 3 has an {expression}'],
    ['Inline {globalThis.__notesRan = true} too', 'line 1 has an {expression}'],
    ['Text\n\n<script>globalThis.__notesRan = true</script>\n', 'line 3 has a component or HTML tag'],
    ['<img src="x" onerror="alert(1)" />', 'line 1 has a component or HTML tag'],
    ['export const x = 1', 'line 1 has an import or export'],
  ])('refuses what would run, keeping the text: %j', async (text, problem) => {
    const notes = renderNotes(text);
    expect(notes.nodes).toBeNull();
    expect(notes.problem).toContain(problem);
    expect(notes.text).toBe(text);
    const html = await shown(text);
    expect(html).toContain('This note is shown as plain text');
    expect(html).not.toMatch(/<script>|<img/);
    expect((globalThis as { __notesRan?: boolean }).__notesRan).toBeUndefined();
  });

  it('keeps a note that is not valid MDX as text, saying why', () => {
    const notes = renderNotes('An unclosed {brace\n');
    expect(notes.nodes).toBeNull();
    expect(notes.problem).toMatch(/not valid MDX/);
  });

  it('drops javascript: and data: link targets, keeps http(s) links', async () => {
    const html = await shown('[bad](javascript:alert(1)) [data](data:text/html,hi) [ok](https://example.com/t/1) ![x](javascript:alert(2))');
    expect(html).not.toMatch(/javascript:|data:text/);
    expect(html).toContain('<a href="https://example.com/t/1">ok</a>');
  });
});
