/**
 * JSON Schema files derived from the zod schemas, so anyone can validate evidence with a
 * stock validator (ajv, check-jsonschema…) without this tool.
 */
import { zodToJsonSchema } from 'zod-to-json-schema';
import type { z } from 'astro/zod';
import { schemaFiles } from './common.ts';
import { checkSnapshotSchema } from './snapshot-schema.ts';
import { deploymentSchema } from './deployment-schema.ts';
import { manifestSchema } from './manifest-schema.ts';

const sources: Record<keyof typeof schemaFiles, { schema: z.ZodTypeAny; title: string }> = {
  deployment: { schema: deploymentSchema, title: 'deploy-evidence deployment (format v1)' },
  check: { schema: checkSnapshotSchema, title: 'deploy-evidence check snapshot (format v1)' },
  manifest: { schema: manifestSchema, title: 'deploy-evidence manifest (format v1)' },
};

/**
 * Without the description annotations: the evidence schemas of format v1 are frozen bytes, and
 * the checklist's field descriptions (for the checklist schema and its reference) are not part of
 * the evidence contract. Only string-valued `description` keys are annotations; a property
 * *named* description (an assertion's) is an object and stays.
 */
function withoutDescriptions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutDescriptions);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([k, v]) => !(k === 'description' && typeof v === 'string')).map(([k, v]) => [k, withoutDescriptions(v)]));
  }
  return value;
}

/** File name → JSON text, byte-stable. */
export function buildJsonSchemaFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const [kind, { schema, title }] of Object.entries(sources)) {
    const json = withoutDescriptions(zodToJsonSchema(schema, { target: 'jsonSchema7', $refStrategy: 'root' })) as Record<string, unknown>;
    const named = { $schema: json.$schema, title, ...json };
    files.set(schemaFiles[kind as keyof typeof schemaFiles].file, `${JSON.stringify(named, null, 2)}\n`);
  }
  return files;
}
