/**
 * Reads evidence/ for the site: every file validated with the format-v1 schemas, every file's
 * sha256 computed from its bytes (the site links the raw JSON with its hash). A bad or
 * unknown-version file stops the build with its path and the field, not a stack trace.
 */
import { AstroError } from 'astro/errors';
import { EvidenceFormatError, type CheckSnapshot, type Deployment, type Manifest } from '../format/index.ts';
import { deploymentIds, readDeploymentDir, shownPath, type RawFile } from '../format/read-deployment-dir.ts';
import { join } from 'node:path';

export type { RawFile };

export interface LoadedDeployment {
  id: string;
  deployment: Deployment;
  manifest: Manifest | null;
  files: RawFile[];
}

export interface LoadedCheck {
  /** `<deployment-id>/<check-id>` */
  id: string;
  deploymentId: string;
  snapshot: CheckSnapshot;
  file: RawFile;
}

export interface LoadedEvidence {
  deployments: LoadedDeployment[];
  checks: LoadedCheck[];
  skipped: string[];
}

export async function loadEvidence(root: string): Promise<LoadedEvidence> {
  const result: LoadedEvidence = { deployments: [], checks: [], skipped: [] };
  try {
    for (const id of await deploymentIds(root)) {
      const dir = await readDeploymentDir(root, id);
      if (!dir) {
        // A directory claimed by a collector that died before writing anything.
        result.skipped.push(`${shownPath(join(root, id))}: no deployment.json, skipped`);
        continue;
      }
      result.deployments.push({ id, deployment: dir.deployment, manifest: dir.manifest, files: dir.files });
      for (const snapshot of dir.snapshots.values()) {
        const file = dir.files.find((f) => f.path === `checks/${snapshot.id}.json`)!;
        result.checks.push({ id: `${id}/${snapshot.id}`, deploymentId: id, snapshot, file });
      }
    }
  } catch (error) {
    if (error instanceof EvidenceFormatError) {
      const friendly = new AstroError(
        error.message,
        'Fix or remove the file named above. Evidence files are validated against evidence/_schemas/v1 (format v1); the site never rewrites them.',
      );
      // The file and the field are the whole story: no stack trace into the site's own code.
      friendly.stack = '';
      throw friendly;
    }
    throw error;
  }
  return result;
}
