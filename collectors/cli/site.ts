/**
 * Building and serving the audit site from the CLI (the demo): Astro's own `build` and
 * `preview`, run as child processes in the project that holds astro.config.mjs.
 */
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';

const PROJECT = fileURLToPath(new URL('../../', import.meta.url));
const ASTRO = fileURLToPath(new URL('../../node_modules/astro/astro.js', import.meta.url));

export class SiteBuildError extends Error {}

/** Builds `outDir` from `evidenceDir`; the build's own output is returned for the log. */
export async function buildSite(evidenceDir: string, outDir: string): Promise<{ ms: number }> {
  const started = performance.now();
  const result = await execa(process.execPath, [ASTRO, 'build', '--outDir', outDir], {
    cwd: PROJECT,
    env: { DEPLOY_EVIDENCE_DIR: evidenceDir, ASTRO_TELEMETRY_DISABLED: '1' },
    reject: false,
    all: true,
  });
  if (result.exitCode !== 0) throw new SiteBuildError(`the site build failed:\n${String(result.all).trim()}`);
  return { ms: performance.now() - started };
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
