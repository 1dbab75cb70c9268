/**
 * `deploy-evidence build`: the audit site from an evidence folder, as static files. The build
 * verifies as it reads: tampered evidence is rendered under an INTEGRITY FAILED banner, and with
 * `--strict` fails the build instead (exit 1), as do entries under the evidence root that are not evidence.
 * `deploy-evidence preview`: serves a built site on 127.0.0.1, under its base path.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { buildSite, previewSite, SiteBuildError } from '../astro-site.ts';
import { EXIT, UsageError } from '../exit-codes.ts';
import { configOption, evidenceOptions, resolveSettings, siteOptions } from '../settings.ts';
import { isRealDirectory } from '../../format/evidence-tree.ts';
import { log, type Streams } from '../output.ts';
import { freePort } from '../../../collectors/process/free-port.ts';
import type { GitFindings } from '../../format/git-findings-schema.ts';
import { readGitAnchor } from '../git-evidence-history.ts';
import { gitNotes, gitOptions, shallowProblem, type GitFlags } from '../verify-evidence-root.ts';

const buildExamples = `
Examples:
  $ deploy-evidence build                                   # evidence/ → dist/
  $ deploy-evidence build --site https://org.github.io --base /repo/   # published at https://org.github.io/repo/
  $ deploy-evidence build --evidence-dir evidence --out-dir public/evidence-site --strict   # in CI: fail on anything that does not verify
  $ deploy-evidence build --no-cache                        # every page from the evidence alone (what an auditor runs)`;

export function buildCommand(streams: Streams, setExit: (code: number) => void): Command {
  return gitOptions(siteOptions(evidenceOptions(new Command('build'))))
    .description('build the static audit site from the evidence (no database is read)')
    .option('--out-dir <dir>', 'where the site is written (replaced)', 'dist')
    .addOption(new Option('--out <dir>', 'the same as --out-dir').hideHelp())
    .option('--no-cache', 'render every page from the evidence alone, keeping nothing of the site already in --out-dir (the result is the same bytes)')
    .option('--strict', 'fail instead of warning: evidence that does not verify (files, verdicts, chain, sign-offs, git history), entries that are not evidence')
    .addHelpText('after', buildExamples)
    .action(async (flags: GitFlags & { evidenceDir?: string; config?: string; outDir: string; out?: string; strict?: boolean; site?: string; base?: string; cache: boolean }) => {
      const settings = await resolveSettings(flags, streams.env);
      const outDir = resolve(flags.out ?? flags.outDir);
      const handover = await mkdtemp(join(tmpdir(), 'deploy-evidence-git-'));
      try {
        const gitFindings = await gitFindingsFor(settings.evidenceDir, flags, join(handover, 'git-findings.json'));
        for (const note of gitFindings.notes) log(streams, note);
        const { ms, warnings, kept } = await buildSite(settings.evidenceDir, outDir, { reuse: flags.cache, strict: flags.strict, site: settings.site, base: settings.base, gitFindings: gitFindings.file });
        for (const warning of warnings) log(streams, `warning: ${warning}`);
        const counted = warnings.length === 0 ? '' : `: ${warnings.length} warning${warnings.length === 1 ? '' : 's'}`;
        const reused = kept && kept.kept > 0 ? `; ${kept.kept} of ${kept.of} deployments' pages kept from the previous output` : '';
        log(streams, `site built in ${(ms / 1000).toFixed(1)} s: ${outDir}${settings.site ? ` (to publish at ${new URL(settings.base, settings.site).href})` : ''}${counted}${reused}`);
        setExit(EXIT.ok);
      } catch (error) {
        if (!(error instanceof SiteBuildError)) throw error;
        log(streams, error.message);
        setExit(EXIT.failed);
      } finally {
        await rm(handover, { recursive: true, force: true });
      }
    });
}

/**
 * The evidence's git history, checked here (the site never starts a process) and handed to the
 * site build as a file: its problems mark the deployments they are about, and fail `--strict`.
 */
async function gitFindingsFor(evidenceDir: string, flags: GitFlags, file: string): Promise<{ file: string | undefined; notes: string[] }> {
  // No evidence folder: nothing to check (the build says what it found).
  if (!(await isRealDirectory(evidenceDir))) return { file: undefined, notes: [] };
  const git = flags.git === false ? null : await readGitAnchor(evidenceDir, flags.gitSince === undefined ? {} : { since: flags.gitSince });
  const notes = gitNotes(git, flags.gitSince);
  if (!git?.ran) return { file: undefined, notes };
  const shallow = shallowProblem(git, flags);
  const findings: GitFindings = { ran: true, problems: [...(shallow ? [{ key: '(the repository)', message: shallow }] : []), ...git.problems.map(({ key, message }) => ({ key, message }))], notes };
  await writeFile(file, JSON.stringify(findings));
  return { file, notes };
}

export function previewCommand(streams: Streams, setExit: (code: number) => void): Command {
  return configOption(new Command('preview'))
    .description('serve a built site on 127.0.0.1 until stopped (Ctrl-C), under the base path it was built for')
    .option('--out-dir <dir>', 'the built site', 'dist')
    .option('--port <port>', 'the port (default: a free one)')
    .option('--base <path>', 'the base path the site was built with (default: $DEPLOY_EVIDENCE_BASE, base in the config file, or /)')
    .action(async (flags: { outDir: string; port?: string; base?: string; config?: string }) => {
      const settings = await resolveSettings(flags, streams.env);
      const port = flags.port === undefined ? await freePort() : Number(flags.port);
      if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new UsageError(`--port takes a port number, got "${flags.port}"`);
      const preview = previewSite(resolve(flags.outDir), port, settings.base);
      log(streams, `serving ${resolve(flags.outDir)}: http://127.0.0.1:${port}${settings.base}  (Ctrl-C to stop)`);
      const result = await preview.done;
      setExit(result.exitCode === 0 || result.signal ? EXIT.ok : EXIT.failed);
    });
}
