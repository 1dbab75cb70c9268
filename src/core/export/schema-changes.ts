/**
 * The schema change report and drift in Markdown (issue 28), for the PR Markdown, the change
 * request and `export --check`: one line per object added, changed or dropped, and the before and
 * after text of each changed definition, folded. Names and definitions come from the evidence and
 * stay text (mdInline, mdCode). Bounded: the first objects are shown, the rest counted.
 */
import type { CheckSnapshot, Deployment, ResultOf, SchemaChange } from '../../format/index.ts';
import { changeLabel } from '../schema-diff/diff.ts';
import { routes } from '../routes.ts';
import { mdCode, mdInline, mdLink, mdTable } from './markdown-text.ts';
import { roundTripLines } from './round-trip-lines.ts';

/** Objects listed per report before the rest is counted. */
const OBJECTS_SHOWN = 30;
/** Changed definitions shown before and after, folded. */
const DEFINITIONS_SHOWN = 10;

function what(c: SchemaChange): string {
  if (c.change !== 'changed') return c.change;
  return c.parts
    .map((p) => (p.part === 'storage' ? `rewritten (${p.before ?? 'none'} → ${p.after ?? 'none'})` : p.part === 'definition' ? 'definition changed' : p.change === 'changed' ? `${p.part}: ${p.before} → ${p.after}` : `${p.part} ${p.change}${p.after ? ` (${p.after})` : ''}`))
    .join('; ');
}

/** A table of changes and, folded, the before and after of each changed definition. */
export function changeTable(entries: readonly SchemaChange[]): string[] {
  if (entries.length === 0) return ['_No object changed._', ''];
  const lines = [mdTable(['Change', 'Object', 'What'], entries.slice(0, OBJECTS_SHOWN).map((c) => [c.change, mdInline(changeLabel(c)), mdInline(what(c))])), ''];
  if (entries.length > OBJECTS_SHOWN) lines.push(`_…and ${entries.length - OBJECTS_SHOWN} more in the raw evidence._`, '');
  const redefined = entries.filter((c) => c.change === 'changed' && c.parts.some((p) => p.part === 'definition' || p.part.startsWith('column '))).slice(0, DEFINITIONS_SHOWN);
  for (const c of redefined) {
    lines.push(`<details><summary>${mdInline(changeLabel(c))}: before and after</summary>`, '', 'Before:', '', mdCode(c.before ?? '', 'sql'), '', 'After:', '', mdCode(c.after ?? '', 'sql'), '', '</details>', '');
  }
  return lines;
}

/** What a snapshot says about drift, in a sentence. */
export function driftLine(result: ResultOf<'schema'>): string | null {
  const drift = result.drift;
  if (!drift) return null;
  if (drift.against === null) return `Drift: **no baseline** — ${mdInline(drift.noBaseline ?? 'no previous snapshot')}.`;
  const against = `${drift.against.deploymentId} (${drift.against.checkId})`;
  return drift.entries.length === 0
    ? `Drift: none — the schema is the one ${mdInline(against)} left.`
    : `Drift: **${drift.entries.length} object${drift.entries.length === 1 ? '' : 's'} changed outside the recorded deployments** since ${mdInline(against)}:`;
}

/** A schema check's result for `export --check`. */
export function schemaExcerpt(result: ResultOf<'schema'>): string[] {
  const lines: string[] = [`${result.objectsTotal} objects in ${mdInline(result.schemas.join(', '))}.`, ''];
  if (result.changes) lines.push(`Changes since ${mdInline(result.changes.from)}:`, '', ...changeTable(result.changes.entries));
  const drift = driftLine(result);
  if (drift) lines.push(drift, '', ...(result.drift && result.drift.entries.length > 0 ? changeTable(result.drift.entries) : []));
  return lines;
}

/** Every schema check of a deployment with a change report or drift, and every round trip, as a section (`###` headings). */
export function schemaSections(deployment: Deployment, snapshots: ReadonlyMap<string, CheckSnapshot>, link: (path: string) => string, heading = '###'): string[] {
  const lines: string[] = [];
  for (const entry of deployment.checks) {
    const result = snapshots.get(entry.id)?.result;
    if (result?.kind === 'round-trip') {
      lines.push('', `${heading} Round trip: ${mdLink(`${entry.id}: ${entry.title}`, link(routes.check(deployment.id, entry.id)))}`, '', ...roundTripLines(result));
      continue;
    }
    if (result?.kind !== 'schema' || (!result.changes && !result.drift)) continue;
    const title = result.changes ? 'Schema changes' : 'Schema drift';
    lines.push('', `${heading} ${title}: ${mdLink(`${entry.id}: ${entry.title}`, link(routes.check(deployment.id, entry.id)))}`, '');
    if (result.changes) lines.push(`Against ${mdInline(result.changes.from)}, the snapshot before:`, '', ...changeTable(result.changes.entries));
    const drift = driftLine(result);
    if (drift) lines.push(drift, '', ...(result.drift && result.drift.entries.length > 0 ? changeTable(result.drift.entries) : []));
  }
  while (lines.at(-1) === '') lines.pop();
  return lines;
}
