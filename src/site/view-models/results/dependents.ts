/** A dependents result as pages show it. */
import type { ResultViewBuilder } from './result-view.ts';

export interface DependentsResultView {
  kind: 'dependents';
  relation: string;
  exists: boolean;
  dependents: { type: string; name: string; dependencyType: string }[];
}

/** pg_depend.deptype in words (https://www.postgresql.org/docs/current/catalog-pg-depend.html). */
const DEPENDENCY_TYPES: Record<string, string> = { n: 'normal', a: 'automatic', i: 'internal', P: 'partition (primary)', S: 'partition (secondary)', e: 'extension', x: 'extension (automatic)' };

export const dependentsResultView: ResultViewBuilder<'dependents', DependentsResultView> = (result) => ({
  kind: 'dependents',
  relation: `${result.relation.schema}.${result.relation.name}`,
  exists: result.relation.exists,
  dependents: result.dependents.map((d) => ({ type: d.type, name: d.schema ? `${d.schema}.${d.name}` : d.name, dependencyType: DEPENDENCY_TYPES[d.dependencyType] ?? d.dependencyType })),
});
