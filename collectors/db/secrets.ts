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
 * Every occurrence of every form is counted. Forms shorter than MIN_FORM characters are not
 * redacted on their own (they would shred ordinary text); a short password is still redacted
 * inside URLs.
 */
const REDACTED = '***';
const MIN_FORM = 4;
/** base64 fragments this short would match ordinary words. */
const MIN_BASE64_FORM = 8;

/** Bounded, so a streaming redactor knows how far back a match can start. */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]{0,31}:\/\/[^\s:/@]{1,256}:)([^\s@/]{1,1024})@/gi;
const URL_CREDENTIALS_MAX = 32 + 3 + 256 + 1 + 1024 + 1;

export interface Redaction {
  text: string;
  count: number;
}

const UNRESERVED = /[A-Za-z0-9_.\-~]/;

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

function secretForms(secret: string): string[] {
  const forms = new Set<string>([secret]);
  for (const fragment of secret.split(/[@:/?#[\]]/)) forms.add(fragment);
  const encodings = [
    encodeURIComponent(secret),
    percentEncode(secret, /[A-Za-z0-9_.\-~/]/),
    percentEncode(secret, UNRESERVED),
    percentEncode(secret, UNRESERVED, true),
  ];
  for (const encoded of encodings) forms.add(encoded).add(lowerHex(encoded));
  const json = JSON.stringify(secret).slice(1, -1);
  forms.add(json).add(json.replaceAll('/', '\\/'));
  for (const form of base64Forms(secret)) forms.add(form);
  const hex = Buffer.from(secret, 'utf8').toString('hex');
  forms.add(hex).add(hex.toUpperCase());
  return [...forms].filter((f) => f.length >= MIN_FORM);
}

/** Redacts a fixed set of secrets; build once per collection, apply to every output. */
export class Redactor {
  private readonly forms: string[];
  /** The longest text one match can cover: a streaming redactor holds back this much. */
  readonly reach: number;

  constructor(secrets: readonly string[]) {
    const forms = new Set<string>();
    for (const secret of secrets) for (const form of secretForms(secret)) forms.add(form);
    // Longest first, so a form that contains another is replaced whole.
    this.forms = [...forms].sort((a, b) => b.length - a.length);
    this.reach = Math.max(URL_CREDENTIALS_MAX, ...this.forms.map((f) => f.length));
  }

  redact(text: string): Redaction {
    let count = 0;
    let out = text;
    for (const form of this.forms) {
      if (!out.includes(form)) continue;
      const parts = out.split(form);
      count += parts.length - 1;
      out = parts.join(REDACTED);
    }
    out = out.replace(URL_CREDENTIALS, (_m, head: string, password: string) => {
      if (password === REDACTED) return `${head}${password}@`;
      count += 1;
      return `${head}${REDACTED}@`;
    });
    return { text: out, count };
  }

  /**
   * Where text may be cut so that no match crosses the cut: at most `reach` characters before
   * the end, moved back to the start of any match that spans it.
   */
  safeCut(text: string): number {
    let cut = text.length - this.reach;
    if (cut <= 0) return 0;
    let moved = true;
    while (moved && cut > 0) {
      moved = false;
      for (const form of this.forms) {
        // A match starting in (cut - form.length, cut) spans the cut.
        const from = Math.max(0, cut - form.length + 1);
        const at = text.indexOf(form, from);
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
