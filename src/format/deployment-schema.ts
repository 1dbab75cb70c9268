/** `evidence/<deployment>/deployment.json`: who, what, where, when; checklist; criteria; decision; timeline. */
import { z } from 'astro/zod';
import { checklistSchema } from './checklist-schema.ts';
import { since } from './since.ts';
import {
  SCHEMA_VERSION,
  type FormatVersion,
  checkIdSchema,
  checkKindSchema,
  checkStatusSchema,
  deploymentIdSchema,
  schemaFilesOf,
  slugSchema,
  utcTimestampSchema,
} from './common.ts';

const decisionStatusSchema = z.enum(['APPROVED', 'APPROVED WITH NOTES', 'BLOCKED', 'INCOMPLETE']);
export type DecisionStatus = z.infer<typeof decisionStatusSchema>;

const criterionStatusSchema = z.enum(['pass', 'warn', 'fail', 'incomplete']);
export type CriterionStatus = z.infer<typeof criterionStatusSchema>;

/** deployment.json of a format version: the fields are the current ones; only the envelope names the version. */
export const deploymentSchemaOf = <V extends FormatVersion>(version: V) => z
  .object({
    $schema: z.literal(schemaFilesOf(version).deployment.fromFile),
    schemaVersion: z.literal(version),
    id: deploymentIdSchema,
    environment: slugSchema,
    pr: z
      .object({
        number: z.number().int().positive().nullable(),
        title: z.string().nullable(),
        url: z.string().nullable(),
      })
      .strict(),
    change: z.object({ targetRevision: z.string().nullable() }).strict(),
    checklist: z
      .object({ id: slugSchema, version: z.string(), definition: checklistSchema })
      .strict(),
    /** Checklist parameters and where each value came from: given on the command line, the default, read by its query, or captured from a check's parsed output. */
    parameters: z.array(
      z.object({ name: z.string(), value: z.string().nullable(), source: z.enum(['given', 'default', 'query', 'captured', 'unset']) }).strict(),
    ),
    attestations: z.array(
      z.object({ id: slugSchema, label: z.string(), by: z.string(), at: utcTimestampSchema }).strict(),
    ),
    /**
     * Who ran the collection: `collect --by`, else the OS user (v3; null in evidence collected
     * before). The checklist's sign-off policy may bar this person from signing some roles
     * (`signoffPolicy.notByCollector`): it is compared with the names the signers list binds to keys.
     */
    collectedBy: since(3, z.string().min(1).nullable().default(null)),
    /** Never a password: host, port, database, user and what the server said of itself. */
    target: z
      .object({
        kind: z.enum(['postgresql', 'embedded']),
        host: z.string(),
        port: z.number().int().nullable(),
        database: z.string(),
        user: z.string(),
        serverVersion: z.string(),
        applicationName: z.string(),
        /** What the collecting role may do beyond reading: superuser, and roles reaching server files or programs. */
        privileges: z.object({ superuser: z.boolean(), roles: z.array(z.string()) }).strict().optional(),
      })
      .strict(),
    /**
     * Whether checks marked `mutating` (the migration) were allowed to run in this collection,
     * by whom and how (`--allow-mutating`, a config file, the demo). Without the opt-in they
     * are skipped and the decision is INCOMPLETE (absent in evidence collected before the opt-in).
     */
    mutatingSteps: z.object({ allowed: z.boolean(), by: z.string().nullable(), via: z.string().nullable() }).strict().optional(),
    /**
     * The application directory (`--app-dir`), recorded once and never as the collector's machine
     * names it (v3; absent in evidence collected before): where it lies in its git repository
     * (`examples/seedtest-api`, `.` for the repository's root), or null outside one. Its presence
     * says that command checks wrote their paths relative to it: `cwd` as the checklist gives it,
     * and in argv, output and reports `$APP_DIR`, `$REPORT_DIR` (the folder the collector made for
     * a tool's report), `$TMPDIR` and `~` for those directories of the machine (docs/evidence.md).
     */
    appDir: since(3, z.string().nullable().optional()),
    tool: z
      .object({ name: z.literal('deploy-evidence'), version: z.string(), gitCommit: z.string().nullable(), node: z.string() })
      .strict(),
    /** `in-progress` until the collector finishes: an interrupted run stays visibly INCOMPLETE. */
    collection: z.enum(['in-progress', 'complete']),
    startedAt: utcTimestampSchema,
    finishedAt: utcTimestampSchema.nullable(),
    /** Index of the snapshots in checks/, in checklist order. */
    checks: z.array(
      z
        .object({
          id: checkIdSchema,
          section: z.string(),
          title: z.string(),
          kind: checkKindSchema,
          required: z.boolean(),
          status: checkStatusSchema.nullable(),
        })
        .strict(),
    ),
    timeline: z.array(
      z
        .object({
          id: z.string(),
          label: z.string(),
          startedAt: utcTimestampSchema,
          finishedAt: utcTimestampSchema,
          durationMs: z.number().nonnegative(),
        })
        .strict(),
    ),
    criteria: z.array(
      z
        .object({
          id: slugSchema,
          label: z.string(),
          checks: z.array(checkIdSchema),
          status: criterionStatusSchema,
          notes: z.array(z.string()),
        })
        .strict(),
    ),
    decision: z.object({ status: decisionStatusSchema, reasons: z.array(z.string()) }).strict(),
    /** The deployment this one is compared against, chosen at collect time (`--baseline`). */
    baseline: deploymentIdSchema.nullable(),
    /** Marked as the baseline for its environment (`--mark-baseline`): later deployments compare against the newest one. */
    markedBaseline: z.boolean().default(false),
    notes: z.string().nullable(),
  })
  .strict();

export const deploymentSchema = deploymentSchemaOf(SCHEMA_VERSION);
export type Deployment = z.infer<typeof deploymentSchema>;
