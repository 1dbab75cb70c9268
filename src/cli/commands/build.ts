/**
 * `deploy-evidence build`: the audit site from an evidence folder, as static files. The build
 * verifies as it reads: tampered evidence is rendered under an INTEGRITY FAILED banner, and with
 * `--strict` fails the build instead (exit 1), as do entries under the evidence root that are not evidence.
 */
import { resolve } from 'node:path';
import { Command } from 'commander';
import { buildSite, SiteBuildError } from '../astro-site.ts';
import { EXIT, UsageError } from '../errors.ts';
import { checkSiteUrl } from '../site-url.ts';
import { log, type Streams } from '../output.ts';

export const buildExamples = `
Examples:
  $ deploy-evidence build                                   # evidence/ → dist/
  $ deploy-evidence build --evidence-dir evidence --out-dir public/evidence-site --strict   # in CI: fail on anything that does not verify`;

export function buildCommand(streams: Streams, setExit: (code: number) => void): Command {
  return new Command('build')
    .description('build the static audit site from the evidence (no database is read)')
    .option('--evidence-dir <dir>', 'evidence root', 'evidence')
    .option('--out-dir <dir>', 'where the site is written (replaced)', 'dist')
    .option('--strict', 'fail instead of warning: evidence that does not match its manifest, a broken chain, entries that are not evidence')
    .option('--site <url>', 'the URL the site is published at (https://org.github.io): permanent links become absolute')
    .option('--base <path>', 'the path it is served under (/repo/): every page, asset and link works there', '/')
    .addHelpText('after', buildExamples)
    .action(async (flags: { evidenceDir: string; outDir: string; strict?: boolean; site?: string; base: string }) => {
      checkSiteUrl(flags.site);
      if (!/^\/([A-Za-z0-9._~-]+\/)*$/.test(flags.base.endsWith('/') ? flags.base : `${flags.base}/`)) throw new UsageError(`--base takes a path like /repo/, got "${flags.base}"`);
      const outDir = resolve(flags.outDir);
      try {
        const base = flags.base.endsWith('/') ? flags.base : `${flags.base}/`;
        const { ms } = await buildSite(resolve(flags.evidenceDir), outDir, { strict: flags.strict, site: flags.site, base });
        log(streams, `site built in ${(ms / 1000).toFixed(1)} s: ${outDir}`);
        setExit(EXIT.ok);
      } catch (error) {
        if (!(error instanceof SiteBuildError)) throw error;
        log(streams, error.message);
        setExit(EXIT.failed);
      }
    });
}
