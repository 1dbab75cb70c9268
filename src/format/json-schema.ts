/**
 * JSON Schema files derived from the zod schemas, so anyone can validate evidence with a
 * stock validator (ajv, check-jsonschema…) without this tool.
 */
import { zodToJsonSchema } from 'zod-to-json-schema';
import { SCHEMA_VERSION, evidenceFileKindsOf, schemaFilesOf, type EvidenceFileKind, type FormatVersion } from './common.ts';
import { evidenceSchemaOf } from './versions.ts';

/** What each JSON Schema file is titled. */
const TITLES: Record<EvidenceFileKind, string> = {
  deployment: 'deployment',
  check: 'check snapshot',
  manifest: 'manifest',
  signoffs: 'sign-offs',
  signers: 'trusted signers',
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
 * A version's JSON Schemas as the zod schemas derive it (since.ts), file name → JSON text,
 * byte-stable. Collectors write the current version's; every version's committed files are frozen
 * bytes, and a test holds them equal to what this generates.
 */
export function buildJsonSchemaFiles(version: FormatVersion = SCHEMA_VERSION): Map<string, string> {
  const files = new Map<string, string>();
  for (const kind of evidenceFileKindsOf(version)) {
    const schema = evidenceSchemaOf(kind, version, 'publish');
    const json = withoutDescriptions(zodToJsonSchema(schema, { target: 'jsonSchema7', $refStrategy: 'root' })) as Record<string, unknown>;
    const named = { $schema: json.$schema, title: `deploy-evidence ${TITLES[kind]} (format v${version})`, ...json };
    files.set(schemaFilesOf(version)[kind].file, `${JSON.stringify(named, null, 2)}\n`);
  }
  return files;
}
