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

describe('the password in another case (issue 25)', () => {
  const PASSWORD = 'P@%41:/Canary-Res-7Q';
  const redactor = new Redactor([PASSWORD]);
  const forms = {
    'lower-cased': PASSWORD.toLowerCase(),
    'upper-cased': PASSWORD.toUpperCase(),
    'percent-encoded, then lower-cased whole': encodeURIComponent(PASSWORD).toLowerCase(),
    'percent-encoded, then upper-cased whole': encodeURIComponent(PASSWORD).toUpperCase(),
    'hex, mixed case': Buffer.from(PASSWORD).toString('hex').replace(/[a-f]/g, (c, i: number) => (i % 2 ? c.toUpperCase() : c)),
    'in a URL, upper-cased': `POSTGRESQL://APP:${encodeURIComponent(PASSWORD).toUpperCase()}@DB/SEED`,
  };
  for (const [name, form] of Object.entries(forms)) {
    it(`redacts it ${name}, changing nothing else`, () => {
      const r = redactor.redact(`before ${form} after`);
      expect(r.count).toBeGreaterThanOrEqual(1);
      expect(r.text.toLowerCase()).not.toContain('canary-res');
      expect(r.text.startsWith('before ') && r.text.endsWith(' after')).toBe(true);
    });
  }

  it('keeps every other character as it was, whatever its case (İ, final sigma and all)', () => {
    const text = `İSTANBUL ΟΔΟΣ ${PASSWORD.toUpperCase()} Straße ${PASSWORD.toLowerCase()}.`;
    expect(redactor.redact(text)).toEqual({ text: 'İSTANBUL ΟΔΟΣ *** Straße ***.', count: 2 });
  });

  it('matches fragments and base64 only as written: a fragment is often an ordinary word', () => {
    const fragmentOnly = new Redactor(['Secret@Canary-Res-7Q']);
    expect(fragmentOnly.redact('host "Canary-Res-7Q" and user canary-res-7q').text).toBe('host "***" and user canary-res-7q');
    const b64 = Buffer.from(PASSWORD).toString('base64');
    // The last characters also depend on what follows the secret: only the stable part goes.
    expect(redactor.redact(b64).text).toMatch(/^\*\*\*.{0,3}$/);
    expect(redactor.redact(b64.toLowerCase()).count).toBe(0);
  });

  it('tells a whole secret (any case) from a fragment of it, for refusing a checklist', () => {
    expect(redactor.holdsWholeSecret(`SELECT '${PASSWORD.toUpperCase()}'`)).toBe(true);
    expect(redactor.holdsWholeSecret(`SELECT '${encodeURIComponent(PASSWORD).toLowerCase()}'`)).toBe(true);
    expect(redactor.holdsWholeSecret("SELECT 'Canary-Res-7Q'")).toBe(false);
    expect(redactor.holdsWholeSecret("SELECT 'postgres://app:other@db/x'")).toBe(false);
  });

  it('finds a form in another case split across chunks', () => {
    const text = `${'x'.repeat(3000)} ${PASSWORD.toLowerCase()} ${'y'.repeat(3000)}`;
    const stream = new StreamRedactor(redactor);
    const bytes = Buffer.from(text);
    let out = '';
    for (let i = 0; i < bytes.length; i += 7) out += stream.push(bytes.subarray(i, i + 7));
    expect(out + stream.end()).toBe(`${'x'.repeat(3000)} *** ${'y'.repeat(3000)}`);
  });
});

describe('many texts redacted as one', () => {
  const redactor = new Redactor(['Canary@Tail-Secret-9x']);
  it('gives each text exactly what redacting it alone gives, and the sum of the counts', () => {
    const texts = ['plain', 'CANARY@TAIL-SECRET-9X', 'x://u:p@h', 'Tail-Secret-9x', '', 'postgres://a:b', '@h canary%40tail-secret-9x', '42'];
    const alone = texts.map((t) => redactor.redact(t));
    expect(redactor.redactAll(texts)).toEqual({ texts: alone.map((r) => r.text), count: alone.reduce((n, r) => n + r.count, 0) });
  });

  it('never lets a match run from one text into the next', () => {
    // Joined, "postgres://app:" + "x" would read as a URL with a password if NUL did not stop it.
    const texts = ['postgres://app:', 'x@db', 'NoDelimiter', 'Secret-99'];
    expect(new Redactor(['NoDelimiterSecret-99']).redactAll(texts)).toEqual({ texts, count: 0 });
  });

  it('still works on a text that holds NUL itself', () => {
    expect(redactor.redactAll(['a\0Canary@Tail-Secret-9x', 'b'])).toEqual({ texts: ['a\0***', 'b'], count: 1 });
  });
});

describe('redaction is linear in the length of the text (issue 25)', () => {
  const timed = (run: () => void, times: number) => {
    const started = performance.now();
    for (let i = 0; i < times; i += 1) run();
    return performance.now() - started;
  };
  /**
   * How much longer `large` takes than `small`. The machine is shared: each is repeated until the
   * small one takes 50 ms or more, the two are measured in turns, and the best of five of each counts.
   */
  function ratio(small: () => void, large: () => void): number {
    let times = 1;
    while (times < 256 && timed(small, times) < 50) times *= 2;
    let fastSmall = Infinity;
    let fastLarge = Infinity;
    for (let i = 0; i < 5; i += 1) {
      fastSmall = Math.min(fastSmall, timed(small, times));
      fastLarge = Math.min(fastLarge, timed(large, times));
    }
    return fastLarge / fastSmall;
  }
  const redactor = new Redactor(['Canary@Tail-Secret-9x', 'tok/En+Secret 42=zz']);
  const of = (size: number, unit: string) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
  // Near misses of every kind: prefixes of the forms in other cases, URLs without their "@",
  // word boundaries everywhere (where a URL could start), whole secrets to replace.
  const inputs = {
    'near misses': 'canary@tail-secret-9 CANARY@TAIL p%40%25 Canary@Tail-Secret-9 postgres://user:pass ',
    'URLs never closed': `a://u:${'p'.repeat(1000)} `,
    'a boundary at every other character': 'a.'.repeat(50),
    'secrets to replace': 'x Canary@Tail-Secret-9x canary%40tail-secret-9x TOK%2FEN%2BSECRET%2042%3DZZ ',
  };
  for (const [name, unit] of Object.entries(inputs)) {
    it(`${name}: 4 MB take less than 10 times as long as 1 MB (16 would be quadratic), as one text, as cells and as a stream`, () => {
      const small = of(1 << 20, unit);
      const large = of(4 << 20, unit);
      // Result cells of 40 characters, in batches as a query streams them (split before timing).
      const asCells = (text: string) => {
        const batches: string[][] = [];
        const all = text.match(/[\s\S]{1,40}/g)!;
        for (let i = 0; i < all.length; i += 2000) batches.push(all.slice(i, i + 2000));
        return () => {
          for (const batch of batches) redactor.redactAll(batch);
        };
      };
      const asStream = (text: string) => () => {
        const stream = new StreamRedactor(redactor);
        const bytes = Buffer.from(text);
        for (let i = 0; i < bytes.length; i += 4096) stream.push(bytes.subarray(i, i + 4096));
        stream.end();
      };
      for (const [how, run] of [['text', (t: string) => () => redactor.redact(t)], ['cells', asCells], ['stream', asStream]] as const) {
        const r = ratio(run(small), run(large));
        // Linear is 4×, up to 7× with caches and collections on a shared machine; quadratic is 16×.
        expect(r, `${how}: ${r.toFixed(2)}×`).toBeLessThan(10);
      }
    }, 120_000);
  }
});
