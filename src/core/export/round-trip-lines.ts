/**
 * A round trip (issue 28) in Markdown, for the PR Markdown, the change request and `export --check`:
 * one sentence — the steps and their durations, or the step that failed — the locks each step took
 * on the copy in a line, and the differences the two comparisons found, as the schema change
 * report's table.
 */
import type { LockObservation, ResultOf } from '../../format/index.ts';
import { readableMs } from '../assertions/words.ts';
import { holdBounds, lockSummaryLines, modeLabel, modeStrength, unjudgeableLocks } from '../locks/lock-holds.ts';
import { downgradeDifference, failedStep, repeatDifference } from '../schema-diff/round-trip.ts';
import { changeTable } from './schema-changes.ts';
import { mdInline } from './markdown-text.ts';

/** The round trip in one sentence. */
export function roundTripSentence(result: ResultOf<'round-trip'>): string {
  const copy = result.copy.method === 'template' ? 'a copy of the database (CREATE DATABASE … TEMPLATE)' : 'a copy of the database (pg_dump, restored)';
  const failed = failedStep(result);
  if (failed) return `The round trip on ${copy} stopped: ${failed.step} ${failed.said}.`;
  const steps = result.steps.map((s) => `${s.step} ${readableMs(s.durationMs)}`).join(', ');
  const lost = result.downgradeRestores?.entries.length ?? 0;
  const repeat = result.upgradeRepeats?.entries.length ?? 0;
  if (lost === 0 && repeat === 0) return `Upgrade, downgrade and upgrade again succeeded on ${copy} (${steps}); the downgrade gave back the schema before, and the second upgrade the schema of the first.`;
  const said = [...(result.downgradeRestores?.entries.map(downgradeDifference) ?? []), ...(result.upgradeRepeats?.entries.map(repeatDifference) ?? [])];
  return `The steps succeeded on ${copy} (${steps}), but the schema did not come back: ${said.slice(0, 5).join('; ')}${said.length > 5 ? `; and ${said.length - 5} more` : ''}.`;
}

/**
 * A step's locks on the copy in a few words: the strongest mode it held, on which relation, and the
 * longest hold of it (the bounds the sampling gives); `no relation lock seen`; or why nothing can be
 * said (`not observed: …`). Several relations at that mode: the longest hold's (a table's before an
 * index's or a TOAST table's as long), and how many others.
 */
export function stepLockSummary(locks: LockObservation | undefined): string {
  if (!locks) return 'not observed';
  const why = unjudgeableLocks(locks);
  if (why !== null) return `not observed: ${why}`;
  // Per relation, knowing which are tables: a hold as long on a table and on its index names the table.
  const granted = locks.relations
    .flatMap((r) => lockSummaryLines({ ...locks, relations: [r] }).map((l) => ({ ...l, table: r.relkind === 'r' || r.relkind === 'p' })))
    .filter((l) => l.strongestMode !== 'none granted');
  if (granted.length === 0) return 'no relation lock seen';
  const top = Math.max(...granted.map((l) => modeStrength(l.strongestMode)));
  const atTop = granted.filter((l) => modeStrength(l.strongestMode) === top);
  const longest = atTop.reduce((a, b) => (b.maxMs > a.maxMs || (b.maxMs === a.maxMs && b.table && !a.table) ? b : a));
  const others = atTop.length - 1;
  const waiters = granted.reduce((sum, l) => sum + l.waiters, 0);
  return `${modeLabel(longest.strongestMode)} on ${longest.relation}${others > 0 ? ` (and ${others} other relation${others === 1 ? '' : 's'})` : ''}, ${holdBounds(longest.minMs, longest.maxMs)}${waiters > 0 ? `, ${waiters} waiting` : ''}`;
}

/** `Locks on the copy: upgrade …; downgrade …; upgrade again ….`, or null when no step recorded its locks. */
export function roundTripLockLine(result: ResultOf<'round-trip'>): string | null {
  if (!result.steps.some((s) => s.locks)) return null;
  return `Locks on the copy: ${result.steps.map((s) => `${s.step} ${stepLockSummary(s.locks)}`).join('; ')}.`;
}

/** The sentence, the steps' locks and, when the schema did not come back, the differences (Markdown lines). */
export function roundTripLines(result: ResultOf<'round-trip'>): string[] {
  const lockLine = roundTripLockLine(result);
  const lines = [mdInline(roundTripSentence(result)), '', ...(lockLine ? [mdInline(lockLine), ''] : [])];
  if (result.downgradeRestores && result.downgradeRestores.entries.length > 0) lines.push('After the downgrade, against before the upgrade:', '', ...changeTable(result.downgradeRestores.entries));
  if (result.upgradeRepeats && result.upgradeRepeats.entries.length > 0) lines.push('After the second upgrade, against after the first:', '', ...changeTable(result.upgradeRepeats.entries));
  return lines;
}
