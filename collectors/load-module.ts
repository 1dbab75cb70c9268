/**
 * Imports a team's own module — a `.ts` checklist or `deploy-evidence.config.ts` — without a
 * TypeScript loader in the running CLI: esbuild bundles the file's own relative imports into one
 * ES module (packages stay imports), written beside the file so that its imports resolve from
 * where it lives, imported, and removed. Plain `.js`/`.mjs` files are imported as they are.
 */
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const TYPESCRIPT = new Set(['.ts', '.mts', '.cts']);

export async function importModuleFile(file: string): Promise<{ default?: unknown }> {
  if (!TYPESCRIPT.has(extname(file))) return (await import(pathToFileURL(file).href)) as { default?: unknown };
  const { build } = await import('esbuild');
  const result = await build({ entryPoints: [file], bundle: true, packages: 'external', platform: 'node', format: 'esm', target: 'node20', write: false, logLevel: 'silent' });
  const compiled = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.mjs`);
  await writeFile(compiled, result.outputFiles[0]!.contents, { flag: 'wx' });
  try {
    return (await import(pathToFileURL(compiled).href)) as { default?: unknown };
  } finally {
    await rm(compiled, { force: true });
  }
}
