/**
 * Byte-stable JSON: the same evidence always serializes to the same bytes, so hashes and
 * git diffs mean something. Key order is the schema's (zod builds parsed objects in shape
 * order), 2-space indent, trailing newline.
 */
import type { z } from 'astro/zod';

export function stableJson<S extends z.ZodTypeAny>(schema: S, value: z.input<S>): string {
  return `${JSON.stringify(schema.parse(value), null, 2)}\n`;
}
