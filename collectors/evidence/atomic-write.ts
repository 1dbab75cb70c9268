/**
 * Atomic writes: a temp file in the same directory, fsync, rename, fsync the directory.
 * A reader (or a killed collector) sees the old file or the new one, never half of one.
 * Temp files are dot-files, which evidence readers ignore; on SIGINT/SIGTERM they are removed.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { asEvidenceWriteError } from './evidence-write-error.ts';
import { isStopping, onStop } from '../process/stop-hooks.ts';

const pending = new Set<string>();
const inFlight = new Set<Promise<void>>();
let hooked = false;

/**
 * On SIGINT/SIGTERM (../process/stop-hooks.ts): let the writes under way finish (or fail and clean
 * up) — a temp file whose open() is still in the thread pool cannot be unlinked yet — then remove
 * any temp file left. A write asked for after the signal is refused.
 */
function removePendingOnSignal(): void {
  if (hooked) return;
  hooked = true;
  onStop(async () => {
    await Promise.allSettled([...inFlight]);
    for (const file of pending) {
      try {
        unlinkSync(file);
      } catch {
        // already renamed or gone
      }
    }
  });
}

export function writeFileAtomic(file: string, data: string): Promise<void> {
  removePendingOnSignal();
  if (isStopping()) return Promise.reject(new Error(`not written, the collector is stopping: ${file}`));
  const write = writeAtomically(file, data).finally(() => inFlight.delete(write));
  inFlight.add(write);
  return write;
}

async function writeAtomically(file: string, data: string): Promise<void> {
  const dir = dirname(file);
  const temp = join(dir, `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  pending.add(temp);
  try {
    const handle = await open(temp, 'wx', 0o644);
    try {
      await handle.writeFile(data, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
    pending.delete(temp);
    const dirHandle = await open(dir, 'r');
    try {
      await dirHandle.sync();
    } finally {
      await dirHandle.close();
    }
  } catch (error) {
    await rm(temp, { force: true });
    pending.delete(temp);
    throw asEvidenceWriteError(error, file);
  }
}
