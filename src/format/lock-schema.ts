/**
 * The locks a mutating step really took (format v4, issue 28): what a second, read-only session
 * saw in pg_locks and pg_stat_activity while the step ran, sampled every `intervalMs`. A sample
 * is an instant: a lock seen in consecutive samples from `firstSeenMs` to `lastSeenMs` was held
 * at least `minMs` (between the first and the last sample that saw it) and at most `maxMs`
 * (between the samples just before and just after, which did not see it; the step's start and end
 * when there are none). A lock taken and released between two samples is not seen at all.
 */
import { z } from 'astro/zod';

/** Why the observation holds what it holds. Only `observed` can be judged; the others say why not. */
const lockObservationStatusSchema = z.enum(['observed', 'no-backends', 'failed', 'unsupported']);

const lockHoldSchema = z
  .object({
    /** pg_locks.mode: `AccessExclusiveLock`, `ShareLock`, `RowExclusiveLock`… */
    mode: z.string(),
    /** false: the migration's backend was waiting for it, not holding it. */
    granted: z.boolean(),
    pid: z.number().int(),
    /** ms from the step's start of the first and the last sample that saw it. */
    firstSeenMs: z.number().nonnegative(),
    lastSeenMs: z.number().nonnegative(),
    /** Samples that saw it. */
    samples: z.number().int().positive(),
    /** Held at least this long (last − first sample that saw it) … */
    minMs: z.number().nonnegative(),
    /** … and at most this long (the samples around them that did not see it, or the step's edges). */
    maxMs: z.number().nonnegative(),
  })
  .strict();
export type LockHold = z.infer<typeof lockHoldSchema>;

const lockWaiterSchema = z
  .object({
    pid: z.number().int(),
    applicationName: z.string(),
    /** The statement it was waiting in: redacted, capped. */
    query: z.string(),
    /** The lock it waited for on this relation. */
    mode: z.string(),
    firstSeenMs: z.number().nonnegative(),
    lastSeenMs: z.number().nonnegative(),
    samples: z.number().int().positive(),
    /** The migration's backends it waited behind (pg_blocking_pids). */
    blockedBy: z.array(z.number().int()),
  })
  .strict();
export type LockWaiter = z.infer<typeof lockWaiterSchema>;

const lockedRelationSchema = z
  .object({
    /** pg_locks.relation, as text. */
    oid: z.string(),
    /** Named once, after the step; null when the relation no longer existed then (dropped during the step). */
    schema: z.string().nullable(),
    name: z.string().nullable(),
    /** pg_class.relkind (`r` table, `i` index, `v` view…); null when dropped. */
    relkind: z.string().nullable(),
    /** Each run of consecutive samples in which a backend of the migration held (or waited for) a mode. */
    holds: z.array(lockHoldSchema),
    /** Other sessions that waited behind the migration for this relation. */
    waiters: z.array(lockWaiterSchema),
  })
  .strict();
export type LockedRelation = z.infer<typeof lockedRelationSchema>;

export const lockObservationSchema = z
  .object({
    status: lockObservationStatusSchema,
    /** Why it is not `observed`, or what limits it, in a sentence; null when there is nothing to say. */
    note: z.string().nullable(),
    intervalMs: z.number().int().positive(),
    /** How the migration's backends were found: its application_name, else the sessions that appeared during the step. */
    matchedBy: z.enum(['application-name', 'new-sessions']).nullable(),
    applicationName: z.string().nullable(),
    /** The step's duration as the sampler measured it (its clock). */
    stepMs: z.number().nonnegative(),
    samples: z
      .object({
        taken: z.number().int().nonnegative(),
        /** Samples that failed (a timeout, a lost connection): gaps, not errors of the check. */
        failed: z.number().int().nonnegative(),
        /** The longest time between two successful samples (or a step edge): no lock shorter than this is sure to be seen. */
        longestSpacingMs: z.number().nonnegative(),
      })
      .strict(),
    /** The first failed samples: when, and why. */
    gaps: z.array(z.object({ atMs: z.number().nonnegative(), message: z.string() }).strict()),
    /** The migration's backends the sampler saw. */
    backends: z.array(z.object({ pid: z.number().int(), applicationName: z.string(), firstSeenMs: z.number().nonnegative(), lastSeenMs: z.number().nonnegative() }).strict()),
    /** Samples in which a backend of the migration waited behind the sampler itself (pg_blocking_pids): 0, or the sampler got in the way. */
    blockedBySampler: z.number().int().nonnegative(),
    /** Sorted by schema and name (dropped ones last, by oid). */
    relations: z.array(lockedRelationSchema),
    /** Lists cut at their ceilings (relations, holds, waiters, stored sample rows): what was cut is said in `note`. */
    truncated: z.boolean(),
  })
  .strict();
export type LockObservation = z.infer<typeof lockObservationSchema>;
