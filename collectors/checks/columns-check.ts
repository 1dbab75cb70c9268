/**
 * `columns`: the relation's columns from information_schema (as the template queries them),
 * with exact type names from pg_catalog's format_type. For a view, whose columns PostgreSQL
 * always reports as nullable, every expected NOT NULL column is counted for NULLs on the data.
 */
import type { CheckOf, ResultOf } from '../../src/format/index.ts';
import { qualifiedName, quoteIdent } from '../../src/core/sql-identifiers.ts';
import { QueryError } from '../db/session.ts';
import { catalogVerdict } from './catalog-guard.ts';
import type { CheckContext, CheckRun } from './check-context.ts';
import { readOnlyRun } from './read-only-run.ts';
import { assertSingleSelect } from './single-select.ts';

export const COLUMNS_SQL = `SELECT c.ordinal_position::int AS position,
       c.column_name,
       format_type(a.atttypid, a.atttypmod) AS data_type,
       c.is_nullable
FROM information_schema.columns c
JOIN pg_catalog.pg_attribute a
  ON a.attrelid = format('%I.%I', c.table_schema, c.table_name)::regclass
 AND a.attname = c.column_name
WHERE c.table_schema = $1 AND c.table_name = $2
ORDER BY c.ordinal_position`;

const RELKIND_SQL = `SELECT c.relkind::text
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1 AND c.relname = $2`;

const RELKINDS: Record<string, ResultOf<'columns'>['relation']['relkind']> = {
  r: 'table',
  v: 'view',
  m: 'materialized view',
  f: 'foreign table',
  p: 'partitioned table',
};

export function runColumnsCheck(check: CheckOf<'columns'>, ctx: CheckContext): Promise<CheckRun> {
  const { schema, name } = check.relation;
  const source = { sql: COLUMNS_SQL, params: [{ name: 'table_schema', value: schema }, { name: 'table_name', value: name }], relation: check.relation };
  return readOnlyRun({ check, source }, ctx, async (tx) => {
    const kindRow = (await tx.query(RELKIND_SQL, [schema, name])).rows[0];
    const relkind = kindRow ? (RELKINDS[kindRow[0] ?? ''] ?? 'other') : 'missing';
    const columns = relkind === 'missing' ? [] : (await tx.query(COLUMNS_SQL, [schema, name])).rows.map(([position, column, type, nullable]) => ({
      position: Number(position),
      name: column ?? '',
      type: type ?? '',
      nullable: nullable === 'YES',
    }));
    let nullCheckOnData: ResultOf<'columns'>['nullCheckOnData'] = null;
    const present = new Set(columns.map((c) => c.name));
    const notNull = check.expect.columns.filter((c) => !c.nullable && present.has(c.name)).map((c) => c.name);
    if (relkind === 'view' && notNull.length > 0) {
      const sql = `SELECT ${notNull.map((c) => `count(*) FILTER (WHERE ${quoteIdent(c)} IS NULL) AS ${quoteIdent(c)}`).join(',\n       ')}\nFROM ${qualifiedName({ schema, name })}`;
      // Counting reads the view, which runs its definition: guarded like checklist SQL (issue 25).
      const refusal = await assertSingleSelect(sql, 'the NULL count of a view').then(
        (names) => catalogVerdict(tx, names).then((verdict) => verdict.refusal),
        (error: Error) => error.message,
      );
      if (refusal) throw new QueryError(refusal, 'refused', null, 'The view reaches what a read-only check may not run: its NOT NULL columns were not counted.', null);
      const counts = (await tx.query(sql)).rows[0] ?? [];
      nullCheckOnData = { sql, nullRows: notNull.map((column, i) => ({ column, rows: counts[i] ?? '0' })) };
    }
    return {
      result: {
        kind: 'columns' as const,
        relation: { schema, name, relkind },
        columns,
        nullCheckOnData,
        // Said only where NOT NULL was expected: a view without such expectations needs no NULL count.
        note: nullCheckOnData ? 'PostgreSQL reports every view column as nullable; NOT NULL expectations were checked on the data (count of NULL rows).' : null,
      },
    };
  });
}
