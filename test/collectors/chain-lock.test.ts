/**
 * Collectors on one evidence root link one at a time (issue 24): the lock excludes other
 * processes, waits for its holder, takes over a lock whose collector died, and gives up with a
 * clear error when a live holder never lets go.
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CHAIN_LOCK, ChainLockError, withChainLock } from '../../collectors/evidence/chain-lock.ts';
import { tempEvidenceRoot } from '../harness/evidence.ts';

const LOCK_MODULE = fileURLToPath(new URL('../../collectors/evidence/chain-lock.ts', import.meta.url));
const TSX = fileURLToPath(new URL('../../node_modules/tsx/dist/cli.mjs', import.meta.url));

/** A process that takes the lock, appends "enter" and "leave" around a pause, and exits. */
function linker(root: string, log: string, name: string): Promise<number> {
  const script = `
    import { appendFile } from 'node:fs/promises';
    import { withChainLock } from ${JSON.stringify(LOCK_MODULE)};
    await withChainLock(${JSON.stringify(root)}, async () => {
      await appendFile(${JSON.stringify(log)}, 'enter ${name}\\n');
      await new Promise((r) => setTimeout(r, 400));
      await appendFile(${JSON.stringify(log)}, 'leave ${name}\\n');
    });`;
  const child = spawn(process.execPath, [TSX, '--input-type=module', '-e', script], { stdio: 'inherit' });
  return new Promise((resolve) => child.once('exit', (code) => resolve(code ?? -1)));
}

describe('the chain lock', () => {
  it('lets one process at a time link, whatever their number', async () => {
    const root = await tempEvidenceRoot();
    const log = join(root, 'log');
    await writeFile(log, '');
    const codes = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((name) => linker(root, log, name)));
    expect(codes).toEqual([0, 0, 0, 0, 0]);
    const lines = (await readFile(log, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(10);
    // Strictly alternating: nobody entered while another was inside.
    for (let i = 0; i < lines.length; i += 2) expect(lines[i + 1]).toBe(lines[i]!.replace('enter', 'leave'));
    expect(await readdir(root)).toEqual(['log']);
  }, 60_000);

  it('takes over a lock left by a collector that died, and waits for a live one', async () => {
    const root = await tempEvidenceRoot();
    await mkdir(join(root, CHAIN_LOCK));
    // A pid that is not running on this host.
    await writeFile(join(root, CHAIN_LOCK, 'holder.json'), JSON.stringify({ pid: 2 ** 22 + 12_345, host: hostname(), since: '2026-01-01T00:00:00.000Z' }));
    expect(await withChainLock(root, async () => 'linked')).toBe('linked');
    expect(await readdir(root)).toEqual([]);

    await mkdir(join(root, CHAIN_LOCK));
    await writeFile(join(root, CHAIN_LOCK, 'holder.json'), JSON.stringify({ pid: process.pid, host: hostname(), since: '2026-01-01T00:00:00.000Z' }));
    const refused = await withChainLock(root, async () => 'linked', { waitMs: 300 }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ChainLockError);
    expect((refused as Error).message).toContain(`pid ${process.pid} on ${hostname()}, since 2026-01-01T00:00:00.000Z`);
    expect((refused as Error).message).toContain(join(root, CHAIN_LOCK));
  });
});
