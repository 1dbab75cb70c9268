/**
 * A step's lock observation as the check page and the report show it (issue 28): a timeline of
 * floating bars per relation and mode (drawn by chart.js from `chart`), and the same holds as a
 * table — the accessible, no-JS truth — with the bounds each sampled duration has, and the
 * sessions that waited behind the step. An observation that cannot be judged says why.
 */
import type { LockObservation } from '../../format/index.ts';
import { holdBounds, lockSummaryLines, modeLabel, modeStrength, relationLabel, unjudgeableLocks } from '../../core/locks/lock-holds.ts';

/** What the client script draws: one bar per hold, from its first to its last sample. */
export interface LockChartModel {
  id: string;
  title: string;
  /** `public.invoice · ACCESS EXCLUSIVE`, one per row of the chart. */
  labels: string[];
  bars: { row: number; start: number; end: number; color: string; waiting: boolean }[];
  stepMs: number;
}

export interface LockTimelineView {
  /** Why nothing can be judged (failed, unsupported, no session of the step seen); null when observed. */
  unjudgeable: string | null;
  sampling: string;
  note: string | null;
  chart: LockChartModel | null;
  holds: { relation: string; mode: string; granted: boolean; pid: number; firstSeen: string; lastSeen: string; held: string; samples: number }[];
  waiters: { relation: string; applicationName: string; pid: number; mode: string; waited: string; behind: string; query: string }[];
  summary: { relation: string; strongestMode: string; longest: string; waiters: number }[];
}

/** Stronger modes darker: the colours of the chart's bars, by mode (the table names the mode in words). */
const MODE_COLORS = ['#9ecae1', '#9ecae1', '#6baed6', '#4292c6', '#f2a541', '#e6772e', '#d0431f', '#a50f15'];
const colorOf = (mode: string) => MODE_COLORS[Math.max(0, modeStrength(mode))] ?? '#888888';
const ms = (n: number) => `${Math.round(n).toLocaleString('en-US')} ms`;

/** `checkId` names the chart (its element id); `label` how captions name the step (default: the check's id; a round trip's step: `the upgrade of rehearsal`). */
export function lockTimelineView(locks: LockObservation, checkId: string, label = checkId): LockTimelineView {
  const unjudgeable = unjudgeableLocks(locks);
  const good = locks.samples.taken - locks.samples.failed;
  const sampling = `Sampled every ${locks.intervalMs} ms: ${good} sample${good === 1 ? '' : 's'} over ${ms(locks.stepMs)}${locks.samples.failed > 0 ? ` (${locks.samples.failed} failed)` : ''}, the migration's sessions found by ${locks.matchedBy === 'application-name' ? `their application_name ${locks.applicationName}` : locks.matchedBy === 'new-sessions' ? 'appearing during the step' : '—'}. A lock held less than ${ms(locks.samples.longestSpacingMs)} may not be seen; each hold is given as the bounds the samples allow.`;
  const holds = locks.relations.flatMap((r) =>
    r.holds.map((h) => ({ relation: relationLabel(r), mode: modeLabel(h.mode), granted: h.granted, pid: h.pid, firstSeen: ms(h.firstSeenMs), lastSeen: ms(h.lastSeenMs), held: h.granted ? holdBounds(h.minMs, h.maxMs) : `waited ${holdBounds(h.minMs, h.maxMs)}`, samples: h.samples })),
  );
  const waiters = locks.relations.flatMap((r) =>
    r.waiters.map((w) => ({ relation: relationLabel(r), applicationName: w.applicationName || '(none)', pid: w.pid, mode: modeLabel(w.mode), waited: `${ms(w.firstSeenMs)} to ${ms(w.lastSeenMs)}`, behind: w.blockedBy.join(', '), query: w.query })),
  );
  const labels: string[] = [];
  const bars: LockChartModel['bars'] = [];
  for (const r of locks.relations) {
    for (const h of r.holds) {
      const label = `${relationLabel(r)} · ${modeLabel(h.mode)}${h.granted ? '' : ' (waiting)'}`;
      let row = labels.indexOf(label);
      if (row < 0) row = labels.push(label) - 1;
      // A hold seen once is drawn as wide as the samples around it allow, so it stays visible.
      const start = h.samples > 1 ? h.firstSeenMs : Math.max(0, h.firstSeenMs - (h.maxMs - h.minMs) / 2);
      const end = h.samples > 1 ? h.lastSeenMs : Math.min(locks.stepMs, h.lastSeenMs + (h.maxMs - h.minMs) / 2);
      bars.push({ row, start, end, color: colorOf(h.mode), waiting: !h.granted });
    }
  }
  return {
    unjudgeable,
    sampling,
    note: locks.note,
    chart: bars.length > 0 ? { id: `locks-${checkId}`, title: `Locks held during ${label}, ms from the step's start`, labels, bars, stepMs: locks.stepMs } : null,
    holds,
    waiters,
    summary: lockSummaryLines(locks).map((l) => ({ relation: l.relation, strongestMode: l.strongestMode === 'none granted' ? l.strongestMode : modeLabel(l.strongestMode), longest: holdBounds(l.minMs, l.maxMs), waiters: l.waiters })),
  };
}
