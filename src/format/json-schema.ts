/**
 * JSON Schema files derived from the zod schemas, so anyone can validate evidence with a
 * stock validator (ajv, check-jsonschema…) without this tool.
 */
import { zodToJsonSchema } from 'zod-to-json-schema';
import type { z } from 'astro/zod';
import { SCHEMA_VERSION, schemaFilesOf, type FormatVersion } from './common.ts';
import { checkSnapshotSchemaOf } from './snapshot-schema.ts';
import { deploymentSchemaOf } from './deployment-schema.ts';
import { manifestSchemaOf } from './manifest-schema.ts';
import { signersSchema, signoffSchemaFiles, signoffsSchema } from './signoff-schema.ts';

/** File name → schema and title: the three files every version has, and the sign-off files since v2. */
const sources = (version: FormatVersion): [string, { schema: z.ZodTypeAny; title: string }][] => {
  const names = schemaFilesOf(version);
  return [
    [names.deployment.file, { schema: deploymentSchemaOf(version), title: `deploy-evidence deployment (format v${version})` }],
    [names.check.file, { schema: checkSnapshotSchemaOf(version), title: `deploy-evidence check snapshot (format v${version})` }],
    [names.manifest.file, { schema: manifestSchemaOf(version), title: `deploy-evidence manifest (format v${version})` }],
    ...(version >= 2
      ? [
          [signoffSchemaFiles.signoffs.file, { schema: signoffsSchema, title: `deploy-evidence sign-offs (format v${version})` }] as [string, { schema: z.ZodTypeAny; title: string }],
          [signoffSchemaFiles.signers.file, { schema: signersSchema, title: `deploy-evidence trusted signers (format v${version})` }] as [string, { schema: z.ZodTypeAny; title: string }],
        ]
      : []),
  ];
};

/**
 * Without the description annotations: the evidence schemas of a format version are frozen bytes, and
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

/**
 * A version's JSON Schemas as the zod schemas read it, file name → JSON text, byte-stable.
 * Collectors write the current version's; an older version's committed files are frozen bytes
 * (for v1, the check and manifest shapes are unchanged, so those still generate identically).
 */
export function buildJsonSchemaFiles(version: FormatVersion = SCHEMA_VERSION): Map<string, string> {
  const files = new Map<string, string>();
  for (const [name, { schema, title }] of sources(version)) {
    const json = withoutDescriptions(zodToJsonSchema(schema, { target: 'jsonSchema7', $refStrategy: 'root' })) as Record<string, unknown>;
    const named = { $schema: json.$schema, title, ...json };
    files.set(name, `${JSON.stringify(named, null, 2)}\n`);
  }
  return files;
}
