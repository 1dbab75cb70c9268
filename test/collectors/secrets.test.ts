import { describe, expect, it } from 'vitest';
import { Redactor, StreamRedactor, redactSecrets } from '../../collectors/db/secrets.ts';

describe('secret redaction', () => {
  it('replaces a known secret everywhere and counts it', () => {
    const r = redactSecrets('pw=Canary-7x9 and again Canary-7x9', ['Canary-7x9']);
    expect(r.text).toBe('pw=*** and again ***');
    expect(r.count).toBe(2);
  });

  it('replaces the password part of any URL, known or not', () => {
    const r = redactSecrets('INFO connecting to postgresql+psycopg2://app:s3cr%40t@db:5432/seed', []);
    expect(r.text).toBe('INFO connecting to postgresql+psycopg2://app:***@db:5432/seed');
    expect(r.count).toBe(1);
  });

  it('leaves text without secrets alone', () => {
    expect(redactSecrets('Running upgrade a -> b, attempt view', ['Canary-7x9'])).toEqual({ text: 'Running upgrade a -> b, attempt view', count: 0 });
  });
});

/** The forms a secret takes in real tool output (issue 8), each computed here independently. */
const CANARY = 'Canary/Pass word+7@x9';
function encodings(secret: string): Record<string, string> {
  const pyQuote = (s: string, safe: string) => [...Buffer.from(s, 'utf8')].map((b) => {
    const c = String.fromCharCode(b);
    return /[A-Za-z0-9_.\-~]/.test(c) || safe.includes(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }).join('');
  return {
    raw: secret,
    encodeURIComponent: encodeURIComponent(secret),
    'python quote() keeps /': pyQuote(secret, '/'),
    'lowercase %xx': pyQuote(secret, '').replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
    'form encoding (+)': pyQuote(secret.replaceAll(' ', '\u0000'), '').replaceAll('%00', '+'),
    'JSON escaped \\/': JSON.stringify(secret).slice(1, -1).replaceAll('/', '\\/'),
    base64: Buffer.from(secret).toString('base64'),
    'base64 of user:password': Buffer.from(`app:${secret}`).toString('base64'),
    'base64 of ab:password': Buffer.from(`ab:${secret}`).toString('base64'),
    base64url: Buffer.from(`x${secret}`).toString('base64url'),
    hex: Buffer.from(secret).toString('hex'),
  };
}

describe('redaction of every common encoding', () => {
  for (const [name, form] of Object.entries(encodings(CANARY))) {
    it(`redacts the secret ${name}`, () => {
      const r = redactSecrets(`before ${form} after`, [CANARY]);
      expect(r.count).toBeGreaterThanOrEqual(1);
      // Nothing recognisable of the secret survives: not its longest plain run, not the encoding.
      expect(r.text).not.toContain(form.slice(2, -2));
      expect(r.text).not.toContain('Canary');
      expect(r.text.startsWith('before ')).toBe(true);
    });
  }

  it('redacts each fragment of a password split at URL delimiters (an unencoded @ leaks the tail as a host name)', () => {
    const r = redactSecrets('could not translate host name "Tail-secret-42@db.internal" to address', ['Canary@Tail-secret-42']);
    expect(r.text).toBe('could not translate host name "***@db.internal" to address');
  });

  it('counts each occurrence in each form', () => {
    const r = redactSecrets(`${CANARY} ${encodeURIComponent(CANARY)} ${Buffer.from(CANARY).toString('hex')}`, [CANARY]);
    expect(r.count).toBe(3);
  });
});

describe('streaming redaction', () => {
  it('finds a secret split across chunk boundaries at every position, before any cap', () => {
    const secret = 'Str3am-Canary-Secret';
    const text = `${'x'.repeat(5000)} token=${secret} ${'y'.repeat(5000)} postgres://app:${secret}@db/x ${'z'.repeat(3000)}`;
    const redactor = new Redactor([secret]);
    for (const size of [1, 7, 64, 1000, 4096]) {
      const stream = new StreamRedactor(redactor);
      let out = '';
      const bytes = Buffer.from(text);
      for (let i = 0; i < bytes.length; i += size) out += stream.push(bytes.subarray(i, i + size));
      out += stream.end();
      expect(out, `chunks of ${size}`).not.toContain('Canary');
      expect(out).toBe(text.replaceAll(secret, '***'));
      expect(stream.count).toBe(2);
    }
  });

  it('keeps multi-byte characters whole across chunk boundaries', () => {
    const text = '스키마 잠금 '.repeat(2000);
    const stream = new StreamRedactor(new Redactor(['nothing-here']));
    const bytes = Buffer.from(text);
    let out = '';
    for (let i = 0; i < bytes.length; i += 5) out += stream.push(bytes.subarray(i, i + 5));
    expect(out + stream.end()).toBe(text);
  });
});
