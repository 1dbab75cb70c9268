/**
 * A `schema` check's result (format v4, issue 28): the catalog of the schemas in scope, as the
 * server describes it, and — when the checklist asks — what changed since an earlier snapshot of
 * the same collection (the change report) and since the previous deployment of the environment
 * (drift). Every definition is the server's own text (pg_get_indexdef, pg_get_viewdef…): nothing
 * is re-rendered, so a reader sees what the server would recreate.
 */
import { z } from 'astro/zod';
import { checkIdSchema, deploymentIdSchema } from './common.ts';
import { since } from './since.ts';

/** The kinds of catalog object a snapshot records; columns and grants belong to their object. */
export const catalogObjectKindSchema = z.enum(['table', 'partitioned table', 'foreign table', 'view', 'materialized view', 'index', 'constraint', 'trigger', 'sequence', 'function']);
export type CatalogObjectKind = z.infer<typeof catalogObjectKindSchema>;

const catalogColumnSchema = z
  .object({
    name: z.string(),
    /** format_type(atttypid, atttypmod). */
    type: z.string(),
    notNull: z.boolean(),
    /** pg_get_expr of the default (or of the generation expression), null without one. */
    default: z.string().nullable(),
    /** `always` / `by default` for an identity column, `stored` for a generated one, null otherwise. */
    identity: z.enum(['always', 'by default', 'stored']).nullable(),
  })
  .strict();
export type CatalogColumn = z.infer<typeof catalogColumnSchema>;

export const catalogObjectSchema = z
  .object({
    kind: catalogObjectKindSchema,
    schema: z.string(),
    /** For a function its identity (`f(integer, text)`), so overloads are told apart. */
    name: z.string(),
    /** The table an index, constraint or trigger belongs to (same schema); null for the others. */
    table: z.string().nullable(),
    /**
     * The server's definition: pg_get_indexdef, pg_get_constraintdef, pg_get_viewdef,
     * pg_get_triggerdef, pg_get_functiondef (identity arguments and result for an aggregate), a
     * sequence's parameters; null for a table (its columns are its definition).
     */
    definition: z.string().nullable(),
    /** Tables, views, materialized views: the columns in order. */
    columns: z.array(catalogColumnSchema).nullable(),
    owner: z.string(),
    /** The ACL as the server writes it (`alice=arwdDxt/alice`), sorted; null: the default privileges. */
    grants: z.array(z.string()).nullable(),
    /** Tables, materialized views, indexes: pg_class.relfilenode as text. A rewrite changes it. */
    relfilenode: z.string().nullable(),
    /** pg_class.reltuples, the planner's estimate (-1: never analyzed); null where there is none. */
    estimatedRows: z.number().nullable(),
  })
  .strict();
export type CatalogObject = z.infer<typeof catalogObjectSchema>;

/** One difference inside a changed object: a column, its definition, its grants, its storage. */
const changePartSchema = z
  .object({
    /** `column amount`, `definition`, `grants`, `owner`, `storage` (relfilenode: a rewrite). */
    part: z.string(),
    change: z.enum(['added', 'changed', 'dropped']),
    before: z.string().nullable(),
    after: z.string().nullable(),
  })
  .strict();
export type ChangePart = z.infer<typeof changePartSchema>;

export const schemaChangeSchema = z
  .object({
    kind: catalogObjectKindSchema,
    /** `public.invoice`; `public.invoice.invoice_pkey` for a constraint or trigger (its table's). */
    name: z.string(),
    /** The table an index, constraint or trigger belongs to (`public.invoice`); null for the others. */
    table: z.string().nullable(),
    change: z.enum(['added', 'changed', 'dropped']),
    /** The object's whole definition before and after, as text (a table: its columns), for side by side. */
    before: z.string().nullable(),
    after: z.string().nullable(),
    /** What differs inside a changed object (an added or dropped one: nothing). */
    parts: z.array(changePartSchema),
    /** The table's (or materialized view's) storage was rewritten: its relfilenode changed. */
    rewritten: z.boolean(),
    /** A rewritten one: its estimated rows in the snapshot before (pg_class.reltuples, -1: never analyzed), what the rewrite copied. */
    rowsBefore: since(4, z.number().nullable().optional()),
  })
  .strict();
export type SchemaChange = z.infer<typeof schemaChangeSchema>;

export const schemaResultSchema = z
  .object({
    kind: z.literal('schema'),
    /** The schemas the snapshot covers, sorted. */
    schemas: z.array(z.string()),
    /** Sorted by schema, kind, table, name, then definition: the same schema gives the same bytes. */
    objects: z.array(catalogObjectSchema),
    /** Objects the catalog held; more than `objects` when the check's `maxObjects` cut the list. */
    objectsTotal: z.number().int().nonnegative(),
    /** The change report against an earlier snapshot of this collection (`changesFrom`); null when it names none. */
    changes: z.object({ from: checkIdSchema, entries: z.array(schemaChangeSchema) }).strict().nullable(),
    /**
     * Against the previous deployment's snapshot in the same environment (`drift`); `against`
     * null, with the reason, when there is no baseline. Storage (relfilenode) and row estimates
     * are not drift: a VACUUM FULL changes them, the schema stays.
     */
    drift: z
      .object({
        against: z.object({ deploymentId: deploymentIdSchema, checkId: checkIdSchema }).strict().nullable(),
        noBaseline: z.string().nullable(),
        entries: z.array(schemaChangeSchema),
      })
      .strict()
      .nullable(),
  })
  .strict();
export type SchemaResult = z.infer<typeof schemaResultSchema>;
