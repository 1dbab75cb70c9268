/**
 * One check across every deployment, and the trends across deployments: each point is a real
 * measurement from the evidence, and each links to its deployment.
 */
import type { CheckSnapshot, Deployment } from '../../format/index.ts';
import { formatUtc, type AnyStatus } from '../format.ts';
import { routes } from '../routes.ts';

export interface Metric {
  /** What the number is: "execution time (ms, median)", "total_attempts", "duration (ms)". */
  name: string;
  value: number | null;
}

const NUMERIC = /^(smallint|integer|bigint|numeric|real|double precision)/;

/** The number a check is charted by: explain → median execution time; a one-number query → that number; else its duration. */
export function metricOf(snapshot: CheckSnapshot): Metric {
  const r = snapshot.result;
  if (r?.kind === 'explain') return { name: 'execution time (ms, median)', value: r.medianExecutionMs };
  if (r?.kind === 'sql' && r.rowCount === 1 && r.columns.length === 1 && NUMERIC.test(r.columns[0]!.type)) {
    const v = Number(r.rows[0]?.[0]);
    return { name: r.columns[0]!.name, value: Number.isFinite(v) ? v : null };
  }
  return { name: 'duration (ms)', value: snapshot.durationMs };
}

export interface HistoryPoint {
  deploymentId: string;
  href: string;
  checkHref: string;
  environment: string;
  startedAt: string;
  started: string;
  status: AnyStatus;
  value: number | null;
}

export interface ChartSeries {
  label: string;
  points: { x: string; y: number | null; href: string }[];
}

export interface ChartModel {
  id: string;
  title: string;
  yLabel: string;
  /** x axis: deployments in time order. */
  labels: string[];
  series: ChartSeries[];
}

interface Entry {
  deployment: Deployment;
  snapshots: ReadonlyMap<string, CheckSnapshot>;
}

function byTime(a: Entry, b: Entry): number {
  return a.deployment.startedAt === b.deployment.startedAt ? (a.deployment.id < b.deployment.id ? -1 : 1) : a.deployment.startedAt < b.deployment.startedAt ? -1 : 1;
}

/** Every check id that appears in any deployment, with its latest title. */
export function allCheckIds(entries: readonly Entry[]): { id: string; title: string; section: string }[] {
  const seen = new Map<string, { id: string; title: string; section: string }>();
  for (const e of [...entries].sort(byTime)) for (const c of e.deployment.checks) seen.set(c.id, { id: c.id, title: c.title, section: c.section });
  return [...seen.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** One line per environment, x = every deployment that has the check, in time order. */
function chart(id: string, title: string, yLabel: string, points: HistoryPoint[]): ChartModel {
  const labels = points.map((p) => p.deploymentId);
  const environments = [...new Set(points.map((p) => p.environment))].sort();
  return {
    id,
    title,
    yLabel,
    labels,
    series: environments.map((env) => ({
      label: env,
      points: points.map((p) => ({ x: p.deploymentId, y: p.environment === env ? p.value : null, href: p.href })),
    })),
  };
}

export interface CheckHistoryModel {
  id: string;
  title: string;
  section: string;
  metric: string;
  points: HistoryPoint[];
  chart: ChartModel;
}

export function checkHistoryModel(checkId: string, entries: readonly Entry[]): CheckHistoryModel {
  const points: HistoryPoint[] = [];
  let metric = 'duration (ms)';
  let title = checkId;
  let section = '';
  for (const e of [...entries].sort(byTime)) {
    const entry = e.deployment.checks.find((c) => c.id === checkId);
    if (!entry) continue;
    title = entry.title;
    section = entry.section;
    const snapshot = e.snapshots.get(checkId);
    const m = snapshot ? metricOf(snapshot) : null;
    if (m) metric = m.name;
    points.push({
      deploymentId: e.deployment.id,
      href: routes.deployment(e.deployment.id),
      checkHref: routes.check(e.deployment.id, checkId),
      environment: e.deployment.environment,
      startedAt: e.deployment.startedAt,
      started: formatUtc(e.deployment.startedAt),
      status: snapshot?.status ?? 'missing',
      value: m?.value ?? null,
    });
  }
  return { id: checkId, title, section, metric, points, chart: chart(`check-${checkId}`, `${checkId}: ${metric} by deployment`, metric, points) };
}

export interface TrendsModel {
  environments: string[];
  charts: { chart: ChartModel; points: HistoryPoint[]; checkHref: string | null }[];
}

/** The performance baseline, row counts and total deployment duration over time, per environment. */
export function trendsModel(entries: readonly Entry[]): TrendsModel {
  const sorted = [...entries].sort(byTime);
  const charts: TrendsModel['charts'] = [];
  const checks = allCheckIds(entries);
  const measured = (kind: 'explain' | 'count') =>
    checks.filter(({ id }) =>
      sorted.some((e) => {
        const s = e.snapshots.get(id);
        if (!s?.result) return false;
        return kind === 'explain' ? s.result.kind === 'explain' : s.result.kind === 'sql' && metricOf(s).name !== 'duration (ms)';
      }),
    );
  for (const { id } of [...measured('explain'), ...measured('count')]) {
    const history = checkHistoryModel(id, sorted);
    charts.push({ chart: { ...history.chart, id: `trend-${id}` }, points: history.points, checkHref: routes.checkHistory(id) });
  }
  const totals: HistoryPoint[] = sorted.map((e) => ({
    deploymentId: e.deployment.id,
    href: routes.deployment(e.deployment.id),
    checkHref: routes.deployment(e.deployment.id),
    environment: e.deployment.environment,
    startedAt: e.deployment.startedAt,
    started: formatUtc(e.deployment.startedAt),
    status: e.deployment.collection === 'complete' ? 'pass' : 'missing',
    value: e.deployment.timeline.find((t) => t.id === 'total')?.durationMs ?? null,
  }));
  charts.push({ chart: chart('trend-total-duration', 'Total deployment time (ms) by deployment', 'total deployment time (ms)', totals), points: totals, checkHref: null });
  return { environments: [...new Set(sorted.map((e) => e.deployment.environment))].sort(), charts };
}
