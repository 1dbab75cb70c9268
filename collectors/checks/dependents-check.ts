/**
 * `dependents`: what depends on a relation (views through their rewrite rules, functions,
 * other objects), from pg_depend — so a rollback verdict rests on the catalog, not on a grep.
 */
import type { CheckOf } from '../../src/format/index.ts';
import { qualifiedName } from '../../src/core/sql-identifiers.ts';
import type { CheckContext, CheckRun } from './check-context.ts';
import { readOnlyRun } from './read-only-run.ts';

// A view's own _RETURN rule and its internal parts (row type, columns) are not dependents.
// For a rewrite rule, the dependent is the view or rule's relation (pg_rewrite.ev_class).
export const DEPENDENTS_SQL = `WITH target AS (SELECT to_regclass($1) AS oid)
SELECT DISTINCT o.type, o.schema, coalesce(o.name, o.identity) AS name, d.deptype::text
FROM pg_catalog.pg_depend d
CROSS JOIN target t
LEFT JOIN pg_catalog.pg_rewrite r
  ON d.classid = 'pg_catalog.pg_rewrite'::regclass AND r.oid = d.objid
CROSS JOIN LATERAL pg_identify_object(
  CASE WHEN r.oid IS NULL THEN d.classid ELSE 'pg_catalog.pg_class'::regclass END,
  CASE WHEN r.oid IS NULL THEN d.objid ELSE r.ev_class END,
  CASE WHEN r.oid IS NULL THEN d.objsubid ELSE 0 END
) AS o
WHERE d.refclassid = 'pg_catalog.pg_class'::regclass
  AND d.refobjid = t.oid
  AND d.deptype IN ('n', 'a')
  AND r.ev_class IS DISTINCT FROM t.oid
ORDER BY 1, 2, 3, 4`;

export function runDependentsCheck(check: CheckOf<'dependents'>, ctx: CheckContext): Promise<CheckRun> {
  const qualified = qualifiedName(check.relation);
  const source = { sql: DEPENDENTS_SQL, params: [{ name: 'relation', value: qualified }], relation: check.relation };
  return readOnlyRun({ check, source }, ctx, async (tx) => {
    const exists = (await tx.query('SELECT to_regclass($1) IS NOT NULL', [qualified])).rows[0]?.[0] === 't';
    const rows = exists ? (await tx.query(DEPENDENTS_SQL, [qualified])).rows : [];
    return {
      result: {
        kind: 'dependents' as const,
        relation: { ...check.relation, exists },
        dependents: rows.map(([type, schema, name, deptype]) => ({ type: type ?? '', schema: schema ?? null, name: name ?? '', dependencyType: deptype ?? '' })),
      },
    };
  });
}
