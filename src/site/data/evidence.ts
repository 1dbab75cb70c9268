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

let byDigest: Promise<Map<string, string>> | undefined;

/** Deployment ids by their digest (sha256 of manifest.json), built once: how a manifest's link finds the deployment before it. */
export function deploymentIdsByDigest(): Promise<Map<string, string>> {
  byDigest ??= allDeployments().then((entries) => new Map(entries.flatMap((e) => (e.integrity.digest ? [[e.integrity.digest, e.deployment.id] as const] : []))));
  return byDigest;
}

let byId: Promise<Map<string, Awaited<ReturnType<typeof allDeployments>>[number]>> | undefined;

/** Loaded deployments by id, built once per build (pages look one up without scanning all). */
export function deploymentsById() {
  byId ??= allDeployments().then((entries) => new Map(entries.map((e) => [e.deployment.id, e])));
  return byId;
}
