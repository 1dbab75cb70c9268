/**
 * `schema`: a snapshot of the catalog of the schemas in scope (issue 28), read in one READ ONLY
 * transaction, one query per kind of object. Each query returns one JSON object per row, so
 * names with quotes, newlines or any character come back as data, never split or re-parsed;
 * the objects are sorted here, in code-unit order, not by the server's collation: the same
 * schema gives the same bytes on PGlite and on PostgreSQL 15 alike.
 *
 * The change report and drift compare stored snapshots, which are redacted (issue 25): this
 * snapshot is compared in the form it will be stored in.
 *
 * Objects that belong to an extension are left out (pgcrypto's functions are not the
 * application's schema). The relfilenode is `pg_relation_filenode`, so a table rewrite
 * (ALTER COLUMN TYPE, VACUUM FULL) shows as a new one; the lock observation and the round trip
 * (issue 28, points 4 and 6) read rewrites from it.
 */
import type { CatalogObject, CheckOf, SchemaResult } from '../../src/format/index.ts';
import { compareObjects, diffCatalogs } from '../../src/core/schema-diff/diff.ts';
import type { CheckContext, CheckRun } from './check-context.ts';
import type { ReadOnlyTransaction } from '../db/session.ts';
import { readOnlyRun } from './read-only-run.ts';
import { redactedObjects } from './redact-run.ts';
import { driftAgainst } from '../../src/core/schema-diff/drift.ts';

const IN_SCOPE = `n.nspname IN (SELECT jsonb_array_elements_text($1::jsonb))`;
const NOT_IN_EXTENSION = (classid: string, oid: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = '${classid}'::regclass AND e.objid = ${oid} AND e.deptype = 'e')`;
/** The ACL as text items; null for the default privileges (relacl IS NULL), [] for none at all. */
const GRANTS = (acl: string) => `CASE WHEN ${acl} IS NULL THEN NULL ELSE coalesce((SELECT json_agg(a::text) FROM unnest(${acl}) a), '[]'::json) END`;

/** Tables, views, materialized views, foreign tables, with their columns. */
const RELATIONS_SQL = `SELECT json_build_object(
  'relkind', c.relkind::text, 'schema', n.nspname, 'name', c.relname,
  'definition', CASE WHEN c.relkind IN ('v', 'm') THEN pg_catalog.pg_get_viewdef(c.oid) END,
  'owner', pg_catalog.pg_get_userbyid(c.relowner),
  'grants', ${GRANTS('c.relacl')},
  'relfilenode', pg_catalog.pg_relation_filenode(c.oid)::text,
  'estimatedRows', CASE WHEN c.relkind IN ('r', 'm', 'p') THEN c.reltuples END,
  'columns', coalesce((SELECT json_agg(json_build_object(
      'name', a.attname, 'type', pg_catalog.format_type(a.atttypid, a.atttypmod), 'notNull', a.attnotnull,
      'default', pg_catalog.pg_get_expr(d.adbin, d.adrelid), 'identity', a.attidentity::text, 'generated', a.attgenerated::text) ORDER BY a.attnum)
    FROM pg_catalog.pg_attribute a LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), '[]'::json))::text
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE ${IN_SCOPE} AND c.relkind IN ('r', 'p', 'f', 'v', 'm') AND ${NOT_IN_EXTENSION('pg_catalog.pg_class', 'c.oid')}`;

const INDEXES_SQL = `SELECT json_build_object(
  'schema', n.nspname, 'name', ic.relname, 'table', tc.relname, 'definition', pg_catalog.pg_get_indexdef(i.indexrelid),
  'owner', pg_catalog.pg_get_userbyid(ic.relowner), 'relfilenode', pg_catalog.pg_relation_filenode(ic.oid)::text)::text
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
JOIN pg_catalog.pg_class tc ON tc.oid = i.indrelid
JOIN pg_catalog.pg_namespace n ON n.oid = ic.relnamespace
WHERE ${IN_SCOPE} AND ${NOT_IN_EXTENSION('pg_catalog.pg_class', 'tc.oid')}`;

const CONSTRAINTS_SQL = `SELECT json_build_object(
  'schema', n.nspname, 'name', co.conname, 'table', c.relname, 'definition', pg_catalog.pg_get_constraintdef(co.oid),
  'owner', pg_catalog.pg_get_userbyid(c.relowner))::text
FROM pg_catalog.pg_constraint co
JOIN pg_catalog.pg_class c ON c.oid = co.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = co.connamespace
WHERE co.conrelid <> 0 AND ${IN_SCOPE} AND ${NOT_IN_EXTENSION('pg_catalog.pg_class', 'c.oid')}`;

const TRIGGERS_SQL = `SELECT json_build_object(
  'schema', n.nspname, 'name', t.tgname, 'table', c.relname, 'definition', pg_catalog.pg_get_triggerdef(t.oid),
  'owner', pg_catalog.pg_get_userbyid(c.relowner))::text
FROM pg_catalog.pg_trigger t
JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE NOT t.tgisinternal AND ${IN_SCOPE} AND ${NOT_IN_EXTENSION('pg_catalog.pg_class', 'c.oid')}`;

/** A sequence's parameters, never its position (last_value moves with every insert). */
const SEQUENCES_SQL = `SELECT json_build_object(
  'schema', n.nspname, 'name', c.relname,
  'definition', 'AS ' || pg_catalog.format_type(s.seqtypid, NULL) || ' START ' || s.seqstart || ' INCREMENT ' || s.seqincrement
    || ' MINVALUE ' || s.seqmin || ' MAXVALUE ' || s.seqmax || ' CACHE ' || s.seqcache || CASE WHEN s.seqcycle THEN ' CYCLE' ELSE '' END,
  'owner', pg_catalog.pg_get_userbyid(c.relowner), 'grants', ${GRANTS('c.relacl')})::text
FROM pg_catalog.pg_sequence s
JOIN pg_catalog.pg_class c ON c.oid = s.seqrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE ${IN_SCOPE} AND ${NOT_IN_EXTENSION('pg_catalog.pg_class', 'c.oid')}`;

/** pg_get_functiondef refuses aggregates: those are recorded by their arguments and result. */
const FUNCTIONS_SQL = `SELECT json_build_object(
  'schema', n.nspname, 'name', p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')',
  'definition', CASE WHEN p.prokind = 'a'
    THEN 'AGGREGATE ' || p.proname || '(' || pg_catalog.pg_get_function_arguments(p.oid) || ') RETURNS ' || pg_catalog.pg_get_function_result(p.oid)
    ELSE pg_catalog.pg_get_functiondef(p.oid) END,
  'owner', pg_catalog.pg_get_userbyid(p.proowner), 'grants', ${GRANTS('p.proacl')})::text
FROM pg_catalog.pg_proc p
JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
WHERE ${IN_SCOPE} AND ${NOT_IN_EXTENSION('pg_catalog.pg_proc', 'p.oid')}`;

const RELKINDS: Record<string, CatalogObject['kind']> = { r: 'table', p: 'partitioned table', f: 'foreign table', v: 'view', m: 'materialized view' };
const IDENTITY: Record<string, 'always' | 'by default'> = { a: 'always', d: 'by default' };

interface RawColumn {
  name: string;
  type: string;
  notNull: boolean;
  default: string | null;
  identity: string;
  generated: string;
}
type Raw = Record<string, unknown>;

const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const sortedGrants = (v: unknown): string[] | null => (Array.isArray(v) ? v.map(String).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)) : null);
const rows = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function object(kind: CatalogObject['kind'], raw: Raw): CatalogObject {
  return {
    kind,
    schema: String(raw.schema),
    name: String(raw.name),
    table: text(raw.table),
    definition: text(raw.definition),
    columns: Array.isArray(raw.columns)
      ? (raw.columns as RawColumn[]).map((c) => ({
          name: c.name,
          type: c.type,
          notNull: c.notNull,
          default: c.default,
          identity: c.generated === 's' ? 'stored' : (IDENTITY[c.identity] ?? null),
        }))
      : null,
    owner: String(raw.owner),
    grants: sortedGrants(raw.grants),
    relfilenode: text(raw.relfilenode),
    estimatedRows: rows(raw.estimatedRows),
  };
}

/** The schemas a check covers: its own list, else those of the relations the checklist names, else public. */
export function schemasInScope(check: Pick<CheckOf<'schema'>, 'schemas'>, checklist: CheckContext['checklist']): string[] {
  const named = check.schemas ?? checklist.checks.flatMap((c) => (c.kind === 'columns' || c.kind === 'dependents' ? [c.relation.schema] : []));
  const schemas = [...new Set(named.length > 0 ? named : ['public'])];
  return schemas.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The catalog of the schemas, in the snapshot's order, read in a READ ONLY transaction (the round trip reads its copy's with it). */
export async function readCatalog(tx: ReadOnlyTransaction, schemas: readonly string[]): Promise<CatalogObject[]> {
  const param = [JSON.stringify(schemas)];
  const read = async (sql: string) => (await tx.query(sql, param)).rows.map(([json]) => JSON.parse(json ?? 'null') as Raw);
  return [
    ...(await read(RELATIONS_SQL)).map((raw) => object(RELKINDS[String(raw.relkind)] ?? 'table', raw)),
    ...(await read(INDEXES_SQL)).map((raw) => object('index', raw)),
    ...(await read(CONSTRAINTS_SQL)).map((raw) => object('constraint', raw)),
    ...(await read(TRIGGERS_SQL)).map((raw) => object('trigger', raw)),
    ...(await read(SEQUENCES_SQL)).map((raw) => object('sequence', raw)),
    ...(await read(FUNCTIONS_SQL)).map((raw) => object('function', raw)),
  ].sort(compareObjects);
}

export function runSchemaCheck(check: CheckOf<'schema'>, ctx: CheckContext): Promise<CheckRun> {
  const schemas = schemasInScope(check, ctx.checklist);
  const source = { sql: [RELATIONS_SQL, INDEXES_SQL, CONSTRAINTS_SQL, TRIGGERS_SQL, SEQUENCES_SQL, FUNCTIONS_SQL].join(';\n\n'), params: [{ name: 'schemas', value: JSON.stringify(schemas) }] };
  let truncation: CheckRun['truncation'] = null;
  return readOnlyRun({ check, source }, ctx, async (tx) => {
    const all = await readCatalog(tx, schemas);
    const objects = all.slice(0, check.maxObjects);
    if (objects.length < all.length) truncation = { rowsTotal: all.length, rowsKept: objects.length, bytesOmitted: 0 };
    const result: SchemaResult = { kind: 'schema', schemas, objects, objectsTotal: all.length, changes: null, drift: null };
    if (check.changesFrom) result.changes = { from: check.changesFrom, entries: changesSince(check.changesFrom, result, ctx) };
    if (check.drift) result.drift = await driftOf(check.drift.against, result, ctx);
    return { result };
  }).then((run) => ({ ...run, truncation }));
}

const cut = (r: SchemaResult) => r.objects.length < r.objectsTotal;

/** The change report against an earlier snapshot of this collection; refused when it cannot be whole. */
function changesSince(from: string, after: SchemaResult, ctx: CheckContext) {
  const earlier = ctx.earlier?.get(from);
  const before = earlier?.result;
  if (!earlier || before?.kind !== 'schema') {
    throw new Error(`no change report: ${from}, the snapshot before, ${earlier ? `recorded no snapshot (${earlier.status}${earlier.skipReason ? `: ${earlier.skipReason}` : ''})` : 'has not run in this collection'}`);
  }
  // A cut list would report every object beyond the cut as dropped or added.
  if (cut(before) || cut(after)) throw new Error(`no change report: a snapshot was cut at maxObjects (${before.objectsTotal} and ${after.objectsTotal} objects); raise maxObjects or narrow schemas`);
  if (before.schemas.join('\u0000') !== after.schemas.join('\u0000')) {
    throw new Error(`no change report: ${from} covers ${before.schemas.join(', ')}, this snapshot ${after.schemas.join(', ')}`);
  }
  return diffCatalogs(before.objects, redactedObjects(after.objects, ctx.redactor), { storage: true });
}

async function driftOf(against: string, now: SchemaResult, ctx: CheckContext): Promise<NonNullable<SchemaResult['drift']>> {
  const previous = ctx.previousCheck ? await ctx.previousCheck(against) : null;
  return driftAgainst(against, previous, now, redactedObjects(now.objects, ctx.redactor));
}
