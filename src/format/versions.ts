/**
 * Every evidence format version this reader understands, keyed by `schemaVersion`: the schema
 * a raw file of that version is validated with, and the step that turns it into the current
 * model. Today v1 is both the only version and the model, so its step is the identity. A v2
 * adds an entry here — keeping v1's frozen schemas and an upgrade from v1 — and evidence
 * collected a year ago still reads (tested with the committed v1 fixture).
 */
import type { z } from 'astro/zod';
import { checkSnapshotSchema, type CheckSnapshot } from './snapshot-schema.ts';
import { deploymentSchema, type Deployment } from './deployment-schema.ts';
import { manifestSchema, type Manifest } from './manifest-schema.ts';

/** The three kinds of evidence file, by the model each becomes. */
export interface EvidenceModels {
  deployment: Deployment;
  check: CheckSnapshot;
  manifest: Manifest;
}
export type EvidenceFileKind = keyof EvidenceModels;

type VersionReader = { [K in EvidenceFileKind]: { schema: z.ZodTypeAny; toModel: (raw: unknown) => EvidenceModels[K] } };

const v1: VersionReader = {
  deployment: { schema: deploymentSchema, toModel: (raw) => raw as Deployment },
  check: { schema: checkSnapshotSchema, toModel: (raw) => raw as CheckSnapshot },
  manifest: { schema: manifestSchema, toModel: (raw) => raw as Manifest },
};

export const FORMAT_VERSIONS: Readonly<Record<number, VersionReader>> = { 1: v1 };
