/**
 * Building and serving the audit site from the CLI (the demo): Astro's own `build` and
 * `preview`, run through the child-process kit in the project that holds astro.config.mjs.
 */
import { cp, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { runCaptured, spawnSupervised, type Supervised } from '../../collectors/process/child-process.ts';
import { PACKAGE_ROOT, packagePath } from '../../collectors/package-root.ts';
import { toolFingerprint } from './tool-fingerprint.ts';
import { keptFromOutput, PAGES_MANIFEST } from '../site/reuse-plan.ts';
import { asEvidenceWriteError } from '../../collectors/evidence/evidence-write-error.ts';
import { UsageError } from './exit-codes.ts';

// The Astro project is the package itself (astro.config.mjs, src/); once installed, astro is
// wherever npm put it, so it is resolved as a dependency of the package, not by a fixed path.
const PROJECT = PACKAGE_ROOT;
const ASTRO = join(dirname(createRequire(packagePath('package.json')).resolve('astro/package.json')), 'astro.js');
const STAGING = join(PROJECT, '.site-build');

/**
 * What a built site records about its own build, beside its pages: the base path (and site URL) it
 * was built for, so that `preview` serves it there without being told again. Not a dot-file:
 * artifact uploads (actions/upload-artifact) leave those out, and a reviewer previewing a
 * downloaded preview artifact needs it; it holds nothing the pages do not already show.
 */
const SITE_RECORD = 'deploy-evidence-site.json';

interface SiteRecord {
  base: string;
  site: string | null;
}

/** A base path as `resolveSettings` accepts it: `/`, or `/a/b/`. */
const BASE_PATH = /^\/([A-Za-z0-9._~-]+\/)*$/;

/**
 * The record of the site built in `outDir`; null when there is none (a site built before it was
 * recorded, or by `astro build`). The folder is untrusted input: a record that does not read as
 * one is refused naming the file (exit 2), never used as a base.
 */
export async function readSiteRecord(outDir: string): Promise<SiteRecord | null> {
  const file = join(outDir, SITE_RECORD);
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? null : Promise.reject(error)));
  if (text === null) return null;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    data = null;
  }
  const { base, site } = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  if (typeof base !== 'string' || !BASE_PATH.test(base) || (site !== null && typeof site !== 'string')) {
    throw new UsageError(`${file}: not a site record this tool wrote (it holds the base path the site was built for): build the site again with deploy-evidence build`);
  }
  return { base, site: site ?? null };
}

export class SiteBuildError extends Error {
  constructor(readonly output: string) {
    super(`the site build failed:\n${output}`);
  }
}

/** What Astro gets from our environment: enough to run Node, nothing secret. */
function astroEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = { ASTRO_TELEMETRY_DISABLED: '1', ...extra };
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'NODE_OPTIONS', 'LANG', 'LC_ALL', 'TZ']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/**
 * Builds `outDir` from `evidenceDir`. The build itself runs in a staging directory inside the
 * project: Astro stages a build whose outDir lies outside the working directory in
 * `<cwd>/.astro/` and copies all of that into outDir, and its server chunks must reach
 * node_modules. The finished site is then moved into place.
 */
/**
 * Builds the site into `outDir` (replaced). `warnings`: the lines the build warned about (refused
 * entries, deployments that do not verify…), each naming its path: the CLI prints them.
 * `pagesCache`: the project's cache folder (issue 29, never published), where the build records
 * every deployment's key and the digest of its pages (src/site/reuse-plan.ts). `reuse`: the site
 * already in `outDir` is the previous output, untrusted; a deployment's pages there are kept when
 * their inputs have not changed and they are, byte for byte, what the record says the last build
 * wrote (src/site/data/deployment-pages.ts). Without it (`build --no-cache`) every page is
 * rendered from the evidence alone. The result is the same bytes. `signers`: the signers list the
 * sign-offs are judged against and that is published as `/evidence/_signers.json`, instead of the
 * evidence's own (`build --signers`).
 */
export async function buildSite(evidenceDir: string, outDir: string, options: { cacheDir?: string; strict?: boolean; site?: string; base?: string; gitFindings?: string; reuse?: boolean; pagesCache?: string; signers?: string } = {}): Promise<{ ms: number; output: string; warnings: string[]; kept: { kept: number; of: number } | null }> {
  const started = performance.now();
  const tool = await toolFingerprint(PROJECT);
  await mkdir(STAGING, { recursive: true });
  const staging = await mkdtemp(join(STAGING, 'site-'));
  // The warnings come back through a file beside the staging folder, not the site.
  const warningsFile = `${staging}.warnings.json`;
  // What this build wrote, recorded beside the staging folder and moved into the cache folder once the site is in place.
  const pagesRecord = `${staging}.pages.json`;
  const recorded = options.pagesCache ? join(resolve(options.pagesCache), PAGES_MANIFEST) : null;
  try {
    const result = await runCaptured([process.execPath, ASTRO, 'build', '--outDir', staging], {
      cwd: PROJECT,
      env: astroEnv({
        DEPLOY_EVIDENCE_DIR: resolve(evidenceDir),
        ...(options.cacheDir ? { DEPLOY_EVIDENCE_CACHE_DIR: resolve(options.cacheDir) } : {}),
        // Anything under the evidence root the format does not know fails the build instead of a warning.
        DEPLOY_EVIDENCE_STRICT: options.strict ? '1' : '0',
        ...(options.site ? { DEPLOY_EVIDENCE_SITE: options.site } : {}),
        ...(options.base ? { DEPLOY_EVIDENCE_BASE: options.base } : {}),
        ...(options.gitFindings ? { DEPLOY_EVIDENCE_GIT_FINDINGS: resolve(options.gitFindings) } : {}),
        // The signers list the sign-offs are judged against, published as /evidence/_signers.json instead of the evidence's own.
        ...(options.signers ? { DEPLOY_EVIDENCE_SIGNERS: resolve(options.signers) } : {}),
        DEPLOY_EVIDENCE_WARNINGS: warningsFile,
        DEPLOY_EVIDENCE_TOOL: tool,
        ...(recorded ? { DEPLOY_EVIDENCE_PAGES_RECORD: pagesRecord } : {}),
        ...(recorded && options.reuse ? { DEPLOY_EVIDENCE_PREVIOUS_SITE: resolve(outDir), DEPLOY_EVIDENCE_PAGES_RECORDED: recorded } : {}),
      }),
      timeoutMs: 30 * 60_000,
    });
    const output = result.all.trim();
    if (result.exitCode !== 0) throw new SiteBuildError(result.spawnError ? result.spawnError.message : output);
    const record: SiteRecord = { base: options.base ?? '/', site: options.site ?? null };
    await writeFile(join(staging, SITE_RECORD), `${JSON.stringify(record, null, 2)}\n`);
    try {
      await rm(outDir, { recursive: true, force: true });
      await mkdir(dirname(resolve(outDir)), { recursive: true });
      await rename(staging, outDir).catch(async (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EXDEV') throw error;
        await cp(staging, outDir, { recursive: true });
      });
    } catch (error) {
      // A file in the way, a folder not writable: exit 4 naming the path, as any write.
      throw asEvidenceWriteError(error, outDir, 'the site');
    }
    if (recorded) await keepPagesRecord(pagesRecord, recorded);
    const warnings = JSON.parse(await readFile(warningsFile, 'utf8').catch(() => '[]')) as string[];
    return { ms: performance.now() - started, output, warnings, kept: keptFromOutput(output) };
  } finally {
    await rm(staging, { recursive: true, force: true });
    await rm(warningsFile, { force: true });
    await rm(pagesRecord, { force: true });
  }
}

/**
 * The build's record of its pages into the project's cache folder (made with a `.gitignore` that
 * leaves it all out of git: the cache is this checkout's, not the repository's). A build that
 * recorded nothing (no deployment) leaves no record: the next one renders everything.
 */
async function keepPagesRecord(from: string, to: string): Promise<void> {
  const text = await readFile(from, 'utf8').catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? null : Promise.reject(error)));
  try {
    await mkdir(dirname(to), { recursive: true });
    await writeFile(join(dirname(to), '.gitignore'), '# deploy-evidence build: what the last build wrote, for the next one (never published)\n*\n');
    if (text === null) await rm(to, { force: true });
    else await writeFile(to, text);
  } catch (error) {
    throw asEvidenceWriteError(error, to, 'the build cache');
  }
}

/** Serves a built site on 127.0.0.1 with `astro preview` until stopped; its errors go to our stderr. */
export function previewSite(outDir: string, port: number, base = '/'): Supervised {
  return spawnSupervised(
    { argv: [process.execPath, ASTRO, 'preview', '--host', '127.0.0.1', '--port', String(port), '--outDir', outDir], cwd: PROJECT, env: astroEnv({ DEPLOY_EVIDENCE_BASE: base }), timeoutMs: null, graceMs: 2_000 },
    () => {},
    (chunk) => process.stderr.write(chunk),
  );
}
