/**
 * A round trip as pages show it (issue 28): how the copy was made, the three steps (duration, exit
 * code, output to unfold) and the two comparisons as the schema change view's rows.
 */
import { readableMs } from '../../../core/assertions/words.ts';
import { roundTripSentence } from '../../../core/export/round-trip-lines.ts';
import type { ResultViewBuilder } from './result-view.ts';
import { changeRow, type ChangeRowView } from './schema.ts';

export interface RoundTripResultView {
  kind: 'round-trip';
  sentence: string;
  copy: string;
  steps: { step: string; argv: string; duration: string; outcome: string; ok: boolean; stdout: string; stderr: string }[];
  comparisons: { caption: string; rows: ChangeRowView[] | null }[];
}

export const roundTripResultView: ResultViewBuilder<'round-trip', RoundTripResultView> = (result) => ({
  kind: 'round-trip',
  sentence: roundTripSentence(result),
  copy:
    `${result.copy.method === 'template' ? 'CREATE DATABASE … TEMPLATE the target' : `pg_dump of the target, restored${result.copy.templateRefused ? ` (the template was refused: ${result.copy.templateRefused})` : ''}`}` +
    ` into ${result.copy.database}, ${result.copy.dropped ? 'dropped afterwards' : 'NOT dropped: the next round trip on the server drops it'}` +
    (result.copy.leftoversDropped.length > 0 ? `; copies left by a killed collection dropped first: ${result.copy.leftoversDropped.join(', ')}` : ''),
  steps: result.steps.map((s) => ({
    step: s.step,
    argv: s.argv.join(' '),
    duration: readableMs(s.durationMs),
    outcome: s.timedOut ? 'timed out' : s.exitCode !== null ? `exit ${s.exitCode}` : `killed (${s.signal ?? 'signal'})`,
    ok: s.exitCode === 0 && !s.timedOut,
    stdout: s.stdout,
    stderr: s.stderr,
  })),
  comparisons: [
    { caption: 'After the downgrade, against before the upgrade', rows: result.downgradeRestores && result.downgradeRestores.entries.map(changeRow) },
    { caption: 'After the second upgrade, against after the first', rows: result.upgradeRepeats && result.upgradeRepeats.entries.map(changeRow) },
  ],
});
