/**
 * What a search asks for and whether a record's own text holds it (src/site/client/search-query.ts,
 * issue 31): every word whole, a quoted phrase in order, an identifier never by its start; a word
 * that only starts a longer word, or another form of it, is a looser hit; anything else none.
 */
import { describe, expect, it } from 'vitest';
import { candidateSearches, discreteParts, isIdentifier, judgeRecord, looserLabel, looserSummary, parseQuery, placesOf, wordsAtLocations, wordsOf } from '../../src/site/client/search-query.ts';

const record = wordsOf("d-1 — PR #3 Digest 9e27e0607bcc4eb23b0321102c4cad16 sql SELECT attempt_no, attempts FROM attempt WHERE to_regclass('public.attempt') deployment 2026-11-25-staging-pr73 run 4f1c2a9e-5b3d-4c8e-9a7f-0d6b2e1c3a55 rows 51750 IRT calibration");
const none = () => null;

describe('a query read as needles', () => {
  it('takes every word on its own, a quoted stretch as one phrase, an unbalanced quote dropped, in lower case', () => {
    expect(parseQuery('IRT  Calibration')).toEqual([{ text: 'irt', kind: 'word' }, { text: 'calibration', kind: 'word' }]);
    expect(parseQuery('"Order   BY completed_at" attempt')).toEqual([{ text: 'order by completed_at', kind: 'phrase' }, { text: 'attempt', kind: 'word' }]);
    expect(parseQuery('attempt "view')).toEqual([{ text: 'attempt', kind: 'word' }, { text: 'view', kind: 'word' }]);
    expect(parseQuery('""  ')).toEqual([]);
  });

  it('recognises identifiers: digests, revision ids, deployment ids, UUIDs, numbers, long hex', () => {
    for (const id of ['9e27e0607bcc4eb23b0321102c4cad16', 'a1b2c3d4e5f6', '2026-11-25-staging-pr73', '4f1c2a9e-5b3d-4c8e-9a7f-0d6b2e1c3a55', '51750', 'pr73', 'deadbeefcafebabe']) expect(isIdentifier(id), id).toBe(true);
    for (const word of ['attempt', 'calibration', 'decade', 'public.attempt']) expect(isIdentifier(word), word).toBe(false);
  });
});

describe('a record judged against the needles', () => {
  it('matches only what stands whole: not the start of a digest, not a near-miss, not a word inside a longer one', () => {
    expect(judgeRecord(record, parseQuery('9E27E0607BCC4EB23B0321102C4CAD16'), none)).toEqual({ kind: 'match' });
    expect(judgeRecord(record, parseQuery('9e27e0607bcc4eb23b0321102c4cad1f'), none)).toEqual({ kind: 'none' });
    expect(judgeRecord(record, parseQuery('9e27e0607bcc'), none)).toEqual({ kind: 'none' });
    expect(judgeRecord(record, parseQuery('5175'), none)).toEqual({ kind: 'none' });
    expect(judgeRecord(record, parseQuery('2026-11-25-staging-pr73'), none)).toEqual({ kind: 'match' });
    expect(judgeRecord(record, parseQuery('2026-11-25-staging-pr7'), none)).toEqual({ kind: 'none' });
    expect(judgeRecord(record, parseQuery('4f1c2a9e-5b3d-4c8e-9a7f-0d6b2e1c3a55'), none)).toEqual({ kind: 'match' });
    expect(judgeRecord(record, parseQuery('public.attempt'), none)).toEqual({ kind: 'match' });
    expect(placesOf(record, 'attempt')).toHaveLength(2);
  });

  it('needs every word of a query, and a quoted phrase in its order', () => {
    expect(judgeRecord(record, parseQuery('calibration IRT'), none)).toEqual({ kind: 'match' });
    expect(judgeRecord(record, parseQuery('"calibration IRT"'), none)).toEqual({ kind: 'none' });
    expect(judgeRecord(record, parseQuery('"IRT calibration"'), none)).toEqual({ kind: 'match' });
    expect(judgeRecord(record, parseQuery('attempt nonexistentzzq'), none)).toEqual({ kind: 'none' });
    expect(judgeRecord(record, parseQuery('nonexistentzzq'), none)).toEqual({ kind: 'none' });
  });

  it('calls a word that only starts longer words, or another form of it, a looser hit, and only a plain word', () => {
    const starts = judgeRecord(record, parseQuery('attem'), none);
    expect(starts).toEqual({ kind: 'looser', looser: [{ needle: { text: 'attem', kind: 'word' }, rule: 'starts', words: ['attempt_no', 'attempts', 'attempt'] }] });
    expect(judgeRecord(record, parseQuery('"attem"'), none)).toEqual({ kind: 'none' });
    expect(judgeRecord(record, parseQuery('9e27'), none)).toEqual({ kind: 'none' });
    const form = judgeRecord(record, parseQuery('calibrations'), (n) => (n.text === 'calibrations' ? ['calibration'] : null));
    expect(form).toEqual({ kind: 'looser', looser: [{ needle: { text: 'calibrations', kind: 'word' }, rule: 'form', words: ['calibration'] }] });
    // A word pagefind answered by its longest-prefix fallback only: neither whole, nor a start, nor a form.
    expect(judgeRecord(record, parseQuery('calibrations'), none)).toEqual({ kind: 'none' });
    expect(judgeRecord(record, parseQuery('IRT calibrations'), (n) => (n.text === 'calibrations' ? [] : null))).toMatchObject({ kind: 'looser', looser: [{ rule: 'form', words: [] }] });
  });

  it('says what a looser hit holds, and that it is not counted', () => {
    const starts = judgeRecord(record, parseQuery('attem'), none);
    if (starts.kind !== 'looser') throw new Error('expected a looser hit');
    expect(looserLabel(starts.looser)).toBe('holds attempt_no, attempts, attempt, not “attem” (words starting with it)');
    expect(looserSummary(3, 0, starts.looser)).toBe('No exact match; 3 deployments contain words starting with “attem” instead.');
    expect(looserSummary(1, 2, starts.looser)).toBe('Not counted as matches: 1 deployment contains words starting with “attem” instead.');
  });

  it('points at the form pagefind found, not at the rest of a compound word', () => {
    const words = wordsOf('see irt-calibration: and calibration_precision=10 and other');
    expect(wordsAtLocations(words, [1, 3, 5], 'calibrations')).toEqual(['calibration', 'calibration_precision']);
  });
});

describe('the searches that find every record holding a word', () => {
  it('splits a word as pagefind splits a compound one: punctuation, case and digit boundaries, parts of two characters or more', () => {
    expect(discreteParts('to_regclass(\'public.attempt\')')).toEqual(['to', 'regclass', 'public', 'attempt']);
    expect(discreteParts('sha256:9e27e06')).toEqual(['sha', '256', '27', '06']);
    expect(discreteParts('WKWebVIEWComponent')).toEqual(['wk', 'web', 'view', 'component']);
    expect(candidateSearches('attempt')).toEqual(['attempt']);
    expect(candidateSearches('public.attempt')).toEqual(['public.attempt', 'public attempt']);
    expect(candidateSearches('ids_digest')).toEqual(['ids_digest', 'ids digest']);
  });
});
