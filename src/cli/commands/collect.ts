/** `deploy-evidence collect`: run a checklist against a database and write its evidence. */
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import type { Deployment } from '../../format/index.ts';
import { builtInChecklists, loadChecklist } from '../../../collectors/checklists/load-checklist.ts';
import { configOption, resolveSettings } from '../settings.ts';
import { checkCollectOptions, collect, osUser, type CollectOptions } from '../../../collectors/collect.ts';
import { environmentNamesDatabase, resolveConnection, unencodedUrlCharacters, type ConnectionTarget } from '../../../collectors/db/connection.ts';
import { credentialWarnings } from '../../core/checklists/credential-literals.ts';
import { EXIT, UsageError } from '../exit-codes.ts';
import { jsonSummary, log, progressReporter, summary, type Streams } from '../output.ts';

const collectExamples = `
Examples:
  $ deploy-evidence collect --checklist checklists/my-view.json --env staging --pr 42 \\
      --database-url postgres://collector:secret@host/db
  $ deploy-evidence collect --checklist checklists/my-view.json --env staging --allow-mutating   # run the migration step too
  $ DATABASE_URL=postgres://… deploy-evidence collect --checklist attempt-view-lock --env production --pr 73 --attest ci-green --json
      # the example's checklist: its attestation ids (ci-green…) and parameters are its own`;

function collectList(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function parseParams(pairs: readonly string[]): Record<string, string> {
  const params: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--param takes name=value, got "${pair}"`);
    params[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return params;
}

function parsePrNumber(value: string | undefined): number | null {
  if (value === undefined) return null;
  const n = Number(value.replace(/^#/, ''));
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--pr takes a pull request number, got "${value}"`);
  return n;
}

/** The code 0 or 1 a decision maps to (the demo is not a gate: it always exits 0). */
function exitCodeForDecision(decision: Deployment['decision']['status']): number {
  return decision === 'APPROVED' || decision === 'APPROVED WITH NOTES' ? EXIT.ok : EXIT.failed;
}

function addCollectOptions(command: Command): Command {
  return command
    .option('--checklist <id|file>', 'the checklist to run (required): a built-in id, or a checklist file (.json, .ts, .js)')
    .option('--pr <number>', 'pull request number')
    .option('--pr-title <title>', 'pull request title')
    .option('--pr-url <url>', 'pull request URL')
    .option('--id <deployment-id>', 'deployment id (default <yyyy-mm-dd>-<env>-pr<n>, -2, -3… for re-runs)')
    .option('--evidence-dir <dir>', 'evidence root (default: evidence)')
    .option('--app-dir <dir>', 'application directory the command checks run in')
    .option('--allow-mutating', 'let the checks marked mutating (a migration) run in this collection; without it they are skipped')
    .option('--param <name=value>', 'a parameter the checklist declares (repeatable; `checklist show` lists them)', collectList, [])
    .option('--attest <id>', 'an attestation the checklist declares, given (repeatable; `checklist show` lists them)', collectList, [])
    .option('--by <name>', 'who runs this collection and gives its attestations, recorded as collectedBy (default: the OS user); a checklist\'s sign-off policy may bar this person from signing some roles')
    .option('--baseline <deployment-id>', 'deployment to compare against (default: the newest one marked as baseline in this environment)')
    .option('--mark-baseline', 'mark this deployment as the baseline for its environment')
    .option('--notes <markdown>', 'notes for the report')
    .option('--json', 'print one JSON document instead of the summary table');
}

interface CollectFlags {
  checklist: string;
  env: string;
  allowMutating?: boolean;
  pr?: string;
  prTitle?: string;
  prUrl?: string;
  id?: string;
  evidenceDir: string;
  appDir?: string;
  /** How the opt-in to mutating checks was given, for the evidence. */
  allowMutatingVia?: string;
  param: string[];
  attest: string[];
  by?: string;
  baseline?: string;
  markBaseline?: boolean;
  notes?: string;
  json?: boolean;
  databaseUrl?: string;
}

/** Runs a collection (and, unless `print` is false, prints its result); returns the exit code. */
export async function runCollection(
  flags: CollectFlags,
  target: ConnectionTarget,
  streams: Streams,
  defaults: { appDir: string; print?: boolean; announce?: string },
): Promise<{ code: number; dir: string; deployment: Deployment }> {
  const checklist = await loadChecklist(flags.checklist);
  const warn = (message: string) => log(streams, `warning: ${message}`);
  const options: CollectOptions = {
    checklist,
    environment: flags.env,
    pr: { number: parsePrNumber(flags.pr), title: flags.prTitle ?? null, url: flags.prUrl ?? null },
    ...(flags.id !== undefined ? { deploymentId: flags.id } : {}),
    evidenceRoot: resolve(flags.evidenceDir),
    target,
    appDir: resolve(flags.appDir ?? defaults.appDir),
    params: parseParams(flags.param),
    attest: flags.attest,
    by: flags.by ?? osUser(streams.env),
    baseline: flags.baseline ?? null,
    markBaseline: flags.markBaseline ?? false,
    notes: flags.notes ?? null,
    allowMutating: flags.allowMutating ? { by: flags.by ?? osUser(streams.env), via: flags.allowMutatingVia ?? '--allow-mutating' } : null,
    progress: progressReporter(streams),
    warn,
  };
  // Every usage error (a parameter or attestation the checklist does not declare…) comes before a word about collecting.
  checkCollectOptions(options);
  for (const message of credentialWarnings(checklist)) warn(message);
  if (defaults.announce) log(streams, defaults.announce);
  const result = await collect(options);
  if (defaults.print !== false) {
    streams.stdout.write(flags.json ? jsonSummary(result.deployment, result.dir, result) : summary(result.deployment, result.snapshots, result.dir, result, streams));
  }
  return { code: exitCodeForDecision(result.deployment.decision.status), dir: result.dir, deployment: result.deployment };
}

export function collectCommand(streams: Streams, setExit: (code: number) => void): Command {
  const command = new Command('collect')
    .description('run a checklist against a database and write the evidence under evidence/<deployment-id>/')
    .requiredOption('--env <environment>', 'environment, e.g. staging or production')
    .addOption(new Option('--database-url <url>', 'postgres:// URL (default: DATABASE_URL, then the PG* variables)'));
  addCollectOptions(command).addHelpText('after', collectExamples);
  configOption(command);
  command.action(async (given: Omit<CollectFlags, 'checklist' | 'evidenceDir'> & { checklist?: string; evidenceDir?: string; config?: string }) => {
    const settings = await resolveSettings(given, streams.env);
    const { config, checklist } = settings;
    const environments = config.environments;
    if (environments && !Object.hasOwn(environments, given.env)) {
      throw new UsageError(`--env ${given.env} is not an environment in ${config.file} (it has: ${Object.keys(environments).join(', ')})`);
    }
    const environment = environments?.[given.env];
    if (!checklist) {
      // Never a default: the built-in checklist migrates with `alembic upgrade head` (issue 9).
      throw new UsageError(`--checklist is required: a built-in (${[...builtInChecklists.keys()].join(', ')}) or your checklist file (.json, .ts, .js)`);
    }
    const flags: CollectFlags = {
      ...given,
      checklist,
      evidenceDir: settings.evidenceDir,
      ...(settings.appDir ? { appDir: settings.appDir } : {}),
      ...(given.allowMutating
        ? { allowMutating: true, allowMutatingVia: '--allow-mutating' }
        : environment?.allowMutating
          ? { allowMutating: true, allowMutatingVia: `environments.${given.env}.allowMutating in ${config.file}` }
          : config.allowMutating && environment?.allowMutating !== false
            ? { allowMutating: true, allowMutatingVia: `allowMutating in ${config.file}` }
            : {}),
    };
    // The config file names the variable holding this environment's URL; --database-url still wins.
    if (!flags.databaseUrl && environment?.databaseUrlEnv) {
      const url = streams.env[environment.databaseUrlEnv];
      if (!url) throw new UsageError(`${config.file} takes ${given.env}'s database URL from $${environment.databaseUrlEnv}, which is not set`);
      flags.databaseUrl = url;
    }
    if (!flags.databaseUrl && !environmentNamesDatabase(streams.env)) {
      throw new UsageError(
        'no database given: pass --database-url, set DATABASE_URL or the PG* variables (PGHOST, PGDATABASE…), or run `deploy-evidence demo` for the embedded database',
      );
    }
    const target = resolveConnection({ databaseUrl: flags.databaseUrl, env: streams.env });
    const unencoded = unencodedUrlCharacters(flags.databaseUrl ?? streams.env.DATABASE_URL);
    if (unencoded) log(streams, `warning: ${unencoded}`);
    const announce = `collecting ${flags.checklist}${flags.allowMutating ? ' (mutating steps allowed)' : ''} against ${target.host}${target.port ? `:${target.port}` : ''}/${target.database}`;
    const { code } = await runCollection(flags, target, streams, { appDir: '.', announce });
    setExit(code);
  });
  return command;
}
