/**
 * Building and serving the audit site from the CLI (the demo): Astro's own `build` and
 * `preview`, run as child processes in the project that holds astro.config.mjs.
 */
import { createServer } from 'node:net';
import { cp, mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';

const PROJECT = fileURLToPath(new URL('../../', import.meta.url));
const ASTRO = fileURLToPath(new URL('../../node_modules/astro/astro.js', import.meta.url));
const STAGING = join(PROJECT, '.site-build');

export class SiteBuildError extends Error {
  constructor(readonly output: string) {
    super(`the site build failed:\n${output}`);
  }
}

/**
 * Builds `outDir` from `evidenceDir`. The build itself runs in a staging directory inside the
 * project: Astro stages a build whose outDir lies outside the working directory in
 * `<cwd>/.astro/` and copies all of that into outDir, and its server chunks must reach
 * node_modules. The finished site is then moved into place.
 */
export async function buildSite(evidenceDir: string, outDir: string, options: { cacheDir?: string; strict?: boolean } = {}): Promise<{ ms: number; output: string }> {
  const started = performance.now();
  await mkdir(STAGING, { recursive: true });
  const staging = await mkdtemp(join(STAGING, 'site-'));
  try {
    const result = await execa(process.execPath, [ASTRO, 'build', '--outDir', staging], {
      cwd: PROJECT,
      env: {
        DEPLOY_EVIDENCE_DIR: resolve(evidenceDir),
        ASTRO_TELEMETRY_DISABLED: '1',
        ...(options.cacheDir ? { DEPLOY_EVIDENCE_CACHE_DIR: resolve(options.cacheDir) } : {}),
        // Anything under the evidence root the format does not know fails the build instead of a warning.
        DEPLOY_EVIDENCE_STRICT: options.strict ? '1' : '0',
      },
      reject: false,
      all: true,
      timeout: 30 * 60_000,
    });
    const output = String(result.all ?? '').trim();
    if (result.exitCode !== 0) throw new SiteBuildError(output);
    await rm(outDir, { recursive: true, force: true });
    await mkdir(dirname(resolve(outDir)), { recursive: true });
    await rename(staging, outDir).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EXDEV') throw error;
      await cp(staging, outDir, { recursive: true });
    });
    return { ms: performance.now() - started, output };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 4321));
    });
  });
}

/** Serves a built site on 127.0.0.1 with `astro preview`, until the returned process ends. */
export function previewSite(outDir: string, port: number): ResultPromise {
  return execa(process.execPath, [ASTRO, 'preview', '--host', '127.0.0.1', '--port', String(port), '--outDir', outDir], {
    cwd: PROJECT,
    env: { ASTRO_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'ignore', 'inherit'],
    reject: false,
  });
}
