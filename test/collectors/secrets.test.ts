import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../collectors/db/secrets.ts';

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
