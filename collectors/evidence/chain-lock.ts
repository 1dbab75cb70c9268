/**
 * Collectors on one evidence root link their manifests one at a time (issue 24): reading the end
 * of an environment's chain and writing the manifest that follows it is one step under a lock, or
 * three collectors finishing together all follow the same end and fork the chain themselves
 * (2 trials in 10 did). The lock is a folder, `<root>/.chain.lock` — mkdir is atomic, and a
 * dot-entry is never read as evidence — holding who took it. Linking takes milliseconds, so a
 * collector waits for it; a lock whose holder died (same host, process gone) is taken over.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { EvidenceWriteError, asEvidenceWriteError } from './evidence-write-error.ts';

export const CHAIN_LOCK = '.chain.lock';

/** Another collector held the lock for longer than a link ever takes: the manifest could not be written (exit 4). */
export class ChainLockError extends EvidenceWriteError {}

interface Holder {
  pid: number;
  host: string;
  since: string;
}

function holderAlive(holder: Holder | null): boolean {
  // A holder not yet written down is a collector between mkdir and writeFile: alive.
  if (!holder) return true;
  if (holder.host !== hostname()) return true;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readHolder(lock: string): Promise<Holder | null> {
  try {
    return JSON.parse(await readFile(join(lock, 'holder.json'), 'utf8')) as Holder;
  } catch {
    return null;
  }
}

export async function withChainLock<T>(root: string, link: () => Promise<T>, { waitMs = 60_000 } = {}): Promise<T> {
  const lock = join(root, CHAIN_LOCK);
  const deadline = Date.now() + waitMs;
  for (let pause = 5; ; pause = Math.min(pause * 2, 200)) {
    try {
      await mkdir(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw asEvidenceWriteError(error, lock);
    }
    const holder = await readHolder(lock);
    if (!holderAlive(holder)) {
      // Its collector is gone (killed while linking): nothing of its link is half-written, since
      // the manifest is written atomically, so the lock can be taken over. (Two collectors taking
      // over the same dead lock at the same instant could both hold it; a lock is left behind
      // only by a killed collector, so that takes a kill and a race together.)
      await rm(lock, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new ChainLockError(
        lock,
        null,
        `another collector has been linking into the evidence for over ${Math.round(waitMs / 1000)} s (${holder ? `pid ${holder.pid} on ${holder.host}, since ${holder.since}` : 'holder unknown'}); if no collector runs, remove this folder`,
      );
    }
    await new Promise((done) => setTimeout(done, pause));
  }
  try {
    await writeFile(join(lock, 'holder.json'), JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() } satisfies Holder));
    return await link();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}
