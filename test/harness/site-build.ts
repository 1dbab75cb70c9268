/** Builds the site from an evidence directory into a fresh output directory, as the demo does. */
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { buildSite as build, SiteBuildError } from '../../src/cli/astro-site.ts';

export interface SiteBuild {
  exitCode: number;
  output: string;
  outDir: string;
  ms: number;
}

export async function buildSite(evidence: string, options: { strict?: boolean; site?: string; base?: string } = {}): Promise<SiteBuild> {
  const outDir = await mkdtemp(join(tmpdir(), 'site-'));
  // Its own cache (not inside outDir, which the build empties first), so builds can run side by side.
  const cacheDir = await mkdtemp(join(tmpdir(), 'site-cache-'));
  try {
    const { ms, output } = await build(evidence, outDir, { cacheDir, ...options });
    return { exitCode: 0, output, outDir, ms };
  } catch (error) {
    if (error instanceof SiteBuildError) return { exitCode: 1, output: error.output, outDir, ms: 0 };
    throw error;
  }
}

/** Every page of a built site as its path (`/`, `/deployments/x/`…), sorted. */
export async function sitePages(outDir: string): Promise<string[]> {
  const entries = await readdir(outDir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name === 'index.html')
    .map((e) => `/${relative(outDir, join(e.parentPath, e.name)).replace(/index\.html$/, '')}`)
    .sort();
}
