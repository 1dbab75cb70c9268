import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { checkSnapshotSchemaOf, stableJson } from '../../src/format/index.ts';

/** A sample file as the collectors wrote it, in format v2 (the samples stay in the version they were collected in). */
const file = new URL('../../evidence/sample-staging-pr73/checks/sample-rows.json', import.meta.url);
/** Written with the schema of its own version. */
const checkSnapshotSchema = checkSnapshotSchemaOf(2);

function shuffleKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shuffleKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, shuffleKeys(v)]));
  }
  return value;
}

describe('byte-stable writing', () => {
  it('writes the same evidence as the same bytes, whatever the key order it was built in', async () => {
    const text = await readFile(file, 'utf8');
    const data = JSON.parse(text);
    expect(stableJson(checkSnapshotSchema, data)).toBe(text);
    expect(stableJson(checkSnapshotSchema, shuffleKeys(data) as typeof data)).toBe(text);
  });

  it('uses a 2-space indent and a trailing newline', async () => {
    const text = stableJson(checkSnapshotSchema, JSON.parse(await readFile(file, 'utf8')));
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.split('\n')[1]).toMatch(/^ {2}"\$schema"/);
  });

  it('refuses to write what the schema rejects', async () => {
    const data = JSON.parse(await readFile(file, 'utf8'));
    expect(() => stableJson(checkSnapshotSchema, { ...data, status: 'green' })).toThrow(/status/);
  });
});
