/**
 * A schema snapshot as pages show it (issue 28): how many objects of each kind, the change report
 * (each object added, changed or dropped, with its text before and after for side by side, and a
 * line diff of a changed definition), and drift against the previous deployment.
 */
import type { SchemaChange } from '../../../format/index.ts';
import { changeLabel, changeSummary } from '../../../core/schema-diff/diff.ts';
import { lineDiff, type DiffLine } from '../../../core/schema-diff/line-diff.ts';
import type { ResultViewBuilder } from './result-view.ts';

export interface ChangeRowView {
  change: SchemaChange['change'];
  label: string;
  /** The change in one line: `changed table public.attempt: column score integer → bigint; rewritten (…)`. */
  summary: string;
  rewritten: boolean;
  before: string | null;
  after: string | null;
  /** A changed object's text, line by line (null for an added or dropped one). */
  diff: DiffLine[] | null;
}

export interface SchemaResultView {
  kind: 'schema';
  schemas: string;
  objectsTotal: number;
  objectsKept: number;
  byKind: { kind: string; count: number }[];
  changes: { from: string; rows: ChangeRowView[]; rewritten: string[] } | null;
  drift: { against: string | null; noBaseline: string | null; rows: ChangeRowView[] } | null;
}

/** One object of a change report, as the schema change view shows it (the round trip's comparisons too). */
export const changeRow = (c: SchemaChange): ChangeRowView => ({
  change: c.change,
  label: changeLabel(c),
  summary: changeSummary(c),
  rewritten: c.rewritten,
  before: c.before,
  after: c.after,
  diff: c.change === 'changed' && c.before !== null && c.after !== null ? lineDiff(c.before, c.after) : null,
});

export const schemaResultView: ResultViewBuilder<'schema', SchemaResultView> = (result) => {
  const counts = new Map<string, number>();
  for (const o of result.objects) counts.set(o.kind, (counts.get(o.kind) ?? 0) + 1);
  return {
    kind: 'schema',
    schemas: result.schemas.join(', '),
    objectsTotal: result.objectsTotal,
    objectsKept: result.objects.length,
    byKind: [...counts].map(([kind, count]) => ({ kind, count })),
    changes: result.changes && { from: result.changes.from, rows: result.changes.entries.map(changeRow), rewritten: result.changes.entries.filter((c) => c.rewritten && c.kind !== 'index').map(changeLabel) },
    drift: result.drift && {
      against: result.drift.against && `${result.drift.against.deploymentId} (${result.drift.against.checkId})`,
      noBaseline: result.drift.noBaseline,
      rows: result.drift.entries.map(changeRow),
    },
  };
};
