/** Deployments with their snapshots, for comparisons; with their checks' summaries, for per-check history and trends. */
import type { Deployment, DeploymentEvidence } from '../../format/index.ts';
import { comparisonTargets, type ComparisonTargets } from '../../core/compare/comparison-targets.ts';
import { compareDeployments, type DeploymentComparison } from '../../core/compare/compare-deployments.ts';
import type { CheckSummary } from './snapshot-store.ts';
import { allDeployments, snapshotStore } from './evidence.ts';

/** Each deployment with its snapshots, parsed only when a comparison reads them. */
export async function allEntries(): Promise<DeploymentEvidence[]> {
  const store = await snapshotStore();
  return (await allDeployments()).map(({ deployment }) => ({
    deployment,
    get snapshots() {
      return store.get(deployment.id);
    },
  }));
}

/** A deployment and what the history pages chart of its checks. */
export interface HistoryEntry {
  deployment: Deployment;
  checks: ReadonlyMap<string, CheckSummary>;
}

export async function historyEntries(): Promise<HistoryEntry[]> {
  return (await allDeployments()).map(({ deployment, summaries }) => ({ deployment, checks: summaries }));
}

let targets: Promise<Map<string, ComparisonTargets>> | undefined;

/** Each deployment's comparison targets, computed once per build (not once per report). */
export function comparisonTargetsOf(id: string): Promise<ComparisonTargets | undefined> {
  targets ??= allDeployments().then((entries) => comparisonTargets(entries.map((e) => e.deployment)));
  return targets.then((map) => map.get(id));
}

let entriesById: Promise<Map<string, DeploymentEvidence>> | undefined;

/** A deployment compared with an earlier one (a report's first screen: its previous and its baseline), snapshots parsed for it. */
export async function comparisonOf(currentId: string, baseId: string): Promise<DeploymentComparison> {
  entriesById ??= allEntries().then((entries) => new Map(entries.map((e) => [e.deployment.id, e])));
  const byId = await entriesById;
  return compareDeployments(byId.get(baseId)!, byId.get(currentId)!);
}
