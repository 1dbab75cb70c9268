/**
 * `deploy-evidence population --from <date> --to <date> [--env <env>] [--format csv|json]`: every
 * deployment collected in a period, one row each — what a SOC 2 or SOX auditor samples from
 * (issue 26). The evidence root is verified first, as `verify` does, and each row says whether its
 * deployment verifies; nothing is left out for not verifying. The rows are src/core/population.ts.
 */
import { join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { PeriodError, populationCsv, populationJson, populationOf, type PopulationEntry } from '../../core/population.ts';
import { listEvidenceTree, readEvidenceBytesSync } from '../../format/evidence-tree.ts';
import { readEvidenceText } from '../../format/read-evidence.ts';
import { readSignersFile, shownPath } from '../../format/read-deployment-dir.ts';
import { signersProblems } from '../../core/signoffs/verify-signoffs.ts';
import type { Deployment } from '../../format/index.ts';
import { EXIT, UsageError } from '../exit-codes.ts';
import { evidenceOptions, resolveSettings, siteOptions } from '../settings.ts';
import { log, type Streams } from '../output.ts';
import { gitOptions, verifyEvidenceRoot, type GitFlags } from '../verify-evidence-root.ts';

const populationExamples = `
Examples:
  $ deploy-evidence population --from 2026-10-01 --to 2026-12-31 > q4-population.csv
  $ deploy-evidence population --from 2026-11-01 --to 2026-11-30 --env production --site https://org.github.io --base /repo/
  $ deploy-evidence population --from 2026-01-01 --to 2026-12-31 --format json | jq '.deployments[] | select(.integrity != "verified")'
  $ deploy-evidence population --from 2026-10-01 --to 2026-12-31 --signers my-trusted-signers.json   # sign-offs judged against the auditor's own list

The period is whole days in UTC, both included; a deployment belongs to the day its collection
started (startedAt).`;

/** deployment.json as recorded, or null when it does not read (its integrity says why). */
function readDeployment(root: string, id: string, files: readonly string[]): Deployment | null {
  if (!files.includes('deployment.json')) return null;
  const file = join(root, id, 'deployment.json');
  try {
    return readEvidenceText('deployment', file, readEvidenceBytesSync(file).toString('utf8')).model;
  } catch {
    return null;
  }
}

export function populationCommand(streams: Streams, setExit: (code: number) => void): Command {
  return gitOptions(siteOptions(evidenceOptions(new Command('population'))))
    .description('list every deployment of a period — id, environment, PR, target revision, decision, who collected it, each sign-off, integrity, digest, report link — as CSV or JSON, for an auditor to sample from')
    .requiredOption('--from <date>', 'the first day of the period, YYYY-MM-DD (UTC, included)')
    .requiredOption('--to <date>', 'the last day of the period, YYYY-MM-DD (UTC, included)')
    .option('--env <environment>', 'only this environment')
    .addOption(new Option('--format <format>', 'what to print').choices(['csv', 'json']).default('csv'))
    .option('--signers <file>', "the trusted signers' public keys the sign-offs are judged against (default: <evidence-dir>/_signers.json, which arrives with the evidence)")
    .addHelpText('after', populationExamples)
    .action(async (flags: GitFlags & { from: string; to: string; env?: string; format: 'csv' | 'json'; signers?: string; site?: string; base?: string; evidenceDir?: string; config?: string }) => {
      const query = { period: { from: flags.from, to: flags.to }, environment: flags.env ?? null };
      // The dates first: a typo is a usage error before any evidence is read.
      const ask = (entries: readonly PopulationEntry[], where = {}) => {
        try {
          return populationOf(entries, query, where);
        } catch (error) {
          if (error instanceof PeriodError) throw new UsageError(error.message);
          throw error;
        }
      };
      ask([]);
      const settings = await resolveSettings(flags, streams.env);
      const root = settings.evidenceDir;
      const tree = await listEvidenceTree(root);
      // An auditor's own list, as verify takes it: the evidence's own arrives with the evidence.
      const signers = flags.signers === undefined ? undefined : await readSignersFile(resolve(flags.signers));
      if (signers === null) throw new UsageError(`no signers file at ${resolve(flags.signers!)}`);
      const verdict = await verifyEvidenceRoot(root, { git: flags, ...(signers ? { signers } : {}) });
      if (signers) for (const problem of await signersProblems(signers)) log(streams, `warning: ${shownPath(resolve(flags.signers!))}: ${problem}; the signers list is refused (every sign-off judged against it is unverified)`);
      const verdicts = new Map(verdict.report.deployments.map((d) => [d.id, d]));
      const entries: PopulationEntry[] = tree.deployments.flatMap(({ id, files }) => {
        const integrity = verdicts.get(id);
        if (!integrity) return [];
        return [{ id, deployment: readDeployment(root, id, files), integrity }];
      });
      const population = ask(entries, { site: settings.site, base: settings.base });
      for (const problem of verdict.rootProblems) log(streams, `warning: the evidence root: ${problem}`);
      for (const stray of verdict.report.strays) log(streams, `warning: ${stray}; not evidence`);
      for (const u of population.unplaced) log(streams, `warning: ${u.id}: its deployment.json does not read, so it cannot be placed in a period (${u.integrityProblems.join('; ')})`);
      streams.stdout.write(flags.format === 'json' ? populationJson(query, population) : populationCsv(population.rows));
      const failed = population.rows.filter((r) => r.integrity === 'failed').length;
      log(streams, `${population.rows.length} deployment${population.rows.length === 1 ? '' : 's'} from ${flags.from} to ${flags.to} (UTC, by start)${flags.env ? ` in ${flags.env}` : ''}${failed > 0 ? `; ${failed} do${failed === 1 ? 'es' : ''} not verify` : ''}`);
      setExit(EXIT.ok);
    });
}
