/**
 * `deploy-evidence ci lock|unlock --env <env>`: the per-environment lock a CI job holds from before
 * it collects until it has pushed the evidence (issue 27), so that collections of one environment
 * run one at a time, queued, none cancelled, each starting from the evidence the previous one
 * pushed. The action (action.yml) and the GitLab template (templates/gitlab/) call these; the rules
 * are in src/core/ci-lock.ts, the git side in src/cli/ci-lock-git.ts.
 */
import { Command } from 'commander';
import { localIdentity, releaseLock, takeLock } from '../ci-lock-git.ts';
import { describeHolder, lockRef, runIdentity } from '../../core/ci-lock.ts';
import { EXIT, UsageError } from '../exit-codes.ts';
import { log, type Streams } from '../output.ts';

const ciExamples = `
Examples:
  $ lock=$(deploy-evidence ci lock --env staging)      # waits its turn; prints the lock's commit
  $ deploy-evidence collect --env staging … && git push origin HEAD:deploy-evidence
  $ deploy-evidence ci unlock --env staging --lock "$lock"   # in a step that always runs`;

/** The environment, checked before any git runs: it becomes part of a ref name. */
function environmentOf(name: string): string {
  try {
    lockRef(name);
  } catch (error) {
    throw new UsageError(`--env: ${(error as Error).message}`);
  }
  return name;
}

function seconds(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`${name} takes a number of seconds, got "${value}"`);
  return n * 1000;
}

export function ciCommand(streams: Streams, setExit: (code: number) => void): Command {
  const command = new Command('ci').description('for CI jobs: the per-environment lock around a collection (lock, unlock)');
  const subcommand = (name: string, description: string) =>
    command
      .command(name)
      .description(description)
      .requiredOption('--env <environment>', 'the environment whose collections are serialized')
      .option('--remote <name|url>', 'the remote that holds the lock (the one the evidence branch is pushed to)', 'origin')
      .addHelpText('after', ciExamples)
      .exitOverride()
      .configureOutput({ writeOut: (s) => streams.stdout.write(s), writeErr: (s) => streams.stderr.write(s) });

  subcommand('lock', 'take the environment\'s lock on the remote (refs/heads/deploy-evidence-lock/<env>), waiting while another run holds it; prints the lock\'s commit')
    .option('--run <text>', 'who holds it, recorded in the lock (default: the CI run\'s address, from GITHUB_* or CI_JOB_URL)')
    .option('--wait <seconds>', 'give up (exit 1) after waiting this long', '1800')
    .option('--poll <seconds>', 'between two attempts', '10')
    .option('--stale-after <seconds>', 'a lock held longer than this is broken (with a warning): its run died without releasing it', '3600')
    .action(async (flags: { env: string; remote: string; run?: string; wait: string; poll: string; staleAfter: string }) => {
      const result = await takeLock({
        cwd: process.cwd(),
        remote: flags.remote,
        environment: environmentOf(flags.env),
        run: flags.run ?? runIdentity(streams.env, localIdentity()),
        waitMs: seconds('--wait', flags.wait),
        pollMs: seconds('--poll', flags.poll),
        staleAfterMs: seconds('--stale-after', flags.staleAfter),
        env: streams.env,
        log: (message) => log(streams, message),
      });
      if (!result.acquired) {
        log(streams, `deploy-evidence: the ${flags.env} lock was not free within ${flags.wait} s${result.holder ? `: held by ${describeHolder(result.holder, new Date())}` : ''}`);
        setExit(EXIT.failed);
        return;
      }
      log(streams, `took the ${flags.env} lock (${result.sha.slice(0, 12)})`);
      streams.stdout.write(`${result.sha}\n`);
    });

  subcommand('unlock', 'release the lock `ci lock` took: deletes the ref only while it still points at that commit')
    .requiredOption('--lock <commit>', 'the commit `ci lock` printed')
    .action(async (flags: { env: string; remote: string; lock: string }) => {
      if (!/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(flags.lock)) throw new UsageError(`--lock takes the commit \`ci lock\` printed (a full hash), got "${flags.lock}"`);
      const result = await releaseLock({ cwd: process.cwd(), remote: flags.remote, environment: environmentOf(flags.env), env: streams.env }, flags.lock);
      if (result.released) {
        log(streams, `released the ${flags.env} lock (${flags.lock.slice(0, 12)})`);
        return;
      }
      // Not ours any more: broken as stale while this run held it, so another run may have collected meanwhile.
      log(streams, `deploy-evidence: the ${flags.env} lock is no longer ${flags.lock.slice(0, 12)}: ${result.holder ? `now held by ${describeHolder(result.holder, new Date())}` : 'it was deleted'}; this run held it past --stale-after, check the evidence branch's chain (verify --all)`);
      setExit(EXIT.failed);
    });
  return command;
}
