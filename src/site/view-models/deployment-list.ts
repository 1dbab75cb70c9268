/** The deployments index: newest first, with decision and check counts. */
import type { CheckStatus, Deployment, DecisionStatus } from '../../format/index.ts';
import { chronological } from '../../core/order.ts';
import { formatUtc } from '../format.ts';
import { routes } from '../routes.ts';

export interface DeploymentRow {
  id: string;
  href: string;
  environment: string;
  environmentHref: string;
  pr: string | null;
  prTitle: string | null;
  startedAt: string;
  started: string;
  decision: DecisionStatus;
  inProgress: boolean;
  counts: Record<CheckStatus | 'missing', number>;
  checklist: string;
  /** Roles signed over the current evidence, of those the checklist declares (null: none declared). */
  signoff: { signed: number; total: number; problem: boolean } | null;
}

/** What the list needs of a deployment's verified sign-offs. */
export type SignoffStates = ReadonlyMap<string, readonly { state: string }[]>;

export function deploymentRows(deployments: readonly Deployment[], signoffs: SignoffStates = new Map()): DeploymentRow[] {
  return [...deployments]
    // Newest first.
    .sort((a, b) => chronological(b, a))
    .map((d) => {
      const counts = { pass: 0, warn: 0, fail: 0, error: 0, skipped: 0, missing: 0 };
      for (const check of d.checks) counts[check.status ?? 'missing'] += 1;
      return {
        id: d.id,
        href: routes.deployment(d.id),
        environment: d.environment,
        environmentHref: routes.environment(d.environment),
        pr: d.pr.number ? `#${d.pr.number}` : null,
        prTitle: d.pr.title,
        startedAt: d.startedAt,
        started: formatUtc(d.startedAt),
        decision: d.decision.status,
        inProgress: d.collection !== 'complete',
        counts,
        checklist: `${d.checklist.id} ${d.checklist.version}`,
        signoff: signoffCell(signoffs.get(d.id) ?? []),
      };
    });
}

export interface EnvironmentLink {
  name: string;
  href: string;
  count: number;
  current: boolean;
}

export function environmentLinks(rows: readonly DeploymentRow[], current: string | null): EnvironmentLink[] {
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.environment, (counts.get(row.environment) ?? 0) + 1);
  return [...counts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, count]) => ({ name, href: routes.environment(name), count, current: name === current }));
}

/** The rows of loaded entries: each deployment with its verified sign-offs. */
export function entryRows(entries: readonly { deployment: Deployment; integrity: { signoffs: readonly { state: string }[] } }[]): DeploymentRow[] {
  return deploymentRows(entries.map((e) => e.deployment), new Map(entries.map((e) => [e.deployment.id, e.integrity.signoffs])));
}

function signoffCell(roles: readonly { state: string }[]): DeploymentRow['signoff'] {
  if (roles.length === 0) return null;
  return { signed: roles.filter((r) => r.state === 'signed').length, total: roles.length, problem: roles.some((r) => r.state === 'stale' || r.state === 'unverified') };
}

/** Deployments of an environment collected in parallel: each group follows the same one (or none: firsts). */
export interface ParallelGroup {
  after: { id: string; href: string } | null;
  ids: { id: string; href: string }[];
}

/**
 * The forks of an environment's chain, as its page lists them: concurrent branches each collected
 * after the same deployment, and both were merged — history, not tampering (issue 24).
 */
export function parallelGroups(forks: readonly { environment: string; after: string | null; ids: readonly string[] }[], environment: string): ParallelGroup[] {
  const link = (id: string) => ({ id, href: routes.deployment(id) });
  return forks.filter((f) => f.environment === environment).map((f) => ({ after: f.after === null ? null : link(f.after), ids: f.ids.map(link) }));
}
