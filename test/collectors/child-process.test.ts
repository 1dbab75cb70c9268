/**
 * The child-process kit every spawn goes through: captured helper runs, services stopped with their
 * whole group, and (issue 25) no command outliving the collector — whether the collector alone or
 * its whole process group is SIGKILLed, and whether the command stays in its group or escapes it
 * with `setsid` (then only the supervisor's subreaper can find it: Linux with perl).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { containment, findExecutable, runCaptured, spawnSupervised } from '../../collectors/process/child-process.ts';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Running, not merely present: a killed process whose parent has not reaped it yet is a zombie,
 * which `kill(pid, 0)` still finds (a container's init may never reap what is reparented to it).
 */
const running = (pid: number) => {
  try {
    return statOf(pid)[0] !== 'Z';
  } catch {
    return alive(pid);
  }
};

/** The fields of /proc/<pid>/stat after the command name: state, ppid, pgrp, session… */
function statOf(pid: number): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

const KIT = fileURLToPath(new URL('../../collectors/process/child-process.ts', import.meta.url));
const TSX_LOADER = fileURLToPath(new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url));

/**
 * A collector of its own: one node process (its own process group, so the test can kill the group)
 * that runs `argv` through the kit and waits. Not the tsx CLI, which would be a second process.
 */
async function collector(dir: string, argv: readonly string[]): Promise<ChildProcess> {
  const script = join(dir, 'collector.mjs');
  await writeFile(
    script,
    `import { spawnSupervised } from ${JSON.stringify(KIT)};
     await spawnSupervised({ argv: ${JSON.stringify(argv)}, cwd: ${JSON.stringify(dir)}, env: { PATH: process.env.PATH }, timeoutMs: 600000, graceMs: 1000 }, () => {}, () => {}).done;`,
  );
  return spawn(process.execPath, ['--import', TSX_LOADER, script], { stdio: 'ignore', detached: true });
}

/** The pids a command wrote to `file` so far. */
const recorded = async (file: string) => (await readFile(file, 'utf8').catch(() => '')).split(/\s+/).filter(Boolean).map(Number);

/** The pids a command wrote, once `count` of them are there. */
async function pidsIn(file: string, count: number): Promise<number[]> {
  for (let i = 0; i < 300; i += 1) {
    const pids = await recorded(file);
    if (pids.length >= count) return pids;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${file}: fewer than ${count} pids after 15 s`);
}

async function gone(pids: readonly number[], ms = 5_000): Promise<number[]> {
  for (let waited = 0; waited < ms && pids.some(running); waited += 50) await new Promise((r) => setTimeout(r, 50));
  return pids.filter(running);
}

/** Ends what a test started and something let live: only the pids its command recorded, and its collector's group. */
async function cleanUp(pidFile: string, child: ChildProcess | null): Promise<void> {
  for (const pid of await recorded(pidFile)) {
    try {
      if (running(pid)) process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
  try {
    if (child?.pid) process.kill(-child.pid, 'SIGKILL');
  } catch {
    // gone
  }
}

/** A command that starts a session of its own; `$$` of the escaped shell goes to `file`. */
const escaper = (file: string) => `setsid sh -c 'echo $$ >> ${file}; exec sleep 302'`;

describe('the child-process kit', () => {
  it('runs a helper to its end with stdout, stderr, both interleaved, and the exit code', async () => {
    const result = await runCaptured(['sh', '-c', 'echo out; echo err >&2; exit 3'], { cwd: process.cwd(), timeoutMs: 10_000 });
    expect(result).toMatchObject({ exitCode: 3, timedOut: false, spawnError: null, stdout: 'out\n', stderr: 'err\n' });
    expect(result.all).toMatch(/out\n[\s\S]*err\n|err\n[\s\S]*out\n/);
  });

  it('says a program could not start instead of throwing', async () => {
    const result = await runCaptured(['/nonexistent/program'], { cwd: process.cwd(), timeoutMs: 10_000 });
    expect(result.exitCode).toBeNull();
    expect(result.spawnError?.code).toBe('ENOENT');
  });

  it('stops a service and every process of its group', async () => {
    let out = '';
    // The shell starts a grandchild: both must be gone after stop().
    const service = spawnSupervised(
      { argv: ['sh', '-c', 'sleep 60 & echo $$ $!; wait'], cwd: process.cwd(), env: { PATH: process.env.PATH ?? '' }, timeoutMs: null, graceMs: 1_000 },
      (chunk) => (out += chunk.toString()),
      () => {},
    );
    for (let i = 0; i < 100 && !out.includes('\n'); i += 1) await new Promise((r) => setTimeout(r, 50));
    const pids = out.trim().split(' ').map(Number);
    expect(pids).toHaveLength(2);
    expect(pids.every(alive)).toBe(true);
    service.stop();
    expect(await service.done).toMatchObject({ exitCode: null, signal: 'SIGKILL', timedOut: false });
    for (let i = 0; i < 50 && pids.some(alive); i += 1) await new Promise((r) => setTimeout(r, 50));
    expect(pids.filter(alive)).toEqual([]);
  });

  it.each([
    ['the collector alone', (pid: number) => process.kill(pid, 'SIGKILL')],
    // What CI runners and `timeout --kill-after` on a group do: the supervisor must not be in it.
    ['the collector’s whole process group', (pid: number) => process.kill(-pid, 'SIGKILL')],
  ])('leaves no process of a running command behind when %s is SIGKILLed', async (_, kill) => {
    const dir = await mkdtemp(join(tmpdir(), 'kit-kill-'));
    const pidFile = join(dir, 'pids');
    let child: ChildProcess | null = null;
    try {
      child = await collector(dir, ['sh', '-c', `sleep 300 & echo $$ $! > ${pidFile}; wait`]);
      const pids = await pidsIn(pidFile, 2);
      expect(pids.every(running)).toBe(true);
      kill(child.pid!);
      expect(await gone(pids), 'the command or its child outlived the collector').toEqual([]);
    } finally {
      await cleanUp(pidFile, child);
    }
  });

  // CI runs on Debian, where perl is Essential: the tests below must run there, never be skipped.
  it.runIf(process.env.CI && process.platform === 'linux')('starts the supervisor as a subreaper in CI', () => {
    expect(containment()).toBe('subreaper');
  });

  describe.skipIf(containment() !== 'subreaper')('with a subreaper (Linux with perl)', () => {
    it.each([
      // The escaper's parent is still running: found by walking the supervisor's descendants.
      ['a child of the command', (file: string) => `${escaper(file)} & echo $$ >> ${file}; wait`],
      // Double fork: its parent is gone at once; without a subreaper it would belong to init.
      ['an orphan (double fork)', (file: string) => `(${escaper(file)} &); echo $$ >> ${file}; exec sleep 301`],
    ])('ends a command that started its own session, %s, when the collector is SIGKILLed', async (_, command) => {
      const dir = await mkdtemp(join(tmpdir(), 'kit-setsid-'));
      const pidFile = join(dir, 'pids');
      let child: ChildProcess | null = null;
      try {
        child = await collector(dir, ['sh', '-c', command(pidFile)]);
        const pids = await pidsIn(pidFile, 2);
        expect(pids.every(running)).toBe(true);
        // In a session of its own: a kill of the command's group does not reach it.
        const sessions = pids.map((pid) => statOf(pid)[3]);
        expect(new Set(sessions).size).toBe(2);
        process.kill(child.pid!, 'SIGKILL');
        expect(await gone(pids), 'a process in a session of its own outlived the collector').toEqual([]);
      } finally {
        await cleanUp(pidFile, child);
      }
    });

    it('ends a daemon a finished command left behind before its run resolves', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'kit-daemon-'));
      const pidFile = join(dir, 'pids');
      try {
        // setsid -f forks: the daemon is an orphan in its own session, its output away from our pipes.
        const result = await runCaptured(['sh', '-c', `setsid -f sh -c 'echo $$ > ${pidFile}; exec sleep 303' >/dev/null 2>&1; sleep 0.3`], { cwd: dir, timeoutMs: 10_000 });
        expect(result.exitCode).toBe(0);
        const pids = await pidsIn(pidFile, 1);
        expect(await gone(pids, 2_000), 'the daemon outlived its command').toEqual([]);
      } finally {
        await cleanUp(pidFile, null);
      }
    });
  });

  it('finds an executable on a PATH, and nothing that is not there', async () => {
    expect(await findExecutable('sh', process.env.PATH)).toMatch(/\/sh$/);
    expect(await findExecutable('no-such-program-here', process.env.PATH)).toBeNull();
  });
});
