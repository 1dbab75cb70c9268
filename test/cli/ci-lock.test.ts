/**
 * `ci lock` / `ci unlock` (issue 27) against a real bare repository, as two CI runners meet it: two
 * clones racing for the same environment's lock (one wins, the other waits its turn and then takes
 * it), a holder that never releases (the other gives up naming it, or breaks it once it is stale),
 * an unlock that would delete another run's lock, a remote that does not answer. The rules in
 * words (src/core/ci-lock.ts) are tested beside.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { runCli, type CliRun } from '../harness/cli.ts';
import { GitRepo } from '../harness/git-repo.ts';
import { describeHolder, lockHolder, lockIsStale, lockMessage, lockRef, runIdentity } from '../../src/core/ci-lock.ts';

const REF = 'refs/heads/deploy-evidence-lock/staging';

/** A bare remote with one commit on main, and `n` clones of it (the runners' checkouts). */
async function remoteAndClones(n: number): Promise<{ remote: string; clones: string[] }> {
  const seed = await GitRepo.init('seed');
  await seed.commitAll('the project');
  const parent = await mkdtemp(join(tmpdir(), 'ci-lock-'));
  const remote = join(parent, 'remote.git');
  await execa('git', ['clone', '-q', '--bare', seed.dir, remote]);
  const clones: string[] = [];
  for (let i = 0; i < n; i++) {
    const clone = join(parent, `runner-${i}`);
    await execa('git', ['clone', '-q', remote, clone]);
    clones.push(clone);
  }
  return { remote, clones };
}

const lock = (cwd: string, run: string, extra: string[] = [], env: Record<string, string> = {}) =>
  runCli(['ci', 'lock', '--env', 'staging', '--run', run, '--poll', '0.2', ...extra], env, { cwd });
const unlock = (cwd: string, sha: string) => runCli(['ci', 'unlock', '--env', 'staging', '--lock', sha], {}, { cwd });

async function lockOnRemote(remote: string): Promise<string | null> {
  const listed = await execa('git', ['ls-remote', remote, REF]);
  return listed.stdout.trim() === '' ? null : listed.stdout.split(/\s/)[0]!;
}

/** Whether the promise is still pending after `ms`. */
async function stillPending(promise: Promise<unknown>, ms: number): Promise<boolean> {
  const marker = Symbol('pending');
  return (await Promise.race([promise, new Promise((r) => setTimeout(() => r(marker), ms))])) === marker;
}

describe('ci lock and unlock on a real remote', () => {
  it('lets one of two racing runners in; the other waits, naming the holder, and takes the lock once it is released', { timeout: 120_000 }, async () => {
    const { remote, clones } = await remoteAndClones(2);
    const runs = [lock(clones[0]!, 'run-A'), lock(clones[1]!, 'run-B')].map((p, i) => p.then((r) => ({ i, r })));
    const first = await Promise.race(runs);
    expect(first.r.exitCode, first.r.stderr).toBe(0);
    const sha = first.r.stdout.trim();
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    expect(await lockOnRemote(remote)).toBe(sha);
    const other = runs[1 - first.i]!;
    // The loser is waiting, not failed: it polls until the lock is free.
    expect(await stillPending(other, 1_500)).toBe(true);

    expect((await unlock(clones[first.i]!, sha)).exitCode).toBe(0);
    const second = (await other).r;
    expect(second.exitCode, second.stderr).toBe(0);
    expect(second.stderr).toContain(`waiting for the staging lock, held by run-${first.i === 0 ? 'A' : 'B'}`);
    const secondSha = second.stdout.trim();
    expect(secondSha).not.toBe(sha);
    expect(await lockOnRemote(remote)).toBe(secondSha);
    // The lock's commit records who holds it.
    const message = (await execa('git', ['log', '-1', '--format=%B', secondSha], { cwd: remote })).stdout;
    expect(message).toContain(`run: run-${first.i === 0 ? 'B' : 'A'}`);
    expect(message).toContain('environment: staging');

    expect((await unlock(clones[1 - first.i]!, secondSha)).exitCode).toBe(0);
    expect(await lockOnRemote(remote)).toBeNull();
  });

  it('gives up after --wait naming the holder, and never deletes a lock that is not its own', { timeout: 60_000 }, async () => {
    const { remote, clones } = await remoteAndClones(2);
    const held = await lock(clones[0]!, 'run-A');
    const sha = held.stdout.trim();
    const waited = await lock(clones[1]!, 'run-B', ['--wait', '1']);
    expect(waited.exitCode).toBe(1);
    expect(waited.stdout).toBe('');
    expect(waited.stderr).toMatch(/the staging lock was not free within 1 s: held by run-A, held since/);

    const wrong = await unlock(clones[1]!, 'f'.repeat(40));
    expect(wrong.exitCode).toBe(1);
    expect(wrong.stderr).toContain('now held by run-A');
    expect(await lockOnRemote(remote)).toBe(sha);
    expect((await unlock(clones[0]!, sha)).exitCode).toBe(0);
  });

  it('breaks a lock older than --stale-after with a warning; the run that lost it learns so at unlock', { timeout: 60_000 }, async () => {
    const { remote, clones } = await remoteAndClones(2);
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000).toISOString();
    const dead = await lock(clones[0]!, 'run-dead', [], { GIT_COMMITTER_DATE: twoHoursAgo });
    expect(dead.exitCode, dead.stderr).toBe(0);
    // Younger than its limit: a holder is waited for, not broken.
    const patient = await lock(clones[1]!, 'run-B', ['--wait', '0.5', '--stale-after', String(3 * 3600)]);
    expect(patient.exitCode).toBe(1);

    const taken = await lock(clones[1]!, 'run-B', ['--stale-after', '3600']);
    expect(taken.exitCode, taken.stderr).toBe(0);
    expect(taken.stderr).toMatch(/warning: broke the staging lock held by run-dead, held since .* older than 3600 s/);
    expect(await lockOnRemote(remote)).toBe(taken.stdout.trim());

    const late = await unlock(clones[0]!, dead.stdout.trim());
    expect(late.exitCode).toBe(1);
    expect(late.stderr).toContain('now held by run-B');
    expect(await lockOnRemote(remote)).toBe(taken.stdout.trim());
  });

  it('fails with exit 3 when the remote does not answer, and 2 for a bad environment or lock', async () => {
    const { clones } = await remoteAndClones(1);
    const gone: CliRun = await runCli(['ci', 'lock', '--env', 'staging', '--remote', join(tmpdir(), 'no-such-remote.git'), '--wait', '0'], {}, { cwd: clones[0]! });
    expect(gone.exitCode).toBe(3);
    expect(gone.stderr).toContain('no-such-remote.git');
    expect((await runCli(['ci', 'lock', '--env', '../main'], {}, { cwd: clones[0]! })).exitCode).toBe(2);
    expect((await runCli(['ci', 'unlock', '--env', 'staging', '--lock', 'HEAD'], {}, { cwd: clones[0]! })).exitCode).toBe(2);
  });
});

describe('the lock in words', () => {
  const now = new Date('2026-03-01T12:00:00Z');

  it('reads back what the lock commit says, and takes anything else as an unknown holder', () => {
    const holder = lockHolder('a'.repeat(40), '2026-03-01T11:00:00Z', lockMessage('staging', 'https://ci.example/run/7', now));
    expect(holder).toEqual({ sha: 'a'.repeat(40), environment: 'staging', run: 'https://ci.example/run/7', since: '2026-03-01T11:00:00Z' });
    expect(describeHolder(holder, now)).toBe('https://ci.example/run/7, held since 2026-03-01T11:00:00Z for 3600 s');
    const foreign = lockHolder('b'.repeat(40), '2026-03-01T11:00:00Z', 'made by hand\n\nrun: pretending');
    expect(foreign.run).toBeNull();
    expect(describeHolder(foreign, now)).toMatch(/^an unknown holder \(commit bbbbbbbbbbbb\)/);
    // A run's name cannot add lines to the message.
    expect(lockMessage('staging', 'x\nenvironment: production', now)).not.toMatch(/^environment: production$/m);
    // A lock commit pushed by hand cannot write escape sequences or control characters into the job's log.
    const hostile = lockHolder('d'.repeat(40), '2026-03-01T11:00:00Z', 'deploy-evidence lock\n\nenvironment: staging\x1b[2J\nrun: \x1b[31mrun 9\x07\x9b0m\r::error::forged\n');
    expect(hostile.environment).toBe('staging [2J');
    expect(hostile.run).toBe(' [31mrun 9 0m');
    expect(describeHolder(hostile, now)).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });

  it('is stale only past its age limit, or dated beyond any clock skew ahead, and only with a readable date', () => {
    const at = (since: string) => lockHolder('c'.repeat(40), since, '');
    expect(lockIsStale(at('2026-03-01T11:00:00Z'), now, 3600_000)).toBe(false);
    expect(lockIsStale(at('2026-03-01T10:59:59Z'), now, 3600_000)).toBe(true);
    expect(lockIsStale(at('not a date'), now, 0)).toBe(false);
    // Dated ahead of the clock: a runner's skew is allowed, a hand-made lock from the future that would never grow old is not.
    expect(lockIsStale(at('2026-03-01T12:09:00Z'), now, 3600_000)).toBe(false);
    expect(lockIsStale(at('2027-03-01T12:00:00Z'), now, 3600_000)).toBe(true);
  });

  it('names one ref per environment and refuses names that are not an environment', () => {
    expect(lockRef('staging')).toBe(REF);
    for (const bad of ['', '../main', 'a b', 'x.lock', 'a..b', '-x', 'a/b']) expect(() => lockRef(bad)).toThrow();
  });

  it('records the CI run that holds it', () => {
    expect(runIdentity({ GITHUB_RUN_ID: '42', GITHUB_REPOSITORY: 'acme/app', GITHUB_RUN_ATTEMPT: '2', GITHUB_SERVER_URL: 'https://github.example' }, 'here')).toBe('https://github.example/acme/app/actions/runs/42/attempts/2');
    expect(runIdentity({ CI_JOB_URL: 'https://gitlab.example/acme/app/-/jobs/9' }, 'here')).toBe('https://gitlab.example/acme/app/-/jobs/9');
    expect(runIdentity({}, 'here')).toBe('here');
  });
});
