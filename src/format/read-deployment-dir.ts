/**
 * Reads one deployment directory: every file validated against its format version, every file's bytes
 * hashed. Shared by the site's loader and the CLI (`compare`): one reader, one set of errors.
 * Only the files `listEvidenceTree` knows are read, never through a link (evidence is untrusted).
 */
import { join, relative } from 'node:path';
import { type CheckSnapshot, type DeploymentEvidence, type Manifest, type Signers, type Signoffs } from './index.ts';
import { SIGNERS_FILE, UNNAMED_CHECK_FILE, isRealDirectory, listDeployment, namedFiles, readEvidenceBytes, readEvidenceBytesSync, type RefusedEntry } from './evidence-tree.ts';
import { EvidenceFormatError, parseEvidenceText, readEvidenceText } from './read-evidence.ts';
import { sha256Hex } from './sha256.ts';

export interface RawFile {
  /** Relative to the deployment directory, e.g. `checks/row-count.json`. */
  path: string;
  bytes: number;
  sha256: string;
}

export interface DeploymentDir extends DeploymentEvidence {
  id: string;
  snapshots: Map<string, CheckSnapshot>;
  manifest: Manifest | null;
  /** `signoffs.json`, beside the evidence (not in the manifest). */
  signoffs: Signoffs | null;
  /**
   * Why `signoffs.json` is there but does not read (bad JSON, another deployment's file): its
   * sign-offs are then unverified, and the rest of the deployment reads as it is (issue 24).
   */
  signoffsError: string | null;
  /** `notes.mdx`, written after collection (not in the manifest): its text, as committed. */
  notes: string | null;
  files: RawFile[];
  /** The format version deployment.json was written in (`schemaVersion` before reading brought it to the current model). */
  formatVersion: number;
  /** Entries of the directory that were not read (links, unknown files, check files its deployment.json does not name). */
  refused: RefusedEntry[];
}

/** A path as a person would type it: relative to the working directory when it lies below it. */
export function shownPath(file: string): string {
  const cwd = process.cwd();
  const rel = relative(cwd, file);
  return cwd !== '/' && rel && !rel.startsWith('..') ? rel : file;
}

function readValidated<T>(file: string, parse: (file: string, text: string) => T): { value: T; bytes: number; sha256: string } {
  const bytes = readEvidenceBytesSync(file);
  return { value: parse(shownPath(file), bytes.toString('utf8')), bytes: bytes.length, sha256: sha256Hex(bytes) };
}

/**
 * Null when the directory holds no deployment.json (a collector died before writing one).
 * `known` is the directory's listing when the caller already has it.
 */
export async function readDeploymentDir(root: string, id: string, known?: readonly string[]): Promise<DeploymentDir | null> {
  const dir = join(root, id);
  const refused: RefusedEntry[] = [];
  if (!known && !(await isRealDirectory(dir))) return null;
  const listed = known ?? (await listDeployment(root, id, (path, reason) => refused.push({ path, reason })));
  if (!listed.includes('deployment.json')) return null;
  const deploymentFile = join(dir, 'deployment.json');
  const read = readValidated(deploymentFile, (f, t) => readEvidenceText('deployment', f, t));
  const { model: deployment, writtenIn: formatVersion } = read.value;
  if (deployment.id !== id) throw new EvidenceFormatError(shownPath(deploymentFile), [`id: "${deployment.id}" does not match its directory "${id}"`]);
  const { named: files, unnamed } = namedFiles(listed, new Set(deployment.checks.map((c) => c.id)));
  for (const path of unnamed) refused.push({ path: `${id}/${path}`, reason: UNNAMED_CHECK_FILE });
  const raw: RawFile[] = [{ path: 'deployment.json', bytes: read.bytes, sha256: read.sha256 }];

  let manifest: Manifest | null = null;
  if (files.includes('manifest.json')) {
    const m = readValidated(join(dir, 'manifest.json'), (f, t) => parseEvidenceText('manifest', f, t));
    manifest = m.value;
    raw.push({ path: 'manifest.json', bytes: m.bytes, sha256: m.sha256 });
  }

  let signoffs: Signoffs | null = null;
  let signoffsError: string | null = null;
  if (files.includes('signoffs.json')) {
    const file = join(dir, 'signoffs.json');
    const bytes = readEvidenceBytesSync(file);
    raw.push({ path: 'signoffs.json', bytes: bytes.length, sha256: sha256Hex(bytes) });
    try {
      const read = parseEvidenceText('signoffs', shownPath(file), bytes.toString('utf8'));
      if (read.deploymentId !== id) throw new EvidenceFormatError(shownPath(file), [`deploymentId: "${read.deploymentId}" does not match its deployment "${id}"`]);
      signoffs = read;
    } catch (error) {
      if (!(error instanceof EvidenceFormatError)) throw error;
      signoffsError = error.message;
    }
  }

  let notes: string | null = null;
  if (files.includes('notes.mdx')) {
    const bytes = readEvidenceBytesSync(join(dir, 'notes.mdx'));
    notes = bytes.toString('utf8');
    raw.push({ path: 'notes.mdx', bytes: bytes.length, sha256: sha256Hex(bytes) });
  }

  const snapshots = new Map<string, CheckSnapshot>();
  // Read and judged in listing order: the first bad file in the listing is the one reported.
  for (const path of files.filter((f) => f.startsWith('checks/'))) {
    const file = join(dir, path);
    const c = readValidated(file, (f, t) => parseEvidenceText('check', f, t));
    const name = path.slice('checks/'.length);
    if (`${c.value.id}.json` !== name) throw new EvidenceFormatError(shownPath(file), [`id: "${c.value.id}" does not match the file name`]);
    if (c.value.deploymentId !== id) throw new EvidenceFormatError(shownPath(file), [`deploymentId: "${c.value.deploymentId}" does not match its deployment "${id}"`]);
    snapshots.set(c.value.id, c.value);
    raw.push({ path, bytes: c.bytes, sha256: c.sha256 });
  }
  return { id, deployment, snapshots, manifest, signoffs, signoffsError, notes, files: raw, formatVersion, refused };
}

/** The trusted signers' keys at the evidence root (`_signers.json`), or null when there is none. */
export function readSigners(root: string): Promise<Signers | null> {
  return readSignersFile(join(root, SIGNERS_FILE));
}

/** A signers file wherever it is (an auditor's own list of trusted keys), or null when it does not exist. */
export async function readSignersFile(file: string): Promise<Signers | null> {
  const bytes = await readEvidenceBytes(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  return bytes === null ? null : parseEvidenceText('signers', shownPath(file), bytes.toString('utf8'));
}
