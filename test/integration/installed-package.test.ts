/**
 * deploy-evidence as a team adopts it (issue 13): `npm pack`, the tarball installed into an empty
 * project with its own TypeScript checklist and `deploy-evidence.config.ts`, a real PostgreSQL
 * database — and from there the commands a user runs (`collect`, `verify`, `build`, `preview`,
 * `compare`, `export`). The CI recipes (examples/ci/) run in test/integration/ci-recipe.test.ts.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realServer, serverUrl } from '../harness/databases.ts';
import { adminQuery } from '../harness/seed-database.ts';
import { freePort } from '../../collectors/process/free-port.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const CHECKLIST = `// A team's own checklist, in TypeScript: the installed CLI loads it without a TypeScript loader.
interface Check { id: string; kind: 'columns' | 'sql'; section: string; title: string; [key: string]: unknown }

const checks: Check[] = [
  { id: 'stock-columns', kind: 'columns', section: '1', title: 'stock has its agreed columns', relation: { name: 'stock' },
    expect: { columns: [{ name: 'sku', type: 'text', nullable: false }, { name: 'qty', type: 'integer', nullable: false }] } },
  { id: 'stock-rows', kind: 'sql', section: '2', title: 'Every SKU is in stock', sql: 'SELECT sku, qty FROM stock ORDER BY sku', key: ['sku'],
    assertions: [{ type: 'row-count', min: 3, max: 3 }, { type: 'field-compare', field: 'qty', op: 'gt', value: 0, rows: 'all' }] },
];

export default {
  id: 'inventory',
  version: '1.0.0',
  title: 'Inventory: the stock table',
  sections: [{ number: '1', title: 'Schema' }, { number: '2', title: 'Data' }],
  checks,
};
`;

const CONFIG = `import { defineConfig } from 'deploy-evidence';

export default defineConfig({
  checklist: 'checklists/inventory.ts',
  site: 'https://team.example',
  base: '/inventory/',
  environments: { staging: { databaseUrlEnv: 'STAGING_DATABASE_URL' } },
});
`;

/** A fresh team project with the packed tarball installed (as `npm install <tarball>` does it). */
async function installedProject(tarball: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'team-app-'));
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'team-app', private: true, type: 'module' }));
  const install = await execa('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], { cwd: dir, reject: false, all: true });
  expect(install.exitCode, install.all).toBe(0);
  await mkdir(join(dir, 'checklists'));
  await writeFile(join(dir, 'checklists', 'inventory.ts'), CHECKLIST);
  await writeFile(join(dir, 'deploy-evidence.config.ts'), CONFIG);
  return dir;
}

/** The environment a CI job has: the project's, without a database from the developer's shell. */
function ciEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG']) if (process.env[name]) env[name] = process.env[name]!;
  return { ...env, CI: 'true', ...extra };
}

const deployEvidence = (dir: string, args: string[], env: Record<string, string>) => execa('npx', ['--no-install', 'deploy-evidence', ...args], { cwd: dir, env: ciEnv(env), extendEnv: false, reject: false, all: true });

describe.skipIf(realServer() === null)('the installed package', () => {
  let tarball = '';
  let project = '';
  const databases: string[] = [];
  const newDatabase = async () => {
    const name = `team_${randomBytes(4).toString('hex')}`;
    databases.push(name);
    await adminQuery(serverUrl('postgres'), `CREATE DATABASE ${name}`);
    await adminQuery(serverUrl(name), "CREATE TABLE stock (sku text PRIMARY KEY, qty integer NOT NULL); INSERT INTO stock VALUES ('A-1', 4), ('B-2', 9), ('C-3', 1)");
    return serverUrl(name);
  };

  beforeAll(async () => {
    const packDir = await mkdtemp(join(tmpdir(), 'pack-'));
    // `npm pack` runs `prepack`, which compiles the CLI into lib/: what gets published.
    const pack = await execa('npm', ['pack', '--pack-destination', packDir], { cwd: ROOT, reject: false, all: true });
    expect(pack.exitCode, pack.all).toBe(0);
    const [file] = (await readdir(packDir)).filter((f) => f.endsWith('.tgz'));
    tarball = join(packDir, file!);
    project = await installedProject(tarball);
  }, 600_000);

  afterAll(async () => {
    for (const name of databases) await adminQuery(serverUrl('postgres'), `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });

  it('ships compiled JavaScript and no TypeScript loader; --version answers from it', async () => {
    const files = (await execa('tar', ['tzf', tarball])).stdout.split('\n');
    expect(files).toContain('package/lib/src/cli/main.js');
    expect(files.filter((f) => /__pycache__|\.tsbuildinfo|node_modules|(^|\/)test\//.test(f))).toEqual([]);
    expect(existsSync(join(project, 'node_modules', 'tsx'))).toBe(false);
    const bin = await readFile(join(project, 'node_modules', 'deploy-evidence', 'bin', 'deploy-evidence.js'), 'utf8');
    expect(bin).toContain("from '../lib/src/cli/main.js'");
    const version = await deployEvidence(project, ['--version'], {});
    expect(version.stdout.trim()).toBe(JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')).version);
  });

  it('collects with the team\'s config and checklist, verifies, builds under its base, previews and exports absolute links', { timeout: 300_000 }, async () => {
    const env = { STAGING_DATABASE_URL: await newDatabase() };
    const validate = await deployEvidence(project, ['checklist', 'validate'], env);
    expect(validate.all).toContain('inventory 1.0.0: valid, 2 checks');

    const first = await deployEvidence(project, ['collect', '--env', 'staging', '--pr', '7', '--json'], env);
    expect(first.exitCode, first.all).toBe(0);
    const id = (JSON.parse(first.stdout) as { id: string; decision: { verdict: string } }).id;
    expect(existsSync(join(project, 'evidence', id, 'manifest.json'))).toBe(true);
    const second = await deployEvidence(project, ['collect', '--env', 'staging', '--pr', '7', '--json'], env);
    expect(second.exitCode, second.all).toBe(0);
    const rerun = (JSON.parse(second.stdout) as { id: string }).id;

    expect((await deployEvidence(project, ['verify', '--all'], {})).exitCode).toBe(0);
    const compare = await deployEvidence(project, ['compare', id, rerun], {});
    expect(compare.exitCode, compare.all).toBe(0);
    expect(compare.stdout).toContain('stock-rows');

    const build = await deployEvidence(project, ['build'], {});
    expect(build.exitCode, build.all).toBe(0);
    const home = await readFile(join(project, 'dist', 'index.html'), 'utf8');
    expect(home).toContain(`href="/inventory/deployments/${id}/"`);
    expect(home).not.toMatch(/href="\/deployments\//);

    // preview serves the built site under its base, as the host will.
    const port = await freePort();
    // The installed bin itself (not through npx, which would leave it running when stopped): our
    // SIGTERM ends it, and its supervisor then ends Astro's server.
    const preview = execa(join(project, 'node_modules', '.bin', 'deploy-evidence'), ['preview', '--port', String(port)], { cwd: project, env: ciEnv({}), extendEnv: false, reject: false, all: true });
    try {
      const page = await fetchWhenUp(`http://127.0.0.1:${port}/inventory/deployments/${id}/`, preview);
      expect(page).toContain('Every SKU is in stock');
    } finally {
      preview.kill('SIGTERM');
      await preview;
    }
    // Stopping the CLI stops Astro's server too: nothing answers on the port any more.
    await expect(stoppedListening(`http://127.0.0.1:${port}/inventory/`)).resolves.toBe(true);

    const markdown = await deployEvidence(project, ['export', id], {});
    expect(markdown.exitCode, markdown.all).toBe(0);
    expect(markdown.stdout).toContain(`https://team.example/inventory/deployments/${id}/`);
    expect(markdown.stdout).toContain(`https://team.example/inventory/deployments/${id}/checks/stock-rows/`);
    const junit = await deployEvidence(project, ['export', id, '--format', 'junit'], {});
    expect(junit.stdout).toContain('<testcase');
  });
});

async function stoppedListening(url: string): Promise<boolean> {
  for (let tries = 0; tries < 40; tries++) {
    if ((await fetch(url).catch(() => null)) === null) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

async function fetchWhenUp(url: string, server: ResultPromise): Promise<string> {
  const deadline = Date.now() + 60_000;
  let exited = false;
  void server.finally(() => (exited = true));
  while (Date.now() < deadline && !exited) {
    const response = await fetch(url).catch(() => null);
    if (response?.ok) return response.text();
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer${exited ? ': the preview exited' : ''}`);
}
