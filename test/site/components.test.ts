/** Components render view models; text from evidence is always text (Astro container API). */
import { experimental_AstroContainer as AstroContainer } from 'astro/container';
import { describe, expect, it } from 'vitest';
import Code from '../../src/components/Code.astro';
import InlineText from '../../src/components/InlineText.astro';
import ResultTable from '../../src/components/ResultTable.astro';
import StatusBadge from '../../src/components/StatusBadge.astro';
import { tableModel } from '../../src/site/view-models/result-table.ts';

const container = await AstroContainer.create();
const PAYLOAD = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">';

describe('components', () => {
  it('never inject evidence as HTML: no set:html anywhere in the site', async () => {
    const { readdir, readFile } = await import('node:fs/promises');
    const src = new URL('../../src/', import.meta.url).pathname;
    const files = (await readdir(src, { recursive: true })).filter((f) => f.endsWith('.astro'));
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) expect(await readFile(`${src}${file}`, 'utf8'), file).not.toMatch(/set:html|innerHTML/);
  });

  it('ResultTable escapes cell text and shows NULL apart from an empty string', async () => {
    const table = tableModel(
      { kind: 'sql', columns: [{ name: 'v', type: 'text', typeOid: 25 }, { name: 'id', type: 'bigint', typeOid: 20 }], rows: [[PAYLOAD, '9007199254740993'], [null, ''], ['', null]], rowCount: 3, reads: [{ durationMs: 1, rowsSha256: 'x' }] },
      null,
    );
    const html = await container.renderToString(ResultTable, { props: { table, caption: 'payload' } });
    expect(html).not.toContain('<script>window');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;script&gt;window.__xss=1&lt;/script&gt;');
    expect(html).toContain('9007199254740993');
    expect(html).toMatch(/class="cell-null"[^>]*>NULL</);
    expect(html).toMatch(/class="cell-empty"[^>]*>\(empty string\)</);
    expect(html).toContain('<th scope="col">');
  });

  it('Code escapes highlighted text', async () => {
    const html = await container.renderToString(Code, { props: { code: `SELECT '${PAYLOAD}'`, lang: 'sql', label: 'sql' } });
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
    // Coloured by classes: the site's Content-Security-Policy refuses style attributes.
    expect(html).toMatch(/<span class="hl-c-[0-9a-f]+ hl-dc-[0-9a-f]+">/);
    expect(html).not.toContain('style=');
  });

  it('InlineText renders `backticks` as code and everything else as text', async () => {
    const html = await container.renderToString(InlineText, { props: { text: 'run `alembic` <b>now</b>' } });
    expect(html).toContain('<code>alembic</code>');
    expect(html).toContain('&lt;b&gt;now&lt;/b&gt;');
  });

  it('StatusBadge says the status in words, not only in colour', async () => {
    const html = await container.renderToString(StatusBadge, { props: { status: 'fail' } });
    expect(html).toMatch(/data-status="fail"/);
    expect(html).toMatch(/Fail<\/span>$/);
  });
});
