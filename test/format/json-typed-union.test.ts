/**
 * The JSON-typed union (issue 14: zod's union built an issue for every option a value failed
 * before the one that fit — most of the site build's validation): it must accept and reject
 * exactly what zod's own union does, with the same errors, and the same JSON Schema.
 */
import { z } from 'astro/zod';
import { zodToJsonSchema } from 'zod-to-json-schema';
import { describe, expect, it } from 'vitest';
import { jsonTypedUnion, jsonValueSchema } from '../../src/format/common.ts';
import { cellSchema } from '../../src/format/snapshot-schema.ts';

const options = () => [z.string().min(2), z.number().int(), z.boolean(), z.null(), z.array(z.number()), z.record(z.string()).transform((r) => Object.keys(r))] as const;
const plain = z.object({ value: z.union(options()) });
const typed = z.object({ value: jsonTypedUnion(options()) });

describe('a JSON-typed union', () => {
  it.each([['ab'], ['a'], [3], [3.5], [Number.NaN], [true], [null], [[1, 2]], [[1, 'x']], [{ a: 'x', b: 'y' }], [{ a: 1 }], [undefined], [() => 1], [10n]])('parses %s as zod’s union does', (value) => {
    const expected = plain.safeParse({ value });
    const actual = typed.safeParse({ value });
    expect(actual.success).toBe(expected.success);
    if (expected.success) expect(actual.data).toEqual(expected.data);
    // The value's own option's issue (a string too short, an array item not a number) — or, for a value of no option's type, the union's.
    else if (jsonTypeFits(value)) expect(actual.error!.issues.length).toBeGreaterThan(0);
    else expect(JSON.stringify(actual.error!.issues)).toBe(JSON.stringify(expected.error!.issues));
  });

  it('names the field of a bad value inside a free-form value, and sorts object keys as before', () => {
    const result = z.object({ plan: jsonValueSchema }).safeParse({ plan: [{ b: 1, a: { d: [true, null], c: 'x' } }] });
    expect(JSON.stringify(result.data)).toBe('{"plan":[{"a":{"c":"x","d":[true,null]},"b":1}]}');
    const bad = z.object({ rows: z.array(z.array(cellSchema)) }).safeParse({ rows: [[1, 'a'], [2, { x: 1 }]] });
    expect(bad.error!.issues.map((i) => i.path.join('.'))).toEqual(['rows.1.1']);
  });

  it('has the JSON Schema of zod’s union', () => {
    expect(zodToJsonSchema(typed)).toEqual(zodToJsonSchema(plain));
    expect(zodToJsonSchema(jsonTypedUnion([z.string(), z.number()]).describe('a constant'))).toEqual(zodToJsonSchema(z.union([z.string(), z.number()]).describe('a constant')));
  });

  it('refuses options that share a JSON type: the second would never be tried', () => {
    expect(() => jsonTypedUnion([z.string(), z.string().email()]).parse('a@b.c')).toThrow('string is taken twice');
  });
});

function jsonTypeFits(value: unknown): boolean {
  return value === null || Array.isArray(value) || ['string', 'number', 'boolean', 'object'].includes(typeof value);
}
