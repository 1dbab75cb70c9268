/**
 * Site loaders: the evidence, shaped for pages. Pages call these, never the file system.
 * The evidence is read and verified once per build (src/site/load-evidence.ts) and kept in this
 * module, which every page shares: no content collections, so nothing is validated a second time
 * or serialized into Astro's data store. The deployments stay parsed (every page lists or links
 * them); the checks' snapshots are parsed again only for the pages that show them.
 */
import { readFileSync } from 'node:fs';
import { describeRefused } from '../../format/evidence-tree.ts';
import { evidenceDir, gitFindingsFile, signersFile, strictBuild } from '../evidence-dir.ts';
import { gitFindingsSchema, type GitFindings } from '../../format/git-findings-schema.ts';
import { evidenceWarnings, loadEvidence, type LoadedDeployment, type LoadedEvidence } from '../load-evidence.ts';
import { reportBuildWarnings } from '../build-warnings.ts';
import type { SnapshotStore } from './snapshot-store.ts';

let loaded: Promise<LoadedEvidence> | undefined;

function evidence(): Promise<LoadedEvidence> {
  loaded ??= loadEvidence(evidenceDir(), { strict: strictBuild(), git: readGitFindings(), signers: signersFile() }).then((result) => {
    for (const line of result.skipped) console.warn(`[evidence] ${line}`);
    if (result.refused.length > 0) console.warn(`[evidence] ${describeRefused(evidenceDir(), result.refused).replaceAll('\n', '\n[evidence] ')}`);
    reportBuildWarnings(evidenceWarnings(result, evidenceDir()));
    return result;
  });
  return loaded;
}

/** What `deploy-evidence build` found in the evidence's git history, when it handed a file over. */
function readGitFindings(): GitFindings | null {
  const file = gitFindingsFile();
  if (!file) return null;
  const parsed = gitFindingsSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: not what deploy-evidence build writes (${parsed.error.issues[0]?.message})`);
  return parsed.data;
}

/** Deployments collected in parallel, per environment (forks of the chain from concurrent branches). */
export async function chainForks(): Promise<LoadedEvidence['forks']> {
  return (await evidence()).forks;
}

/** The evidence root's own history (its git check) and the notes to show about it. */
export async function evidenceHistory(): Promise<LoadedEvidence['history']> {
  return (await evidence()).history;
}

export async function allDeployments(): Promise<LoadedDeployment[]> {
  return (await evidence()).deployments;
}

/** The checks' snapshots of every deployment, parsed when a page asks (src/site/data/snapshot-store.ts). */
export async function snapshotStore(): Promise<SnapshotStore> {
  return (await evidence()).snapshots;
}

let byDigest: Promise<Map<string, string>> | undefined;

/** Deployment ids by their digest (sha256 of manifest.json), built once: how a manifest's link finds the deployment before it. */
export function deploymentIdsByDigest(): Promise<Map<string, string>> {
  byDigest ??= allDeployments().then((entries) => new Map(entries.flatMap((e) => (e.integrity.digest ? [[e.integrity.digest, e.deployment.id] as const] : []))));
  return byDigest;
}

let byId: Promise<Map<string, LoadedDeployment>> | undefined;

/** Loaded deployments by id, built once per build (pages look one up without scanning all). */
export function deploymentsById(): Promise<Map<string, LoadedDeployment>> {
  byId ??= allDeployments().then((entries) => new Map(entries.map((e) => [e.deployment.id, e])));
  return byId;
}
