/**
 * An auditor's checkpoint (issue 24, `verify --checkpoint <file>`): every environment's chain of
 * manifests as the auditor saw it — each deployment's id, its digest (sha256 of its manifest) and
 * the digest it follows. Kept by the auditor, outside the evidence: whoever can rewrite the
 * evidence (and its git history) cannot rewrite the auditor's copy, so a later verify against it
 * shows anything seen before that is gone or changed, and any history grown beside the one seen.
 *
 * Not an evidence file kind (EVIDENCE_FILE_KINDS): it has a `kind` and a `version` of its own and
 * is never read from or published with the evidence. Written byte-stable (stableJson): the same
 * checkpoint is the same bytes, so an auditor can hash or sign it.
 */
import { z } from 'astro/zod';
import { deploymentIdSchema, slugSchema, utcTimestampSchema } from './common.ts';
import { sha256Schema } from './manifest-schema.ts';

export const CHECKPOINT_KIND = 'deploy-evidence-checkpoint' as const;
/** A changed shape is a new version; a reader meeting a version it does not know says so. */
export const CHECKPOINT_VERSION = 1 as const;

const checkpointDeploymentSchema = z
  .object({
    id: deploymentIdSchema,
    /** sha256 of its manifest.json: the deployment's digest. */
    digest: sha256Schema,
    /** The digest its manifest names as its predecessor; null for the first of its environment (or a format-v1 manifest, which names none). */
    previous: sha256Schema.nullable(),
  })
  .strict();

export const checkpointSchema = z
  .object({
    kind: z.literal(CHECKPOINT_KIND),
    version: z.literal(CHECKPOINT_VERSION),
    /** When the auditor took it: ISO-8601 UTC. */
    takenAt: utcTimestampSchema,
    /** Sorted by name; each environment's deployments in chain order (a predecessor before what follows it). */
    environments: z.array(
      z
        .object({
          environment: slugSchema,
          deployments: z.array(checkpointDeploymentSchema),
        })
        .strict(),
    ),
  })
  .strict()
  .superRefine((checkpoint, ctx) => {
    const environments = new Set<string>();
    const ids = new Set<string>();
    checkpoint.environments.forEach((env, e) => {
      if (environments.has(env.environment)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['environments', e, 'environment'], message: `"${env.environment}" is listed twice` });
      environments.add(env.environment);
      env.deployments.forEach((d, i) => {
        if (ids.has(d.id)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['environments', e, 'deployments', i, 'id'], message: `"${d.id}" is listed twice` });
        ids.add(d.id);
      });
    });
  });

export type Checkpoint = z.infer<typeof checkpointSchema>;
export type CheckpointDeployment = z.infer<typeof checkpointDeploymentSchema>;
