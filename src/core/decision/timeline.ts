/** The deployment timeline, from the collectors' own clocks: one entry per checklist phase. */
import type { Checklist, CheckSnapshot, Deployment } from '../../format/index.ts';
import { chronological } from '../order.ts';

type Timed = Pick<CheckSnapshot, 'id' | 'startedAt' | 'finishedAt'>;

export function buildTimeline(
  checklist: Checklist,
  snapshots: readonly Timed[],
  extra: { evidenceCapture?: { startedAt: string; finishedAt: string }; total: { startedAt: string; finishedAt: string } },
): Deployment['timeline'] {
  const phaseOf = new Map(checklist.checks.map((c) => [c.id, c.phase ?? 'other']));
  const labels = new Map<string, string>([...checklist.phases.map((p) => [p.id, p.label] as const), ['other', 'Other checks']]);
  const spans = new Map<string, { startedAt: string; finishedAt: string }>();
  for (const snapshot of snapshots) {
    const phase = phaseOf.get(snapshot.id) ?? 'other';
    const span = spans.get(phase);
    if (!span) spans.set(phase, { startedAt: snapshot.startedAt, finishedAt: snapshot.finishedAt });
    else {
      if (snapshot.startedAt < span.startedAt) span.startedAt = snapshot.startedAt;
      if (snapshot.finishedAt > span.finishedAt) span.finishedAt = snapshot.finishedAt;
    }
  }
  const entry = (id: string, label: string, span: { startedAt: string; finishedAt: string }) => ({
    id,
    label,
    startedAt: span.startedAt,
    finishedAt: span.finishedAt,
    durationMs: Math.max(0, Date.parse(span.finishedAt) - Date.parse(span.startedAt)),
  });
  const timeline = [...spans.entries()]
    .sort(([a, x], [b, y]) => chronological({ id: a, startedAt: x.startedAt }, { id: b, startedAt: y.startedAt }))
    .map(([id, span]) => entry(id, labels.get(id) ?? id, span));
  if (extra.evidenceCapture) timeline.push(entry('evidence-capture', 'Evidence capture', extra.evidenceCapture));
  timeline.push(entry('total', 'Total deployment time', extra.total));
  return timeline;
}
