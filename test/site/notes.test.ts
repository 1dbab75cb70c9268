/**
 * `notes.mdx` arrives by pull request like any evidence file: it is parsed as MDX and rendered as
 * Markdown only. Anything that would run — an import, an expression, a component or HTML tag — is
 * refused naming its line, and the note is kept as plain text; link targets are sanitized.
 */
import { describe, expect, it } from 'vitest';
import { renderNotes } from '../../src/site/notes.ts';

describe('deployment notes (notes.mdx)', () => {
  it('renders Markdown with GFM tables, headings under the report\'s own', () => {
    const notes = renderNotes('# Observed\n\nThe **p95** stayed low.\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n');
    expect(notes.problem).toBeNull();
    expect(notes.html).toContain('<h3>Observed</h3>');
    expect(notes.html).toContain('<strong>p95</strong>');
    expect(notes.html).toContain('<td>2</td>');
  });

  it.each([
    ['import fs from "node:fs"\n\nHello', 'line 1 has an import or export'],
    ['Fine.\n\n{globalThis.__notesRan = true}\n', 'line 3 has an {expression}'],
    ['Inline {globalThis.__notesRan = true} too', 'line 1 has an {expression}'],
    ['Text\n\n<script>globalThis.__notesRan = true</script>\n', 'line 3 has a component or HTML tag'],
    ['<img src="x" onerror="alert(1)" />', 'line 1 has a component or HTML tag'],
    ['export const x = 1', 'line 1 has an import or export'],
  ])('refuses what would run, keeping the text: %j', (text, problem) => {
    const notes = renderNotes(text);
    expect(notes.html).toBeNull();
    expect(notes.problem).toContain(problem);
    expect(notes.text).toBe(text);
    expect((globalThis as { __notesRan?: boolean }).__notesRan).toBeUndefined();
  });

  it('keeps a note that is not valid MDX as text, saying why', () => {
    const notes = renderNotes('An unclosed {brace\n');
    expect(notes.html).toBeNull();
    expect(notes.problem).toMatch(/not valid MDX/);
  });

  it('drops javascript: and data: link targets, keeps http(s) links', () => {
    const notes = renderNotes('[bad](javascript:alert(1)) [data](data:text/html,hi) [ok](https://example.com/t/1)');
    expect(notes.html).not.toMatch(/javascript:|data:text/);
    expect(notes.html).toContain('<a href="https://example.com/t/1">ok</a>');
  });
});
