/**
 * A `round-trip` check's result (format v4, issue 28): upgrade → downgrade → upgrade rehearsed on
 * a throwaway copy of the target database, never on the target. Each step's exit code, duration
 * and output (redacted and capped as a command's is); the catalog of the copy before, after the
 * first upgrade, after the downgrade and after the second upgrade; and the two comparisons that
 * say whether the way back is a way back: after the downgrade against before (what the downgrade
 * lost or left behind) and after the second upgrade against after the first. The comparisons are
 * the schema change report's (`diffCatalogs`, storage and row estimates ignored), so `verify` can
 * derive them again from the stored snapshots.
 */
import { z } from 'astro/zod';
import { catalogObjectSchema, schemaChangeSchema } from './catalog-schema.ts';
import { lockObservationSchema } from './lock-schema.ts';
import { since } from './since.ts';

export const roundTripStepNameSchema = z.enum(['upgrade', 'downgrade', 'upgrade again']);
export type RoundTripStepName = z.infer<typeof roundTripStepNameSchema>;

const roundTripStepSchema = z
  .object({
    step: roundTripStepNameSchema,
    /** As the evidence records a command's argv: secrets redacted, the machine's directories as placeholders. */
    argv: z.array(z.string()),
    exitCode: z.number().int().nullable(),
    signal: z.string().nullable(),
    timedOut: z.boolean(),
    durationMs: z.number().nonnegative(),
    /** Redacted as it streamed, then capped at `outputCapBytes` (the first three quarters and the last quarter). */
    stdout: z.string(),
    stderr: z.string(),
    /** Bytes left out of the two streams by the cap. */
    bytesOmitted: z.number().int().nonnegative(),
    redactions: z.number().int().nonnegative(),
    /**
     * The locks the step took on the copy, as a mutating command's `locks`: a second, read-only
     * session on the copy sampled pg_locks every 50 ms while the step ran (its sessions found by a
     * PGAPPNAME unique to the step). Absent in evidence collected before the round trip observed them.
     */
    locks: since(4, lockObservationSchema.optional()),
  })
  .strict();
export type RoundTripStep = z.infer<typeof roundTripStepSchema>;

/** One comparison of two snapshots of the copy; null when a step before it failed (nothing to compare). */
const comparisonSchema = z
  .object({
    /** The snapshots compared: `before` → `afterDowngrade`, `afterUpgrade` → `afterUpgradeAgain`. */
    from: z.enum(['before', 'afterUpgrade']),
    to: z.enum(['afterDowngrade', 'afterUpgradeAgain']),
    /** Objects that differ: `dropped` is what the later snapshot lost, `added` what it has that the earlier had not. */
    entries: z.array(schemaChangeSchema),
  })
  .strict();
export type RoundTripComparison = z.infer<typeof comparisonSchema>;

const catalogSnapshotSchema = z.array(catalogObjectSchema).nullable();

export const roundTripResultSchema = z
  .object({
    kind: z.literal('round-trip'),
    /**
     * How the copy was made: `template` (CREATE DATABASE … TEMPLATE the target, when nobody else
     * was connected to it) or `dump` (pg_dump of the target restored into an empty database);
     * why the template was not used; the scratch database's name; whether it was dropped.
     */
    copy: z
      .object({
        method: z.enum(['template', 'dump']),
        templateRefused: z.string().nullable(),
        database: z.string(),
        dropped: z.boolean(),
        /** Copies left by an earlier collection that was killed (no collector holds their lock), dropped before this one was made. */
        leftoversDropped: z.array(z.string()),
      })
      .strict(),
    /** Objects the comparisons left out, as the check's `ignore` named them (the snapshots keep them). */
    ignored: z.array(z.string()),
    /** The schemas the snapshots cover, sorted. */
    schemas: z.array(z.string()),
    /** In the order they ran; a failed step ends the round trip (the later ones are absent). */
    steps: z.array(roundTripStepSchema),
    /** The copy's catalog at each point, sorted as a `schema` snapshot's objects; null when not reached. */
    snapshots: z
      .object({
        before: catalogSnapshotSchema,
        afterUpgrade: catalogSnapshotSchema,
        afterDowngrade: catalogSnapshotSchema,
        afterUpgradeAgain: catalogSnapshotSchema,
      })
      .strict(),
    /** after the downgrade == before: what a downgrade lost (a column, an index, a grant) or left behind. */
    downgradeRestores: comparisonSchema.nullable(),
    /** after the second upgrade == after the first: the upgrade runs again to the same schema. */
    upgradeRepeats: comparisonSchema.nullable(),
  })
  .strict();
export type RoundTripResult = z.infer<typeof roundTripResultSchema>;
