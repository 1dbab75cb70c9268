/**
 * A clean install on Node 20 (issue 27, point 7), as a consumer gets it: `npm pack`, then
 * `npm install <tarball>` in an empty project, with the real npm of this machine. The install
 * prints no engine warning (astro → unifont 0.7.5 → undici 8 wants Node 22.19: the package pins
 * unifont 0.7.4, which the consumer's resolver dedupes astro's `~0.7.3` to; an `overrides` entry
 * would apply only in this repository), runs no install script of ours (`prepack` builds lib/,
 * never `prepare`), ships no private key and a small type declaration, and the installed CLI runs.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const VERSION = (JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
/** All the type declarations the package ships together (today: lib/src/config.d.ts, about 2 KB; it was 2.1 MB). */
const DECLARATIONS_BOUND = 16 * 1024;
/**
 * Install scripts of the dependencies npm lists for approval (npm 11): esbuild's postinstall
 * (checks its platform binary; vite's copy and ours) and sharp's install (astro's optional image
 * service). Not ours to remove; a new one, or any of this package's own, fails the test.
 */
const THIRD_PARTY_INSTALL_SCRIPTS = ['esbuild', 'sharp'];

let packDir = '';
let tarball = '';
let project = '';
let install = '';

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

beforeAll(async () => {
  packDir = await mkdtemp(join(tmpdir(), 'clean-pack-'));
  // `npm pack` runs `prepack`, which compiles the CLI and its one declaration into lib/.
  const pack = await execa('npm', ['pack', '--pack-destination', packDir], { cwd: ROOT, reject: false, all: true });
  expect(pack.exitCode, pack.all).toBe(0);
  const [file] = (await readdir(packDir)).filter((f) => f.endsWith('.tgz'));
  tarball = join(packDir, file!);

  project = await mkdtemp(join(tmpdir(), 'clean-consumer-'));
  const init = await execa('npm', ['init', '-y'], { cwd: project, reject: false, all: true });
  expect(init.exitCode, init.all).toBe(0);
  const run = await execa('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], { cwd: project, reject: false, all: true, env: { NO_COLOR: '1' } });
  install = run.all;
  expect(run.exitCode, install).toBe(0);
}, 900_000);

describe('npm pack, then npm install <tarball> into an empty project on this Node', () => {
  it(`runs on Node ${process.versions.node}: the engines the package declares`, async () => {
    const engines = (JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
    expect(engines).toBe('>=20.19');
    // The point of the test is the oldest Node the package supports.
    expect(Number(process.versions.node.split('.')[0])).toBe(20);
  });

  it('prints no engine warning about the package or any of its dependencies', () => {
    expect(install).not.toMatch(/EBADENGINE|Unsupported engine|engine/i);
    // The chain that used to warn: astro → unifont 0.7.5 → undici 8 (Node ≥ 22.19).
    expect(existsSync(join(project, 'node_modules', 'undici'))).toBe(false);
  });

  it('resolves astro\'s unifont to the pinned 0.7.4, one copy', async () => {
    const unifont = await execa('npm', ['ls', 'unifont', '--all', '--json'], { cwd: project, reject: false });
    const versions = [...unifont.stdout.matchAll(/"unifont": \{\s*"version": "([^"]+)"/g)].map((m) => m[1]);
    expect(versions.length).toBeGreaterThan(0);
    expect(new Set(versions)).toEqual(new Set(['0.7.4']));
  });

  it('lists no install script of this package; the dependencies\' are the known ones', () => {
    const flagged = install
      .split('\n')
      .filter((line) => /install-scripts\s+\S+@\S+ \(/.test(line))
      .map((line) => /install-scripts\s+(\S+)@/.exec(line)![1]!);
    expect(flagged).not.toContain('deploy-evidence');
    expect(install).not.toMatch(/deploy-evidence@[^\s]* \((pre|post)?(install|prepare)/);
    expect([...new Set(flagged)].sort().filter((name) => !THIRD_PARTY_INSTALL_SCRIPTS.includes(name))).toEqual([]);
  });

  it('has no lifecycle script that runs at a consumer\'s install', async () => {
    const manifest = JSON.parse(await readFile(join(project, 'node_modules', 'deploy-evidence', 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(Object.keys(manifest.scripts).filter((s) => /^(pre|post)?install$|^prepare$/.test(s))).toEqual([]);
  });

  it('ships no private key (every file of the tarball read), and the committed sample evidence still names the sample public keys', async () => {
    const unpacked = await mkdtemp(join(tmpdir(), 'clean-unpacked-'));
    await execa('tar', ['xzf', tarball, '-C', unpacked]);
    const files = await filesUnder(unpacked);
    expect(files.length).toBeGreaterThan(100);
    const withKeys: string[] = [];
    for (const file of files) if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(await readFile(file, 'latin1'))) withKeys.push(relative(unpacked, file));
    expect(withKeys).toEqual([]);
    expect(files.filter((f) => f.endsWith('.key'))).toEqual([]);
    // The public halves stay: the samples' sign-offs verify against them.
    expect(files.map((f) => relative(unpacked, f))).toContain('package/examples/sample-keys/deployed-by.pub');
  });

  it(`ships type declarations under ${DECLARATIONS_BOUND / 1024} KB in all, the public entry's among them`, async () => {
    const installed = join(project, 'node_modules', 'deploy-evidence');
    const declarations = (await filesUnder(installed)).filter((f) => f.endsWith('.d.ts'));
    // The compiled CLI's: the public entry's alone. (src/env.d.ts is the Astro project's, which the site build reads.)
    expect(declarations.map((f) => relative(installed, f)).filter((f) => f.startsWith('lib/'))).toEqual(['lib/src/config.d.ts']);
    let total = 0;
    for (const file of declarations) total += (await readFile(file)).length;
    expect(total).toBeLessThan(DECLARATIONS_BOUND);
  });

  it('types a team\'s deploy-evidence.config.mts from the declaration: a good one checks, a misspelt key does not', async () => {
    await writeFile(join(project, 'good.config.mts'), "import { defineConfig } from 'deploy-evidence';\nexport default defineConfig({ site: 'https://acme.github.io', base: '/inventory/', environments: { staging: { databaseUrlEnv: 'STAGING_DATABASE_URL' } } });\n");
    await writeFile(join(project, 'bad.config.mts'), "import { defineConfig } from 'deploy-evidence';\nexport default defineConfig({ sitee: 'https://acme.github.io' });\n");
    const tsc = (file: string) =>
      execa(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--skipLibCheck', file], { cwd: project, reject: false, all: true });
    const good = await tsc('good.config.mts');
    expect(good.exitCode, good.all).toBe(0);
    const bad = await tsc('bad.config.mts');
    expect(bad.exitCode).not.toBe(0);
    expect(bad.all).toContain("'sitee' does not exist in type 'DeployEvidenceConfig'");
  }, 120_000);

  it('runs: npx deploy-evidence --version in the consumer project', async () => {
    const version = await execa('npx', ['--no-install', 'deploy-evidence', '--version'], { cwd: project, reject: false, all: true });
    expect(version.exitCode, version.all).toBe(0);
    expect(version.stdout.trim()).toBe(VERSION);
  });
});
