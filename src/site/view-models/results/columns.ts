/** A columns result as pages show it: the relation's kind and columns as the catalog reports them. */
import type { ResultViewBuilder } from './result-view.ts';

export interface ColumnsResultView {
  kind: 'columns';
  relation: string;
  relkind: string;
  columns: { position: number; name: string; type: string; nullable: string }[];
  note: string | null;
  nullCheckSql: string | null;
}

export const columnsResultView: ResultViewBuilder<'columns', ColumnsResultView> = (result) => ({
  kind: 'columns',
  relation: `${result.relation.schema}.${result.relation.name}`,
  relkind: result.relation.relkind,
  columns: result.columns.map((c) => ({ position: c.position, name: c.name, type: c.type, nullable: c.nullable ? 'YES' : 'NO' })),
  note: result.note,
  nullCheckSql: result.nullCheckOnData?.sql ?? null,
});
