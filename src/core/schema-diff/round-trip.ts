/**
 * The round trip's comparisons (issue 28), pure: from the copy's four snapshots, what the
 * downgrade did not undo (after the downgrade against before) and what the second upgrade did not
 * redo the same way (after it against after the first upgrade). Storage (relfilenode) and row
 * estimates are ignored: a downgrade that rebuilds a table gives it new storage and the same schema.
 * Objects the check ignores (the migration tool's version table) are left out, by name or by table.
 * The collector records them; `verify` derives them again from the stored snapshots.
 */
import type { RoundTripComparison, RoundTripResult, RoundTripStepName, SchemaChange } from '../../format/index.ts';
import { changeLabel, diffCatalogs } from './diff.ts';

type Snapshots = RoundTripResult['snapshots'];

export function roundTripComparisons(snapshots: Snapshots, ignored: readonly string[]): Pick<RoundTripResult, 'downgradeRestores' | 'upgradeRepeats'> {
  const left = new Set(ignored);
  const kept = (c: SchemaChange) => !left.has(c.name) && !(c.table !== null && left.has(c.table));
  const compare = (from: 'before' | 'afterUpgrade', to: 'afterDowngrade' | 'afterUpgradeAgain'): RoundTripComparison | null => {
    const a = snapshots[from];
    const b = snapshots[to];
    return a && b ? { from, to, entries: diffCatalogs(a, b, { storage: false }).filter(kept) } : null;
  };
  return { downgradeRestores: compare('before', 'afterDowngrade'), upgradeRepeats: compare('afterUpgrade', 'afterUpgradeAgain') };
}

/**
 * A difference after the downgrade in words: what the downgrade lost (`index public.entry_booked_idx
 * lost by the downgrade`), left behind, or left changed (a column, a grant…).
 */
export function downgradeDifference(c: SchemaChange): string {
  if (c.change === 'added') return `${changeLabel(c)} left behind by the downgrade`;
  if (c.change === 'dropped') return `${changeLabel(c)} lost by the downgrade`;
  return `${changeLabel(c)} not restored: ${partsSaid(c)}`;
}

/** A difference after the second upgrade in words. */
export function repeatDifference(c: SchemaChange): string {
  if (c.change === 'added') return `${changeLabel(c)} only after the second upgrade`;
  if (c.change === 'dropped') return `${changeLabel(c)} missing after the second upgrade`;
  return `${changeLabel(c)} differs after the second upgrade: ${partsSaid(c)}`;
}

function partsSaid(c: SchemaChange): string {
  return c.parts
    .map((p) => {
      if (p.part === 'definition') return 'its definition';
      if (p.change === 'added') return `${p.part} left behind`;
      if (p.change === 'dropped') return `${p.part} lost`;
      return `${p.part} ${p.before} → ${p.after}`;
    })
    .join('; ');
}

/** The first step that did not succeed (a non-zero exit, a signal, a timeout), or null. */
export function failedStep(result: Pick<RoundTripResult, 'steps'>): { step: RoundTripStepName; said: string } | null {
  for (const s of result.steps) {
    if (s.exitCode === 0 && !s.timedOut && s.signal === null) continue;
    const said = s.timedOut ? 'timed out' : s.exitCode !== null ? `exited with ${s.exitCode}` : `was killed by ${s.signal ?? 'a signal'}`;
    return { step: s.step, said };
  }
  return null;
}
