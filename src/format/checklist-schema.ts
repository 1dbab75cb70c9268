/**
 * A checklist is data: serializable, stored resolved inside deployment.json so a report
 * renders the same forever, even after the checklist code changes.
 */
import { z } from 'astro/zod';
import { checklistReferenceProblems } from './checklist-references.ts';
import { assertionSchema } from './assertion-schema.ts';
import { fieldDocs } from './field-docs.ts';
import { since, sinceValues } from './since.ts';
import { checkIdSchema, relationSchema, slugSchema, type CheckKind, type SameMembers } from './common.ts';

/** Names a checklist parameter (`--param name=value`), e.g. the sample student of the perf check. */
const paramNameSchema = z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]*$/, 'must be an identifier');

const envNameSchema = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name');

/*
 * Every field carries its description (`.describe`): the generated checklist JSON Schema and the
 * checklist reference (docs/checklists.md) are made from them, so they cannot drift.
 */
/** The descriptions every check kind shares for its shared-instance fields. */
function checkDocs<T extends z.ZodTypeAny>(schema: T, extra: Record<string, string> = {}): T {
  return fieldDocs(schema, { id: "The check's id: a lowercase slug, unique in the checklist and stable forever (it becomes the URL /deployments/<id>/checks/<check-id>/).", ...extra });
}

const checkBase = {
  id: checkIdSchema,
  section: z.string().min(1).describe('The number of the section the check belongs to (one of `sections`), e.g. "4.1"; "pre" puts it with the attestations before the sections.'),
  title: z.string().min(1).describe('The check\'s heading in the report.'),
  description: z.string().optional().describe('What the check proves, in a sentence or two, shown under its heading.'),
  required: z.boolean().default(true).describe('A required check that fails blocks the deployment; one that errors, is skipped or is missing makes the decision INCOMPLETE. An optional check only adds notes.'),
  phase: slugSchema.optional().describe('The timeline phase (one of `phases`) the check\'s time counts toward.'),
  errorVerdict: z
    .enum(['error', 'fail'])
    .default('error')
    .describe('What "could not run" (a timeout, a lost connection) means: `error` makes the decision INCOMPLETE, `fail` blocks it.'),
  assertions: z.array(assertionSchema).default([]).describe('What the result must show; each is judged pass, warn or fail. A check without assertions is recorded as evidence only.'),
};

/** A function name the SQL guard lets a check call although the server marks it VOLATILE (issue 25). */
const allowFunctionsSchema = since(
  3,
  z
    .array(z.string().regex(/^[^.\s]+(\.[^.\s]+)?$/, 'must be a function name, optionally schema-qualified: pg_current_wal_lsn, public.my_func'))
    .optional()
    .describe(
      'Functions this check may call although the server marks them VOLATILE (or that are user-defined in a language other than SQL, which the guard cannot see into): `name` in any schema or `schema.name`, as the catalog spells it. Recorded with the check; a function that runs SQL given as text, writes, acts outside the transaction or reads password hashes cannot be allowed.',
    ),
);

const timeouts = {
  statementTimeoutMs: z.number().int().positive().optional().describe('statement_timeout for this check\'s transaction, in ms (default: the checklist\'s `defaults`).'),
  lockTimeoutMs: z.number().int().positive().optional().describe('lock_timeout for this check\'s transaction, in ms (default: the checklist\'s `defaults`).'),
};

const sqlCheckSchema = checkDocs(z
  .object({
    ...checkBase,
    ...timeouts,
    kind: z.literal('sql').describe('One SELECT, run in a READ ONLY transaction; its columns (with their type names) and rows are the evidence.'),
    sql: z.string().min(1).describe('One SELECT statement that only reads; anything else is refused before it is sent. $1, $2… are the `params`.'),
    params: z.array(paramNameSchema).default([]).describe('Checklist parameters bound to $1, $2, … in order.'),
    sqlParam: paramNameSchema.optional().describe('A parameter whose value, when set, replaces `sql` (a downstream tool\'s own query, given at collection time).'),
    maxRows: z.number().int().positive().default(100).describe('Rows kept in the evidence; every row is still judged by the row assertions, and the total is always recorded.'),
    key: z.array(z.string().min(1)).min(1).optional().describe('Columns that identify a row, for comparing results across deployments row by row; without it rows are compared by position.'),
    reads: z.number().int().min(1).max(10).default(1).describe('Read the same query this many times in the transaction (for `same-on-reread`).'),
    allowFunctions: allowFunctionsSchema,
  })
  .strict());

const expectedColumnSchema = z
  .object({
    name: z.string().min(1).describe('The column\'s name.'),
    type: z.string().min(1).describe('The type as PostgreSQL\'s format_type writes it: `bigint`, `uuid`, `numeric(14,2)`, `character varying(40)`, `timestamp with time zone`.'),
    nullable: z.boolean().describe('false: the column must be NOT NULL (for a view, whose columns PostgreSQL always reports as nullable, the data is counted for NULLs instead).'),
  })
  .strict();
export type ExpectedColumn = z.infer<typeof expectedColumnSchema>;

const columnsCheckSchema = checkDocs(z
  .object({
    ...checkBase,
    ...timeouts,
    kind: z.literal('columns').describe('A table\'s or view\'s columns from the catalog, against the expected names, types and NOT NULL.'),
    relation: relationSchema,
    expect: z
      .object({
        columns: z.array(expectedColumnSchema).min(1).describe('The expected columns.'),
        ordered: z.boolean().default(true).describe('The columns must appear in this order.'),
        exact: z.boolean().default(true).describe('No columns beyond the expected ones.'),
      })
      .strict()
      .describe('The columns the relation must have.'),
  })
  .strict(), { relation: 'The table or view: `{ "schema": "public", "name": "invoice_summary" }` (schema defaults to public).' });

const explainCheckSchema = checkDocs(z
  .object({
    ...checkBase,
    ...timeouts,
    kind: z.literal('explain').describe('EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) of one SELECT, run N times: median execution and planning time, the plan, rows scanned, buffers.'),
    sql: z.string().min(1).describe('One SELECT; EXPLAIN ANALYZE executes what it explains, so nothing else is sent.'),
    params: z.array(paramNameSchema).default([]).describe('Checklist parameters bound to $1, $2, … in order.'),
    runs: z.number().int().min(1).max(50).default(1).describe('Run N times; timings are judged and compared by their median, and the median run\'s plan is kept.'),
    noiseBand: z.number().positive().max(10).default(0.25).describe('Comparing deployments: a ratio of medians within 1 ± noiseBand is noise.'),
    noiseFloorMs: z.number().nonnegative().default(1).describe('Comparing deployments: differences smaller than this many ms are noise, whatever their ratio.'),
    maxRatio: z.number().min(1).default(1.5).describe('Comparing deployments: an execution time above this ratio of the base is a regression (`compare --fail-on-regression`).'),
    allowFunctions: allowFunctionsSchema,
  })
  .strict());

/** The output parsers a command check may name (each one module in src/core/parsers/). */
export const parserNameSchema = z
  .enum(['alembic-history', 'alembic-upgrade', 'alembic-sql', 'pytest-junit'])
  .describe('Reads the tool\'s output into data kept beside the raw text: `alembic-history` (history, heads, current), `alembic-upgrade` (also reads alembic_version before and after), `alembic-sql` (upgrade/downgrade --sql), `pytest-junit` (adds --junitxml=<temp file> and reads that report).');

/**
 * Variables libpq reads to choose the server or database and node-pg (the collector) does not:
 * `PGHOSTADDR` (the address, whatever the host says), `PGSERVICE` and `PGSERVICEFILE` (host, port,
 * database and hostaddr from pg_service.conf). A command may not be given them; the collector
 * refuses to run with PGHOSTADDR or PGSERVICE set (collectors/db/connection.ts).
 */
export const LIBPQ_ONLY_ENV = ['PGHOSTADDR', 'PGSERVICE', 'PGSERVICEFILE'] as const;

const commandEnvSchema = z
  .array(
    z.union([
      envNameSchema,
      fieldDocs(z.object({ name: envNameSchema, public: z.boolean().describe('true: the value is not a secret and is not redacted.') }).strict(), { name: 'The variable name.' }),
    ]),
  )
  .superRefine((entries, ctx) => {
    entries.forEach((entry, i) => {
      const name = typeof entry === 'string' ? entry : entry.name;
      if ((LIBPQ_ONLY_ENV as readonly string[]).includes(name)) ctx.addIssue({ code: 'custom', path: [i], message: `${name} is read by libpq (alembic, psql, pytest) and not by the collector (node-postgres): the command could reach another server or database than the one the evidence describes — name the host and database in the database URL instead` });
    });
  })
  .default([])
  .describe('The names of the environment variables the command gets (not the environment it runs in: that is `--env`). Nothing else reaches it but PATH. DATABASE_URL is the collector\'s own connection. PGHOSTADDR, PGSERVICE and PGSERVICEFILE are refused: libpq reads them and the collector does not, so the command could reach another server.');

const requiresSchema = z
  .object({
    executables: z.array(z.string().min(1)).default([]).describe('Programs that must be on PATH.'),
    pythonModules: z.array(z.string().min(1)).default([]).describe('Python modules python3 must be able to import.'),
    installHint: z.string().optional().describe('How to install what is missing, shown in the skip reason.'),
  })
  .strict()
  .optional()
  .describe('Preconditions; when unmet the check is skipped with the reason (never a pass).');

export const commandCheckSchema = checkDocs(z
  .object({
    ...checkBase,
    kind: z.literal('command').describe('A command of your application (alembic, pytest…) in its directory, with a timeout and only the environment it is given; its exit code, output and parsed output are the evidence.'),
    argv: z.array(z.string().min(1)).min(1).describe('The program and its arguments, never through a shell. `{{name}}` in an argument is replaced by the checklist parameter `name`.'),
    cwd: z.string().default('.').describe('The working directory, relative to the application directory (`--app-dir`).'),
    env: commandEnvSchema,
    timeoutMs: z.number().int().positive().default(120_000).describe('Killed, with its whole process group, after this many ms; the output so far is kept.'),
    maxOutputBytes: z.number().int().positive().default(256 * 1024).describe('Bytes kept of each stream (the first three quarters and the last quarter); the whole stream\'s size and sha256 are recorded.'),
    mutating: z.boolean().default(false).describe('The step may change the database (a migration): it runs only when the collection allows it (`--allow-mutating`), else it is skipped.'),
    parser: parserNameSchema.optional(),
    observeLocks: since(
      4,
      z
        .object({
          intervalMs: z.number().int().min(10).max(1000).default(50).describe('How often the second session samples pg_locks, in ms (10–1000). A lock held for less than this may not be seen; each hold is recorded with the bounds the sampling gives it.'),
          applicationName: z
            .string()
            .min(1)
            .max(63)
            .optional()
            .describe('The application_name the migration\'s sessions carry. Default: a unique one, set in the command\'s environment as PGAPPNAME (libpq and psycopg2 honour it), unless the check passes its own PGAPPNAME. When no session carries it, the sessions of the database that appear during the step are taken (never the collector\'s own).'),
        })
        .strict()
        .optional()
        .describe('Observe the locks the mutating step really takes (only with `mutating: true`): a second, read-only session samples pg_locks and pg_stat_activity while it runs and records, per relation, each lock mode held, when it was first and last seen, for how long, and which other sessions waited behind it. It never holds a lock on an application table and never blocks the step; a failed sample is a gap, not an error.'),
    ),
    captures: z
      .record(paramNameSchema, sinceValues(z.enum(['head', 'reached', 'current']), { current: 4 }))
      .default({})
      .describe('Sets checklist parameters from the parsed output for later checks: `{ "alembicHead": "head" }` (the history\'s single head), `"reached"` (the revision an upgrade reached) or `"current"` (the one revision `alembic current` printed, `base` when it exited 0 and printed none: a database with no revision yet; the start of a forward SQL range `{{current}}:head`).'),
    requires: requiresSchema,
  })
  .strict());

const dependentsCheckSchema = checkDocs(z
  .object({
    ...checkBase,
    ...timeouts,
    kind: z.literal('dependents').describe('What depends on a relation, from pg_depend (views, functions, other objects): a rollback verdict from the catalog.'),
    relation: relationSchema,
  })
  .strict(), { relation: 'The table or view whose dependents are listed: `{ "schema": "public", "name": "invoice_summary" }`.' });

const schemaCheckSchema = since(
  4,
  checkDocs(
    z
      .object({
        ...checkBase,
        ...timeouts,
        kind: z
          .literal('schema')
          .describe('A snapshot of the catalog of the schemas in scope — tables and their columns, constraints, indexes, views, materialized views, functions, triggers, sequences, grants, each table\'s relfilenode and estimated rows — read-only, in a stable order (the same schema gives the same bytes). Taken before and after the mutating step, the second one reports what changed.'),
        schemas: z
          .array(z.string().min(1))
          .min(1)
          .optional()
          .describe('The schemas in scope. Default: the schemas of the relations the checklist\'s columns and dependents checks name, else `public`.'),
        changesFrom: checkIdSchema
          .optional()
          .describe('An earlier `schema` check of the checklist (the snapshot before the mutating step): this snapshot records what changed since it — objects added, changed and dropped, with their definitions before and after, and tables rewritten (their relfilenode changed).'),
        drift: z
          .object({
            against: checkIdSchema.describe('The `schema` check of the previous deployment in the same environment whose snapshot this one must equal: the snapshot taken after its mutating step.'),
            severity: z.enum(['warn', 'fail']).default('warn').describe('What a difference (the schema was changed outside the recorded deployments) does to the check. No baseline (no previous deployment, or one without that snapshot) is a warning whatever this says: never green.'),
          })
          .strict()
          .optional()
          .describe('Compare this snapshot with the previous deployment\'s (drift): take it before the mutating step. Every object that differs is named.'),
        maxObjects: z.number().int().positive().max(100_000).default(5_000).describe('Objects kept in the evidence; the total is always recorded, and a cut list says so.'),
      })
      .strict(),
  ),
);

const roundTripCheckSchema = since(
  4,
  checkDocs(
    z
      .object({
        ...checkBase,
        kind: z
          .literal('round-trip')
          .describe('A rehearsed round trip (opt-in, never on the target): on a throwaway copy of the target database made on the same server, run the upgrade, the downgrade and the upgrade again; each step\'s exit code, duration and output, the locks it took on the copy (always observed: a second, read-only session on the copy samples pg_locks every 50 ms, as `observeLocks` does for a command), and the copy\'s schema before and after each step, are the evidence. It fails when a step fails, when the schema after the downgrade is not the one before (a column, an index or a grant the downgrade lost or left behind is named), or when the second upgrade does not give the schema the first gave. Put it before the mutating step: the copy is of the target as it is, and the downgrade goes back to the revision the target is at. It creates a database on the server (`deploy_evidence_rt_…`), so it runs only under `--allow-mutating` and needs CREATEDB; the copy is dropped afterwards, also when a step fails, times out or the collector is stopped (SIGINT/SIGTERM); a copy left by a killed collector (SIGKILL) is dropped by the next round trip on the server. Skipped on the embedded database (PGlite), which is one database.'),
        upgrade: z.array(z.string().min(1)).min(1).describe('The upgrade command\'s program and arguments (never through a shell), e.g. `["alembic", "upgrade", "head"]`. `{{name}}` is replaced by the checklist parameter `name`.'),
        downgrade: z.array(z.string().min(1)).min(1).describe('The downgrade command back to where the target is, e.g. `["alembic", "downgrade", "-1"]`.'),
        cwd: z.string().default('.').describe('The working directory of both commands, relative to the application directory (`--app-dir`).'),
        env: commandEnvSchema,
        databaseUrlEnv: z
          .array(envNameSchema)
          .default(['DATABASE_URL'])
          .describe('The variables that carry the database\'s URL to the commands: each gets the copy\'s URL, never the target\'s. A command argument or any other variable that holds the target\'s URL is refused.'),
        timeoutMs: z.number().int().positive().default(120_000).describe('Each step is killed, with its whole process group, after this many ms; the copy is dropped all the same.'),
        maxOutputBytes: z.number().int().positive().default(64 * 1024).describe('Bytes kept of each stream of each step (the first three quarters and the last quarter).'),
        copy: z
          .enum(['auto', 'template', 'dump'])
          .default('auto')
          .describe('How the copy is made: `template` (CREATE DATABASE … TEMPLATE the target: needs CREATEDB and no other session on the target), `dump` (pg_dump of the target restored with pg_restore into a new database: needs CREATEDB and pg_dump/pg_restore on PATH, not older than the server), `auto` (the template, else the dump).'),
        schemas: z.array(z.string().min(1)).min(1).optional().describe('The schemas whose catalog is compared. Default: as a `schema` check\'s (the schemas of the relations the checklist names, else `public`).'),
        ignore: z
          .array(z.string().min(1))
          .default([])
          .describe('Objects the comparisons leave out, by qualified name (`public.alembic_version`; a table covers its indexes and constraints): the migration tool\'s own bookkeeping, which a downgrade to an empty database leaves behind.'),
        maxObjects: z.number().int().positive().max(100_000).default(5_000).describe('The most objects a snapshot of the copy may hold; a larger catalog is an error (a cut snapshot cannot be compared): narrow `schemas`.'),
        requires: requiresSchema,
      })
      .strict(),
  ),
);

export const checkDefinitionSchema = z.discriminatedUnion('kind', [
  sqlCheckSchema,
  columnsCheckSchema,
  explainCheckSchema,
  commandCheckSchema,
  dependentsCheckSchema,
  schemaCheckSchema,
  roundTripCheckSchema,
]);
export type CheckDefinition = z.infer<typeof checkDefinitionSchema>;
export type CheckDefinitionInput = z.input<typeof checkDefinitionSchema>;
export type CheckOf<K extends CheckDefinition['kind']> = Extract<CheckDefinition, { kind: K }>;

// The kinds a checklist can hold are exactly the format's check kinds (common.ts): `true` is not a `false`.
const checkDefinitionsHaveEveryKind: SameMembers<CheckDefinition['kind'], CheckKind> = true;

/** The names of the variables a command check gets (besides PATH). */
export function commandEnvNames(check: Pick<CheckOf<'command'>, 'env'>): string[] {
  return check.env.map((entry) => (typeof entry === 'string' ? entry : entry.name));
}

/** Names whose values are secrets: every variable not marked public (PATH is never secret). */
export function secretEnvNames(check: Pick<CheckOf<'command'>, 'env'>): string[] {
  return check.env.filter((entry) => typeof entry === 'string' || !entry.public).map((entry) => (typeof entry === 'string' ? entry : entry.name)).filter((name) => name !== 'PATH');
}

export const checklistSchema = fieldDocs(
  z.object({
    id: slugSchema,
    version: z.string().regex(/^\d+\.\d+\.\d+$/, 'must be a semantic version like 1.0.0').describe('A semantic version; comparisons say when two deployments used different versions.'),
    title: z.string().min(1).describe('The checklist\'s title.'),
    description: z.string().optional().describe('What the checklist is for.'),
    defaults: z
      .object({
        statementTimeoutMs: z.number().int().positive().default(30_000).describe('statement_timeout of every check\'s transaction, in ms.'),
        lockTimeoutMs: z.number().int().positive().default(5_000).describe('lock_timeout of every check\'s transaction, in ms.'),
      })
      .strict()
      .default({})
      .describe('Timeouts for every database check (a check may set its own).'),
    revisionParam: paramNameSchema.optional().describe('The parameter that names the migration revision the deployment brings (shown as the target revision).'),
    parameters: z
      .array(
        fieldDocs(
          z
          .object({
            name: paramNameSchema,
            description: z.string().min(1).describe('What the value is, shown by `checklist show`.'),
            default: z.string().optional().describe('The value when none is given.'),
            resolveSql: z.string().min(1).optional().describe('When no value is given, read one with this SELECT (read-only) just before the first check that needs it: the first column of its first row.'),
            secret: z.boolean().optional().describe('A secret (a token handed to a command): redacted from all output, never stored in the evidence.'),
          })
          .strict(),
        { name: 'The name: `--param name=value`, `{{name}}` in a command argument, `params` of a query.' },
        ),
      )
      .default([])
      .describe('Values the checks take: given with --param, defaulted, read by a query, or captured from a command\'s parsed output.'),
    attestations: z
      .array(
        fieldDocs(
          z
          .object({
            id: slugSchema,
            label: z.string().min(1).describe('What is attested, e.g. "CI green on the PR".'),
            required: z.boolean().default(true).describe('Required attestations are what the `attestations` assertion asks for by default.'),
          })
          .strict(),
          { id: 'The id given with `--attest <id>`.' },
        ),
      )
      .default([])
      .describe('What people attest at collection time (`--attest <id> --by <name>`), recorded with who and when.'),
    sections: z
      .array(z.object({ number: z.string().min(1).describe('"1", "4.1"…; "4.1" sits under "4" when there is a "4".'), title: z.string().min(1).describe('The heading.') }).strict())
      .min(1)
      .describe('The report\'s sections, in order.'),
    phases: z
      .array(fieldDocs(z.object({ id: slugSchema, label: z.string().min(1).describe('Its label in the timeline.') }).strict(), { id: 'The phase id checks name in `phase`.' }))
      .default([])
      .describe('Timeline phases: each spans the checks that name it.'),
    checks: z.array(checkDefinitionSchema).min(1).describe('The checks, run in this order.'),
    criteria: z
      .array(
        fieldDocs(
          z
          .object({
            id: slugSchema,
            label: z.string().min(1).describe('The criterion in words.'),
            checks: z.array(checkIdSchema).min(1).describe('The checks that decide it.'),
          })
          .strict(),
          { id: "The criterion's id." },
        ),
      )
      .default([])
      .describe('Go/no-go criteria, each decided by its checks (the worst of them).'),
    postDeployment: z.array(z.string().min(1)).default([]).describe('Actions listed after the decision in the report (Markdown-free text).'),
    signoff: since(
      2,
      z
        .array(
          z.union([
            slugSchema.describe('A role id, e.g. "deployed-by"; its label is made from it ("Deployed by").'),
            fieldDocs(z.object({ id: slugSchema, label: z.string().min(1).describe('The role as the report names it, e.g. "Approved for production".') }).strict(), { id: 'The role id sign-offs name.' }),
          ]),
        )
        .default([])
        .describe('The roles that sign the deployment off, in order: the report\'s Sign-Off section lists them (none: no Sign-Off section).'),
    ),
    signoffPolicy: since(
      3,
      z
        .object({
          distinct: z
            .union([
              z.literal('all'),
              z.array(z.array(slugSchema).min(2)),
            ])
            .default('all')
            .describe(
              'Which roles must be signed by different people (a person is a key, and the one name the signers list binds to it). `"all"`: every role by a different person. A list of groups, e.g. `[["deployed-by", "approved-for-production"], ["validated-by", "approved-for-production"]]`: within each group every role by a different person, and roles that share no group may be signed by the same person. `[]`: anyone may sign any roles. Of two sign-offs that break it, the one signed later is unverified; the first keeps its role.',
            ),
          notByCollector: z
            .array(slugSchema)
            .default([])
            .describe('Roles the person who ran the collection may not sign: `collectedBy` in deployment.json (`collect --by`, else the OS user), compared with the name the signers list gives the signing key.'),
          informative: since(
            3,
            z
              .array(slugSchema)
              .optional()
              .describe('Roles that record a fact rather than approve, e.g. `["deployed-by"]`. Every other role approves: `sign` refuses to sign an approving role on a BLOCKED or INCOMPLETE deployment unless `--force`, and a forced sign-off says so in what it signs. Absent: every role approves.'),
          ),
        })
        .strict()
        .default({})
        .describe('Segregation of duties among the sign-off roles (SOC 2 CC8.1): a sign-off that breaks it is unverified, and `sign` refuses to make one. By default every role is signed by a different person.'),
    ),
  })
  .strict(),
  { id: "The checklist's id: a lowercase slug, recorded with every deployment collected with it." },
)
  .superRefine((list, ctx) => {
    for (const problem of checklistReferenceProblems(list)) ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
  });

export type Checklist = z.infer<typeof checklistSchema>;

// Without zod, for the browser's check (signoff-roles.ts); here for everyone else.
export { signoffRoles } from './signoff-roles.ts';
export type ChecklistInput = z.input<typeof checklistSchema>;
export type SignoffPolicy = Checklist['signoffPolicy'];
