/** Reading what a collection wrote, through the same schemas the site will use. */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import {
  parseEvidenceText,
  type CheckSnapshot,
  type DeploymentEvidence,
  type Manifest,
} from '../../src/format/index.ts';

export async function tempEvidenceRoot(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'evidence-'));
}

export interface ReadDeployment extends DeploymentEvidence {
  snapshots: Map<string, CheckSnapshot>;
  manifest: Manifest | null;
  /** Every file name in the deployment directory, dot-files included. */
  files: string[];
}

export async function readDeployment(dir: string): Promise<ReadDeployment> {
  const deployment = parseEvidenceText('deployment', join(dir, 'deployment.json'), await readFile(join(dir, 'deployment.json'), 'utf8'));
  const snapshots = new Map<string, CheckSnapshot>();
  const checkFiles = await readdir(join(dir, 'checks'));
  for (const name of checkFiles.filter((f) => !f.startsWith('.'))) {
    const file = join(dir, 'checks', name);
    const snapshot = parseEvidenceText('check', file, await readFile(file, 'utf8'));
    snapshots.set(snapshot.id, snapshot);
  }
  const manifestText = await readFile(join(dir, 'manifest.json'), 'utf8').catch(() => null);
  const manifest = manifestText === null ? null : parseEvidenceText('manifest', join(dir, 'manifest.json'), manifestText);
  const files = [...(await readdir(dir)), ...checkFiles.map((f) => `checks/${f}`)];
  return { deployment, snapshots, manifest, files };
}

/** Every byte written under a directory, for "the password appears nowhere" checks. */
export async function allText(dir: string): Promise<string> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const texts = await Promise.all(entries.filter((e) => e.isFile()).map((e) => readFile(join(e.parentPath, e.name), 'utf8')));
  return texts.join('\n');
}
