/**
 * One check's snapshot: `evidence/<deployment>/checks/<check-id>.json`.
 * Raw results are normalized once, at the collector's edge (see collectors/db/lossless-values.ts):
 * what is stored here is exactly what the database or the command said.
 */
import { z } from 'astro/zod';
import {
  SCHEMA_VERSION,
  type FormatVersion,
  checkIdSchema,
  checkKindSchema,
  checkStatusSchema,
  deploymentIdSchema,
  jsonValueSchema,
  jsonTypedUnion,
  relationSchema,
  schemaFilesOf,
  utcTimestampSchema,
  type CheckKind,
  type SameMembers,
} from './common.ts';
import { since } from './since.ts';
import { schemaResultSchema } from './catalog-schema.ts';
import { roundTripResultSchema } from './round-trip-schema.ts';
import { lockObservationSchema } from './lock-schema.ts';

/**
 * A value as the database said it: int2/int4 and finite floats as JSON numbers,
 * int8/numeric as strings, float NaN/±Infinity as the strings "NaN", "Infinity", "-Infinity"
 * (the column type tells them apart from text), booleans, NULL as null, everything else
 * as the server's text (timestamptz normalized to UTC ISO).
 */
export const cellSchema = jsonTypedUnion([z.string(), z.number(), z.boolean(), z.null()]);
export type Cell = z.infer<typeof cellSchema>;

const resultColumnSchema = z
  .object({
    name: z.string(),
    /** `format_type(oid, typmod)`: `bigint`, `timestamp without time zone`, `character varying(20)`… */
    type: z.string(),
    typeOid: z.number().int(),
  })
  .strict();
export type ResultColumn = z.infer<typeof resultColumnSchema>;

const sqlResultSchema = z
  .object({
    kind: z.literal('sql'),
    columns: z.array(resultColumnSchema),
    rows: z.array(z.array(cellSchema)),
    /** Rows the query returned, whether or not all were kept. */
    rowCount: z.number().int().nonnegative(),
    /**
     * Rows every row assertion judged: all of them, streamed, not only the `rows` kept for
     * display (absent in evidence collected before assertions streamed).
     */
    rowsJudged: z.number().int().nonnegative().optional(),
    /** One entry per read (more than one when the check re-reads for determinism): duration and the sha256 of all its rows (`JSON.stringify` of the whole result, folded as it streamed). */
    reads: z
      .array(z.object({ durationMs: z.number().nonnegative(), rowsSha256: z.string() }).strict())
      .min(1),
  })
  .strict();

const actualColumnSchema = z
  .object({
    position: z.number().int().positive(),
    name: z.string(),
    type: z.string(),
    /** What the catalog says; for a view it is always true, whatever the data. */
    nullable: z.boolean(),
  })
  .strict();

const columnsResultSchema = z
  .object({
    kind: z.literal('columns'),
    relation: relationSchema.extend({ relkind: z.enum(['table', 'view', 'materialized view', 'foreign table', 'partitioned table', 'missing', 'other']) }),
    columns: z.array(actualColumnSchema),
    /**
     * PostgreSQL reports every view column as nullable, so for a view each NOT NULL
     * expectation is checked on the data: `count(*) FILTER (WHERE col IS NULL)`, one scan for all.
     */
    nullCheckOnData: z
      .object({
        sql: z.string(),
        nullRows: z.array(z.object({ column: z.string(), rows: z.string() }).strict()),
      })
      .strict()
      .nullable(),
    note: z.string().nullable().default(null),
  })
  .strict();

const explainRunSchema = z
  .object({ planningMs: z.number().nonnegative(), executionMs: z.number().nonnegative() })
  .strict();

const explainResultSchema = z
  .object({
    kind: z.literal('explain'),
    /** EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) of the median run (by execution time; the last run in evidence collected before issue 11), as the server returned it; the figures below are that run's. */
    plan: jsonValueSchema,
    planningMs: z.number().nonnegative(),
    executionMs: z.number().nonnegative(),
    /** Rows read by scan nodes (actual rows × loops, plus rows removed by filter). */
    rowsScanned: z.number().nonnegative(),
    sharedHitBlocks: z.number().nonnegative(),
    sharedReadBlocks: z.number().nonnegative(),
    nodeTypes: z.array(z.string()),
    runs: z.array(explainRunSchema).min(1),
    /** Medians over `runs`; equal to the single run when runs = 1. */
    medianPlanningMs: z.number().nonnegative(),
    medianExecutionMs: z.number().nonnegative(),
    /** The check's comparison settings, as they were when collected (older evidence: the defaults). */
    noiseBand: z.number().positive().default(0.25),
    noiseFloorMs: z.number().nonnegative().default(1),
    maxRatio: z.number().min(1).default(1.5),
  })
  .strict();

/** One revision as alembic prints it: `down1, down2 -> rev (head) (mergepoint), message`. */
const alembicRevisionSchema = z
  .object({
    revision: z.string(),
    downRevisions: z.array(z.string()),
    message: z.string().nullable(),
    markers: z.array(z.string()),
  })
  .strict();

/** A migration step alembic reported running: `Running upgrade A -> B, message`. */
const alembicMigrationSchema = z
  .object({
    direction: z.enum(['upgrade', 'downgrade']),
    from: z.string().nullable(),
    to: z.string().nullable(),
    message: z.string().nullable(),
  })
  .strict();

const pytestCaseSchema = z
  .object({
    name: z.string(),
    classname: z.string(),
    outcome: z.enum(['passed', 'failed', 'error', 'skipped']),
    durationMs: z.number().nonnegative(),
    /** The failure, error or skip message, when there is one. */
    message: z.string().nullable(),
    details: z.string().nullable(),
  })
  .strict();

/**
 * Parsed views of known tools' output, kept beside the raw output they were read from.
 * The parser is named by the checklist (`parser`), never guessed from the command.
 */
export const parsedOutputSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('alembic-history'),
      /** Newest first, as alembic prints them. */
      revisions: z.array(alembicRevisionSchema),
      heads: z.array(z.string()),
      /** The single head, or null when there are several (or none). */
      head: z.string().nullable(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('alembic-upgrade'),
      migrations: z.array(alembicMigrationSchema),
      /** The revision the last step reached, if any ran. */
      reached: z.string().nullable(),
      errors: z.array(z.string()),
    })
    .strict(),
  z
    .object({
      kind: z.literal('alembic-sql'),
      migrations: z.array(alembicMigrationSchema),
      /** The SQL alembic would run (stdout of --sql). */
      sql: z.string(),
      errors: z.array(z.string()),
    })
    .strict(),
  z
    .object({
      kind: z.literal('pytest'),
      tests: z.array(pytestCaseSchema),
      summary: z
        .object({ tests: z.number().int(), passed: z.number().int(), failed: z.number().int(), errors: z.number().int(), skipped: z.number().int(), durationMs: z.number() })
        .strict(),
      /** The JUnit XML report pytest wrote, as written (capped like the output). */
      junitXml: z.string().nullable(),
    })
    .strict(),
]);
export type ParsedOutput = z.infer<typeof parsedOutputSchema>;

const commandResultSchema = z
  .object({
    kind: z.literal('command'),
    exitCode: z.number().int().nullable(),
    signal: z.string().nullable(),
    timedOut: z.boolean(),
    stdout: z.string(),
    stderr: z.string(),
    /** Bytes kept of each stream; what lies beyond is counted in `truncation.bytesOmitted`. */
    outputCapBytes: z.number().int().positive(),
    /** Secrets found in the output and replaced before writing (how many, never what). */
    redactions: z.number().int().nonnegative(),
    /** The tool's output read by the checklist's parser; null without one, or when nothing could be read. */
    parsed: parsedOutputSchema.nullable().default(null),
    /**
     * Each whole stream, after redaction: its size and sha256, and — when it exceeded the cap —
     * its last bytes (`stdout`/`stderr` then hold the first bytes; the middle is counted in
     * `truncation.bytesOmitted`). Absent in evidence collected before the tail was kept.
     */
    streams: z
      .object({
        stdout: z.object({ bytes: z.number().int().nonnegative(), sha256: z.string(), tail: z.string().nullable() }).strict(),
        stderr: z.object({ bytes: z.number().int().nonnegative(), sha256: z.string(), tail: z.string().nullable() }).strict(),
      })
      .strict()
      .optional(),
    /**
     * What the database itself says the command did, read-only before and after it (for a
     * migration: the version table). A log can be silent (an env.py without logging); the
     * database is the first witness, the log the second. `null` before/after: nothing to read.
     */
    databaseState: z
      .object({ sql: z.string(), before: z.array(z.string()).nullable(), after: z.array(z.string()).nullable() })
      .strict()
      .optional(),
    /**
     * Which of the environment variables the command asked for (`source.env`) it got, and which
     * were not set where the collector ran: names only, never a value (v3; absent before). The
     * one input that can differ between a passing and a failing run of the same command.
     */
    environment: since(3, z.object({ present: z.array(z.string()), missing: z.array(z.string()) }).strict().optional()),
    /**
     * The locks the step really took, sampled from a second read-only session while it ran
     * (`observeLocks` on a mutating check; v4, issue 28). Absent when not asked for.
     */
    locks: since(4, lockObservationSchema.optional()),
  })
  .strict();

const dependentSchema = z
  .object({
    type: z.string(),
    schema: z.string().nullable(),
    name: z.string(),
    /** pg_depend.deptype: n (normal), a (auto), i (internal)… */
    dependencyType: z.string(),
  })
  .strict();

const dependentsResultSchema = z
  .object({
    kind: z.literal('dependents'),
    relation: relationSchema.extend({ exists: z.boolean() }),
    dependents: z.array(dependentSchema),
  })
  .strict();

export const checkResultSchema = z.discriminatedUnion('kind', [
  sqlResultSchema,
  columnsResultSchema,
  explainResultSchema,
  commandResultSchema,
  dependentsResultSchema,
  since(4, schemaResultSchema),
  since(4, roundTripResultSchema),
]);
export type CheckResult = z.infer<typeof checkResultSchema>;
export type ResultOf<K extends CheckResult['kind']> = Extract<CheckResult, { kind: K }>;

// A result for exactly each of the format's check kinds (common.ts): `true` is not a `false`.
const checkResultsHaveEveryKind: SameMembers<CheckResult['kind'], CheckKind> = true;

const assertionOutcomeSchema = z
  .object({
    id: z.string(),
    type: z.string(),
    description: z.string(),
    expected: jsonValueSchema,
    actual: jsonValueSchema,
    /** `skipped` when the check produced nothing to judge (it errored or was skipped). */
    status: z.enum(['pass', 'warn', 'fail', 'skipped']),
  })
  .strict();
export type AssertionOutcome = z.infer<typeof assertionOutcomeSchema>;

const checkErrorSchema = z
  .object({
    /** sql: the server refused; timeout: statement or command timed out; connection: lost or unreachable;
     * refused: deploy-evidence would not send it (not a single SELECT); spawn: the command could not start. */
    kind: z.enum(['sql', 'timeout', 'connection', 'refused', 'spawn', 'internal']),
    message: z.string(),
    /** SQLSTATE, when the server gave one. */
    code: z.string().nullable().default(null),
    hint: z.string().nullable().default(null),
    detail: z.string().nullable().default(null),
  })
  .strict();
export type CheckError = z.infer<typeof checkErrorSchema>;

const checkSourceSchema = z
  .object({
    sql: z.string().optional(),
    params: z.array(z.object({ name: z.string(), value: z.string().nullable() }).strict()).optional(),
    relation: relationSchema.optional(),
    argv: z.array(z.string()).optional(),
    /** A command's working directory: relative to the application directory since v3 (`.` for the directory itself); before, as the collector's machine named it. */
    cwd: z.string().optional(),
    /** Names of the environment variables passed through; values are never recorded. */
    env: z.array(z.string()).optional(),
    /** A command's timeout: killed (with its whole process group) when it runs longer. */
    timeoutMs: z.number().int().positive().optional(),
    note: z.string().optional(),
    /** Functions (`schema.name`) the statement reached that ran only because the check allows them by name (issue 25). */
    allowedFunctions: since(3, z.array(z.string()).optional()),
  })
  .strict();

const sessionSettingsSchema = z
  .object({
    readOnly: z.boolean(),
    statementTimeoutMs: z.number().int().positive(),
    lockTimeoutMs: z.number().int().positive(),
    applicationName: z.string(),
  })
  .strict();

export const checkSnapshotSchemaOf = <V extends FormatVersion>(version: V) => z
  .object({
    $schema: z.literal(schemaFilesOf(version).check.fromFile),
    schemaVersion: z.literal(version),
    deploymentId: deploymentIdSchema,
    id: checkIdSchema,
    section: z.string(),
    title: z.string(),
    kind: checkKindSchema,
    required: z.boolean(),
    source: checkSourceSchema,
    session: sessionSettingsSchema.nullable(),
    startedAt: utcTimestampSchema,
    finishedAt: utcTimestampSchema,
    durationMs: z.number().nonnegative(),
    status: checkStatusSchema,
    assertions: z.array(assertionOutcomeSchema),
    result: checkResultSchema.nullable(),
    error: checkErrorSchema.nullable(),
    skipReason: z.string().nullable(),
    truncation: z
      .object({
        rowsTotal: z.number().int().nonnegative().nullable(),
        rowsKept: z.number().int().nonnegative().nullable(),
        bytesOmitted: z.number().int().nonnegative(),
      })
      .strict()
      .nullable(),
    /**
     * Secrets replaced before writing, in anything this check recorded — what ran, its result, its
     * error (issue 25); a command's result counts those of its output again in its own `redactions`.
     * Absent in evidence collected before format v3.
     */
    redactions: since(3, z.number().int().nonnegative().optional()),
  })
  .strict();

export const checkSnapshotSchema = checkSnapshotSchemaOf(SCHEMA_VERSION);
export type CheckSnapshot = z.infer<typeof checkSnapshotSchema>;
