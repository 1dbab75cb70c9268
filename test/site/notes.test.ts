/**
 * `notes.mdx` arrives by pull request like any evidence file: it is parsed as MDX and rendered as
 * Markdown only. Anything that would run — an import, an expression, a component or HTML tag — is
 * refused naming its line, and the note is kept as plain text; link targets are sanitized, and a
 * link or image may point only inside the site (issue 25): anything else is shown as text.
 */
import { experimental_AstroContainer as AstroContainer } from 'astro/container';
import { describe, expect, it } from 'vitest';
import DeploymentNotes from '../../src/components/DeploymentNotes.astro';
import { insideSite, renderNotes } from '../../src/site/notes.ts';

const container = await AstroContainer.create();
/** The report the note is on. */
const PAGE = '/deployments/d-1/';
const render = (text: string) => renderNotes(text, { page: PAGE });
/** The note as the report shows it. */
const shown = (text: string) => container.renderToString(DeploymentNotes, { props: { deploymentId: 'd-1', notes: render(text) } });

describe('deployment notes (notes.mdx)', () => {
  it('renders Markdown with GFM tables, headings under the report\'s own, in a frame marked annotation', async () => {
    const text = '# Observed\n\nThe **p95** stayed low & fine.\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n\n---\n\nline one  \nline two\n';
    expect(render(text).problem).toBeNull();
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
    const notes = render(text);
    expect(notes.nodes).toBeNull();
    expect(notes.problem).toContain(problem);
    expect(notes.text).toBe(text);
    const html = await shown(text);
    expect(html).toContain('This note is shown as plain text');
    expect(html).not.toMatch(/<script>|<img/);
    expect((globalThis as { __notesRan?: boolean }).__notesRan).toBeUndefined();
  });

  it('keeps a note that is not valid MDX as text, saying why', () => {
    const notes = render('An unclosed {brace\n');
    expect(notes.nodes).toBeNull();
    expect(notes.problem).toMatch(/not valid MDX/);
  });

  it('drops javascript: and data: link targets, leaving their text', async () => {
    const html = await shown('[bad](javascript:alert(1)) [data](data:text/html,hi) ![x](javascript:alert(2))');
    expect(html).toContain('<div class="annotation-body"><p>bad data [x]</p></div>');
  });

  it('links and shows images inside the site: a path from the site\'s root, a relative path read from the report, a fragment', async () => {
    const html = await shown(
      '[other](/deployments/d-2/) [check](checks/row-count/) [up](../d-0/#perf) [raw](/evidence/d-1/manifest.json?x=1) [foot](#notes) ![chart](/evidence/d-1/chart.png) [climb](../../../../../etc/passwd)',
    );
    expect(html).toContain('<a href="/deployments/d-2/">other</a>');
    expect(html).toContain('<a href="/deployments/d-1/checks/row-count/">check</a>');
    expect(html).toContain('<a href="/deployments/d-0/#perf">up</a>');
    expect(html).toContain('<a href="/evidence/d-1/manifest.json?x=1">raw</a>');
    expect(html).toContain('<a href="#notes">foot</a>');
    expect(html).toContain('<img alt="chart" src="/evidence/d-1/chart.png"/>');
    // Markdown encodes a backslash that a browser would read as a slash: a path on the site.
    expect(await shown('![b](/\\evil.example/b.png)')).toContain('<img alt="b" src="/%5Cevil.example/b.png"/>');
    // `..` never climbs above the site's root.
    expect(html).toContain('<a href="/etc/passwd">climb</a>');
  });

  // The attack of issue 25, and the other ways Markdown names another host.
  const REMOTE = [
    ['an image', '![x](https://evil.example/track.png)', 'https://evil.example/track.png'],
    ['an image at an internal address', '![y](http://10.0.0.1/x.gif)', 'http://10.0.0.1/x.gif'],
    ['a reference-style image', '![z][pixel]\n\n[pixel]: https://evil.example/ref.png', 'https://evil.example/ref.png'],
    ['a protocol-relative image', '![p](//evil.example/p.png)', '//evil.example/p.png'],
    ['a link', '[ticket](https://tickets.example/T-1)', 'https://tickets.example/T-1'],
    ['a reference-style link', '[ticket][t]\n\n[t]: http://127.0.0.2:9/t', 'http://127.0.0.2:9/t'],
    ['a GFM autolink', 'see https://evil.example/auto for more', 'https://evil.example/auto'],
    ['a www. autolink', 'see www.evil.example/www for more', 'www.evil.example/www'],
    ['an e-mail autolink', 'ask ops@evil.example now', 'ops@evil.example'],
    ['a linked remote image', '[![x](https://evil.example/in.png)](https://evil.example/out)', 'https://evil.example/in.png'],
    ['a link with credentials', '[c](https://user:pw@evil.example/)', 'evil.example'],
  ] as const;

  it.each(REMOTE)('shows %s pointing off the site as text, neither loaded nor linked', async (_what, text, address) => {
    const html = await shown(text);
    expect(html).not.toMatch(/<img\b/);
    expect(html).not.toMatch(/<a\b(?![^>]*href="\/evidence\/d-1\/notes\.mdx")[^>]*>/);
    expect(html).toContain(address.replaceAll('&', '&amp;'));
    expect(html).toMatch(/(not loaded|not linked): outside this site/);
  });

  it('says what an off-site image or link was, once', async () => {
    const html = await shown('![pixel](https://evil.example/t.png) [ticket T-1](https://tickets.example/T-1) https://auto.example/x');
    expect(html).toContain('[image: pixel] (<code class="note-address">https://evil.example/t.png</code>, not loaded: outside this site)');
    expect(html).toContain('ticket T-1 (<code class="note-address">https://tickets.example/T-1</code>, not linked: outside this site)');
    // An autolink already says its address.
    expect(html).toContain('https://auto.example/x (not linked: outside this site)');
  });

  it('keeps an address inside the site only if it names no scheme and no host, however it is spelled', () => {
    const page = { page: '/deployments/d-1/' };
    for (const address of ['https://evil.example/', 'HTTP://evil.example', '//evil.example/x', '/\\evil.example/x', '\\\\evil.example', '/\t/evil.example', ' //evil.example', 'https://site-a.invalid/x', 'http://site-b.invalid/x', 'mailto:a@b.example', 'data:image/png;base64,AAAA', 'javascript:alert(1)', 'file:///etc/passwd', 'http:evil.example', 'https:/evil.example']) {
      expect(insideSite(address, page), JSON.stringify(address)).toBeNull();
    }
    expect(insideSite('/deployments/x/', page)).toBe('/deployments/x/');
    expect(insideSite('x/y?q=1#h', page)).toBe('/deployments/d-1/x/y?q=1#h');
    expect(insideSite('#h', page)).toBe('#h');
  });

  it('points inside the site under the base it is published at (--base /audit/)', async () => {
    const notes = renderNotes('[other](/deployments/d-2/) [check](checks/x/) [climb](../../../../y/) ![i](/evidence/d-1/a.png) [here](#top)', { page: PAGE, base: '/audit/' });
    const html = await container.renderToString(DeploymentNotes, { props: { deploymentId: 'd-1', notes } });
    expect(html).toContain('<a href="/audit/deployments/d-2/">other</a>');
    expect(html).toContain('<a href="/audit/deployments/d-1/checks/x/">check</a>');
    expect(html).toContain('<a href="/audit/y/">climb</a>');
    expect(html).toContain('<img alt="i" src="/audit/evidence/d-1/a.png"/>');
    expect(html).toContain('<a href="#top">here</a>');
  });
});
