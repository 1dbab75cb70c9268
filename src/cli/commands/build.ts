/**
 * `deploy-evidence build`: the audit site from an evidence folder, as static files. The build
 * verifies as it reads: tampered evidence is rendered under an INTEGRITY FAILED banner, and with
 * `--strict` fails the build instead (exit 1), as do entries under the evidence root that are not evidence.
 * It refuses a missing evidence folder (exit 2) and one without deployments (exit 1) unless
 * `--allow-empty`: a typo in CI would otherwise publish an empty site over the real one.
 * `--signers <file>`: the sign-offs are judged against that list, and it is the one published for the
 * browser's check, never the evidence's own `_signers.json` (which anyone who can push the evidence
 * branch can write: docs/ci.md); a file inside the evidence folder (links followed) is refused.
 * `deploy-evidence preview`: serves a built site on 127.0.0.1, under the base path it was built for.
 */
import { copyFile, mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { Command, Option } from 'commander';
import { buildSite, previewSite, readSiteRecord, SiteBuildError } from '../astro-site.ts';
import { makeFolderFor } from '../../../collectors/evidence/evidence-write-error.ts';
import { EXIT, UsageError } from '../exit-codes.ts';
import { configOption, evidenceOptions, resolveSettings, siteOptions } from '../settings.ts';
import { holdsDeployment, isRealDirectory } from '../../format/evidence-tree.ts';
import { readSignersFile } from '../../format/read-deployment-dir.ts';
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
  $ deploy-evidence build --no-cache                        # every page from the evidence alone (what an auditor runs)
  $ deploy-evidence build --evidence-dir evidence-branch/evidence --signers deploy-evidence/signers.json   # sign-offs judged against the reviewed list, not the evidence branch's own`;

export function buildCommand(streams: Streams, setExit: (code: number) => void): Command {
  return gitOptions(siteOptions(evidenceOptions(new Command('build'))))
    .description('build the static audit site from the evidence (no database is read)')
    .option('--out-dir <dir>', 'where the site is written (replaced)', 'dist')
    .addOption(new Option('--out <dir>', 'the same as --out-dir').hideHelp())
    .option('--no-cache', 'render every page from the evidence alone, keeping nothing of the site already in --out-dir (the result is the same bytes)')
    .option('--cache-dir <dir>', "where the build records the pages it wrote, for the next build to keep those whose inputs have not changed (never published; git-ignored)", '.deploy-evidence-cache')
    .option('--signers <file>', "the trusted signers' public keys the sign-offs are judged against, published as /evidence/_signers.json for the browser's check (default: <evidence-dir>/_signers.json, which arrives with the evidence: keep a reviewed list apart from it, e.g. on the default branch)")
    .option('--strict', 'fail instead of warning: evidence that does not verify (files, verdicts, chain, sign-offs, git history), entries that are not evidence')
    .option('--allow-empty', 'build even when the evidence folder is missing or holds no deployment (a site that says so)')
    .addHelpText('after', buildExamples)
    .action(async (flags: GitFlags & { evidenceDir?: string; config?: string; outDir: string; out?: string; strict?: boolean; allowEmpty?: boolean; site?: string; base?: string; cache: boolean; cacheDir: string; signers?: string }) => {
      const settings = await resolveSettings(flags, streams.env);
      const outDir = resolve(flags.out ?? flags.outDir);
      // Read before anything is built or written, as verify reads it: a malformed list fails naming the file and the field (exit 2).
      const signers = flags.signers === undefined ? undefined : resolve(flags.signers);
      if (signers !== undefined && (await insideFolder(signers, settings.evidenceDir))) {
        throw new UsageError(`the signers list ${signers} is inside the evidence folder ${settings.evidenceDir}: it arrives with the evidence, and the site would say the sign-offs were judged against a list given to the build instead of the evidence's own — name a reviewed list kept apart from the evidence (or leave out --signers to judge against <evidence-dir>/_signers.json)`);
      }
      if (signers !== undefined && !(await readSignersFile(signers))) throw new UsageError(`no signers file at ${signers}: name the trusted signers' list with --signers (or leave it out to judge against <evidence-dir>/_signers.json)`);
      if (!flags.allowEmpty) {
        if (!(await isRealDirectory(settings.evidenceDir))) throw new UsageError(`no evidence folder at ${settings.evidenceDir}: name it with --evidence-dir (or evidenceDir in the config file), or pass --allow-empty to build a site without deployments`);
        if (!(await holdsDeployment(settings.evidenceDir))) {
          log(streams, `no deployments in ${settings.evidenceDir}: nothing to build a site from (collect one first, or pass --allow-empty to build a site that says so)`);
          setExit(EXIT.failed);
          return;
        }
      }
      // Before the build: a file in the way of the output's folder fails now, naming it (exit 4).
      await makeFolderFor(outDir, 'the site');
      const handover = await mkdtemp(join(tmpdir(), 'deploy-evidence-git-'));
      try {
        const gitFindings = await gitFindingsFor(settings.evidenceDir, flags, join(handover, 'git-findings.json'));
        for (const note of gitFindings.notes) log(streams, note);
        // The site reads the list twice (to judge, to publish): one private copy, so a list changed meanwhile cannot be judged in one version and published in another.
        const signersCopy = signers === undefined ? undefined : await privateCopy(signers, join(handover, 'signers'));
        const { ms, warnings, kept } = await buildSite(settings.evidenceDir, outDir, { reuse: flags.cache, pagesCache: resolve(flags.cacheDir), strict: flags.strict, site: settings.site, base: settings.base, gitFindings: gitFindings.file, signers: signersCopy });
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
 * Whether `file` is inside `folder` once both are resolved (symbolic links followed, in the file's
 * own name or any folder above it). A path that does not resolve (missing) is inside nothing.
 */
async function insideFolder(file: string, folder: string): Promise<boolean> {
  const [realFile, realFolder] = await Promise.all([realpath(file).catch(() => null), realpath(folder).catch(() => null)]);
  if (realFile === null || realFolder === null) return false;
  const path = relative(realFolder, realFile);
  return path !== '' && !path.startsWith(`..${sep}`) && path !== '..' && !isAbsolute(path);
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
    .option('--base <path>', 'the base path, for a site that does not record the one it was built with (default: $DEPLOY_EVIDENCE_BASE, base in the config file, or /)')
    .action(async (flags: { outDir: string; port?: string; base?: string; config?: string }) => {
      const settings = await resolveSettings(flags, streams.env);
      const port = flags.port === undefined ? await freePort() : Number(flags.port);
      if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new UsageError(`--port takes a port number, got "${flags.port}"`);
      const outDir = resolve(flags.outDir);
      if (!(await isRealDirectory(outDir))) throw new UsageError(`no built site at ${outDir}: run deploy-evidence build first, or name the site's folder with --out-dir`);
      // The base the site was built for (its pages, styles and links all live under it), whatever
      // the environment or config file say now; --base given otherwise would serve a broken site.
      const recorded = await readSiteRecord(outDir);
      if (recorded && flags.base !== undefined && recorded.base !== settings.base) {
        throw new UsageError(`${outDir} was built for the base path ${recorded.base}, not ${settings.base}: leave out --base, or build again with --base ${settings.base}`);
      }
      const base = recorded?.base ?? settings.base;
      const preview = previewSite(outDir, port, base);
      log(streams, `serving ${outDir}: http://127.0.0.1:${port}${base}  (Ctrl-C to stop)`);
      const result = await preview.done;
      setExit(result.exitCode === 0 || result.signal ? EXIT.ok : EXIT.failed);
    });
}

/** A copy of `file` in `dir`, under the same name (the site names the list by it). */
async function privateCopy(file: string, dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const copy = join(dir, basename(file));
  await copyFile(file, copy);
  return copy;
}
