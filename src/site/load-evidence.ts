/**
 * Reads evidence/ for the site: every file validated with the format-v1 schemas, every file's
 * sha256 computed from its bytes (the site links the raw JSON with its hash). A bad or
 * unknown-version file stops the build with its path and the field, not a stack trace.
 */
import { createHash } from 'node:crypto';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { AstroError } from 'astro/errors';
import {
  EvidenceFormatError,
  checkSnapshotSchema,
  deploymentSchema,
  manifestSchema,
  parseEvidenceText,
  type CheckSnapshot,
  type Deployment,
  type Manifest,
} from '../format/index.ts';

export interface RawFile {
  /** Relative to the deployment directory, e.g. `checks/row-count.json`. */
  path: string;
  bytes: number;
  sha256: string;
}

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

class MismatchError extends EvidenceFormatError {}

/** A path as a person would type it: relative to where the build runs when it lies below it. */
function shownPath(file: string): string {
  const cwd = process.cwd();
  const rel = relative(cwd, file);
  return cwd !== '/' && rel && !rel.startsWith('..') ? rel : file;
}

async function readValidated<T>(file: string, parse: (file: string, text: string) => T): Promise<{ value: T; bytes: number; sha256: string }> {
  const bytes = await readFile(file);
  return {
    value: parse(shownPath(file), bytes.toString('utf8')),
    bytes: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
}

export async function loadEvidence(root: string): Promise<LoadedEvidence> {
  const result: LoadedEvidence = { deployments: [], checks: [], skipped: [] };
  const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
  const dirs = entries.filter((e) => e.isDirectory() && !e.name.startsWith('_') && !e.name.startsWith('.')).map((e) => e.name).sort();
  try {
    for (const id of dirs) {
      const dir = join(root, id);
      const deploymentFile = join(dir, 'deployment.json');
      if (!(await stat(deploymentFile).catch(() => null))) {
        // A directory claimed by a collector that died before writing anything.
        result.skipped.push(`${shownPath(dir)}: no deployment.json, skipped`);
        continue;
      }
      const { value: deployment, bytes, sha256 } = await readValidated(deploymentFile, (f, t) => parseEvidenceText(deploymentSchema, f, t));
      if (deployment.id !== id) throw new MismatchError(shownPath(deploymentFile), [`id: "${deployment.id}" does not match its directory "${id}"`]);
      const files: RawFile[] = [{ path: 'deployment.json', bytes, sha256 }];

      const manifestFile = join(dir, 'manifest.json');
      let manifest: Manifest | null = null;
      if (await stat(manifestFile).catch(() => null)) {
        const read = await readValidated(manifestFile, (f, t) => parseEvidenceText(manifestSchema, f, t));
        manifest = read.value;
        files.push({ path: 'manifest.json', bytes: read.bytes, sha256: read.sha256 });
      }

      const checkNames = (await readdir(join(dir, 'checks')).catch(() => [] as string[])).filter((f) => f.endsWith('.json') && !f.startsWith('.')).sort();
      for (const name of checkNames) {
        const file = join(dir, 'checks', name);
        const read = await readValidated(file, (f, t) => parseEvidenceText(checkSnapshotSchema, f, t));
        const snapshot = read.value;
        const shown = shownPath(file);
        if (`${snapshot.id}.json` !== name) throw new MismatchError(shown, [`id: "${snapshot.id}" does not match the file name`]);
        if (snapshot.deploymentId !== id) throw new MismatchError(shown, [`deploymentId: "${snapshot.deploymentId}" does not match its deployment "${id}"`]);
        const rawFile = { path: `checks/${name}`, bytes: read.bytes, sha256: read.sha256 };
        files.push(rawFile);
        result.checks.push({ id: `${id}/${snapshot.id}`, deploymentId: id, snapshot, file: rawFile });
      }
      result.deployments.push({ id, deployment, manifest, files });
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
