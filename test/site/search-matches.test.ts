/**
 * Where a search's phrase stands in a deployment's search record, check by check
 * (src/site/client/search-matches.ts): every section that holds it, standing on its own, with an
 * excerpt of that section's words only.
 */
import { describe, expect, it } from 'vitest';
import { phraseOf, sectionMatches, type SearchedRecord } from '../../src/site/client/search-matches.ts';

/** A record as pagefind returns it: its words, and each heading's word location. */
function record(title: string, head: string, sections: [id: string, heading: string, body: string][]): SearchedRecord {
  const words: string[] = [...title.split(' '), ...head.split(' ')];
  const anchors: SearchedRecord['anchors'][number][] = [];
  for (const [id, heading, body] of sections) {
    anchors.push({ element: 'h1', id, text: heading, location: words.length });
    words.push(...heading.split(' '), ...body.split(' '));
  }
  return { content: words.join(' '), anchors, title };
}

const text = (m: { excerpt: { parts: { text: string; marked: boolean }[] } | null }) => m.excerpt?.parts.map((p) => (p.marked ? `[${p.text}]` : p.text)).join('');

const deployment = record('d-1 — PR #3 — lock the attempt view', 'Decision: APPROVED Environment staging Digest 6c4edd05', [
  ['row-count', '§4.3 Row count', 'Pass sql SELECT COUNT(*) FROM attempt'],
  ['sample-rows', '§4.2 Newest rows', 'Pass sql SELECT id, attempt_no FROM attempt ORDER BY completed_at DESC LIMIT 5 then ATTEMPT again'],
  ['exists', '§2 The view exists', "Pass sql SELECT to_regclass('public.attempt') IS NOT NULL"],
  ['attempts', '§9 Counting', 'Pass sql SELECT attempts, attempt_no FROM attempts_sample'],
]);

describe('sections where a phrase stands', () => {
  it('finds every check that names it, however often, in any case, and not inside a longer name', () => {
    const found = sectionMatches(deployment, 'attempt');
    expect(found.map((m) => [m.anchorId, m.places])).toEqual([['row-count', 1], ['sample-rows', 2], ['exists', 1]]);
    expect(text(found[1]!)).toBe('Pass sql SELECT id, attempt_no FROM [attempt] ORDER BY completed_at DESC LIMIT 5 then [ATTEMPT] again');
    // Marks are whole words, as pagefind's are.
    expect(text(found[2]!)).toBe("Pass sql SELECT [to_regclass('public.attempt')] IS NOT NULL");
  });

  it('finds an identifier in the head, with its excerpt, and a phrase of several words as one mark', () => {
    expect(sectionMatches(deployment, '6C4EDD05').map((m) => [m.anchorId, text(m)])).toEqual([[null, 'Decision: APPROVED Environment staging Digest [6c4edd05]']]);
    expect(sectionMatches(deployment, '"order by completed_at"').map((m) => text(m))).toEqual(['Pass sql SELECT id, attempt_no FROM attempt [ORDER BY completed_at] DESC LIMIT 5 then ATTEMPT again']);
  });

  it('gives no line to a phrase only in the record\'s title, and no excerpt to one only in a check\'s heading', () => {
    expect(sectionMatches(deployment, 'lock')).toEqual([]);
    expect(sectionMatches(deployment, 'Newest')).toEqual([{ anchorId: 'sample-rows', title: '§4.2 Newest rows', places: 1, excerpt: { parts: [{ text: 'Pass sql SELECT id, attempt_no FROM attempt ORDER BY completed_at DESC LIMIT 5 then ATTEMPT again', marked: false }], cutBefore: false, cutAfter: false } }]);
  });

  it('keeps an excerpt within its own section, cut with the place near its start', () => {
    const long = record('d-2', 'head', [
      ['a', '§1 A', `${'alpha '.repeat(40)}needle ${'omega '.repeat(40)}`.trim()],
      ['b', '§2 B', 'nothing here'],
    ]);
    const [only] = sectionMatches(long, 'needle');
    expect(only?.excerpt).toMatchObject({ cutBefore: true, cutAfter: true });
    expect(text(only!)).toMatch(/^(alpha ){5}\[needle\]( omega){24}$/);
  });

  it('reads the query as a phrase: quotes dropped, spaces collapsed', () => {
    expect(phraseOf('  "Public.Attempt"  ')).toBe('public.attempt');
    expect(phraseOf('order   by')).toBe('order by');
    expect(sectionMatches(deployment, '""')).toEqual([]);
  });
});
