/** The child-process kit every spawn goes through: captured helper runs, and services stopped with their whole group. */
import { describe, expect, it } from 'vitest';
import { findExecutable, runCaptured, spawnSupervised } from '../../collectors/process/child-process.ts';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

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

  it('finds an executable on a PATH, and nothing that is not there', async () => {
    expect(await findExecutable('sh', process.env.PATH)).toMatch(/\/sh$/);
    expect(await findExecutable('no-such-program-here', process.env.PATH)).toBeNull();
  });
});
