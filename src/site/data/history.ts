/** Deployments with their snapshots, for comparisons, per-check history and trends. */
import type { CheckSnapshot, Deployment } from '../../format/index.ts';
import { allDeployments, snapshotsByDeployment } from './evidence.ts';

export interface Entry {
  deployment: Deployment;
  snapshots: ReadonlyMap<string, CheckSnapshot>;
}

export async function allEntries(): Promise<Entry[]> {
  const snapshots = await snapshotsByDeployment();
  return (await allDeployments()).map(({ deployment }) => ({ deployment, snapshots: snapshots.get(deployment.id) ?? new Map() }));
}
