import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * The collector could not write its evidence (disk full, folder not writable, a path that is a
 * file): an environment failure with an exit code of its own (4), distinct from a BLOCKED
 * decision (1), naming the path so the user knows where to look (issue 8). Every other file a
 * command writes (a starter checklist, a key pair, the site, a checkpoint) fails the same way,
 * naming what it was (`what`: "the evidence" unless told).
 */
export class EvidenceWriteError extends Error {
  constructor(
    readonly path: string,
    readonly code: string | null,
    reason: string,
    what = 'the evidence',
  ) {
    super(`cannot write ${what}: ${path}: ${reason}${code ? ` (${code})` : ''}`);
  }
}

const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOTDIR: 'a part of the path is not a folder',
  EEXIST: 'a file is in the way of a folder',
  EISDIR: 'a folder is in the way of a file',
  EIO: 'input/output error',
  EMFILE: 'too many open files',
  ENAMETOOLONG: 'the path is too long',
};

/** Wraps a file-system error of an evidence write (or of `what`); anything else passes through unchanged. */
export function asEvidenceWriteError(error: unknown, path: string, what?: string): unknown {
  if (error instanceof EvidenceWriteError) return error;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (typeof code !== 'string' || !(code in REASONS)) return error;
  return new EvidenceWriteError(path, code, REASONS[code]!, what);
}

/**
 * Creates the folders `file` goes in, as `mkdir -p` does (`mode` for the folders it creates: 0o700
 * for a private key's). A file in the way or a folder not writable fails as a write of `what`
 * would, naming the folder (exit 4), never as a raw ENOENT.
 */
export async function makeFolderFor(file: string, what: string, mode?: number): Promise<void> {
  const dir = dirname(file);
  await mkdir(dir, { recursive: true, ...(mode === undefined ? {} : { mode }) }).catch((error: unknown) => {
    throw asEvidenceWriteError(error, dir, what);
  });
}
