/**
 * "Locks taken" in Markdown (issue 28), for the PR Markdown, the change request and `export
 * --check`: per relation the strongest mode the observed step held, its longest hold (the bounds
 * the sampling gives), and how many other sessions waited behind it. An observation that could
 * not judge says why instead of an empty table: nothing seen is not nothing locked.
 */
import type { CheckSnapshot, Deployment, LockObservation } from '../../format/index.ts';
import { holdBounds, lockSummaryLines, modeLabel, unjudgeableLocks } from '../locks/lock-holds.ts';
import { routes } from '../routes.ts';
import { mdInline, mdLink, mdTable } from './markdown-text.ts';

/** Relations listed before the rest is counted. */
const RELATIONS_SHOWN = 20;

/** The lock observation of one step: a table, or why there is none. */
export function lockLines(locks: LockObservation): string[] {
  const why = unjudgeableLocks(locks);
  if (why !== null) return [`_No locks to show: ${mdInline(why)}._`, ''];
  const lines = lockSummaryLines(locks);
  const sampled = `Sampled every ${locks.intervalMs} ms (${locks.samples.taken - locks.samples.failed} samples over ${Math.round(locks.stepMs)} ms${locks.samples.failed > 0 ? `, ${locks.samples.failed} failed` : ''}); a lock held under ${Math.round(locks.samples.longestSpacingMs)} ms may be unseen.`;
  if (lines.length === 0) return [`No relation lock of the step was seen. ${sampled}`, ''];
  const rows = lines.slice(0, RELATIONS_SHOWN).map((l) => [mdInline(l.relation), l.strongestMode === 'none granted' ? 'none granted' : modeLabel(l.strongestMode), holdBounds(l.minMs, l.maxMs), String(l.waiters)]);
  const out = [mdTable(['Relation', 'Strongest mode', 'Longest hold', 'Waiters'], rows), '', sampled];
  if (lines.length > RELATIONS_SHOWN) out.push(`_…and ${lines.length - RELATIONS_SHOWN} more relations in the raw evidence._`);
  if (locks.note) out.push(`Note: ${mdInline(locks.note)}.`);
  out.push('');
  return out;
}

/** Every observed step of a deployment, as a section (`###` headings). */
export function lockSections(deployment: Deployment, snapshots: ReadonlyMap<string, CheckSnapshot>, link: (path: string) => string, heading = '###'): string[] {
  const lines: string[] = [];
  for (const entry of deployment.checks) {
    const result = snapshots.get(entry.id)?.result;
    if (result?.kind !== 'command' || !result.locks) continue;
    lines.push('', `${heading} Locks taken: ${mdLink(`${entry.id}: ${entry.title}`, link(routes.check(deployment.id, entry.id)))}`, '', ...lockLines(result.locks));
  }
  while (lines.at(-1) === '') lines.pop();
  return lines;
}
