/**
 * Older format versions derived from the one record of additions (issue 23): fields, union options
 * and enum values marked with the version that added them are absent from an older version's
 * published shape and refused, by name, when a file of that version holds them.
 */
import { z } from 'astro/zod';
import { zodToJsonSchema } from 'zod-to-json-schema';
import { describe, expect, it } from 'vitest';
import { schemaAt, since, sinceValues } from '../../src/format/since.ts';
import { describeZodIssues } from '../../src/format/read-evidence.ts';

const shared = z.string().min(1);
const option = (type: string, extra: z.ZodRawShape = {}) => z.object({ type: z.literal(type), ...extra }).strict();
const current = z
  .object({
    name: shared,
    again: shared,
    added: since(2, z.array(z.string()).default([])),
    kind: sinceValues(z.enum(['old', 'new']), { new: 2 }),
    items: z.array(z.discriminatedUnion('type', [option('a', { value: shared }), since(2, option('b')), option('c')])).default([]),
    cell: z.union([z.string(), since(2, z.number())]),
  })
  .strict()
  .superRefine(() => {});

const problems = (schema: z.ZodTypeAny, value: unknown) => {
  const parsed = schema.safeParse(value);
  return parsed.success ? [] : describeZodIssues(parsed.error);
};

describe('schemaAt: an older version derived from the marks', () => {
  it('leaves the current version as it is: the same instance', () => {
    expect(schemaAt(current, 2, 'publish')).toBe(current);
    expect(schemaAt(current, 2, 'read')).toBe(current);
  });

  it('publishes the older shape without what came later, keeping shared parts shared', () => {
    const v1 = zodToJsonSchema(schemaAt(current, 1, 'publish'), { $refStrategy: 'root' }) as Record<string, any>;
    expect(Object.keys(v1.properties)).toEqual(['name', 'again', 'kind', 'items', 'cell']);
    expect(v1.properties.kind.enum).toEqual(['old']);
    expect(v1.properties.items.items.anyOf.map((o: any) => o.properties.type.const)).toEqual(['a', 'c']);
    expect(v1.properties.cell.type ?? v1.properties.cell.anyOf).toEqual('string');
    // The same instance twice is one definition and a $ref, as in the current version's JSON Schema.
    expect(v1.properties.again).toEqual({ $ref: '#/properties/name' });
    const v2 = zodToJsonSchema(current, { $refStrategy: 'root' }) as Record<string, any>;
    expect(v2.properties.items.items.anyOf.map((o: any) => o.properties.type.const)).toEqual(['a', 'b', 'c']);
  });

  it('reads an older file, refusing each later addition where it stands and naming the version that brought it', () => {
    const v1 = schemaAt(current, 1, 'read');
    expect(problems(v1, { name: 'x', again: 'y', kind: 'old', items: [{ type: 'a', value: 'v' }], cell: 's' })).toEqual([]);
    expect(problems(v1, { name: 'x', again: 'y', kind: 'new', added: ['z'], items: [{ type: 'c' }, { type: 'b' }], cell: 's' })).toEqual([
      'added: not part of format v1 (it came with schemaVersion 2)',
      'kind: "new" is not part of format v1 (it came with schemaVersion 2)',
      'items.1.type: "b" is not part of format v1 (it came with schemaVersion 2)',
    ]);
    // Unmarked parts are checked as before: an unknown key, a bad value.
    expect(problems(v1, { name: '', again: 'y', kind: 'old', other: 1, cell: 's' })).toEqual(["name: String must contain at least 1 character(s)", "(root): Unrecognized key(s) in object: 'other'"]);
    expect(problems(v1, { name: 'x', again: 'y', kind: 'old', cell: 1 }).length).toBe(1);
  });

  it('refuses an addition to an object that an older file could not hold and the current schema could not fill in', () => {
    const required = z.object({ name: z.string(), added: since(2, z.string()) }).strict();
    expect(() => schemaAt(required, 1, 'publish')).toThrow('the field "added" added in format v2 must be optional or have a default');
  });

  it('says so at once when a kind of schema it cannot look through could hide an addition', () => {
    const opaque = z.object({ map: z.map(z.string(), since(2, z.string().optional())) });
    expect(() => schemaAt(opaque, 1, 'publish')).toThrow(/cannot derive an older version through ZodMap/);
  });
});
