/**
 * A round trip as pages show it (issue 28): how the copy was made, the three steps (duration, exit
 * code, the locks each took on the copy in a few words and as a timeline, output to unfold) and the
 * two comparisons as the schema change view's rows.
 */
import { readableMs } from '../../../core/assertions/words.ts';
import { roundTripSentence, stepLockSummary } from '../../../core/export/round-trip-lines.ts';
import { lockTimelineView, type LockTimelineView } from '../lock-timeline.ts';
import type { ResultViewBuilder } from './result-view.ts';
import { changeRow, type ChangeRowView } from './schema.ts';

export interface RoundTripResultView {
  kind: 'round-trip';
  sentence: string;
  copy: string;
  steps: {
    step: string;
    argv: string;
    duration: string;
    outcome: string;
    ok: boolean;
    /** The strongest lock the step held on the copy and for how long, or why that cannot be said; null: evidence from before the round trip observed locks. */
    locks: string | null;
    /** The step's lock timeline (chart and tables); null when the step recorded no observation. */
    timeline: LockTimelineView | null;
    stdout: string;
    stderr: string;
  }[];
  comparisons: { caption: string; rows: ChangeRowView[] | null }[];
}

/** A step's name as part of an element id: `upgrade-again`. */
const stepSlug = (step: string) => step.replaceAll(' ', '-');

export const roundTripResultView: ResultViewBuilder<'round-trip', RoundTripResultView> = (result, { checkId }) => ({
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
    locks: s.locks ? stepLockSummary(s.locks) : null,
    timeline: s.locks ? lockTimelineView(s.locks, `${checkId}-${stepSlug(s.step)}`, `the ${s.step} of ${checkId}`) : null,
    stdout: s.stdout,
    stderr: s.stderr,
  })),
  comparisons: [
    { caption: 'After the downgrade, against before the upgrade', rows: result.downgradeRestores && result.downgradeRestores.entries.map(changeRow) },
    { caption: 'After the second upgrade, against after the first', rows: result.upgradeRepeats && result.upgradeRepeats.entries.map(changeRow) },
  ],
});
