/**
 * Descriptions of fields whose schema is a shared instance (ids, parameter names, relations).
 * Every other field carries its description with `.describe()`; a shared instance cannot, since
 * `.describe()` makes a copy, and the copies would change the `$ref`s of the frozen evidence
 * evidence schemas of every format version. These are kept beside the object they belong to, and the checklist
 * JSON Schema reads them from here.
 */
import type { z } from 'astro/zod';

export const FIELD_DOCS = new WeakMap<object, Readonly<Record<string, string>>>();

/** Registers descriptions for fields of an object schema; returns the same schema. */
export function fieldDocs<T extends z.ZodTypeAny>(schema: T, docs: Readonly<Record<string, string>>): T {
  FIELD_DOCS.set(schema._def, { ...(FIELD_DOCS.get(schema._def) ?? {}), ...docs });
  return schema;
}
