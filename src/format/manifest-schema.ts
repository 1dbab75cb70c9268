/** `evidence/<deployment>/manifest.json`: the sha256 of every file of the deployment. */
import { z } from 'astro/zod';
import { SCHEMA_VERSION, type FormatVersion, deploymentIdSchema, schemaFilesOf } from './common.ts';

const sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex sha256');

export const manifestSchemaOf = <V extends FormatVersion>(version: V) => z
  .object({
    $schema: z.literal(schemaFilesOf(version).manifest.fromFile),
    schemaVersion: z.literal(version),
    deploymentId: deploymentIdSchema,
    algorithm: z.literal('sha256'),
    /** Paths relative to the deployment directory, sorted. */
    files: z.array(z.object({ path: z.string(), bytes: z.number().int().nonnegative(), sha256: sha256Schema }).strict()),
    /** Chaining across deployments comes with verification; null until then. */
    previousManifestSha256: sha256Schema.nullable(),
  })
  .strict();

export const manifestSchema = manifestSchemaOf(SCHEMA_VERSION);
export type Manifest = z.infer<typeof manifestSchema>;
