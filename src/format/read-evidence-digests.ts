/**
 * What `verify` and the build's integrity check read of an evidence root: every file's bytes
 * hashed, but only the manifest and deployment.json parsed — a snapshot with a flipped byte is
 * "changed" against its manifest, not a parse error that hides the rest. Nothing is followed
 * through a link; unknown entries are named.
 */
import { join } from 'node:path';
import { listEvidenceTree, readEvidenceBytesSync, type RefusedEntry } from './evidence-tree.ts';
import { readEvidenceText } from './read-evidence.ts';
import { sha256Hex } from './sha256.ts';
import type { Manifest } from './manifest-schema.ts';
import { signoffRoles } from './checklist-schema.ts';
import type { Signoffs } from './signoff-schema.ts';
import type { RawFile } from './read-deployment-dir.ts';

type Readable<T> = { ok: true; value: T } | { ok: false; error: string };

export interface DeploymentDigests {
  id: string;
  /** Every file the format knows in the directory, hashed (manifest.json and signoffs.json included). */
  files: RawFile[];
  /** Entries of the directory that are not evidence (links, unknown files). */
  refused: RefusedEntry[];
  deployment: Readable<{ environment: string; finishedAt: string | null; collection: 'in-progress' | 'complete'; signoffRoles: { id: string; label: string }[] }> | null;
  manifest: Readable<{ model: Manifest; writtenIn: number; sha256: string }> | null;
  signoffs: Readable<Signoffs> | null;
}

async function readable<T>(read: () => Promise<T>): Promise<Readable<T>> {
  try {
    return { ok: true, value: await read() };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

/** `only`: hash just these deployments (signing one need not hash all the others). */
export async function readEvidenceDigests(root: string, only?: readonly string[]): Promise<{ deployments: DeploymentDigests[]; refused: RefusedEntry[] }> {
  const tree = await listEvidenceTree(root);
  const deployments: DeploymentDigests[] = [];
  for (const { id, files: known } of tree.deployments) {
    if (only && !only.includes(id)) continue;
    const files: RawFile[] = [];
    const bytesOf = new Map<string, Buffer>();
    for (const path of known) {
      const bytes = readEvidenceBytesSync(join(root, id, path));
      bytesOf.set(path, bytes);
      files.push({ path, bytes: bytes.length, sha256: sha256Hex(bytes) });
    }
    const deploymentBytes = bytesOf.get('deployment.json');
    const manifestBytes = bytesOf.get('manifest.json');
    const signoffBytes = bytesOf.get('signoffs.json');
    deployments.push({
      id,
      files,
      refused: tree.refused.filter((r) => r.path.startsWith(`${id}/`)),
      deployment: deploymentBytes
        ? await readable(async () => {
            const { model } = readEvidenceText('deployment', `${id}/deployment.json`, deploymentBytes.toString('utf8'));
            return { environment: model.environment, finishedAt: model.finishedAt, collection: model.collection, signoffRoles: signoffRoles(model.checklist.definition) };
          })
        : null,
      manifest: manifestBytes
        ? await readable(async () => {
            const { model, writtenIn } = readEvidenceText('manifest', `${id}/manifest.json`, manifestBytes.toString('utf8'));
            return { model, writtenIn, sha256: sha256Hex(manifestBytes) };
          })
        : null,
      signoffs: signoffBytes ? await readable(async () => readEvidenceText('signoffs', `${id}/signoffs.json`, signoffBytes.toString('utf8')).model) : null,
    });
  }
  return { deployments, refused: tree.refused.filter((r) => !tree.deployments.some((d) => r.path.startsWith(`${d.id}/`))) };
}
