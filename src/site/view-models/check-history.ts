/**
 * One check across every deployment, and the trends across deployments: each point is a real
 * measurement from the evidence, and each links to its deployment.
 */
import type { Deployment } from '../../format/index.ts';
import { chronological } from '../../core/order.ts';
import type { HistoryEntry } from '../data/history.ts';
import { formatUtc, type AnyStatus } from '../format.ts';
import { routes } from '../routes.ts';

export interface HistoryPoint {
  deploymentId: string;
  href: string;
  checkHref: string;
  environment: string;
  startedAt: string;
  started: string;
  /** The check's status at this deployment; null on rows that show the deployment's decision instead. */
  status: AnyStatus | null;
  decision?: Deployment['decision']['status'];
  value: number | null;
}

interface ChartSeries {
  label: string;
  /** The environment's colour: the same on every chart of the site. */
  color: string;
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

/** A deployment with its checks' summaries: what a chart needs, no rows. */
type Entry = HistoryEntry;

const byTime = (a: Entry, b: Entry) => chronological(a.deployment, b.deployment);

/** Every check id that appears in any deployment, with its latest title. */
export function allCheckIds(entries: readonly Entry[]): { id: string; title: string; section: string }[] {
  const seen = new Map<string, { id: string; title: string; section: string }>();
  for (const e of [...entries].sort(byTime)) for (const c of e.deployment.checks) seen.set(c.id, { id: c.id, title: c.title, section: c.section });
  return [...seen.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** One line per environment, x = every deployment that has the check, in time order. */
const PALETTE = ['#0969da', '#bf3989', '#1a7f37', '#9a6700', '#8250df', '#cf222e'];

/** One colour per environment, by its place among every environment of the evidence. */
function environmentColors(entries: readonly Entry[]): ReadonlyMap<string, string> {
  const all = [...new Set(entries.map((e) => e.deployment.environment))].sort();
  return new Map(all.map((env, i) => [env, PALETTE[i % PALETTE.length]!]));
}

function chart(id: string, title: string, yLabel: string, points: HistoryPoint[], colors: ReadonlyMap<string, string>): ChartModel {
  const labels = points.map((p) => p.deploymentId);
  const environments = [...new Set(points.map((p) => p.environment))].sort();
  return {
    id,
    title,
    yLabel,
    labels,
    series: environments.map((env) => ({
      label: env,
      color: colors.get(env) ?? PALETTE[0]!,
      points: points.map((p) => ({ x: p.deploymentId, y: p.environment === env ? p.value : null, href: p.href })),
    })),
  };
}

/**
 * One check of one checklist across deployments. Checks are matched by checklist id *and*
 * check id (issue 9): two checklists that both have a `sample-rows` check measure different
 * things and are never charted on one line.
 */
interface CheckHistoryGroup {
  checklist: string;
  title: string;
  section: string;
  metric: string;
  points: HistoryPoint[];
  chart: ChartModel;
}

export interface CheckHistoryModel {
  id: string;
  groups: CheckHistoryGroup[];
}

export function checkHistoryModel(checkId: string, entries: readonly Entry[]): CheckHistoryModel {
  const colors = environmentColors(entries);
  const groups = new Map<string, Omit<CheckHistoryGroup, 'chart'>>();
  for (const e of [...entries].sort(byTime)) {
    const entry = e.deployment.checks.find((c) => c.id === checkId);
    if (!entry) continue;
    const checklist = e.deployment.checklist.id;
    let group = groups.get(checklist);
    if (!group) groups.set(checklist, (group = { checklist, title: entry.title, section: entry.section, metric: 'duration (ms)', points: [] }));
    group.title = entry.title;
    group.section = entry.section;
    const summary = e.checks.get(checkId);
    const m = summary?.metric ?? null;
    if (m) group.metric = m.name;
    group.points.push({
      deploymentId: e.deployment.id,
      href: routes.deployment(e.deployment.id),
      checkHref: routes.check(e.deployment.id, checkId),
      environment: e.deployment.environment,
      startedAt: e.deployment.startedAt,
      started: formatUtc(e.deployment.startedAt),
      status: summary?.status ?? 'missing',
      value: m?.value ?? null,
    });
  }
  return {
    id: checkId,
    groups: [...groups.values()]
      .sort((a, b) => (a.checklist < b.checklist ? -1 : 1))
      .map((g) => ({ ...g, chart: chart(`check-${g.checklist}--${checkId}`, `${checkId} (checklist ${g.checklist}): ${g.metric} by deployment`, g.metric, g.points, colors) })),
  };
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
        const s = e.checks.get(id);
        return kind === 'explain' ? s?.resultKind === 'explain' : s?.resultKind === 'sql' && s.metric.name !== 'duration (ms)';
      }),
    );
  for (const { id } of [...measured('explain'), ...measured('count')]) {
    for (const group of checkHistoryModel(id, sorted).groups) {
      charts.push({ chart: { ...group.chart, id: `trend-${group.checklist}--${id}` }, points: group.points, checkHref: routes.checkHistory(id) });
    }
  }
  const totals: HistoryPoint[] = sorted.map((e) => ({
    deploymentId: e.deployment.id,
    href: routes.deployment(e.deployment.id),
    checkHref: routes.deployment(e.deployment.id),
    environment: e.deployment.environment,
    startedAt: e.deployment.startedAt,
    started: formatUtc(e.deployment.startedAt),
    // The deployment's decision, never a check status: a BLOCKED deployment is not "Pass".
    status: null,
    decision: e.deployment.decision.status,
    value: e.deployment.timeline.find((t) => t.id === 'total')?.durationMs ?? null,
  }));
  charts.push({ chart: chart('trend-total-duration', 'Total deployment time (ms) by deployment', 'total deployment time (ms)', totals, environmentColors(entries)), points: totals, checkHref: null });
  return { environments: [...new Set(sorted.map((e) => e.deployment.environment))].sort(), charts };
}
