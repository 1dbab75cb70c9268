/** Site loaders: the collections, shaped for pages. Pages call these, never the file system. */
import { getCollection } from 'astro:content';
import type { CheckSnapshot } from '../../format/index.ts';

export async function allDeployments() {
  return (await getCollection('deployments')).map((entry) => entry.data);
}

let checksByDeployment: Promise<Map<string, Map<string, CheckSnapshot>>> | undefined;

/** Snapshots grouped by deployment, loaded once per build. */
export function snapshotsByDeployment(): Promise<Map<string, Map<string, CheckSnapshot>>> {
  checksByDeployment ??= getCollection('checks').then((entries) => {
    const map = new Map<string, Map<string, CheckSnapshot>>();
    for (const { data } of entries) {
      let checks = map.get(data.deploymentId);
      if (!checks) map.set(data.deploymentId, (checks = new Map()));
      checks.set(data.snapshot.id, data.snapshot);
    }
    return map;
  });
  return checksByDeployment;
}
