/**
 * Declarative assertions: data, not code, so they serialize into the evidence and the
 * site can show "expected vs actual" a year later without running anything.
 */
import { z } from 'astro/zod';
import { checkIdSchema, checkKindSchema, type CheckKind, jsonTypedUnion } from './common.ts';
import { fieldDocs } from './field-docs.ts';
import { since } from './since.ts';

/** What an unmet assertion does to its check. */
const severitySchema = z.enum(['fail', 'warn']);

const base = {
  id: checkIdSchema.optional().describe('Unique within its check; defaults to the type (with -2, -3… for repeats).'),
  description: z.string().optional().describe('The assertion in words, shown in the report; defaults to one made from its fields.'),
  severity: severitySchema.default('fail').describe('What an unmet assertion does to its check: `fail` (the default) or `warn`.'),
};

/** A dependent as the `dependents` check records it (pg_identify_object's type, schema and name). */
const expectedDependentSchema = z
  .object({
    type: z.string().min(1).optional().describe('Its object type as pg_identify_object names it: `view`, `materialized view`, `function`, `table`…; any type when absent.'),
    schema: z.string().min(1).optional().describe('Its schema; any schema when absent.'),
    name: z.string().min(1).describe('Its name as the check records it: `invoice_totals` for a view; the identity, `public.f(integer)`, for a function.'),
  })
  .strict();
export type ExpectedDependent = z.infer<typeof expectedDependentSchema>;

/**
 * The check kinds each assertion type judges: the one record of it (issue 23). Keyed by the type
 * union, so a type without its kinds does not compile. Derived from it: which assertions a kind
 * takes (`assertionsByKind`, the reference's lists), `checklist validate`'s "does not apply to a …
 * check", the first words of each type's description, the result type its judge is given, and the
 * "cannot judge" verdict on any other result. Listed in the order the reference names them under
 * each kind.
 */
export const ASSERTION_KINDS = {
  'row-count': ['sql'],
  'column-types': ['sql'],
  'field-compare': ['sql'],
  'fields-equal': ['sql'],
  'no-nulls': ['sql'],
  'ordered-within-groups': ['sql'],
  'same-on-reread': ['sql'],
  'exit-code': ['command'],
  'text-contains': ['command'],
  'text-not-contains': ['command'],
  'tests-passed': ['command'],
  'revision-is-head': ['command'],
  'migration-ran': ['command'],
  'lock-timeout-set': ['command'],
  'no-dependents': ['dependents'],
  dependents: ['dependents'],
  'expected-changes': ['schema'],
  'no-unexpected-drops': ['schema'],
  'max-lock-hold': ['command'],
  'no-rewrite-above-rows': ['schema'],
  // Every kind, a new one too: each records its duration.
  'max-duration': checkKindSchema.options,
  attestations: ['sql'],
} as const satisfies { [T in AssertionType]: readonly CheckKind[] };

/** The kinds an assertion type judges, in words: the first words of its description. */
function judgedBy(kinds: readonly CheckKind[]): string {
  return checkKindSchema.options.every((kind) => kinds.includes(kind)) ? 'Any kind' : kinds.join(', ');
}

/** An assertion's `type`, its description opening with the kinds it judges (`ASSERTION_KINDS`). */
function judgedType<T extends string>(type: T, description: string): z.ZodLiteral<T> {
  // `T extends string`, not AssertionType: the union is inferred from the schema this builds.
  return z.literal(type).describe(`${judgedBy((ASSERTION_KINDS as Record<string, readonly CheckKind[]>)[type] ?? [])}. ${description}`);
}

const compareOpSchema = z.enum(['eq', 'ne', 'gt', 'gte', 'lt', 'lte']);
export type CompareOp = z.infer<typeof compareOpSchema>;

export const assertionSchema = z.discriminatedUnion('type', [
  z
    .object({
      ...base,
      type: judgedType('row-count', 'Bounds on the number of rows the query returned (all of them, not only those kept).'),
      min: z.number().int().nonnegative().optional().describe('At least this many rows.'),
      max: z.number().int().nonnegative().optional().describe('At most this many rows.'),
    })
    .strict(),
  fieldDocs(
    z
      .object({
        ...base,
        type: judgedType('field-compare', 'A column compared with a constant, in the first row or in every row; numbers compared exactly (bigint and numeric as decimals, never rounded).'),
        field: z.string().min(1).describe('The column.'),
        op: compareOpSchema,
        value: jsonTypedUnion([z.string(), z.number()]).describe('The constant; write large integers and decimals as strings ("9007199254740993") to keep every digit.'),
        rows: z.enum(['first', 'all']).default('first').describe('`first`: the first row only (a count, a total); `all`: every row, streamed, the first offending rows named.'),
      })
      .strict(),
    { op: 'The comparison: `eq` (=), `ne` (≠), `gt` (>), `gte` (≥), `lt` (<), `lte` (≤).' },
  ),
  z
    .object({
      ...base,
      type: judgedType('column-types', 'The result\'s columns have these types, as format_type names them: `id` is bigint, not numeric.'),
      columns: z
        .array(z.object({ name: z.string().min(1).describe('The column.'), type: z.string().min(1).describe('Its type as format_type writes it: `bigint`, `numeric(14,2)`, `timestamp with time zone`.') }).strict())
        .min(1)
        .describe('The columns and their types.'),
    })
    .strict(),
  z
    .object({
      ...base,
      type: judgedType('fields-equal', 'In every row, these columns hold the same value (determinism: total = distinct pairs = distinct ids).'),
      fields: z.array(z.string().min(1)).min(2).describe('Two or more columns.'),
    })
    .strict(),
  z
    .object({
      ...base,
      type: judgedType('no-nulls', 'No NULL in these columns of any row (every row is judged, not only those kept).'),
      fields: z.array(z.string().min(1)).min(1).describe('The columns.'),
    })
    .strict(),
  z
    .object({
      ...base,
      type: judgedType('ordered-within-groups', 'Within each group, `orderBy` never goes backwards (strict: no repeats either), e.g. invoice numbers per customer.'),
      groupBy: z.array(z.string().min(1)).min(1).describe('The columns that form a group.'),
      orderBy: z.string().min(1).describe('The column that must increase within each group, in the order the query returns.'),
      strict: z.boolean().default(true).describe('true: strictly increasing; false: never decreasing.'),
    })
    .strict(),
  z.object({ ...base, type: judgedType('same-on-reread', 'The query, read more than once (`reads` ≥ 2), returned identical rows each time (the digest of every row).') }).strict(),
  z
    .object({
      ...base,
      type: judgedType('max-duration', 'Time limits with a warn and a fail level.'),
      metric: z.enum(['duration', 'execution', 'planning']).default('duration').describe('`duration`: the measured work (the query, the command); `execution`, `planning`: an explain check\'s median times.'),
      warnAboveMs: z.number().positive().optional().describe('A warning above this many ms.'),
      failAboveMs: z.number().positive().optional().describe('A failure above this many ms.'),
    })
    .strict(),
  z
    .object({
      ...base,
      type: judgedType('text-contains', 'The output contains a text.'),
      stream: z.enum(['stdout', 'stderr', 'output']).default('output').describe('Where to look: `stdout`, `stderr`, or `output` (both).'),
      text: z.string().min(1).describe('The text.'),
    })
    .strict(),
  z
    .object({
      ...base,
      type: judgedType('text-not-contains', 'The output does not contain a text (an ERROR line, a traceback).'),
      stream: z.enum(['stdout', 'stderr', 'output']).default('output').describe('Where to look: `stdout`, `stderr`, or `output` (both).'),
      text: z.string().min(1).describe('The text.'),
    })
    .strict(),
  z.object({ ...base, type: judgedType('exit-code', 'The command exited with this code (killed by a signal never matches).'), equals: z.number().int().default(0).describe('The exit code.') }).strict(),
  z
    .object({
      ...base,
      type: judgedType('tests-passed', 'Each named test ran and passed; a test that did not run is a failure, not a pass (from the `pytest-junit` report, else pytest -v lines).'),
      tests: z.array(z.string().min(1)).min(1).describe('Test names (the function names).'),
    })
    .strict(),
  z
    .object({
      ...base,
      type: judgedType('revision-is-head', 'A migration tool\'s history marks this revision (or a prefix of it) as the one head (`alembic-history` parser, else `(head)` lines).'),
      revision: z.string().min(1).describe('The revision or its prefix.'),
    })
    .strict(),
  z
    .object({
      ...base,
      type: judgedType('migration-ran', 'The command moved the database to this revision: its version table before and after (`alembic-upgrade` parser) is the first witness, the tool\'s log the second.'),
      revision: z.string().min(1).describe('The revision or its prefix.'),
    })
    .strict(),
  z.object({ ...base, type: judgedType('no-dependents', 'Nothing depends on the relation (rollback safety); a missing relation is not a pass.') }).strict(),
  since(
    2,
    z
      .object({
        ...base,
        type: judgedType(
          'dependents',
          'The relation\'s dependents are exactly the ones expected, or include them (`match`): a view with a known dependent passes instead of warning forever. A missing relation is not a pass.',
        ),
        dependents: z.array(expectedDependentSchema).describe('The expected dependents.'),
        match: z.enum(['equals', 'includes']).default('equals').describe('`equals`: exactly these, no more and no fewer; `includes`: at least these, others may exist.'),
      })
      .strict(),
  ),
  since(
    4,
    z
      .object({
        ...base,
        type: judgedType(
          'expected-changes',
          'Only these objects were created, changed or dropped between the snapshot before the mutating step and this one (`changesFrom`); any other change is named. A snapshot without a change report is not a pass.',
        ),
        objects: z
          .array(z.string().min(1))
          .describe('The objects that may change: `public.invoice` (any kind) or with its kind, `view public.invoice_totals`, `index public.invoice_customer_idx`; a constraint or trigger by its table, `public.invoice.invoice_pkey`. `[]`: nothing may change.'),
      })
      .strict(),
  ),
  since(
    4,
    z
      .object({
        ...base,
        type: judgedType('no-unexpected-drops', 'Nothing was dropped between the snapshot before the mutating step and this one (`changesFrom`) — no object and no column — except what `allow` names. A snapshot without a change report is not a pass.'),
        allow: z
          .array(z.string().min(1))
          .default([])
          .describe('Drops that are expected: an object (`public.invoice_old`, `view public.invoice_v0`) or a column (`public.invoice.legacy_total`).'),
      })
      .strict(),
  ),
  since(
    4,
    z
      .object({
        ...base,
        type: judgedType(
          'max-lock-hold',
          'The longest time the observed step (`observeLocks`) may have held a lock of this mode on a relation, per relation, with a warn and a fail level. Judged on the upper bound the sampling gives (the samples around the hold that did not see it). An observation that failed, found no backends or took no sample is not a pass.',
        ),
        mode: z
          .enum(['AccessExclusiveLock', 'ExclusiveLock', 'ShareRowExclusiveLock', 'ShareLock', 'ShareUpdateExclusiveLock'])
          .default('AccessExclusiveLock')
          .describe('The lock mode, as pg_locks names it: `AccessExclusiveLock` (ACCESS EXCLUSIVE, the default: it blocks reads too), `ExclusiveLock`, `ShareRowExclusiveLock`, `ShareLock` (CREATE INDEX without CONCURRENTLY: it blocks writes), `ShareUpdateExclusiveLock`. A stronger mode held counts too.'),
        relations: z.array(z.string().min(1)).min(1).optional().describe('Only these relations (`public.invoice`; a relation dropped during the step has no name and is judged only without this). Default: every relation the step locked.'),
        warnAboveMs: z.number().nonnegative().optional().describe('A warning when a hold may have lasted longer than this many ms.'),
        failAboveMs: z.number().nonnegative().optional().describe('A failure when a hold may have lasted longer than this many ms.'),
      })
      .strict(),
  ),
  since(
    4,
    z
      .object({
        ...base,
        type: judgedType(
          'no-rewrite-above-rows',
          'No table with more than `maxRows` rows was rewritten between the snapshot before the mutating step and this one (`changesFrom`): a rewrite (its relfilenode changed) holds ACCESS EXCLUSIVE while it copies every row. Rows are the before snapshot\'s estimate (pg_class.reltuples); a rewritten table whose rows are unknown (never analyzed) is not a pass, nor is a snapshot without a change report.',
        ),
        maxRows: z.number().int().nonnegative().describe('The most rows a table may hold and still be rewritten.'),
      })
      .strict(),
  ),
  since(
    4,
    z
      .object({
        ...base,
        type: judgedType(
          'lock-timeout-set',
          'The forward SQL a migration tool previews (`alembic-sql` parser: `alembic upgrade {{current}}:head --sql`) sets a non-zero `lock_timeout` (SET, SET LOCAL, set_config) before its first statement that takes a strong lock (ALTER TABLE, DROP, CREATE INDEX without CONCURRENTLY, TRUNCATE…); the first such statement is named when it does not. Comments, strings and quoted names never count. Output of another parser, or SQL cut at the output cap before any strong lock, is not a pass.',
        ),
      })
      .strict(),
  ),
  z
    .object({
      ...base,
      type: judgedType('attestations', 'The deployment carries these attestations (`--attest`), each with who and when.'),
      required: z.array(checkIdSchema).min(1).describe('Attestation ids the checklist declares.'),
    })
    .strict(),
]);

export type Assertion = z.infer<typeof assertionSchema>;
export type AssertionInput = z.input<typeof assertionSchema>;
export type AssertionType = Assertion['type'];

/** Which assertions can judge which kind of result: `ASSERTION_KINDS` read the other way. */
export const assertionsByKind: Readonly<Record<CheckKind, readonly AssertionType[]>> = (() => {
  const types = Object.keys(ASSERTION_KINDS) as AssertionType[];
  const byKind = {} as Record<CheckKind, readonly AssertionType[]>;
  for (const kind of checkKindSchema.options) byKind[kind] = types.filter((type) => judges(type, kind));
  return byKind;
})();

/** Whether an assertion type judges results of a kind. */
export function judges(type: AssertionType, kind: CheckKind): boolean {
  return (ASSERTION_KINDS[type] as readonly CheckKind[]).includes(kind);
}
