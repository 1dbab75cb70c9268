/**
 * The auditor's checkpoint file (`verify --checkpoint <file>`): read, and written atomically and
 * byte-stable. A file that does not read fails naming the file, the field and the fix, as a bad
 * evidence file does (a CheckpointFormatError is an EvidenceFormatError: exit 2).
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { writeFileAtomic } from '../../collectors/evidence/atomic-write.ts';
import { EvidenceWriteError, makeFolderFor } from '../../collectors/evidence/evidence-write-error.ts';
import { CHECKPOINT_KIND, CHECKPOINT_VERSION, checkpointSchema, type Checkpoint } from '../format/checkpoint-schema.ts';
import { describeZodIssues, EvidenceFormatError } from '../format/read-evidence.ts';
import { shownPath } from '../format/read-deployment-dir.ts';
import { stableJson } from '../format/stable-json.ts';

const FIX = 'a checkpoint is written by `deploy-evidence verify --all --checkpoint <file>` the first time that file does not exist: restore the file from the auditor\'s own copy, or name a new file to take a fresh checkpoint';

export class CheckpointFormatError extends EvidenceFormatError {
  constructor(file: string, problems: string[]) {
    super(file, problems);
    this.name = 'CheckpointFormatError';
    this.message = `${file}: not a checkpoint this tool can read\n${problems.map((p) => `  - ${p}`).join('\n')}\n  (${FIX})`;
  }
}

/** Writing the checkpoint failed (disk full, folder not writable…): exit 4, like an evidence write. */
class CheckpointWriteError extends EvidenceWriteError {
  constructor(cause: EvidenceWriteError) {
    super(cause.path, cause.code, '');
    this.name = 'CheckpointWriteError';
    this.message = cause.message.replace(/^cannot write the evidence:/, 'cannot write the checkpoint:');
  }
}

/** The checkpoint's text: byte-stable JSON (fixed key order, 2-space indent, trailing newline). */
export function checkpointText(checkpoint: Checkpoint): string {
  return stableJson(checkpointSchema, checkpoint);
}

/** Reads a checkpoint's text; `file` is how messages name it. */
export function parseCheckpointText(file: string, text: string): Checkpoint {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new CheckpointFormatError(file, [`not valid JSON: ${(error as Error).message}`]);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new CheckpointFormatError(file, ['(root): must be a JSON object']);
  const { kind, version } = data as Record<string, unknown>;
  // Kind and version first: an evidence file or a newer checkpoint given by mistake is named as such, not as forty field errors.
  if (kind !== CHECKPOINT_KIND) throw new CheckpointFormatError(file, [`kind: ${kind === undefined ? 'missing' : JSON.stringify(kind)}; a checkpoint says "${CHECKPOINT_KIND}"`]);
  if (version !== CHECKPOINT_VERSION) throw new CheckpointFormatError(file, [`version: ${version === undefined ? 'missing' : JSON.stringify(version)} is not supported (this reader understands version ${CHECKPOINT_VERSION})`]);
  const parsed = checkpointSchema.safeParse(data);
  if (!parsed.success) throw new CheckpointFormatError(file, describeZodIssues(parsed.error));
  return parsed.data;
}

/** The checkpoint in `file`, or null when there is no such file (its first use). */
export async function readCheckpointFile(file: string): Promise<Checkpoint | null> {
  const path = resolve(file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  return parseCheckpointText(shownPath(path), text);
}

/** Writes the checkpoint to `file` atomically (temp file, fsync, rename): a reader sees the old file or the new one. Its folders are made. */
export async function writeCheckpointFile(file: string, checkpoint: Checkpoint): Promise<void> {
  try {
    await makeFolderFor(resolve(file), 'the evidence');
    await writeFileAtomic(resolve(file), checkpointText(checkpoint));
  } catch (error) {
    throw error instanceof EvidenceWriteError ? new CheckpointWriteError(error) : error;
  }
}
