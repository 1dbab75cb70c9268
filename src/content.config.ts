/**
 * Content collections over evidence/ (and nothing else): one entry per deployment, one per
 * check snapshot. The loader validates every file with the schemas of its format version first, so a bad
 * file fails the build naming the file and the field.
 */
import { defineCollection } from 'astro:content';
import { z } from 'astro/zod';
import { checkSnapshotSchema, deploymentSchema, manifestSchema } from './format/index.ts';
import { evidenceDir, strictBuild } from './site/evidence-dir.ts';
import { describeRefused } from './format/evidence-tree.ts';
import { loadEvidence, type LoadedEvidence } from './site/load-evidence.ts';

let loaded: Promise<LoadedEvidence> | undefined;
function evidence(): Promise<LoadedEvidence> {
  loaded ??= loadEvidence(evidenceDir(), { strict: strictBuild() }).then((result) => {
    for (const line of result.skipped) console.warn(`[evidence] ${line}`);
    if (result.refused.length > 0) console.warn(`[evidence] ${describeRefused(evidenceDir(), result.refused).replaceAll('\n', '\n[evidence] ')}`);
    return result;
  });
  return loaded;
}

const rawFileSchema = z.object({ path: z.string(), bytes: z.number(), sha256: z.string() });

/** A sign-off role as verified at load (src/core/signoffs): plain data for the pages. */
const roleVerdictSchema = z.object({
  role: z.string(),
  label: z.string(),
  state: z.enum(['signed', 'stale', 'unverified', 'unsigned']),
  signoff: z
    .object({
      state: z.enum(['signed', 'stale', 'unverified']),
      predicate: z.object({ deploymentId: z.string(), environment: z.string(), role: z.string(), name: z.string(), signedAt: z.string(), note: z.string().nullable() }).nullable(),
      keyid: z.string().nullable(),
      signer: z.string().nullable(),
      sampleKey: z.boolean(),
      reason: z.string().nullable(),
    })
    .nullable(),
});

const deployments = defineCollection({
  loader: async () => (await evidence()).deployments,
  schema: z.object({ deployment: deploymentSchema, manifest: manifestSchema.nullable(), files: z.array(rawFileSchema), formatVersion: z.number().int(), integrity: z.object({ status: z.enum(['OK', 'FAILED', 'INCOMPLETE']), digest: z.string().nullable(), problems: z.array(z.string()), signoffs: z.array(roleVerdictSchema) }), signersPublished: z.boolean(), notes: z.object({ nodes: z.array(z.any()).nullable(), problem: z.string().nullable(), text: z.string() }).nullable() }),
});

const checks = defineCollection({
  loader: async () => (await evidence()).checks,
  schema: z.object({ deploymentId: z.string(), snapshot: checkSnapshotSchema, file: rawFileSchema }),
});

export const collections = { deployments, checks };
