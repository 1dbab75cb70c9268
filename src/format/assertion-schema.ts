/**
 * Declarative assertions: data, not code, so they serialize into the evidence and the
 * site can show "expected vs actual" a year later without running anything.
 */
import { z } from 'astro/zod';
import { checkIdSchema, type CheckKind } from './common.ts';

/** What an unmet assertion does to its check. */
export const severitySchema = z.enum(['fail', 'warn']);

const base = {
  /** Unique within its check; defaults to the type (with -2, -3… for repeats). */
  id: checkIdSchema.optional(),
  description: z.string().optional(),
  severity: severitySchema.default('fail'),
};

const compareOpSchema = z.enum(['eq', 'ne', 'gt', 'gte', 'lt', 'lte']);
export type CompareOp = z.infer<typeof compareOpSchema>;

export const assertionSchema = z.discriminatedUnion('type', [
  /** Bounds on the number of rows a query returned. */
  z.object({ ...base, type: z.literal('row-count'), min: z.number().int().nonnegative().optional(), max: z.number().int().nonnegative().optional() }).strict(),
  /** A result field compared with a constant; numbers are compared exactly (int8 as BigInt-safe decimals). */
  z
    .object({
      ...base,
      type: z.literal('field-compare'),
      field: z.string().min(1),
      op: compareOpSchema,
      value: z.union([z.string(), z.number()]),
      rows: z.enum(['first', 'all']).default('first'),
    })
    .strict(),
  /** The result's columns have these types (as format_type names them): `id` is bigint, not numeric. */
  z
    .object({
      ...base,
      type: z.literal('column-types'),
      columns: z.array(z.object({ name: z.string().min(1), type: z.string().min(1) }).strict()).min(1),
    })
    .strict(),
  /** Every listed field holds the same value, row by row (determinism: total = distinct pairs = distinct ids). */
  z.object({ ...base, type: z.literal('fields-equal'), fields: z.array(z.string().min(1)).min(2) }).strict(),
  /** No NULL in these fields of any returned row. */
  z.object({ ...base, type: z.literal('no-nulls'), fields: z.array(z.string().min(1)).min(1) }).strict(),
  /** Within each group, `orderBy` never goes backwards (and, for row numbers, has no gaps or repeats). */
  z
    .object({
      ...base,
      type: z.literal('ordered-within-groups'),
      groupBy: z.array(z.string().min(1)).min(1),
      orderBy: z.string().min(1),
      strict: z.boolean().default(true),
    })
    .strict(),
  /** The query ran more than once (`reads`) and returned identical rows each time. */
  z.object({ ...base, type: z.literal('same-on-reread') }).strict(),
  /** Duration limits with warn and fail levels (a pass below `warnAboveMs`). */
  z
    .object({
      ...base,
      type: z.literal('max-duration'),
      metric: z.enum(['duration', 'execution', 'planning']).default('duration'),
      warnAboveMs: z.number().positive().optional(),
      failAboveMs: z.number().positive().optional(),
    })
    .strict(),
  z.object({ ...base, type: z.literal('text-contains'), stream: z.enum(['stdout', 'stderr', 'output']).default('output'), text: z.string().min(1) }).strict(),
  z.object({ ...base, type: z.literal('text-not-contains'), stream: z.enum(['stdout', 'stderr', 'output']).default('output'), text: z.string().min(1) }).strict(),
  z.object({ ...base, type: z.literal('exit-code'), equals: z.number().int().default(0) }).strict(),
  /** Each named test ran and passed; a test that did not run is a failure, not a pass. */
  z.object({ ...base, type: z.literal('tests-passed'), tests: z.array(z.string().min(1)).min(1) }).strict(),
  /** An alembic revision (or its prefix) is marked `(head)` in the output. */
  z.object({ ...base, type: z.literal('revision-is-head'), revision: z.string().min(1) }).strict(),
  /** alembic reported running this migration (by revision or prefix) in this command. */
  z.object({ ...base, type: z.literal('migration-ran'), revision: z.string().min(1) }).strict(),
  /** Nothing depends on the relation (rollback safety). */
  z.object({ ...base, type: z.literal('no-dependents') }).strict(),
  /** The deployment carries these attestations (CI green, approvals…), each with who and when. */
  z.object({ ...base, type: z.literal('attestations'), required: z.array(checkIdSchema).min(1) }).strict(),
]);

export type Assertion = z.infer<typeof assertionSchema>;
export type AssertionInput = z.input<typeof assertionSchema>;
export type AssertionType = Assertion['type'];

/** Which assertions can judge which kind of result. */
export const assertionsByKind: Record<CheckKind, readonly AssertionType[]> = {
  sql: ['row-count', 'column-types', 'field-compare', 'fields-equal', 'no-nulls', 'ordered-within-groups', 'same-on-reread', 'max-duration', 'attestations'],
  columns: ['max-duration'],
  explain: ['max-duration'],
  command: ['exit-code', 'text-contains', 'text-not-contains', 'tests-passed', 'revision-is-head', 'migration-ran', 'max-duration'],
  dependents: ['no-dependents', 'max-duration'],
};
