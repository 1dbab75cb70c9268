/**
 * Every evidence format version this reader understands, keyed by `schemaVersion`: the schema
 * a raw file of that version is validated with, and the step that turns it into the current
 * model. Evidence collected a year ago still reads (tested with the committed v1 fixture).
 *
 * v2 only adds to v1 (the checklist's `signoff` roles and the `dependents` assertion), so a v1
 * file is read with the current fields under v1's envelope, after refusing anything v1 did not
 * have — the frozen v1 JSON Schema refuses the same — and its upgrade only renames the envelope.
 * A v1 checklist declared no sign-off roles, so its report has no Sign-Off section.
 */
import type { z } from 'astro/zod';
import { SCHEMA_VERSION, schemaFiles, type FormatVersion } from './common.ts';
import { checkSnapshotSchemaOf, type CheckSnapshot } from './snapshot-schema.ts';
import { deploymentSchemaOf, type Deployment } from './deployment-schema.ts';
import { manifestSchemaOf, type Manifest } from './manifest-schema.ts';
import { signersSchema, signoffsSchema, type Signers, type Signoffs } from './signoff-schema.ts';

/** The kinds of evidence file, by the model each becomes. */
export interface EvidenceModels {
  deployment: Deployment;
  check: CheckSnapshot;
  manifest: Manifest;
  /** Since v2: `<deployment>/signoffs.json`. */
  signoffs: Signoffs;
  /** Since v2: `_signers.json`, the trusted public keys. */
  signers: Signers;
}
export type EvidenceFileKind = keyof EvidenceModels;
/** The kinds every version has. */
type CoreKind = 'deployment' | 'check' | 'manifest';

interface KindReader<M> {
  /** Problems (`path: message`) the schema cannot see: fields a later version added. */
  refuse?: (raw: Record<string, unknown>) => string[];
  schema: z.ZodTypeAny;
  toModel: (parsed: unknown) => M;
}
type VersionReader = { [K in CoreKind]: KindReader<EvidenceModels[K]> } & { [K in Exclude<EvidenceFileKind, CoreKind>]?: KindReader<EvidenceModels[K]> };

/** The current envelope on an older file's fields. */
function asCurrent<K extends CoreKind>(kind: K) {
  return (parsed: unknown) => ({ ...(parsed as object), $schema: schemaFiles[kind].fromFile, schemaVersion: SCHEMA_VERSION }) as unknown as EvidenceModels[K];
}

const record = (value: unknown): Record<string, unknown> | null => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null);

/** What a v1 deployment.json cannot hold: its checklist names no sign-off roles and no `dependents` assertion. */
function v2OnlyFields(raw: Record<string, unknown>): string[] {
  const definition = record(record(raw.checklist)?.definition);
  if (!definition) return [];
  const problems: string[] = [];
  if ('signoff' in definition) problems.push('checklist.definition.signoff: not part of format v1 (sign-off roles came with schemaVersion 2)');
  const checks = Array.isArray(definition.checks) ? definition.checks : [];
  checks.forEach((check, i) => {
    const assertions = record(check)?.assertions;
    if (!Array.isArray(assertions)) return;
    assertions.forEach((assertion, j) => {
      if (record(assertion)?.type === 'dependents') {
        problems.push(`checklist.definition.checks.${i}.assertions.${j}.type: "dependents" is not part of format v1 (it came with schemaVersion 2)`);
      }
    });
  });
  return problems;
}

const v1: VersionReader = {
  deployment: { refuse: v2OnlyFields, schema: deploymentSchemaOf(1), toModel: asCurrent('deployment') },
  check: { schema: checkSnapshotSchemaOf(1), toModel: asCurrent('check') },
  manifest: { schema: manifestSchemaOf(1), toModel: asCurrent('manifest') },
};

const v2: VersionReader = {
  deployment: { schema: deploymentSchemaOf(2), toModel: (parsed) => parsed as Deployment },
  check: { schema: checkSnapshotSchemaOf(2), toModel: (parsed) => parsed as CheckSnapshot },
  manifest: { schema: manifestSchemaOf(2), toModel: (parsed) => parsed as Manifest },
  signoffs: { schema: signoffsSchema, toModel: (parsed) => parsed as Signoffs },
  signers: { schema: signersSchema, toModel: (parsed) => parsed as Signers },
};

export const FORMAT_VERSIONS: Readonly<Record<FormatVersion, VersionReader>> = { 1: v1, 2: v2 };
