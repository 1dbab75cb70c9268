/**
 * What the chain of manifests needs of each deployment, read cheaply: deployment.json for the
 * environment and manifest.json's bytes for its digest and the link it names — no snapshot is
 * read. The collector reads these to find the manifest a new one follows.
 */
import { join } from 'node:path';
import { listEvidenceTree, readEvidenceBytesSync } from './evidence-tree.ts';
import { parseEvidenceText, readEvidenceText } from './read-evidence.ts';
import { sha256Hex } from './sha256.ts';

export interface ChainLink {
  id: string;
  environment: string;
  /** sha256 of manifest.json's bytes: the deployment's digest. */
  digest: string;
  /** The digest the manifest names as its predecessor (null: the first of its environment). */
  previous: string | null;
  finishedAt: string | null;
  /** The format version the manifest was written in: v1 wrote no links, so its manifests stand outside the chain. */
  formatVersion: number;
}

/**
 * Every deployment under `root` that has a manifest, as a link. A deployment whose files do not
 * read is left out and reported through `skip` (the collector must not fail on someone else's
 * broken evidence; `verify` reads everything and names it).
 */
export async function readChainLinks(root: string, skip: (id: string, reason: string) => void = () => {}): Promise<ChainLink[]> {
  const links: ChainLink[] = [];
  for (const { id, files } of (await listEvidenceTree(root)).deployments) {
    if (!files.includes('manifest.json') || !files.includes('deployment.json')) continue;
    try {
      const deployment = parseEvidenceText('deployment', id, readEvidenceBytesSync(join(root, id, 'deployment.json')).toString('utf8'));
      const bytes = readEvidenceBytesSync(join(root, id, 'manifest.json'));
      const { model: manifest, writtenIn } = readEvidenceText('manifest', id, bytes.toString('utf8'));
      links.push({ id, environment: deployment.environment, digest: sha256Hex(bytes), previous: manifest.previousManifestSha256, finishedAt: deployment.finishedAt, formatVersion: writtenIn });
    } catch (error) {
      skip(id, (error as Error).message);
    }
  }
  return links;
}
