/**
 * Every evidence format version this reader understands, keyed by `schemaVersion`: the schema a
 * raw file of that version is validated with, and the step that turns it into the current model.
 * Evidence collected a year ago still reads (tested with the committed v1 fixture).
 *
 * Nothing here is written per version: each version's schemas are the current ones with what came
 * later left out (since.ts), so a file of an older version that holds a later addition is refused
 * naming the field and the version that brought it. Every addition is optional or defaulted, so an
 * older file becomes the current model by the current schema, which fills the additions in (a v1
 * checklist declared no sign-off roles: its report has no Sign-Off section).
 */
import type { z } from 'astro/zod';
import { EVIDENCE_FILE_KINDS, FORMAT_VERSION_NUMBERS, SCHEMA_VERSION, schemaFiles, type EvidenceFileKind, type FormatVersion } from './common.ts';
import { checkSnapshotSchemaOf, type CheckSnapshot } from './snapshot-schema.ts';
import { deploymentSchemaOf, type Deployment } from './deployment-schema.ts';
import { manifestSchemaOf, type Manifest } from './manifest-schema.ts';
import { signersSchemaOf, signoffsSchemaOf, type Signers, type Signoffs } from './signoff-schema.ts';
import { schemaAt, type Purpose } from './since.ts';

export type { EvidenceFileKind };

/** The kinds of evidence file, by the model each becomes. */
export interface EvidenceModels {
  deployment: Deployment;
  check: CheckSnapshot;
  manifest: Manifest;
  /** `<deployment>/signoffs.json`. */
  signoffs: Signoffs;
  /** `_signers.json`, the trusted public keys. */
  signers: Signers;
}

/** Each kind's schema under a version's envelope, with the current fields (the derivation's input). */
const ENVELOPED: Record<EvidenceFileKind, (version: FormatVersion) => z.ZodTypeAny> = {
  deployment: deploymentSchemaOf,
  check: checkSnapshotSchemaOf,
  manifest: manifestSchemaOf,
  signoffs: signoffsSchemaOf,
  signers: signersSchemaOf,
};

const derived = new Map<string, z.ZodTypeAny>();

/**
 * The schema of a kind of evidence file in a format version: for its published JSON Schema
 * (`publish`) or for reading its files (`read`). The current version's is the schema itself.
 */
export function evidenceSchemaOf(kind: EvidenceFileKind, version: FormatVersion, purpose: Purpose): z.ZodTypeAny {
  if (EVIDENCE_FILE_KINDS[kind] > version) throw new Error(`format v${version} has no ${kind} file (it came with v${EVIDENCE_FILE_KINDS[kind]})`);
  const key = `${kind} ${version} ${purpose}`;
  let schema = derived.get(key);
  if (!schema) derived.set(key, (schema = schemaAt(ENVELOPED[kind](version), version, purpose)));
  return schema;
}

interface KindReader<M> {
  schema: z.ZodTypeAny;
  /** The validated file as the current model, or the problems (`path: message`) that keep it from being one. */
  toModel: (parsed: unknown) => { model: M } | { problems: string[] };
}
type VersionReader = { [K in EvidenceFileKind]?: KindReader<EvidenceModels[K]> };

function readerOf<K extends EvidenceFileKind>(kind: K, version: FormatVersion): KindReader<EvidenceModels[K]> {
  const schema = evidenceSchemaOf(kind, version, 'read');
  if (version === SCHEMA_VERSION) return { schema, toModel: (parsed) => ({ model: parsed as EvidenceModels[K] }) };
  const current = ENVELOPED[kind](SCHEMA_VERSION);
  return {
    schema,
    // The current envelope on the older file's fields, filled in by the current schema.
    toModel: (parsed) => {
      const upgraded = current.safeParse({ ...(parsed as object), $schema: schemaFiles[kind].fromFile, schemaVersion: SCHEMA_VERSION });
      return upgraded.success ? { model: upgraded.data as EvidenceModels[K] } : { problems: upgraded.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message} (reading format v${version} as v${SCHEMA_VERSION})`) };
    },
  };
}

function versionReader(version: FormatVersion): VersionReader {
  const reader: VersionReader = {};
  for (const kind of Object.keys(ENVELOPED) as EvidenceFileKind[]) {
    if (EVIDENCE_FILE_KINDS[kind] <= version) (reader as Record<EvidenceFileKind, KindReader<unknown>>)[kind] = readerOf(kind, version);
  }
  return reader;
}

export const FORMAT_VERSIONS: Readonly<Record<FormatVersion, VersionReader>> = Object.fromEntries(
  FORMAT_VERSION_NUMBERS.map((version) => [version, versionReader(version)]),
) as Record<FormatVersion, VersionReader>;
