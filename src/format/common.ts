/**
 * Building blocks shared by every evidence file.
 * `z` comes from astro/zod: the same zod 3 copy the site's content collections use.
 */
import { z } from 'astro/zod';
import { fieldDocs } from './field-docs.ts';
import { sinceValues } from './since.ts';

/**
 * The format version collectors write. A changed shape is a new version: the versions written stay
 * frozen, and what each version added is marked where it is defined (since.ts), from which the
 * older versions are derived (versions.ts). v2 added the sign-off files and, to the checklist a
 * deployment embeds, its sign-off roles (`signoff`) and the `dependents` assertion. v3 added the
 * checklist's sign-off policy (`signoffPolicy`: segregation of duties) and who ran the collection
 * (`collectedBy` in deployment.json), issue 24. v4 added the `schema` check kind (schema snapshots,
 * the change report between two of them and drift against the previous deployment) and its
 * assertions `expected-changes` and `no-unexpected-drops`, and the `round-trip` check kind
 * (upgrade → downgrade → upgrade rehearsed on a throwaway copy of the database), issue 28.
 */
export const SCHEMA_VERSION = 4 as const;
/** Every version this reader understands, oldest first. */
export const FORMAT_VERSION_NUMBERS = [1, 2, 3, 4] as const;
export type FormatVersion = (typeof FORMAT_VERSION_NUMBERS)[number];

/** Stable ids: they become permanent URLs (`/deployments/<id>/checks/<check-id>/`). */
export const slugSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,79}$/, 'must be a lowercase slug: a-z, 0-9 and "-", starting with a letter or digit, at most 80 characters');

/**
 * The same rule, named for what it identifies (knip: an alias, not a duplicate export).
 * @alias
 */
export const deploymentIdSchema = slugSchema;
/** @alias */
export const checkIdSchema = slugSchema;

/** ISO-8601 UTC with a trailing Z, as `Date#toISOString` writes it. */
export const utcTimestampSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/, 'must be an ISO-8601 UTC timestamp ending in Z');

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** The JSON type of a parsed value: what tells the options of a JSON-typed union apart. */
function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** The JSON type a schema accepts, looking through transforms and refinements. */
function jsonTypeOfSchema(schema: z.ZodTypeAny): string | null {
  if (schema instanceof z.ZodEffects) return jsonTypeOfSchema(schema.innerType());
  if (schema instanceof z.ZodString) return 'string';
  if (schema instanceof z.ZodNumber) return 'number';
  if (schema instanceof z.ZodBoolean) return 'boolean';
  if (schema instanceof z.ZodNull) return 'null';
  if (schema instanceof z.ZodArray) return 'array';
  if (schema instanceof z.ZodRecord || schema instanceof z.ZodObject) return 'object';
  return null;
}

/**
 * A union whose options each take a different JSON type: a value is parsed by the one option of
 * its type instead of by each in turn. zod's union builds a full issue for every option that
 * fails before the one that fits — a number cell fails as a string first, a plan's object fails
 * five times — which made most of the site build's validation (issue 14). A value of no option's
 * type gets the union's own error; the JSON Schema is the union's own (the same `anyOf`).
 */
class JsonTypedUnion<T extends z.ZodUnionOptions> extends z.ZodUnion<T> {
  private byType: Map<string, z.ZodTypeAny> | undefined;

  override _parse(input: z.ParseInput): z.ParseReturnType<T[number]['_output']> {
    this.byType ??= optionsByJsonType(this.options);
    const option = this.byType.get(jsonTypeOf(input.data));
    return option ? option._parse(input) : super._parse(input);
  }
}

function optionsByJsonType(options: readonly z.ZodTypeAny[]): Map<string, z.ZodTypeAny> {
  const byType = new Map<string, z.ZodTypeAny>();
  for (const option of options) {
    const type = jsonTypeOfSchema(option);
    if (type === null || byType.has(type)) throw new Error(`a JSON-typed union needs one option per JSON type: ${type ?? option.constructor.name} is ${type ? 'taken twice' : 'not one'}`);
    byType.set(type, option);
  }
  return byType;
}

export function jsonTypedUnion<T extends z.ZodUnionOptions>(options: T): z.ZodUnion<T> {
  return new JsonTypedUnion({ options, typeName: z.ZodFirstPartyTypeKind.ZodUnion });
}

/**
 * Free-form JSON (assertion expected/actual, EXPLAIN plans). Object keys are sorted on parse,
 * so free-form values are as byte-stable as the fixed-order objects around them.
 */
export const jsonValueSchema: z.ZodType<JsonValue, z.ZodTypeDef, unknown> = z.lazy(() => (jsonValueUnion ??= jsonValueOptions()));

// z.lazy calls its getter at every value it parses: built once, not once per nested value (the
// site build validates thousands of plans and assertion values; issue 14).
let jsonValueUnion: z.ZodType<JsonValue, z.ZodTypeDef, unknown> | undefined;
function jsonValueOptions(): z.ZodType<JsonValue, z.ZodTypeDef, unknown> {
  return jsonTypedUnion([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(jsonValueSchema),
    z.record(jsonValueSchema).transform((record) => Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))),
  ]);
}

export const checkStatusSchema = z.enum(['pass', 'warn', 'fail', 'error', 'skipped']);
export type CheckStatus = z.infer<typeof checkStatusSchema>;

/**
 * The check kinds: every extension table (core, collectors, site, exports) is keyed by this union.
 * The checklist's check definitions and the snapshot's results are unions of their own; each is
 * held to this one at compile time (checklist-schema.ts, snapshot-schema.ts), so a kind added to
 * one and not the others does not compile.
 */
export const checkKindSchema = sinceValues(z.enum(['sql', 'columns', 'explain', 'command', 'dependents', 'schema', 'round-trip']), { schema: 4, 'round-trip': 4 });
export type CheckKind = z.infer<typeof checkKindSchema>;

/** `true` when two unions have the same members, else `false`: holds one union of the format to another. */
export type SameMembers<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

export const relationSchema = fieldDocs(
  z
    .object({
      schema: z.string().min(1).default('public'),
      name: z.string().min(1),
    })
    .strict(),
  { schema: 'The schema (namespace); `public` unless given.', name: 'The table or view name, as the catalog spells it (unquoted).' },
);
export type Relation = z.infer<typeof relationSchema>;

/** Each kind of evidence file, and the format version it came with. */
export const EVIDENCE_FILE_KINDS = { deployment: 1, check: 1, manifest: 1, signoffs: 2, signers: 2 } as const satisfies Record<string, FormatVersion>;
export type EvidenceFileKind = keyof typeof EVIDENCE_FILE_KINDS;

/** The kinds of evidence file a format version has. */
export function evidenceFileKindsOf(version: FormatVersion): EvidenceFileKind[] {
  return (Object.keys(EVIDENCE_FILE_KINDS) as EvidenceFileKind[]).filter((kind) => EVIDENCE_FILE_KINDS[kind] <= version);
}

/** Where a version's JSON Schema files live, relative to the evidence root. */
export const schemaDir = (version: FormatVersion) => `_schemas/v${version}` as const;

/**
 * The JSON Schema file of each kind of evidence file, and the `$schema` it carries: a path relative
 * to the file itself (`<id>/deployment.json`, `<id>/checks/<check>.json`, `_signers.json`).
 */
export function schemaFilesOf(version: FormatVersion) {
  const dir = schemaDir(version);
  return {
    deployment: { file: 'deployment.schema.json', fromFile: `../${dir}/deployment.schema.json` },
    check: { file: 'check.schema.json', fromFile: `../../${dir}/check.schema.json` },
    manifest: { file: 'manifest.schema.json', fromFile: `../${dir}/manifest.schema.json` },
    signoffs: { file: 'signoffs.schema.json', fromFile: `../${dir}/signoffs.schema.json` },
    signers: { file: 'signers.schema.json', fromFile: `./${dir}/signers.schema.json` },
  } as const satisfies Record<EvidenceFileKind, { file: string; fromFile: string }>;
}

/** The current version's: what collectors write. */
export const schemaFiles = schemaFilesOf(SCHEMA_VERSION);
export const SCHEMA_DIR = schemaDir(SCHEMA_VERSION);
