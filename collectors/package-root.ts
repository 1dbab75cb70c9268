/**
 * Files the package ships beside its code: the Astro project, the example application, the sample
 * keys, package.json. The CLI runs from TypeScript in this checkout (tests) and from the compiled
 * lib/ once installed, so paths are found from the package root, never relative to a module.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'deploy-evidence') return dir;
    if (dirname(dir) === dir) throw new Error(`deploy-evidence: cannot find the package root above ${from}`);
  }
}

export const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

/** A file or folder of the package, by its path in the source tree (`examples/seedtest-api/sql`). */
export function packagePath(...segments: string[]): string {
  return join(PACKAGE_ROOT, ...segments);
}
