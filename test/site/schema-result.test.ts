/**
 * A schema snapshot's result as a reader sees it (issue 28): the change report, side by side on
 * the check's page, and drift — with hostile object names (quotes, a newline, markup, unicode)
 * rendered as text, never as markup. Through the same view model as the pages, with Astro's
 * container API; the change report is made by the real diff.
 */
import { experimental_AstroContainer as AstroContainer } from 'astro/container';
import { describe, expect, it } from 'vitest';
import CheckResult from '../../src/components/CheckResult.astro';
import type { CatalogObject, ResultOf } from '../../src/format/index.ts';
import { diffCatalogs } from '../../src/core/schema-diff/diff.ts';
import { lineDiff, MAX_CELLS } from '../../src/core/schema-diff/line-diff.ts';
import { resultView } from '../../src/site/view-models/results/registry.ts';
import { visibleText } from '../harness/rendered-text.ts';

const container = await AstroContainer.create();
const HOSTILE = 'x"y\n<img src=x onerror=alert(1)>ü✓';

const table = (name: string, type: string, relfilenode: string): CatalogObject => ({
  kind: 'table', schema: 'public', name, table: null, definition: null, owner: 'app', grants: null, relfilenode, estimatedRows: 10,
  columns: [{ name: HOSTILE, type, notNull: true, default: null, identity: null }],
});
const view = (definition: string): CatalogObject => ({ kind: 'view', schema: 'public', name: `v_${HOSTILE}`, table: null, definition, columns: [], owner: 'app', grants: ['app=arwdDxt/app'], relfilenode: null, estimatedRows: null });

const before = [table(HOSTILE, 'integer', '1'), view(' SELECT 1 AS a,\n    2 AS b;')];
const after = [table(HOSTILE, 'bigint', '2'), view(' SELECT 1 AS a,\n    3 AS b;')];
const result: ResultOf<'schema'> = {
  kind: 'schema', schemas: ['public'], objects: after, objectsTotal: 2,
  changes: { from: 'schema-before', entries: diffCatalogs(before, after, { storage: true }) },
  drift: { against: null, noBaseline: 'no earlier deployment in this environment', entries: [] },
};

async function html(compact: boolean): Promise<string> {
  return container.renderToString(CheckResult, { props: { result: resultView(result, { truncation: null, tableLimit: 100, checkId: 'schema-after' }), checkId: 'schema-after', compact } });
}

describe('schema result', () => {
  it('names the retyped column, the rewrite and the changed view, and says there is no baseline', async () => {
    const text = visibleText(await html(true));
    expect(text).toContain('Rewritten (new storage): table public.x"y <img src=x onerror=alert(1)>ü✓.');
    expect(text).toContain('Drift: no baseline — no earlier deployment in this environment.');
    expect(text).toContain('integer NOT NULL → bigint NOT NULL');
    expect(text).toContain('definition changed');
    // The report shows the table only: side by side is the check's page.
    expect(text).not.toContain('before and after');
  });

  it('renders hostile names as text on the check page, side by side, with the line diff of the view', async () => {
    const page = await html(false);
    // No element made of a name: outside attribute values (where `"` is escaped and `<` is text) there is no <img.
    expect(page.replace(/"[^"]*"/g, '""')).not.toContain('<img');
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
    const text = visibleText(page);
    expect(text).toContain('changed view public.v_x"y');
    expect(text).toContain('Before');
    expect(text).toContain('After');
    expect(text).toContain('- 2 AS b;');
    expect(text).toContain('+ 3 AS b;');
  });

  it('diffs lines exactly, and past the ceiling shows all before removed and all after added', () => {
    expect(lineDiff('a\nb\nc', 'a\nx\nc')).toEqual([{ op: 'same', text: 'a' }, { op: 'removed', text: 'b' }, { op: 'added', text: 'x' }, { op: 'same', text: 'c' }]);
    const n = Math.ceil(Math.sqrt(MAX_CELLS)) + 1;
    const big = (tag: string) => Array.from({ length: n }, (_, i) => `${tag}${i}`).join('\n');
    const diff = lineDiff(`head\n${big('a')}`, `head\n${big('b')}`);
    expect(diff[0]).toEqual({ op: 'same', text: 'head' });
    expect(diff.filter((l) => l.op === 'removed')).toHaveLength(n);
    expect(diff.filter((l) => l.op === 'added')).toHaveLength(n);
  });
});
