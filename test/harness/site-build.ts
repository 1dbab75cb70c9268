/** Builds the site from an evidence directory into a fresh output directory, as `npm run build` does. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

export const PROJECT = fileURLToPath(new URL('../../', import.meta.url));
const ASTRO = join(PROJECT, 'node_modules', 'astro', 'astro.js');

export interface SiteBuild {
  exitCode: number;
  output: string;
  outDir: string;
  ms: number;
}

export async function buildSite(evidence: string): Promise<SiteBuild> {
  const outDir = await mkdtemp(join(tmpdir(), 'site-'));
  // Not inside outDir: the build empties outDir first.
  const cacheDir = await mkdtemp(join(tmpdir(), 'site-cache-'));
  const started = performance.now();
  const result = await execa(process.execPath, [ASTRO, 'build', '--outDir', outDir], {
    cwd: PROJECT,
    env: { DEPLOY_EVIDENCE_DIR: evidence, DEPLOY_EVIDENCE_CACHE_DIR: cacheDir, ASTRO_TELEMETRY_DISABLED: '1' },
    reject: false,
    all: true,
    timeout: 300_000,
  });
  return { exitCode: result.exitCode ?? -1, output: String(result.all), outDir, ms: performance.now() - started };
}
