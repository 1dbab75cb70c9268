/**
 * A checklist is data: serializable, stored resolved inside deployment.json so a report
 * renders the same forever, even after the checklist code changes.
 */
import { z } from 'astro/zod';
import { checklistReferenceProblems } from './checklist-references.ts';
import { assertionSchema } from './assertion-schema.ts';
import { argvParams } from './placeholders.ts';
import { checkIdSchema, relationSchema, slugSchema } from './common.ts';

/** Names a checklist parameter (`--param name=value`), e.g. the sample student of the perf check. */
const paramNameSchema = z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]*$/, 'must be an identifier');

const envNameSchema = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name');

const checkBase = {
  id: checkIdSchema,
  /** The template's section number, e.g. "4.1", or "pre" for the pre-deployment checklist. */
  section: z.string().min(1),
  title: z.string().min(1),
  description: z.string().optional(),
  /** A required check that errors, is skipped or is missing makes the decision INCOMPLETE. */
  required: z.boolean().default(true),
  /** Timeline phase this check belongs to. */
  phase: slugSchema.optional(),
  /**
   * What "could not run" means for this check. Most checks say `error` (INCOMPLETE);
   * the template's performance check says a timeout or error is a failure (BLOCKED).
   */
  errorVerdict: z.enum(['error', 'fail']).default('error'),
  assertions: z.array(assertionSchema).default([]),
};

const timeouts = {
  statementTimeoutMs: z.number().int().positive().optional(),
  lockTimeoutMs: z.number().int().positive().optional(),
};

export const sqlCheckSchema = z
  .object({
    ...checkBase,
    ...timeouts,
    kind: z.literal('sql'),
    sql: z.string().min(1),
    /** Checklist parameters bound to $1, $2, … in order. */
    params: z.array(paramNameSchema).default([]),
    /** When this parameter is set, its value replaces `sql` (a downstream tool's own query). */
    sqlParam: paramNameSchema.optional(),
    /** Rows kept in the evidence; the total is always recorded. */
    maxRows: z.number().int().positive().default(100),
    /** Columns that identify a row, for comparing results across deployments row by row; without it rows are compared by position. */
    key: z.array(z.string().min(1)).min(1).optional(),
    /** Read the same query this many times (for `same-on-reread`). */
    reads: z.number().int().min(1).max(10).default(1),
  })
  .strict();

export const expectedColumnSchema = z
  .object({
    name: z.string().min(1),
    /** As `format_type` spells it: `bigint`, `uuid`, `timestamp without time zone`… */
    type: z.string().min(1),
    nullable: z.boolean(),
  })
  .strict();
export type ExpectedColumn = z.infer<typeof expectedColumnSchema>;

export const columnsCheckSchema = z
  .object({
    ...checkBase,
    ...timeouts,
    kind: z.literal('columns'),
    relation: relationSchema,
    expect: z
      .object({
        columns: z.array(expectedColumnSchema).min(1),
        /** Columns must appear in this order. */
        ordered: z.boolean().default(true),
        /** No columns beyond the expected ones. */
        exact: z.boolean().default(true),
      })
      .strict(),
  })
  .strict();

export const explainCheckSchema = z
  .object({
    ...checkBase,
    ...timeouts,
    kind: z.literal('explain'),
    /** One SELECT; EXPLAIN ANALYZE executes what it explains, so nothing else is sent. */
    sql: z.string().min(1),
    params: z.array(paramNameSchema).default([]),
    /** Run N times and judge the median. */
    runs: z.number().int().min(1).max(50).default(1),
    /**
     * Comparing timings across deployments: a ratio within 1 ± noiseBand is noise; above
     * maxRatio is a regression (the gate of `compare --fail-on-regression`).
     */
    noiseBand: z.number().positive().max(10).default(0.25),
    /** Differences smaller than this many milliseconds are noise, whatever their ratio. */
    noiseFloorMs: z.number().nonnegative().default(1),
    maxRatio: z.number().min(1).default(1.5),
  })
  .strict();

/** The output parsers a command check may name (each one module in src/core/parsers/). */
export const parserNameSchema = z.enum(['alembic-history', 'alembic-upgrade', 'alembic-sql', 'pytest-junit']);

export const commandCheckSchema = z
  .object({
    ...checkBase,
    kind: z.literal('command'),
    /** `{{name}}` in an argument is replaced by the checklist parameter `name`. */
    argv: z.array(z.string().min(1)).min(1),
    /** Relative to the application directory (`--app-dir`). */
    cwd: z.string().default('.'),
    /**
     * Environment variables passed through; nothing else reaches the command (PATH always does).
     * Every value is a secret, redacted from all output in every encoding, unless the entry is
     * written `{ "name": "APP_ENV", "public": true }`.
     */
    env: z.array(z.union([envNameSchema, z.object({ name: envNameSchema, public: z.boolean() }).strict()])).default([]),
    timeoutMs: z.number().int().positive().default(120_000),
    maxOutputBytes: z.number().int().positive().default(256 * 1024),
    /** The one step allowed to change the database (alembic upgrade). */
    mutating: z.boolean().default(false),
    /**
     * Reads the tool's output into a parsed view kept beside the raw text. `pytest-junit` adds
     * `--junitxml=<temp file>` to the command and reads that report.
     */
    parser: parserNameSchema.optional(),
    /** Sets checklist parameters from the parsed view for later checks, e.g. `{ alembicHead: 'head' }`. */
    captures: z.record(paramNameSchema, z.enum(['head', 'reached'])).default({}),
    /** Preconditions; when unmet the check is `skipped` with the reason and how to install. */
    requires: z
      .object({
        executables: z.array(z.string().min(1)).default([]),
        pythonModules: z.array(z.string().min(1)).default([]),
        installHint: z.string().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export const dependentsCheckSchema = z
  .object({
    ...checkBase,
    ...timeouts,
    kind: z.literal('dependents'),
    relation: relationSchema,
  })
  .strict();

export const checkDefinitionSchema = z.discriminatedUnion('kind', [
  sqlCheckSchema,
  columnsCheckSchema,
  explainCheckSchema,
  commandCheckSchema,
  dependentsCheckSchema,
]);
export type CheckDefinition = z.infer<typeof checkDefinitionSchema>;
export type CheckDefinitionInput = z.input<typeof checkDefinitionSchema>;
export type CheckOf<K extends CheckDefinition['kind']> = Extract<CheckDefinition, { kind: K }>;

/** The names of the variables a command check gets (besides PATH). */
export function commandEnvNames(check: CheckOf<'command'>): string[] {
  return check.env.map((entry) => (typeof entry === 'string' ? entry : entry.name));
}

/** Names whose values are secrets: every variable not marked public (PATH is never secret). */
export function secretEnvNames(check: CheckOf<'command'>): string[] {
  return check.env.filter((entry) => typeof entry === 'string' || !entry.public).map((entry) => (typeof entry === 'string' ? entry : entry.name)).filter((name) => name !== 'PATH');
}

export const checklistSchema = z
  .object({
    id: slugSchema,
    version: z.string().regex(/^\d+\.\d+\.\d+$/, 'must be a semantic version like 1.0.0'),
    title: z.string().min(1),
    description: z.string().optional(),
    defaults: z
      .object({
        statementTimeoutMs: z.number().int().positive().default(30_000),
        lockTimeoutMs: z.number().int().positive().default(5_000),
      })
      .strict()
      .default({}),
    /** The parameter that names the migration revision this deployment brings to head (deployment.change). */
    revisionParam: paramNameSchema.optional(),
    parameters: z
      .array(
        z
          .object({
            name: paramNameSchema,
            description: z.string().min(1),
            default: z.string().optional(),
            /** When no value is given, read one with this query (read-only), e.g. a sample student. */
            resolveSql: z.string().min(1).optional(),
            /** A secret (a token handed to a command): redacted from all output, never stored in the evidence. */
            secret: z.boolean().optional(),
          })
          .strict(),
      )
      .default([]),
    attestations: z
      .array(z.object({ id: slugSchema, label: z.string().min(1), required: z.boolean().default(true) }).strict())
      .default([]),
    sections: z.array(z.object({ number: z.string().min(1), title: z.string().min(1) }).strict()).min(1),
    phases: z.array(z.object({ id: slugSchema, label: z.string().min(1) }).strict()).default([]),
    checks: z.array(checkDefinitionSchema).min(1),
    /** Go/no-go criteria, each mapped to the checks that decide it. */
    criteria: z
      .array(z.object({ id: slugSchema, label: z.string().min(1), checks: z.array(checkIdSchema).min(1) }).strict())
      .default([]),
    postDeployment: z.array(z.string().min(1)).default([]),
  })
  .strict()
  .superRefine((list, ctx) => {
    for (const problem of checklistReferenceProblems(list)) ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
  });

export type Checklist = z.infer<typeof checklistSchema>;
export type ChecklistInput = z.input<typeof checklistSchema>;
