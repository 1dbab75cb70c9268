/**
 * Where a search's words stand in one deployment's search record, check by check (issue 26: an
 * auditor searching a view's name must see every check whose SQL names it, not one).
 *
 * pagefind finds candidate records (src/site/client/search.ts), judged on their own text
 * (search-query.ts); its exact mode gives the first place in a record only, so its sub-results
 * would list one check. The record's text (the fragment's `content`) and its headings (`anchors`, one per check, its id the
 * check id) are in what pagefind returns: the places are found here, in that text, as a phrase
 * standing on its own (`attempt` in `FROM attempt`, `'public.attempt'`; not in `attempt_no`),
 * whatever the case. Each section gets an excerpt of the words around its first place, within the
 * section: never the end of the check before it.
 *
 * Pure: no DOM, so the tests run it on a record as pagefind returns it.
 */

import { placesOf, wordsOf } from './search-query.ts';

/** A record as pagefind's fragment holds it: its words, split as pagefind splits them, and its headings with the word they start at. */
export interface SearchedRecord {
  content: string;
  anchors: readonly { element: string; id?: string; text?: string; location: number }[];
  /** The record's title (its first heading, which has no anchor): the words the record opens with. */
  title: string;
}

export interface Excerpt {
  /** Stretches of words, matched (`marked`) or not. */
  parts: { text: string; marked: boolean }[];
  /** Words of the section left out before and after the excerpt. */
  cutBefore: boolean;
  cutAfter: boolean;
}

/** The places in one section of a record: the deployment's head (`anchorId` null) or one check. */
export interface SectionMatch {
  anchorId: string | null;
  title: string;
  places: number;
  /** Null when the words stand only in the section's title. */
  excerpt: Excerpt | null;
}

/** pagefind's own split of a record into words (its `word_separators`): locations count these. */
const WORD_SEPARATORS = /[^\S\uFEFF]+/;
/** Words an excerpt shows. */
const EXCERPT_WORDS = 30;
/** Of which before the first place. */
const LEAD_WORDS = 5;

/** The query as a phrase to find: quotes around it dropped, spaces collapsed, lower case. */
export function phraseOf(query: string): string {
  return query.trim().replace(/^"(.*)"$/s, '$1').replaceAll('"', '').trim().split(WORD_SEPARATORS).join(' ').toLowerCase();
}

function excerptOf(words: readonly string[], marked: ReadonlySet<number>, from: number, to: number, firstPlace: number | null): Excerpt | null {
  if (from >= to) return null;
  const start = firstPlace === null ? from : Math.max(from, Math.min(firstPlace - LEAD_WORDS, to - EXCERPT_WORDS));
  const end = Math.min(to, start + EXCERPT_WORDS);
  const parts: Excerpt['parts'] = [];
  const push = (text: string, isMarked: boolean) => {
    const last = parts.at(-1);
    if (last && last.marked === isMarked) last.text += text;
    else parts.push({ text, marked: isMarked });
  };
  for (let i = start; i < end; i += 1) {
    // The space between two words of one place is part of the mark.
    if (i > start) push(' ', marked.has(i - 1) && marked.has(i));
    push(words[i]!, marked.has(i));
  }
  return { parts, cutBefore: start > from, cutAfter: end < to };
}

/**
 * The sections of a record where the phrase stands (or any of several phrases: the words of a
 * query each searched whole, marked together), in the record's order: the head (what the report's
 * header says) first when it holds it outside the title, then each check.
 */
export function sectionMatches(record: SearchedRecord, query: string | readonly string[]): SectionMatch[] {
  const phrases = (typeof query === 'string' ? [phraseOf(query)] : query).filter(Boolean);
  if (phrases.length === 0) return [];
  const words = wordsOf(record.content);
  const places = phrases.flatMap((phrase) => placesOf(words, phrase)).sort((a, b) => a.first - b.first || a.last - b.last);
  if (places.length === 0) return [];
  const anchors = record.anchors.filter((a) => /^h\d$/i.test(a.element) && a.id && a.text?.trim()).sort((a, b) => a.location - b.location);
  const bounds = [
    { anchorId: null, title: record.title, from: 0, bodyFrom: record.title.trim() ? record.title.trim().split(WORD_SEPARATORS).length : 0 },
    ...anchors.map((a) => ({ anchorId: a.id!, title: a.text!.trim(), from: a.location, bodyFrom: a.location + a.text!.trim().split(WORD_SEPARATORS).length })),
  ];
  const matches: SectionMatch[] = [];
  let next = 0;
  for (let s = 0; s < bounds.length; s += 1) {
    const section = bounds[s]!;
    const to = bounds[s + 1]?.from ?? words.length;
    const inSection: { first: number; last: number }[] = [];
    while (next < places.length && places[next]!.first < to) {
      if (places[next]!.first >= section.from) inSection.push(places[next]!);
      next += 1;
    }
    if (inSection.length === 0) continue;
    const marked = new Set<number>();
    for (const p of inSection) for (let i = p.first; i <= p.last; i += 1) marked.add(i);
    const inBody = inSection.find((p) => p.first >= section.bodyFrom);
    // The head's title is the result's own link: a place only there needs no excerpt, nor a line of its own.
    if (section.anchorId === null && !inBody) continue;
    matches.push({ anchorId: section.anchorId, title: section.title, places: inSection.length, excerpt: excerptOf(words, marked, section.bodyFrom, to, inBody?.first ?? null) });
  }
  return matches;
}
