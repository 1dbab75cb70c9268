/**
 * The first hour of a new user following the README (issue 27, point 6): `preview` serves a site
 * under the base path it was built for without being told again; `init`, `keygen` and
 * `verify --checkpoint` make the folders they write into, and a file in the way fails with exit 4
 * naming the path, never a raw ENOENT; `build` refuses a missing evidence folder (exit 2) and one
 * without deployments (exit 1), `--strict` or not, unless `--allow-empty`.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchBrowser } from '../harness/browser.ts';
import { BIN, runCli } from '../harness/cli.ts';
import { committedEvidence, copyOfCommittedEvidence } from '../harness/committed-evidence.ts';
import { freePort } from '../../collectors/process/free-port.ts';

const evidence = await committedEvidence();
const BASE = '/inventory/';

if (process.env.CI && !chromiumAvailable()) throw new Error('CI=true but /usr/bin/chromium is missing: the browser tests must run in CI');

/** `deploy-evidence preview` as a user starts it: only --out-dir and a port, nothing about the base. */
function startPreview(outDir: string, port: number, extra: string[] = []): ResultPromise {
  return execa(process.execPath, [BIN, 'preview', '--out-dir', outDir, '--port', String(port), ...extra], { reject: false, all: true, env: { DEPLOY_EVIDENCE_BASE: undefined } });
}

async function whenUp(url: string, server: ResultPromise): Promise<void> {
  let exited = false;
  void server.finally(() => (exited = true));
  for (const deadline = Date.now() + 60_000; Date.now() < deadline && !exited; ) {
    if ((await fetch(url).catch(() => null))?.ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer${exited ? `: the preview exited\n${(await server).all}` : ''}`);
}

describe('preview serves a site under the base path it was built for', () => {
  let out = '';
  let port = 0;
  let preview: ResultPromise | null = null;

  beforeAll(async () => {
    // The README's sequence: the base given to build on the command line, not in a config file.
    out = join(await mkdtemp(join(tmpdir(), 'first-hour-')), 'd');
    const build = await runCli(['build', '--evidence-dir', evidence, '--site', 'https://x.example', '--base', BASE, '--out-dir', out]);
    expect(build.exitCode, build.stderr).toBe(0);
    port = await freePort();
    preview = startPreview(out, port);
    await whenUp(`http://127.0.0.1:${port}${BASE}`, preview);
  }, 300_000);

  afterAll(async () => {
    if (!preview) return;
    preview.kill('SIGTERM');
    await preview;
  });

  it('records the base in the built site', async () => {
    expect(JSON.parse(await readFile(join(out, 'deploy-evidence-site.json'), 'utf8'))).toEqual({ base: BASE, site: 'https://x.example' });
  });

  it('answers under the base with the stylesheet and every link of the home page; / links to the base', async () => {
    const origin = `http://127.0.0.1:${port}`;
    const home = await fetch(`${origin}${BASE}`);
    expect(home.status).toBe(200);
    const html = await home.text();
    const stylesheets = [...html.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)].map((m) => m[1]!);
    expect(stylesheets.length).toBeGreaterThan(0);
    for (const href of stylesheets) {
      expect(href.startsWith(BASE), href).toBe(true);
      const css = await fetch(`${origin}${href}`);
      expect(css.status, href).toBe(200);
      expect(css.headers.get('content-type')).toContain('text/css');
    }
    const links = [...new Set([...html.matchAll(/<a [^>]*href="(\/[^"#]*)"/g)].map((m) => m[1]!))];
    expect(links.some((l) => l.startsWith(`${BASE}deployments/`))).toBe(true);
    for (const link of links) {
      expect(link.startsWith(BASE), link).toBe(true);
      expect((await fetch(`${origin}${link}`)).status, link).toBe(200);
    }
    // The root is not the site: it sends the reader to the base.
    const root = await fetch(`${origin}/`, { redirect: 'manual' });
    const body = await root.text();
    expect(root.headers.get('location') === BASE || body.includes(`href="${BASE}"`), `${root.status} ${body.slice(0, 300)}`).toBe(true);
  });

  it.skipIf(!chromiumAvailable())('renders styled in Chromium: the stylesheet loads and applies', async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const failed: string[] = [];
      page.on('response', (r) => {
        if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
      });
      await page.goto(`http://127.0.0.1:${port}${BASE}`);
      const rules = await page.evaluate(() => [...document.styleSheets].reduce((n, sheet) => n + sheet.cssRules.length, 0));
      expect(rules).toBeGreaterThan(10);
      // The site's stylesheet sets the body's margin to 0; unstyled, it is the browser's 8px.
      expect(await page.evaluate(() => getComputedStyle(document.body).marginTop)).toBe('0px');
      expect(failed).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 120_000);

  it('refuses a --base other than the recorded one, and a folder with no site (exit 2, naming it)', async () => {
    const other = await runCli(['preview', '--out-dir', out, '--base', '/elsewhere/']);
    expect(other.exitCode).toBe(2);
    expect(other.stderr).toContain(`${out} was built for the base path ${BASE}, not /elsewhere/`);
    const missing = join(out, '..', 'nothing-here');
    const none = await runCli(['preview', '--out-dir', missing]);
    expect(none.exitCode).toBe(2);
    expect(none.stderr).toContain(`no built site at ${missing}`);
  });

  it('refuses a site record that is not one (untrusted folder): exit 2 naming the file', async () => {
    const forged = join(await mkdtemp(join(tmpdir(), 'forged-site-')), 'd');
    await mkdir(forged);
    await writeFile(join(forged, 'deploy-evidence-site.json'), JSON.stringify({ base: '/../../etc/' }));
    const run = await runCli(['preview', '--out-dir', forged]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(`${join(forged, 'deploy-evidence-site.json')}: not a site record this tool wrote`);
  });
});

describe('build refuses evidence that is missing or holds no deployment', () => {
  it('exits 2 naming a missing evidence folder, --strict or not', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'no-evidence-'));
    for (const strict of [[], ['--strict']]) {
      const run = await runCli(['build', ...strict, '--evidence-dir', join(dir, 'evidnce'), '--out-dir', join(dir, 'site')]);
      expect(run.exitCode, run.stderr).toBe(2);
      expect(run.stderr).toContain(`no evidence folder at ${join(dir, 'evidnce')}`);
      expect(existsSync(join(dir, 'site'))).toBe(false);
    }
  });

  it('exits 1 saying so for a folder without deployments, --strict or not; --allow-empty builds the site that says so', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'empty-evidence-'));
    const empty = join(dir, 'evidence');
    // What a root holds before its first collection: the schemas and the trusted signers, no deployment.
    await mkdir(join(empty, '_schemas'), { recursive: true });
    await writeFile(join(empty, '_signers.json'), JSON.stringify({ signers: [] }));
    for (const strict of [[], ['--strict']]) {
      const run = await runCli(['build', ...strict, '--evidence-dir', empty, '--out-dir', join(dir, 'site')]);
      expect(run.exitCode, run.stderr).toBe(1);
      expect(run.stderr).toContain(`no deployments in ${empty}`);
      expect(existsSync(join(dir, 'site'))).toBe(false);
    }
    const allowed = await runCli(['build', '--allow-empty', '--no-git', '--evidence-dir', join(dir, 'missing'), '--out-dir', join(dir, 'site')]);
    expect(allowed.exitCode, allowed.stderr).toBe(0);
    expect(await readFile(join(dir, 'site', 'index.html'), 'utf8')).toContain('No deployments in the evidence yet');
  }, 300_000);
});

describe('commands that write a file make its folders; a file in the way is exit 4 naming the path', () => {
  it('init --out checklists/my-view.json in a new project', async () => {
    const project = await mkdtemp(join(tmpdir(), 'new-project-'));
    const run = await runCli(['init', '--relation', 'public.invoice_summary', '--out', 'checklists/my-view.json'], {}, { cwd: project });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(JSON.parse(await readFile(join(project, 'checklists', 'my-view.json'), 'utf8')).checks.length).toBeGreaterThan(0);

    await writeFile(join(project, 'notes'), 'a file, not a folder');
    const blocked = await runCli(['init', '--relation', 'public.invoice_summary', '--out', 'notes/my-view.json'], {}, { cwd: project });
    expect(blocked.exitCode).toBe(4);
    expect(blocked.stderr).toBe(`deploy-evidence: cannot write the checklist: ${join(project, 'notes')}: a file is in the way of a folder (EEXIST)`);
  });

  it('keygen --out ~/.deploy-evidence/alice: the folder made private to its owner', async () => {
    const home = await mkdtemp(join(tmpdir(), 'home-'));
    const run = await runCli(['keygen', '--out', join(home, '.deploy-evidence', 'alice')]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect((await stat(join(home, '.deploy-evidence'))).mode & 0o777).toBe(0o700);
    expect((await stat(join(home, '.deploy-evidence', 'alice.key'))).mode & 0o777).toBe(0o600);
    expect(await readFile(join(home, '.deploy-evidence', 'alice.pub'), 'utf8')).toMatch(/^[A-Za-z0-9+/]{43}=\n$/);

    await writeFile(join(home, 'keys'), 'a file, not a folder');
    const blocked = await runCli(['keygen', '--out', join(home, 'keys', 'deeper', 'bob')]);
    expect(blocked.exitCode).toBe(4);
    expect(blocked.stderr).toContain(`cannot write the key pair: ${join(home, 'keys', 'deeper')}: a part of the path is not a folder (ENOTDIR)`);
    expect(blocked.stderr).not.toContain('ENOENT');
  });

  it('a folder not writable: exit 4, permission denied, naming the path (init and keygen)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'locked-'));
    await chmod(dir, 0o755);
    const locked = join(dir, 'locked');
    await mkdir(locked, { mode: 0o555 });
    await chmod(locked, 0o555);
    // As root every folder is writable: the CLI then runs as nobody, as the test server runs as postgres.
    const asUser = (args: string[]) =>
      process.getuid?.() === 0
        ? execa('runuser', ['-u', 'nobody', '--', process.execPath, BIN, ...args], { cwd: dir, reject: false, all: true })
        : execa(process.execPath, [BIN, ...args], { cwd: dir, reject: false, all: true });
    const init = await asUser(['init', '--relation', 'public.invoice_summary', '--out', join(locked, 'checklists', 'my-view.json')]);
    expect(init.exitCode, init.all).toBe(4);
    expect(init.stderr).toBe(`deploy-evidence: cannot write the checklist: ${join(locked, 'checklists')}: permission denied (EACCES)`);
    const keygen = await asUser(['keygen', '--out', join(locked, 'alice')]);
    expect(keygen.exitCode, keygen.all).toBe(4);
    expect(keygen.stderr).toBe(`deploy-evidence: cannot write the key pair: ${join(locked, 'alice.key')}: permission denied (EACCES)`);
  });

  it('verify --checkpoint into a folder that does not exist yet', async () => {
    const root = await copyOfCommittedEvidence();
    const checkpoint = join(await mkdtemp(join(tmpdir(), 'auditor-')), 'audits', '2026', 'checkpoint.json');
    const run = await runCli(['verify', '--all', '--no-git', '--evidence-dir', root, '--checkpoint', checkpoint]);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(JSON.parse(await readFile(checkpoint, 'utf8')).kind).toBeDefined();
  });

  it('build --out-dir under a file: exit 4 naming it, before the build', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'site-under-file-'));
    await writeFile(join(dir, 'public'), 'a file, not a folder');
    const run = await runCli(['build', '--no-git', '--evidence-dir', evidence, '--out-dir', join(dir, 'public', 'site')]);
    expect(run.exitCode).toBe(4);
    expect(run.stderr).toContain(`cannot write the site: ${join(dir, 'public')}: a file is in the way of a folder (EEXIST)`);
  });
});
