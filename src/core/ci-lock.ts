/**
 * The per-environment lock CI takes around a collection (issue 27): which ref it is, what its
 * commit says, and when a holder may be pushed aside. Pure; the git side is src/cli/ci-lock-git.ts.
 *
 * Why a ref on the remote and not the CI system's own queue: GitHub's `concurrency` keeps one
 * pending run per group and cancels the others, so a third pull request's collection would silently
 * not happen. A ref created only when absent (a push with an empty lease) is atomic on every git
 * server, and GitLab, GitHub and a bare repository in a test all hold it the same way.
 */

/** Lock refs live beside the branches, one per environment: `refs/heads/deploy-evidence-lock/<env>`. */
export const LOCK_REF_PREFIX = 'refs/heads/deploy-evidence-lock/';

/** The environment slugs `collect` accepts are simple; a lock ref never holds anything else. */
const ENVIRONMENT = /^[a-z0-9][a-z0-9._-]{0,62}$/i;

export function lockRef(environment: string): string {
  if (!ENVIRONMENT.test(environment) || environment.includes('..') || environment.endsWith('.lock') || environment.endsWith('.')) {
    throw new Error(`"${environment}" cannot name a lock: an environment is letters, digits, '.', '_' and '-'`);
  }
  return `${LOCK_REF_PREFIX}${environment}`;
}

export interface LockHolder {
  /** The lock commit's hash. */
  sha: string;
  environment: string | null;
  /** Who holds it: a CI run's address, or host and process. Null when the commit was not made by us. */
  run: string | null;
  /** When it was taken: the lock commit's committer date, in ISO 8601. */
  since: string;
}

const SUBJECT = 'deploy-evidence lock';

/** The lock commit's message: a subject, then `environment:` and `run:` lines a later reader parses. */
export function lockMessage(environment: string, run: string, at: Date): string {
  return `${SUBJECT}\n\nenvironment: ${oneLine(environment)}\nrun: ${oneLine(run)}\ntaken: ${at.toISOString()}\n`;
}

/** What a lock commit (its hash, committer date and message) says about its holder; anything unexpected is kept as unknown. */
export function lockHolder(sha: string, committerDate: string, message: string): LockHolder {
  // Anyone who can push a branch can push a lock commit by hand: what it says is printed to the job's
  // log, so it reaches the log without the terminal's escape sequences and control characters.
  const field = (name: string) => {
    const value = new RegExp(`^${name}: (.{1,500})$`, 'm').exec(message)?.[1];
    return value === undefined ? null : oneLine(value);
  };
  const ours = message.startsWith(SUBJECT);
  return { sha, environment: ours ? field('environment') : null, run: ours ? field('run') : null, since: committerDate };
}

/** How far a lock's date may run ahead of our clock (runners' clocks differ by seconds, not this). */
export const CLOCK_SKEW_MS = 10 * 60_000;

/**
 * A lock held longer than `staleAfterMs` may be broken: its run died without releasing it (a
 * cancelled job, a lost runner). So may one dated ahead of our clock by more than any clock skew:
 * `ci lock` dates its commit by the runner's clock, so a lock from the future was made by hand —
 * by anyone who can push a branch — and would otherwise never grow old and block every collection.
 */
export function lockIsStale(holder: LockHolder, now: Date, staleAfterMs: number): boolean {
  const since = Date.parse(holder.since);
  // A date that does not parse is not evidence of age: the lock waits for a person.
  if (!Number.isFinite(since)) return false;
  return now.getTime() - since > staleAfterMs || since - now.getTime() > CLOCK_SKEW_MS;
}

/** The holder in words, for the log: its run and since when. */
export function describeHolder(holder: LockHolder, now: Date): string {
  const since = Date.parse(holder.since);
  const age = Number.isFinite(since) ? ` for ${Math.max(0, Math.round((now.getTime() - since) / 1000))} s` : '';
  return `${holder.run ?? `an unknown holder (commit ${holder.sha.slice(0, 12)})`}, held since ${holder.since}${age}`;
}

/** Who this process is, for the lock's commit: the CI run's address when there is one. */
export function runIdentity(env: NodeJS.ProcessEnv, fallback: string): string {
  if (env.GITHUB_RUN_ID && env.GITHUB_REPOSITORY) {
    const attempt = env.GITHUB_RUN_ATTEMPT ? `/attempts/${env.GITHUB_RUN_ATTEMPT}` : '';
    return `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}${attempt}`;
  }
  if (env.CI_JOB_URL) return env.CI_JOB_URL;
  return fallback;
}

function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').slice(0, 500);
}
