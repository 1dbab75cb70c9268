/**
 * A signer's name, as readers tell people apart (issue 24: one name, one key). A report says
 * "signed by Carol Approver"; that only means something when no other entry of the signers list
 * can be read as the same name. So names are compared as people read them — case, spacing,
 * compatibility forms, invisible characters and the Cyrillic and Greek letters drawn like Latin
 * ones do not make two names — and a name that could pass for another is refused outright: one
 * holding an invisible, format or control character (a zero-width space, a bidi override), or
 * letters of more than one of the scripts that look alike (Latin, Cyrillic, Greek). Names in any
 * one script, and scripts that are written together (Japanese: Han, Hiragana, Katakana), are fine.
 * Pure and free of zod: the browser's "Verify this report" runs it as it is.
 */

/**
 * What a reader cannot see or cannot read as a letter: controls, format characters (zero-width
 * space and joiner, bidi embeddings, overrides and isolates, the soft hyphen…), the other default
 * ignorable code points (Hangul fillers, variation selectors), lone surrogates and private-use
 * characters, whose glyph is whatever a font makes it. Unassigned code points are not listed: which
 * are unassigned depends on the Unicode version of the engine, and `verify` and the browser must agree.
 */
const UNSEEN = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Default_Ignorable_Code_Point}]/u;
const UNSEEN_ALL = new RegExp(UNSEEN.source, 'gu');

/**
 * The Cyrillic and Greek letters drawn as a Latin letter, folded to it when names are compared: the
 * single-letter entries of Unicode's confusables (UTS #39, https://www.unicode.org/reports/tr39/)
 * between these scripts. A name wholly in Cyrillic letters that all look Latin ("АСЕ") is then the
 * same name as the Latin one ("ACE"), and two keys under them are refused as one name with two keys.
 */
const LOOK_ALIKES: Readonly<Record<string, string>> = {
  // Cyrillic capitals and small letters.
  А: 'A', В: 'B', Е: 'E', Ѕ: 'S', І: 'I', Ј: 'J', К: 'K', М: 'M', Н: 'H', О: 'O', Р: 'P', С: 'C', Т: 'T', Х: 'X', Ү: 'Y', Ԛ: 'Q', Ԝ: 'W', Ӏ: 'I',
  а: 'a', е: 'e', о: 'o', р: 'p', с: 'c', у: 'y', х: 'x', ѕ: 's', і: 'i', ј: 'j', һ: 'h', ԁ: 'd', ԛ: 'q', ԝ: 'w', ӏ: 'l', ү: 'y', ѵ: 'v',
  // Greek capitals and small letters.
  Α: 'A', Β: 'B', Ε: 'E', Ζ: 'Z', Η: 'H', Ι: 'I', Κ: 'K', Μ: 'M', Ν: 'N', Ο: 'O', Ρ: 'P', Τ: 'T', Υ: 'Y', Χ: 'X',
  α: 'a', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', υ: 'u',
};
const LOOK_ALIKE = new RegExp(`[${Object.keys(LOOK_ALIKES).join('')}]`, 'gu');

/** The scripts whose letters are drawn alike: a name mixing them could be read as another name. */
const CONFUSABLE_SCRIPTS = [
  ['Latin', /\p{Script=Latin}/u],
  ['Cyrillic', /\p{Script=Cyrillic}/u],
  ['Greek', /\p{Script=Greek}/u],
] as const;

const codePoint = (c: string) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** The name with every character a reader cannot see shown as `⟨U+200B⟩`, for messages about it. */
export function shownName(name: string): string {
  return name.replace(UNSEEN_ALL, (c) => `⟨${codePoint(c)}⟩`);
}

/**
 * Names as people tell them apart: "Alice  Example", "alice example", "Ａlice Example" and
 * "Аlice Example" (a Cyrillic А) are one name, so neither a signers list nor a payload can pass one
 * person off as two by spacing, case, width, an invisible character or a look-alike letter.
 */
export function nameKey(name: string): string {
  return name.normalize('NFKC').replace(UNSEEN_ALL, '').replace(LOOK_ALIKE, (c) => LOOK_ALIKES[c]!).trim().replace(/\s+/g, ' ').toLowerCase();
}

export const sameName = (a: string, b: string): boolean => nameKey(a) === nameKey(b);

/**
 * Why a reader could take this name for another (null: they cannot): it holds a character they do
 * not see, it mixes letters of scripts that look alike, or it is blank. Linear in the name's length.
 */
export function signerNameProblem(name: string): string | null {
  const unseen = UNSEEN.exec(name)?.[0];
  if (unseen !== undefined) {
    const what = /\p{Cc}/u.test(unseen) ? 'a control character' : /\p{Cs}/u.test(unseen) ? 'a lone surrogate' : /\p{Co}/u.test(unseen) ? 'a private-use character' : 'an invisible (format) character';
    return `it holds ${what}, ${codePoint(unseen)}, which a reader does not see`;
  }
  if (nameKey(name) === '') return 'it is blank';
  const letters = new Map<string, { count: number; first: string }>();
  for (const c of name.normalize('NFKC')) {
    if (!/\p{L}/u.test(c)) continue;
    const script = CONFUSABLE_SCRIPTS.find(([, pattern]) => pattern.test(c))?.[0];
    if (!script) continue;
    const seen = letters.get(script);
    if (seen) seen.count += 1;
    else letters.set(script, { count: 1, first: c });
  }
  if (letters.size < 2) return null;
  const scripts = [...letters].sort(([, a], [, b]) => b.count - a.count);
  const [fewest, { first }] = scripts.at(-1)!;
  const names = scripts.map(([script]) => script);
  return `it mixes ${names.slice(0, -1).join(', ')} and ${names.at(-1)} letters, which look alike ("${first}", ${codePoint(first)}, is ${fewest})`;
}
