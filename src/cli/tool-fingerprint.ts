/**
 * The tool's own part in every page it renders (issue 29): a hash of the Astro project (every file
 * under src/, the config, package.json and its lock file when there is one) and of the installed
 * version of each dependency. A page kept from a previous build must have been rendered by the same
 * code: a new version of the tool, a changed component or an upgraded Astro renders everything again.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';

export async function toolFingerprint(project: string): Promise<string> {
  const hash = createHash('sha256');
  const files = (await readdir(join(project, 'src'), { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => relative(project, join(e.parentPath, e.name)))
    .sort();
  for (const file of [...files, 'astro.config.mjs', 'package.json', 'package-lock.json']) {
    const bytes = await readFile(join(project, file)).catch((error: NodeJS.ErrnoException) => {
      // An installed package has no lock file: the dependencies' versions below say what it runs.
      if (error.code === 'ENOENT' && file === 'package-lock.json') return null;
      throw error;
    });
    if (bytes === null) continue;
    hash.update(`${file}\0${bytes.length}\0`).update(bytes);
  }
  const manifest = JSON.parse(await readFile(join(project, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  const require = createRequire(join(project, 'package.json'));
  for (const name of Object.keys(manifest.dependencies ?? {}).sort()) {
    let version = 'not installed';
    try {
      version = (JSON.parse(await readFile(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;
    } catch {
      // A package that does not export its package.json: its name and range only (the lock file, when there is one, has the rest).
      version = `unresolved ${manifest.dependencies![name]}`;
    }
    hash.update(`${name}@${version}\0`);
  }
  hash.update(`node ${process.versions.node}\0`);
  return hash.digest('hex');
}
