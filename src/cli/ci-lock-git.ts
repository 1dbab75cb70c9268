/**
 * The git side of the CI lock (issue 27; the rules are src/core/ci-lock.ts). Taking the lock is one
 * push that creates the ref only when it does not exist (`--force-with-lease=<ref>:` with an empty
 * expected value): the server compares and sets under its own ref lock, so of two runners pushing
 * at once exactly one succeeds. Releasing it deletes the ref only while it still points at our
 * commit; breaking a stale one replaces it only while it still points at the commit judged stale.
 * Every git call goes through the child-process kit, with a timeout.
 */
import { hostname } from 'node:os';
import { runCaptured } from '../../collectors/process/child-process.ts';
import { describeHolder, lockHolder, lockIsStale, lockMessage, lockRef, type LockHolder } from '../core/ci-lock.ts';
import { GitEvidenceError } from './git-evidence-history.ts';

export interface LockOptions {
  /** The repository the job checked out: git runs there. */
  cwd: string;
  /** A remote's name or URL (default origin). */
  remote: string;
  environment: string;
  /** Who takes it (recorded in the lock's commit). */
  run: string;
  /** Give up after waiting this long. */
  waitMs: number;
  /** Between two attempts. */
  pollMs: number;
  /** A lock older than this may be broken. */
  staleAfterMs: number;
  env: NodeJS.ProcessEnv;
  log: (message: string) => void;
  now?: () => Date;
}

export type LockResult = { acquired: true; sha: string; broke: LockHolder | null } | { acquired: false; holder: LockHolder | null };

/** git's environment: the job's (credentials, askpass, ssh), without what would point git at another repository. */
function gitEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const clean: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && !['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_OBJECT_DIRECTORY', 'GIT_NAMESPACE'].includes(name)) clean[name] = value;
  }
  return { ...clean, LC_ALL: 'C', LANGUAGE: 'C', GIT_TERMINAL_PROMPT: '0' };
}

async function git(options: Pick<LockOptions, 'cwd' | 'env'>, args: readonly string[]): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  const result = await runCaptured(['git', ...args], { cwd: options.cwd, env: gitEnv(options.env), timeoutMs: 120_000 });
  if (result.spawnError) throw new GitEvidenceError(`git could not start in ${options.cwd}: ${result.spawnError.message}`);
  if (result.timedOut) throw new GitEvidenceError(`git ${args.join(' ')} did not finish within 120 s`);
  return { ok: result.exitCode === 0, stdout: result.stdout.trim(), stderr: result.stderr.trim() };
}

async function gitOrThrow(options: Pick<LockOptions, 'cwd' | 'env'>, args: readonly string[]): Promise<string> {
  const result = await git(options, args);
  if (!result.ok) throw new GitEvidenceError(`git ${args.join(' ')} failed in ${options.cwd}: ${result.stderr || 'no message'}`);
  return result.stdout;
}

/** The lock's current commit on the remote, or null when there is none. A remote that does not answer throws. */
async function currentHolder(options: LockOptions, ref: string): Promise<LockHolder | null> {
  const listed = await git(options, ['ls-remote', '--exit-code', options.remote, ref]);
  if (!listed.ok) {
    // --exit-code: 2 means the remote answered and has no such ref; anything else is a failure.
    if (listed.stderr === '') return null;
    throw new GitEvidenceError(`git ls-remote ${options.remote} ${ref} failed: ${listed.stderr}`);
  }
  const sha = listed.stdout.split(/\s/)[0]!;
  // The commit itself, for its date and message: fetched into a ref of our own, never a branch.
  const fetched = await git(options, ['fetch', '--no-tags', '--quiet', options.remote, `+${ref}:refs/deploy-evidence/seen-lock`]);
  if (!fetched.ok) {
    // Released between the two calls: no holder any more.
    if (/couldn't find remote ref/i.test(fetched.stderr)) return null;
    throw new GitEvidenceError(`git fetch ${options.remote} ${ref} failed: ${fetched.stderr}`);
  }
  const shown = await gitOrThrow(options, ['log', '-1', '--no-show-signature', '--format=%H%x00%cI%x00%B', 'refs/deploy-evidence/seen-lock']);
  const [seen = sha, date = '', message = ''] = shown.split('\0');
  return lockHolder(seen, date, message);
}

/** A commit of an empty tree whose message names the run: what the lock ref points at. */
async function lockCommit(options: LockOptions, now: Date): Promise<string> {
  const emptyTree = await gitOrThrow(options, ['hash-object', '-t', 'tree', '-w', '/dev/null']);
  return gitOrThrow(options, [
    '-c', 'user.name=deploy-evidence', '-c', 'user.email=deploy-evidence@localhost',
    'commit-tree', emptyTree, '-m', lockMessage(options.environment, options.run, now),
  ]);
}

/** Pushes `sha` to the lock ref, only while the remote's ref is `expected` (empty: absent). */
async function pushLease(options: LockOptions, ref: string, sha: string, expected: string): Promise<{ ok: boolean; stderr: string }> {
  return git(options, ['push', '--quiet', '--no-verify', `--force-with-lease=${ref}:${expected}`, options.remote, `${sha}:${ref}`]);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Takes the environment's lock: waits while another run holds it (saying who, once per holder),
 * breaks it when it is older than `staleAfterMs`, gives up after `waitMs`.
 */
export async function takeLock(options: LockOptions): Promise<LockResult> {
  const now = options.now ?? (() => new Date());
  const ref = lockRef(options.environment);
  const sha = await lockCommit(options, now());
  const deadline = now().getTime() + options.waitMs;
  let announced: string | null = null;
  let refusedWithoutHolder = 0;
  for (;;) {
    const created = await pushLease(options, ref, sha, '');
    if (created.ok) return { acquired: true, sha, broke: null };
    const holder = await currentHolder(options, ref);
    if (holder === null) {
      // Released meanwhile: try again at once. Refused twice with no lock there: the push itself
      // fails (no write access, a protected ref), which waiting will not change.
      if (++refusedWithoutHolder >= 2) throw new GitEvidenceError(`git push ${options.remote} ${ref} failed with no lock there: ${created.stderr || 'no message'}`);
      continue;
    }
    refusedWithoutHolder = 0;
    if (lockIsStale(holder, now(), options.staleAfterMs)) {
      if ((await pushLease(options, ref, sha, holder.sha)).ok) {
        const why = Date.parse(holder.since) > now().getTime()
          ? 'dated ahead of this clock by more than any clock skew, so not taken by `ci lock` (a lock made by hand would never grow old)'
          : `older than ${Math.round(options.staleAfterMs / 1000)} s, its run is taken to have died without releasing it`;
        options.log(`warning: broke the ${options.environment} lock held by ${describeHolder(holder, now())}: ${why}`);
        return { acquired: true, sha, broke: holder };
      }
      continue; // someone else moved it first: look again
    }
    if (now().getTime() >= deadline) return { acquired: false, holder };
    if (announced !== holder.sha) {
      options.log(`waiting for the ${options.environment} lock, held by ${describeHolder(holder, now())}`);
      announced = holder.sha;
    }
    await sleep(Math.min(options.pollMs, Math.max(0, deadline - now().getTime())));
  }
}

export type UnlockResult = { released: true } | { released: false; holder: LockHolder | null };

/** Releases the lock `sha` took: deletes the ref only while it still points there. */
export async function releaseLock(options: Pick<LockOptions, 'cwd' | 'remote' | 'environment' | 'env'>, sha: string): Promise<UnlockResult> {
  const ref = lockRef(options.environment);
  const deleted = await git(options, ['push', '--quiet', '--no-verify', `--force-with-lease=${ref}:${sha}`, options.remote, `:${ref}`]);
  if (deleted.ok) return { released: true };
  const holder = await currentHolder({ ...options, run: '', waitMs: 0, pollMs: 0, staleAfterMs: 0, log: () => {} }, ref);
  return { released: false, holder };
}

/** Who this machine is when no CI run names it. */
export const localIdentity = () => `${hostname()} process ${process.pid}`;
