/**
 * What may be read or published from an evidence root. Evidence arrives by pull request, so it
 * is untrusted input (issue 8): a symlink committed as `evidence/passwd -> /etc/passwd` must
 * never be read, copied or served. Only regular files whose names the format knows are listed;
 * everything else — links, devices, unknown files, unknown folders — is refused by path, and
 * files are opened with O_NOFOLLOW so a link swapped in after listing is not followed either.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { lstat, open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { FORMAT_VERSION_NUMBERS, checkIdSchema, deploymentIdSchema, schemaDir, schemaFiles } from './common.ts';

/** Files a deployment directory may hold, besides `checks/<check-id>.json`. */
/** `notes.mdx`: notes written after collection, rendered as an annotation (outside the manifest, like sign-offs). */
const DEPLOYMENT_FILES = ['deployment.json', 'manifest.json', 'signoffs.json', 'notes.mdx'] as const;
const SCHEMA_FILE_NAMES: readonly string[] = Object.values(schemaFiles).map((s) => s.file);
/** The trusted signers' public keys, at the evidence root. */
export const SIGNERS_FILE = '_signers.json';

/**
 * The largest evidence file read (issue 25). The collector keeps each file below it (rows kept
 * within a byte budget, each value within a cap); a larger one is not what it writes, and reading
 * it — one 300 MB cell took 12.6 GB to build, a 2 GB sparse file failed the whole build without
 * naming it — would bound nothing. It is refused by path, like a link, never read.
 */
export const MAX_EVIDENCE_FILE_BYTES = 64 * 1024 * 1024;
const TOO_LARGE = `larger than ${MAX_EVIDENCE_FILE_BYTES / (1024 * 1024)} MiB, the most an evidence file may hold`;

export interface RefusedEntry {
  /** Relative to the evidence root, `/`-separated. */
  path: string;
  reason: string;
}

export interface EvidenceTree {
  /** JSON Schema files present under `_schemas/v<N>/` for the versions this tool knows, relative to the root, sorted. */
  schemas: string[];
  /** `_signers.json` is there (a regular file). */
  signers: boolean;
  /** Deployment directories, sorted, each with its known files relative to it (sorted). */
  deployments: { id: string; files: string[] }[];
  refused: RefusedEntry[];
}

/** Thrown when a listed file turns out not to be a regular file when it is opened. */
export class UnsafeEvidenceFileError extends Error {}

function describeEntry(entry: { isSymbolicLink(): boolean; isFile(): boolean; isDirectory(): boolean }): string {
  if (entry.isSymbolicLink()) return 'a symbolic link (never followed)';
  if (entry.isDirectory()) return 'a folder the evidence format does not know';
  if (entry.isFile()) return 'a file the evidence format does not know';
  return 'not a regular file';
}

/** Collector temp files (`.deployment.json.<pid>.<rand>.tmp`) and other dot-entries: never evidence, never reported. */
const hidden = (name: string) => name.startsWith('.');

export async function listEvidenceTree(root: string): Promise<EvidenceTree> {
  const tree: EvidenceTree = { schemas: [], signers: false, deployments: [], refused: [] };
  const refuse = (path: string, reason: string) => tree.refused.push({ path, reason });
  const entries = await readdir(root, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const name = entry.name;
    if (hidden(name)) continue;
    if (name === SIGNERS_FILE) {
      if (entry.isFile()) tree.signers = true;
      else refuse(name, describeEntry(entry));
      continue;
    }
    if (name === '_schemas') {
      if (!entry.isDirectory()) {
        refuse(name, describeEntry(entry));
        continue;
      }
      await listSchemas(root, tree, refuse);
      continue;
    }
    if (!entry.isDirectory()) {
      refuse(name, describeEntry(entry));
      continue;
    }
    if (!deploymentIdSchema.safeParse(name).success) {
      refuse(name, 'a folder whose name is not a deployment id');
      continue;
    }
    tree.deployments.push({ id: name, files: await listDeployment(root, name, refuse) });
  }
  return tree;
}

const KNOWN_SCHEMA_DIRS: readonly string[] = FORMAT_VERSION_NUMBERS.map(schemaDir);

async function listSchemas(root: string, tree: EvidenceTree, refuse: (path: string, reason: string) => void): Promise<void> {
  for (const entry of await readdir(join(root, '_schemas'), { withFileTypes: true })) {
    if (hidden(entry.name)) continue;
    const dir = `_schemas/${entry.name}`;
    if (!KNOWN_SCHEMA_DIRS.includes(dir) || !entry.isDirectory()) {
      refuse(dir, KNOWN_SCHEMA_DIRS.includes(dir) ? describeEntry(entry) : 'not a schema version this tool knows');
      continue;
    }
    for (const file of await readdir(join(root, dir), { withFileTypes: true })) {
      if (hidden(file.name)) continue;
      if (file.isFile() && SCHEMA_FILE_NAMES.includes(file.name)) tree.schemas.push(`${dir}/${file.name}`);
      else refuse(`${dir}/${file.name}`, describeEntry(file));
    }
  }
  tree.schemas.sort();
}

/** The known files of one deployment directory; `refuse` hears about everything else, and about a file too large to be evidence. */
export async function listDeployment(root: string, id: string, refuse: (path: string, reason: string) => void): Promise<string[]> {
  const files: string[] = [];
  const known = async (path: string) => {
    if ((await lstat(join(root, id, path))).size > MAX_EVIDENCE_FILE_BYTES) refuse(`${id}/${path}`, TOO_LARGE);
    else files.push(path);
  };
  for (const entry of await readdir(join(root, id), { withFileTypes: true })) {
    const name = entry.name;
    if (hidden(name)) continue;
    if (name === 'checks' && entry.isDirectory()) {
      for (const check of await readdir(join(root, id, 'checks'), { withFileTypes: true })) {
        if (hidden(check.name)) continue;
        const checkId = check.name.endsWith('.json') ? check.name.slice(0, -5) : null;
        if (check.isFile() && checkId !== null && checkIdSchema.safeParse(checkId).success) await known(`checks/${check.name}`);
        else refuse(`${id}/checks/${check.name}`, describeEntry(check));
      }
      continue;
    }
    if (entry.isFile() && (DEPLOYMENT_FILES as readonly string[]).includes(name)) await known(name);
    else refuse(`${id}/${name}`, describeEntry(entry));
  }
  return files.sort();
}

/**
 * The check files its deployment.json names, of those listed: a `checks/<id>.json` that the
 * deployment does not name is not its evidence, whatever it holds, and is never read (issue 25).
 * The rest of the listing is returned apart, for the caller to refuse by path.
 */
export function namedFiles(files: readonly string[], checkIds: ReadonlySet<string>): { named: string[]; unnamed: string[] } {
  const named: string[] = [];
  const unnamed: string[] = [];
  for (const path of files) {
    if (path.startsWith('checks/') && !checkIds.has(path.slice('checks/'.length, -'.json'.length))) unnamed.push(path);
    else named.push(path);
  }
  return { named, unnamed };
}

export const UNNAMED_CHECK_FILE = 'a check file its deployment.json does not name';

/** How a file is opened for reading: O_NOFOLLOW refuses a symlink at the last component; O_NONBLOCK keeps a FIFO from blocking the open (it is then refused as not a regular file). */
const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

function openRefused(file: string, error: unknown): unknown {
  return (error as NodeJS.ErrnoException).code === 'ELOOP' ? new UnsafeEvidenceFileError(`${file}: a symbolic link (never followed)`) : error;
}

/**
 * Reads one evidence file without following a link: O_NOFOLLOW refuses a symlink at the last
 * component, and the opened descriptor must be a regular file (not a FIFO or a device).
 * The folders above it were checked by `listEvidenceTree` (lstat, never followed).
 */
export async function readEvidenceBytes(file: string): Promise<Buffer> {
  let handle;
  try {
    handle = await open(file, READ_FLAGS);
  } catch (error) {
    throw openRefused(file, error);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new UnsafeEvidenceFileError(`${file}: not a regular file`);
    if (stat.size > MAX_EVIDENCE_FILE_BYTES) throw new UnsafeEvidenceFileError(`${file}: ${TOO_LARGE}`);
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/**
 * The same, synchronously: what a reader of thousands of small files uses (the site's loader,
 * verify). Evidence files are small and, after a checkout, in the page cache: read through
 * promises, 3,400 of them took 600 ms one at a time and 250 ms all at once, almost all of it the
 * promise machinery; read like this, 40 ms.
 */
export function readEvidenceBytesSync(file: string): Buffer {
  let fd: number;
  try {
    fd = openSync(file, READ_FLAGS);
  } catch (error) {
    throw openRefused(file, error);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new UnsafeEvidenceFileError(`${file}: not a regular file`);
    // Listed below the ceiling, grown since: still not read.
    if (stat.size > MAX_EVIDENCE_FILE_BYTES) throw new UnsafeEvidenceFileError(`${file}: ${TOO_LARGE}`);
    // Up to the end of the file, as readFile reads, whatever the size said: one read for most.
    const chunks: Buffer[] = [];
    let chunk = Buffer.allocUnsafe(stat.size + 1);
    for (let filled = 0, total = 0; ; ) {
      const read = readSync(fd, chunk, filled, chunk.length - filled, null);
      if (read === 0) {
        chunks.push(chunk.subarray(0, filled));
        break;
      }
      filled += read;
      total += read;
      // A file that grows while it is read is not read past the ceiling either.
      if (total > MAX_EVIDENCE_FILE_BYTES) throw new UnsafeEvidenceFileError(`${file}: ${TOO_LARGE}`);
      if (filled === chunk.length) {
        chunks.push(chunk);
        chunk = Buffer.allocUnsafe(64 * 1024);
        filled = 0;
      }
    }
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
  } finally {
    closeSync(fd);
  }
}

/** True when the evidence root holds at least one deployment folder (one whose name is a deployment id), without reading any. */
export async function holdsDeployment(root: string): Promise<boolean> {
  const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
  return entries.some((entry) => entry.isDirectory() && !hidden(entry.name) && deploymentIdSchema.safeParse(entry.name).success);
}

/** True when `path` exists and is a real folder (not a link to one). */
export async function isRealDirectory(path: string): Promise<boolean> {
  const s = await lstat(path).catch(() => null);
  return Boolean(s?.isDirectory());
}

/** One line per refused entry, for warnings and errors. */
export function describeRefused(root: string, refused: readonly RefusedEntry[]): string {
  return refused.map((r) => `${join(root, r.path)}: ${r.reason}; not read, not published`).join('\n');
}
