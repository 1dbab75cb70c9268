/**
 * `deploy-evidence export <id> --format markdown|cr|junit [--check <id>]`: a deployment's evidence as
 * text for where it is pasted or shown — a PR comment, a change request, a CI test view — with
 * permanent links, absolute when the site's URL is given (`--site`, `--base`). The deployment is
 * verified first, as `verify` does (issue 24): evidence that does not verify is refused (exit 1),
 * or with `--allow-unverified` printed with INTEGRITY FAILED where its decision would be. A change
 * request is not drafted from a BLOCKED deployment (exit 1) unless `--force`, and then says so first.
 */
import { Command, Option } from 'commander';
import { changeRequest, changeRequestRefusal } from '../../core/export/change-request.ts';
import { junitReport } from '../../core/export/junit.ts';
import { markdownCheck, markdownReport, type ExportInput } from '../../core/export/markdown.ts';
import { readDeploymentDir } from '../../format/read-deployment-dir.ts';
import { readChainLinks } from '../../format/read-chain-links.ts';
import type { Deployment } from '../../format/index.ts';
import { compareWithStaging, stagingDeploymentFor, stagingEnvironmentOf, type StagingMatch } from '../../core/compare/staging-match.ts';
import { targetRevisionOf } from '../../core/target-revision.ts';
import { validateDeploymentId } from '../../../collectors/evidence/deployment-id.ts';
import { EXIT, UsageError } from '../exit-codes.ts';
import { evidenceOptions, resolveSettings, siteOptions, type SettingFlags } from '../settings.ts';
import { log, type Streams } from '../output.ts';
import { gitOptions, unverified, verifyEvidenceRoot, type GitFlags } from '../verify-evidence-root.ts';

const exportExamples = `
Examples:
  $ deploy-evidence export 2026-11-24-staging-pr73 --site https://org.github.io --base /repo/ | gh pr comment 73 --body-file -
  $ deploy-evidence export 2026-11-24-staging-pr73 --check perf-baseline          # one check, for a change request comment
  $ deploy-evidence export 2026-11-24-staging-pr73 --format cr > production-cr.md            # the production change request, drafted
  $ deploy-evidence export 2026-11-24-staging-pr73 --format junit > evidence-junit.xml`;

export function exportCommand(streams: Streams, setExit: (code: number) => void): Command {
  return gitOptions(siteOptions(evidenceOptions(new Command('export'))))
    .description('print a deployment as GitHub-flavoured Markdown (a PR comment; --check: one check), a draft production change request (cr) or JUnit XML (a CI test view)')
    .argument('<id>', 'the deployment')
    .addOption(new Option('--format <format>', 'what to print').choices(['markdown', 'cr', 'junit']).default('markdown'))
    .option('--check <check-id>', 'only this check, as an excerpt with its permalink and sha256 (markdown)')
    .option('--allow-unverified', 'print evidence that does not verify anyway, with INTEGRITY FAILED where its decision would be (exit 0)')
    .option('--force', 'draft a change request (cr) from a BLOCKED deployment anyway: the draft says so at its top')
    .addHelpText('after', exportExamples)
    .action(async (id: string, flags: GitFlags & { format: 'markdown' | 'cr' | 'junit'; check?: string; allowUnverified?: boolean; force?: boolean; site?: string; base?: string; evidenceDir?: string; config?: string }) => {
      if (flags.check && flags.format !== 'markdown') throw new UsageError('--check exports one check as Markdown: leave out --format junit');
      const input = await verifiedExportInput(id, flags, streams);
      if (!input) {
        setExit(EXIT.failed);
        return;
      }
      if (flags.check && !input.deployment.checks.some((c) => c.id === flags.check)) {
        throw new UsageError(`${id} has no check "${flags.check}" (it has: ${input.deployment.checks.map((c) => c.id).join(', ')})`);
      }
      const refusal = flags.format === 'cr' ? changeRequestRefusal(input.deployment, input.snapshots) : null;
      if (refusal && !flags.force) {
        log(streams, refusal);
        setExit(EXIT.failed);
        return;
      }
      if (flags.format === 'cr') input.staging = await stagingOf(input, flags, streams);
      const text = flags.format === 'junit' ? junitReport(input) : flags.format === 'cr' ? changeRequest(input, { forced: Boolean(flags.force) }) : flags.check ? markdownCheck(input, flags.check) : markdownReport(input);
      streams.stdout.write(text);
      setExit(EXIT.ok);
    });
}

/**
 * For a production deployment's change request: its schema against the staging deployment of the
 * same change (core/compare/staging-match.ts), that deployment verified first like this one.
 */
async function stagingOf(input: ExportInput, flags: GitFlags & SettingFlags, streams: Streams): Promise<StagingMatch> {
  const environment = stagingEnvironmentOf(input.deployment.environment);
  if (environment === null) return { kind: 'not-production' };
  const root = (await resolveSettings(flags, streams.env)).evidenceDir;
  const ids = (await readChainLinks(root)).filter((l) => l.environment === environment).map((l) => l.id);
  const candidates: Deployment[] = [];
  for (const id of ids) {
    const dir = await readDeploymentDir(root, id).catch(() => null);
    if (dir) candidates.push(dir.deployment);
  }
  const stagingId = stagingDeploymentFor(input.deployment, candidates);
  if (stagingId === null) return { kind: 'none', environment, revision: targetRevisionOf(input.deployment)?.revision ?? null };
  const problems = unverified(await verifyEvidenceRoot(root, { git: flags, only: [stagingId] }), stagingId);
  if (problems) return { kind: 'unverified', stagingId, problems };
  const staging = (await readDeploymentDir(root, stagingId))!;
  return { kind: 'compared', stagingId, checks: compareWithStaging(input, staging) };
}

/**
 * A deployment's evidence ready to export, verified first as `verify` does (issue 24); null, with
 * the reasons on stderr, when it does not verify and `--allow-unverified` was not given. `export`
 * and `comment` both start here, so a PR comment never shows what `export` would refuse.
 */
export async function verifiedExportInput(
  id: string,
  flags: GitFlags & SettingFlags & { allowUnverified?: boolean },
  streams: Streams,
): Promise<ExportInput | null> {
  validateDeploymentId(id);
  const settings = await resolveSettings(flags, streams.env);
  const dir = await readDeploymentDir(settings.evidenceDir, id);
  if (!dir) throw new UsageError(`no deployment "${id}" in ${settings.evidenceDir}`);
  const problems = unverified(await verifyEvidenceRoot(settings.evidenceDir, { git: flags, only: [id] }), id);
  if (problems && !flags.allowUnverified) {
    log(streams, `${id} does not verify: refusing to export evidence that is not what was collected (--allow-unverified prints it marked INTEGRITY FAILED)\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    return null;
  }
  return {
    ...(problems ? { unverified: problems } : {}),
    deployment: dir.deployment,
    snapshots: dir.snapshots,
    digest: dir.files.find((f) => f.path === 'manifest.json')?.sha256 ?? null,
    fileDigests: new Map(dir.files.map((f) => [f.path, f.sha256])),
    where: { site: settings.site, base: settings.base },
  };
}
