/**
 * No password, token or secret in evidence, site, logs or errors (DESIGN.md, Safety).
 *
 * A secret is redacted in every form it commonly takes in the output of the tools we run
 * (issue 8): as is; each fragment of it split at URL delimiters (a password with an unencoded
 * `@` is split there by Python drivers, which then print the tail as a host name);
 * percent-encoded as JavaScript, Python's `quote()` (keeps `/`), `quote(safe='')` and
 * `quote_plus()` (space as `+`) write it, in upper and lower case hex; JSON-escaped, with and
 * without `\/`; base64 and base64url at each of the three byte alignments (so it is found
 * inside `base64("user:" + password)` too); and hex. The password part of any
 * `scheme://user:password@` URL is redacted too, whoever printed it.
 *
 * The forms of the whole secret (as is, percent-encoded, JSON-escaped, hex) are matched whatever
 * their case (issue 25: `lower(password)`, `upper(url)`, a percent-encoding lower-cased whole):
 * the text and the forms are compared case-folded character by character, so a match stands where
 * it stands in the text and no other character changes. Characters whose case changes their
 * length (`ß` upper-cased is `SS`) are not folded. Base64 forms and the fragments are matched as
 * written: base64 is case-sensitive, and a fragment is often an ordinary word.
 *
 * Every occurrence of every form is counted. Forms shorter than MIN_FORM characters are not
 * redacted on their own (they would shred ordinary text); a short password is still redacted
 * inside URLs. Every scan is a fixed number of passes over the text per form: linear in its length.
 */
const REDACTED = '***';
const MIN_FORM = 4;
/** base64 fragments this short would match ordinary words. */
const MIN_BASE64_FORM = 8;

/**
 * Bounded, so a streaming redactor knows how far back a match can start. NUL is never part of a
 * match: text from PostgreSQL cannot hold it, so `redactAll` joins many texts with it and redacts
 * them in one pass.
 */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]{0,31}:\/\/[^\s\0:/@]{1,256}:)([^\s\0@/]{1,1024})@/gi;
const URL_CREDENTIALS_MAX = 32 + 3 + 256 + 1 + 1024 + 1;
const SEPARATOR = '\0';

export interface Redaction {
  text: string;
  count: number;
}

const UNRESERVED = /[A-Za-z0-9_.\-~]/;

/**
 * The text case-folded without changing its length, so that an index in the folded text is the
 * same index in the text: `İ` (the one character whose lower case is longer) folds to `i`, and a
 * final sigma to the sigma `toLowerCase` gives elsewhere.
 */
function fold(text: string): string {
  const dotted = text.includes('\u0130') ? text.replaceAll('\u0130', 'i') : text;
  const lower = dotted.toLowerCase();
  return lower.includes('\u03c2') ? lower.replaceAll('\u03c2', '\u03c3') : lower;
}

/** Percent-encodes every byte outside `keep`, as Python's urllib.parse.quote does. */
function percentEncode(secret: string, keep: RegExp, spaceAsPlus = false): string {
  let out = '';
  for (const char of secret) {
    if (keep.test(char)) out += char;
    else if (spaceAsPlus && char === ' ') out += '+';
    else for (const byte of Buffer.from(char, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const lowerHex = (encoded: string) => encoded.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());

/**
 * The base64 characters that depend only on the secret's bytes, for each alignment of the
 * secret inside a longer encoded value (`o` bytes before it).
 */
function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const forms: string[] = [];
  for (let o = 0; o < 3; o += 1) {
    const encoded = Buffer.concat([Buffer.alloc(o), bytes]).toString('base64');
    const from = Math.ceil((8 * o) / 6);
    const to = Math.floor((8 * (o + bytes.length)) / 6);
    const stable = encoded.slice(from, to);
    if (stable.length >= MIN_BASE64_FORM) forms.push(stable, stable.replaceAll('+', '-').replaceAll('/', '_'));
  }
  return forms;
}

interface Form {
  text: string;
  /** `text` case-folded: what is looked for in the folded text, when `caseless`. */
  folded: string;
  caseless: boolean;
  /** A form of the whole secret (not one of its fragments). */
  whole: boolean;
}

function secretForms(secret: string): Form[] {
  const whole = new Set<string>([secret]);
  const encodings = [
    encodeURIComponent(secret),
    percentEncode(secret, /[A-Za-z0-9_.\-~/]/),
    percentEncode(secret, UNRESERVED),
    percentEncode(secret, UNRESERVED, true),
  ];
  for (const encoded of encodings) whole.add(encoded).add(lowerHex(encoded));
  const json = JSON.stringify(secret).slice(1, -1);
  whole.add(json).add(json.replaceAll('/', '\\/'));
  const hex = Buffer.from(secret, 'utf8').toString('hex');
  whole.add(hex).add(hex.toUpperCase());
  const forms: Form[] = [];
  for (const text of whole) forms.push({ text, folded: fold(text), caseless: true, whole: true });
  for (const text of base64Forms(secret)) forms.push({ text, folded: fold(text), caseless: false, whole: true });
  for (const text of secret.split(/[@:/?#[\]]/)) forms.push({ text, folded: fold(text), caseless: false, whole: false });
  return forms.filter((f) => f.text.length >= MIN_FORM);
}

/** Every occurrence of `needle` in `haystack`, left to right, not overlapping. */
function occurrences(haystack: string, needle: string): number[] {
  const at: number[] = [];
  for (let i = haystack.indexOf(needle); i !== -1; i = haystack.indexOf(needle, i + needle.length)) at.push(i);
  return at;
}

/** `text` with each of `at` (starts of `length` characters) replaced by the marker. */
function replaceAt(text: string, at: readonly number[], length: number): string {
  const parts: string[] = [];
  let from = 0;
  for (const i of at) {
    parts.push(text.slice(from, i), REDACTED);
    from = i + length;
  }
  parts.push(text.slice(from));
  return parts.join('');
}

/** Redacts a fixed set of secrets; build once per collection, apply to every output. */
export class Redactor {
  private readonly forms: Form[];
  /** The longest text one match can cover: a streaming redactor holds back this much. */
  readonly reach: number;
  /** No form holds the separator, so texts joined by it are redacted as if one by one. */
  private readonly separable: boolean;

  constructor(secrets: readonly string[]) {
    const forms = new Map<string, Form>();
    for (const secret of secrets) {
      for (const form of secretForms(secret)) {
        // A form matched whatever its case covers the same text written exactly.
        if (forms.has(`i${form.folded}`)) continue;
        const key = form.caseless ? `i${form.folded}` : `s${form.text}`;
        const known = forms.get(key);
        if (!known || (form.whole && !known.whole)) forms.set(key, form);
      }
    }
    for (const [key, form] of forms) if (!form.caseless && forms.has(`i${form.folded}`)) forms.delete(key);
    // Longest first, so a form that contains another is replaced whole.
    this.forms = [...forms.values()].sort((a, b) => b.text.length - a.text.length);
    this.reach = Math.max(URL_CREDENTIALS_MAX, ...this.forms.map((f) => f.text.length));
    this.separable = !this.forms.some((f) => f.text.includes(SEPARATOR));
  }

  redact(text: string): Redaction {
    let count = 0;
    let out = text;
    // The folded copy is made once, when a caseless form is first looked for, and kept in step.
    let folded: string | null = null;
    for (const form of this.forms) {
      if (form.caseless) folded ??= fold(out);
      const at = form.caseless ? occurrences(folded!, form.folded) : occurrences(out, form.text);
      if (at.length === 0) continue;
      count += at.length;
      out = replaceAt(out, at, form.text.length);
      if (folded !== null) folded = replaceAt(folded, at, form.text.length);
    }
    out = out.replace(URL_CREDENTIALS, (_m, head: string, password: string) => {
      if (password === REDACTED) return `${head}${password}@`;
      count += 1;
      return `${head}${REDACTED}@`;
    });
    return { text: out, count };
  }

  /**
   * Many texts (a batch of result cells, a checklist's strings) redacted as one: joined by NUL,
   * which no match can cross, redacted in one pass, split again. Each text comes out exactly as
   * `redact` alone would give it; one pass instead of one per text keeps a result of millions of
   * cells fast.
   */
  redactAll(texts: readonly string[]): { texts: string[]; count: number } {
    if (texts.length === 0) return { texts: [], count: 0 };
    if (this.separable) {
      const joined = this.redact(texts.join(SEPARATOR));
      if (joined.count === 0) return { texts: [...texts], count: 0 };
      const parts = joined.text.split(SEPARATOR);
      // A text that held NUL itself (never one from PostgreSQL) splits differently: one by one then.
      if (parts.length === texts.length) return { texts: parts, count: joined.count };
    }
    let count = 0;
    const out = texts.map((text) => {
      const r = this.redact(text);
      count += r.count;
      return r.text;
    });
    return { texts: out, count };
  }

  /**
   * Whether the text holds a form of a whole secret (any case where the form is caseless): what
   * refuses a checklist that holds the connection password. Fragments and URLs are left to
   * redaction.
   */
  holdsWholeSecret(text: string): boolean {
    const folded = fold(text);
    return this.forms.some((form) => form.whole && (form.caseless ? folded.includes(form.folded) : text.includes(form.text)));
  }

  /**
   * Where text may be cut so that no match crosses the cut: at most `reach` characters before
   * the end, moved back to the start of any match that spans it.
   */
  safeCut(text: string): number {
    let cut = text.length - this.reach;
    if (cut <= 0) return 0;
    const folded = fold(text);
    let moved = true;
    while (moved && cut > 0) {
      moved = false;
      for (const form of this.forms) {
        // A match starting in (cut - form.length, cut) spans the cut.
        const from = Math.max(0, cut - form.text.length + 1);
        const at = form.caseless ? folded.indexOf(form.folded, from) : text.indexOf(form.text, from);
        if (at !== -1 && at < cut) {
          cut = at;
          moved = true;
        }
      }
      for (const match of text.slice(Math.max(0, cut - URL_CREDENTIALS_MAX), cut + URL_CREDENTIALS_MAX).matchAll(URL_CREDENTIALS)) {
        const start = Math.max(0, cut - URL_CREDENTIALS_MAX) + match.index;
        if (start < cut && start + match[0].length > cut) {
          cut = start;
          moved = true;
        }
      }
    }
    return cut;
  }
}

export function redactSecrets(text: string, secrets: readonly string[]): Redaction {
  return new Redactor(secrets).redact(text);
}

export function scrub(text: string, secrets: readonly string[]): string {
  return redactSecrets(text, secrets).text;
}

/**
 * Redacts a byte stream as it arrives, before anything caps or stores it: text is decoded as
 * UTF-8 across chunk boundaries, and the last `reach` characters are held back until more
 * arrives (or the stream ends), so a secret split across two chunks is still found.
 */
export class StreamRedactor {
  private readonly decoder = new TextDecoder('utf-8');
  private pending = '';
  count = 0;

  constructor(private readonly redactor: Redactor) {}

  /** Redacted text that is safe to emit now. */
  push(chunk: Uint8Array): string {
    this.pending += this.decoder.decode(chunk, { stream: true });
    // Hold back small amounts: nothing is emitted until a match could no longer grow into the cut.
    if (this.pending.length < 2 * this.redactor.reach) return '';
    const cut = this.redactor.safeCut(this.pending);
    if (cut === 0) return '';
    const head = this.redactor.redact(this.pending.slice(0, cut));
    this.pending = this.pending.slice(cut);
    this.count += head.count;
    return head.text;
  }

  /** Everything still held back, redacted. */
  end(): string {
    this.pending += this.decoder.decode();
    const rest = this.redactor.redact(this.pending);
    this.pending = '';
    this.count += rest.count;
    return rest.text;
  }
}
