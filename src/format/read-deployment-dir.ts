/**
 * Reads one deployment directory: every file validated against format v1, every file's bytes
 * hashed. Shared by the site's loader and the CLI (`compare`): one reader, one set of errors.
 */
import { createHash } from 'node:crypto';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { checkSnapshotSchema, deploymentSchema, manifestSchema, type CheckSnapshot, type Deployment, type Manifest } from './index.ts';
import { EvidenceFormatError, parseEvidenceText } from './read-evidence.ts';

export interface RawFile {
  /** Relative to the deployment directory, e.g. `checks/row-count.json`. */
  path: string;
  bytes: number;
  sha256: string;
}

export interface DeploymentDir {
  id: string;
  deployment: Deployment;
  snapshots: Map<string, CheckSnapshot>;
  manifest: Manifest | null;
  files: RawFile[];
}

/** A path as a person would type it: relative to the working directory when it lies below it. */
export function shownPath(file: string): string {
  const cwd = process.cwd();
  const rel = relative(cwd, file);
  return cwd !== '/' && rel && !rel.startsWith('..') ? rel : file;
}

async function readValidated<T>(file: string, parse: (file: string, text: string) => T): Promise<{ value: T; bytes: number; sha256: string }> {
  const bytes = await readFile(file);
  return { value: parse(shownPath(file), bytes.toString('utf8')), bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** Null when the directory holds no deployment.json (a collector died before writing one). */
export async function readDeploymentDir(root: string, id: string): Promise<DeploymentDir | null> {
  const dir = join(root, id);
  const deploymentFile = join(dir, 'deployment.json');
  if (!(await stat(deploymentFile).catch(() => null))) return null;
  const read = await readValidated(deploymentFile, (f, t) => parseEvidenceText(deploymentSchema, f, t));
  const deployment = read.value;
  if (deployment.id !== id) throw new EvidenceFormatError(shownPath(deploymentFile), [`id: "${deployment.id}" does not match its directory "${id}"`]);
  const files: RawFile[] = [{ path: 'deployment.json', bytes: read.bytes, sha256: read.sha256 }];

  let manifest: Manifest | null = null;
  const manifestFile = join(dir, 'manifest.json');
  if (await stat(manifestFile).catch(() => null)) {
    const m = await readValidated(manifestFile, (f, t) => parseEvidenceText(manifestSchema, f, t));
    manifest = m.value;
    files.push({ path: 'manifest.json', bytes: m.bytes, sha256: m.sha256 });
  }

  const snapshots = new Map<string, CheckSnapshot>();
  const names = (await readdir(join(dir, 'checks')).catch(() => [] as string[])).filter((f) => f.endsWith('.json') && !f.startsWith('.')).sort();
  for (const name of names) {
    const file = join(dir, 'checks', name);
    const c = await readValidated(file, (f, t) => parseEvidenceText(checkSnapshotSchema, f, t));
    if (`${c.value.id}.json` !== name) throw new EvidenceFormatError(shownPath(file), [`id: "${c.value.id}" does not match the file name`]);
    if (c.value.deploymentId !== id) throw new EvidenceFormatError(shownPath(file), [`deploymentId: "${c.value.deploymentId}" does not match its deployment "${id}"`]);
    snapshots.set(c.value.id, c.value);
    files.push({ path: `checks/${name}`, bytes: c.bytes, sha256: c.sha256 });
  }
  return { id, deployment, snapshots, manifest, files };
}

/** Every deployment directory under an evidence root (`_schemas` and dot-entries are not deployments). */
export async function deploymentIds(root: string): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory() && !e.name.startsWith('_') && !e.name.startsWith('.')).map((e) => e.name).sort();
}
