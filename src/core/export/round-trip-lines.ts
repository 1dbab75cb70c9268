/**
 * A round trip (issue 28) in Markdown, for the PR Markdown, the change request and `export --check`:
 * one sentence — the steps and their durations, or the step that failed — and the differences the
 * two comparisons found, as the schema change report's table.
 */
import type { ResultOf } from '../../format/index.ts';
import { readableMs } from '../assertions/words.ts';
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

/** The sentence and, when the schema did not come back, the differences (Markdown lines). */
export function roundTripLines(result: ResultOf<'round-trip'>): string[] {
  const lines = [mdInline(roundTripSentence(result)), ''];
  if (result.downgradeRestores && result.downgradeRestores.entries.length > 0) lines.push('After the downgrade, against before the upgrade:', '', ...changeTable(result.downgradeRestores.entries));
  if (result.upgradeRepeats && result.upgradeRepeats.entries.length > 0) lines.push('After the second upgrade, against after the first:', '', ...changeTable(result.upgradeRepeats.entries));
  return lines;
}
