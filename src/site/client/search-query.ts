/**
 * What a search asks for, and whether a deployment's own text holds it (issue 31: search never
 * claims a match that is not there).
 *
 * pagefind only finds candidates (src/site/client/search.ts): it answers a word by every indexed
 * word that starts with it, by another form of it (its stem), and — when no indexed word starts
 * with it — by the longest indexed word it starts with, in each part of a split index on its own,
 * without saying which. So a deployment is a match only when its record's text (the fragment's
 * `content`, the words pagefind indexed) holds every word of the query whole, in any case; a
 * quoted phrase, all its words in that order. What pagefind found by a looser rule is judged here
 * too: a word that only starts a longer word of the record, or another form of it, is a looser
 * hit — listed apart, never counted; anything else pagefind answered is dropped.
 *
 * Identifiers (any word with a digit: digests, revision ids, deployment ids, UUIDs, numbers; and
 * long runs of hex letters) are matched whole or not at all: the start of a digest is no hit.
 *
 * Pure: no DOM, no pagefind; the tests run it on text.
 */

/** One thing a deployment must hold: a word, an identifier, or a quoted phrase (lower case, spaces collapsed). */
export interface Needle {
  text: string;
  kind: 'word' | 'identifier' | 'phrase';
}

/** pagefind's own split of a record into words (its content is words joined by single spaces). */
const WORD_SEPARATORS = /[^\S\uFEFF]+/;
/** A character that continues a word: what is next to a match must not be one (`attempt` is not in `attempt_no`). */
const WORD_CHARACTER = /[\p{L}\p{N}_]/u;
const WORD_RUNS = /[\p{L}\p{N}_]+/gu;

/** A word with a digit in it, or a long run of hex letters: a value, searched whole only. */
export function isIdentifier(word: string): boolean {
  return /\p{N}/u.test(word) || /^[0-9a-f]{16,}$/i.test(word);
}

/**
 * The query as needles: each quoted stretch a phrase, every other word on its own (an unbalanced
 * quote is dropped). Lower case; a needle that appears twice counts once.
 */
export function parseQuery(query: string): Needle[] {
  const needles: Needle[] = [];
  const add = (needle: Needle) => {
    if (needle.text && !needles.some((n) => n.text === needle.text && n.kind === needle.kind)) needles.push(needle);
  };
  const words = (text: string) => text.replaceAll('"', ' ').split(WORD_SEPARATORS).filter(Boolean);
  let rest = query;
  for (let m = /"([^"]*)"/.exec(rest); m !== null; m = /"([^"]*)"/.exec(rest)) {
    for (const word of words(rest.slice(0, m.index))) add(wordNeedle(word));
    const phrase = words(m[1]!).join(' ').toLowerCase();
    // A quoted single word is that word, whole: the same as typing it, but never a looser hit.
    add({ text: phrase, kind: 'phrase' });
    rest = rest.slice(m.index + m[0].length);
  }
  for (const word of words(rest)) add(wordNeedle(word));
  return needles;
}

function wordNeedle(word: string): Needle {
  return { text: word.toLowerCase(), kind: isIdentifier(word) ? 'identifier' : 'word' };
}

/** The index of the last start at or before `offset` (starts ascending). */
function wordAt(starts: readonly number[], offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid]! <= offset) low = mid;
    else high = mid - 1;
  }
  return low;
}

/** A record's words, split as pagefind splits them (its word locations count these). */
export const wordsOf = (content: string): string[] => content.split(WORD_SEPARATORS);

/**
 * Every place of the phrase in the words, as the words it covers (first and last index), in any
 * case. A place must not continue a word on either side: `attempt` is not found in `attempt_no`,
 * nor the start of a digest in the digest.
 */
export function placesOf(words: readonly string[], phrase: string): { first: number; last: number }[] {
  if (phrase.length === 0) return [];
  const starts: number[] = [];
  let length = 0;
  for (const word of words) {
    starts.push(length);
    length += word.length + 1;
  }
  // Lower-cased word by word, so a character whose lower case is longer cannot shift the offsets.
  const text = words.map((w) => (w.toLowerCase().length === w.length ? w.toLowerCase() : w)).join(' ');
  const openEdge = WORD_CHARACTER.test(phrase[0]!);
  const closeEdge = WORD_CHARACTER.test(phrase.at(-1)!);
  const places: { first: number; last: number }[] = [];
  for (let at = text.indexOf(phrase); at !== -1; at = text.indexOf(phrase, at + 1)) {
    const end = at + phrase.length;
    if (openEdge && at > 0 && WORD_CHARACTER.test(text[at - 1]!)) continue;
    if (closeEdge && end < text.length && WORD_CHARACTER.test(text[end]!)) continue;
    places.push({ first: wordAt(starts, at), last: wordAt(starts, end - 1) });
    at = end - 1;
  }
  return places;
}

/** The distinct longer words of the record (runs of letters, digits and `_`) that start with `word`, in order of appearance, lower case. */
export function wordsStartingWith(words: readonly string[], word: string): string[] {
  if (!/^[\p{L}\p{N}_]+$/u.test(word)) return [];
  const found = new Set<string>();
  for (const w of words) for (const [run] of w.toLowerCase().matchAll(WORD_RUNS)) if (run.length > word.length && run.startsWith(word)) found.add(run);
  return [...found];
}

/**
 * The words of the record at pagefind's locations where it found another form of `word` (by its
 * stem), as runs of word characters, lower case: those that open as the word does (a location is
 * a whole compound such as `irt-calibration:`; its other runs are not the form).
 */
export function wordsAtLocations(words: readonly string[], locations: readonly number[], word: string): string[] {
  // A form keeps the word's opening: all but a suffix of up to four letters (`calibrat` of `calibrations`).
  const opening = word.slice(0, Math.max(3, word.length - 4));
  const found = new Set<string>();
  for (const location of locations) for (const [run] of (words[location] ?? '').toLowerCase().matchAll(WORD_RUNS)) if (run.startsWith(opening)) found.add(run);
  return [...found];
}

/** How a needle not held whole is nonetheless near: the longer words that start with it, or another form of it. */
export type Looser = { needle: Needle; rule: 'starts' | 'form'; words: string[] };

/** A record judged against the needles: a match (every needle whole), a looser hit (the rest only by a looser rule), or neither. */
export type Judgement = { kind: 'match' } | { kind: 'looser'; looser: Looser[] } | { kind: 'none' };

/**
 * Judges one record. `otherForm(needle)`: null, or — when pagefind's exact mode (by stem, with no
 * prefix fallback) finds another form of the needle in this record — the words that are that form
 * (possibly none it could point at). Only a plain word can be a looser hit: an identifier or a
 * quoted phrase is whole or nothing.
 */
export function judgeRecord(words: readonly string[], needles: readonly Needle[], otherForm: (needle: Needle) => readonly string[] | null): Judgement {
  const looser: Looser[] = [];
  for (const needle of needles) {
    if (placesOf(words, needle.text).length > 0) continue;
    if (needle.kind !== 'word') return { kind: 'none' };
    const starting = wordsStartingWith(words, needle.text);
    if (starting.length > 0) {
      looser.push({ needle, rule: 'starts', words: starting });
      continue;
    }
    const forms = otherForm(needle);
    if (forms === null) return { kind: 'none' };
    looser.push({ needle, rule: 'form', words: forms.filter((w) => w !== needle.text) });
  }
  return looser.length === 0 ? { kind: 'match' } : { kind: 'looser', looser };
}

/**
 * The searches pagefind needs so that every record holding the word is among its answers. pagefind
 * drops punctuation from a query (`public.attempt` → `publicattempt`) and indexes a word with
 * punctuation both whole (without it) and as its parts (split at punctuation, case and digit
 * boundaries, parts of two characters or more): a word standing inside `sha256:9e27…` or
 * `to_regclass('public.attempt')` is indexed only as such parts. So: the word as typed, and its
 * parts together when they differ. pagefind answers each with every indexed word that starts with
 * it: a record holding the word is among the answers of one of them.
 */
export function candidateSearches(word: string): string[] {
  const searches = [word];
  const parts = discreteParts(word);
  if (parts.length > 0 && parts.join(' ') !== word.replace(/[^\p{L}\p{N}_\s]/gu, '')) searches.push(parts.join(' '));
  return searches;
}

/**
 * A word's parts as pagefind's indexer splits a compound word (its `get_discrete_words`: ASCII
 * punctuation, `_` included, to spaces, then convert_case's boundaries: lower→upper, letter↔digit,
 * an acronym before a capitalised word), lower case, two characters or more.
 */
export function discreteParts(word: string): string[] {
  const spaced = word
    .replace(/[!-/:-@[-`{-~]/g, ' ')
    .replace(/(\p{Ll})(\p{Lu})/gu, '$1 $2')
    .replace(/(\p{L})(\p{N})/gu, '$1 $2')
    .replace(/(\p{N})(\p{L})/gu, '$1 $2')
    .replace(/(\p{Lu})(\p{Lu}\p{Ll})/gu, '$1 $2');
  return spaced
    .toLowerCase()
    .split(/\s+/)
    .filter((p) => p.length > 1);
}

const quoted = (text: string) => `“${text}”`;

/** How the page searched the query, in a sentence (shown above the results). */
export function howSearched(needles: readonly Needle[]): string {
  if (needles.length === 1) {
    const [n] = needles as [Needle];
    if (n.kind === 'phrase') return n.text.includes(' ') ? `Searched as the phrase ${quoted(n.text)}: these words together, in this order, in any case.` : `Searched as the whole word ${quoted(n.text)}, in any case.`;
    if (n.kind === 'identifier') return `${quoted(n.text)} is searched as a value (a digest, an id, a number): whole, never by its start.`;
    return `Searched as the whole word ${quoted(n.text)}, in any case. To find words together, in order, put them in quotes.`;
  }
  return `A match holds every one of ${needles.map((n) => quoted(n.text)).join(', ')}, each whole, anywhere in the deployment, in any case. To find words together, in order, put them in quotes.`;
}

/** The count of exact matches, as the page states it. */
export function matchCount(n: number, query: string): string {
  return n === 0 ? `No deployment matches ${quoted(query)}.` : `${n} ${n === 1 ? 'deployment matches' : 'deployments match'} ${quoted(query)}.`;
}

/** What the looser hits are, said apart from the count: they are not matches. */
export function looserSummary(n: number, exact: number, looser: readonly Looser[]): string {
  const rules = new Set(looser.map((l) => l.rule));
  const words = [...new Set(looser.map((l) => l.needle.text))].map(quoted).join(', ');
  const how = [rules.has('starts') ? `words starting with ${words}` : null, rules.has('form') ? `another form of ${words}` : null].filter(Boolean).join(' or ');
  const deployments = `${n} ${n === 1 ? 'deployment contains' : 'deployments contain'}`;
  return `${exact === 0 ? 'No exact match; ' : 'Not counted as matches: '}${deployments} ${how} instead.`;
}

/** One looser hit's label: what the deployment holds instead. */
export function looserLabel(looser: readonly Looser[]): string {
  return looser
    .map((l) => {
      const shown = l.words.slice(0, 5).join(', ') + (l.words.length > 5 ? ` and ${l.words.length - 5} more` : '');
      if (l.words.length === 0) return `holds another form of ${quoted(l.needle.text)}, not the word itself`;
      return l.rule === 'starts' ? `holds ${shown}, not ${quoted(l.needle.text)} (words starting with it)` : `holds ${shown}, not ${quoted(l.needle.text)} (another form of the word)`;
    })
    .join('; ');
}
