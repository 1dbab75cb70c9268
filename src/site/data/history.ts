/** Deployments with their snapshots, for comparisons, per-check history and trends. */
import type { DeploymentEvidence } from '../../format/index.ts';
import { comparisonTargets, type ComparisonTargets } from '../../core/compare/comparison-targets.ts';
import { allDeployments, snapshotsByDeployment } from './evidence.ts';

export type Entry = DeploymentEvidence;

export async function allEntries(): Promise<Entry[]> {
  const snapshots = await snapshotsByDeployment();
  return (await allDeployments()).map(({ deployment }) => ({ deployment, snapshots: snapshots.get(deployment.id) ?? new Map() }));
}

let targets: Promise<Map<string, ComparisonTargets>> | undefined;

/** Each deployment's comparison targets, computed once per build (not once per report). */
export function comparisonTargetsOf(id: string): Promise<ComparisonTargets | undefined> {
  targets ??= allDeployments().then((entries) => comparisonTargets(entries.map((e) => e.deployment)));
  return targets.then((map) => map.get(id));
}
