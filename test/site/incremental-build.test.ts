/**
 * Incremental site builds (issue 29): a build given the previous output keeps the pages of every
 * deployment whose key is unchanged, and its output is the same bytes, file for file, as a build
 * that renders everything (`build --no-cache`) — after a new deployment, a new sign-off and an
 * edited note, a signers list given to the build (`--signers`), changed, and taken away again, and a changed --base. (A new tool version: test/site/page-inputs.test.ts.)
 *
 * The previous output is untrusted (a CI cache, a published site): a page planted or changed there
 * is rendered again, never published as is, and an output without this project's record of it
 * keeps nothing.
 *
 * And the key is complete: between two builds that rendered everything, every deployment whose
 * key did not change has the same pages, byte for byte. A page that read something its inputs
 * (src/site/data/page-inputs.ts) leave out would differ here under an unchanged key.
 */
import { appendFile, cp, mkdir, mkdtemp, readdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateHistory } from '../../bench/generate-history.ts';
import { buildSite } from '../../src/cli/astro-site.ts';
import { PAGES_MANIFEST, parseCacheManifest, refusedWarning } from '../../src/site/reuse-plan.ts';
import { runCli } from '../harness/cli.ts';
import { appendForgedSignoff } from '../harness/forge-signoff.ts';

let work: string;
let root: string;
let cacheDir: string;
/** The project's cache folder, where each build records the pages it wrote. */
let pagesCache: string;
/** The deployment held back from the first history, added as the new one. */
let newest: string;

/** Every file of a built site by its path, with its bytes. */
async function tree(dir: string): Promise<Map<string, Buffer>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name))).sort();
  return new Map(await Promise.all(files.map(async (f) => [f, await readFile(join(dir, f))] as const)));
}

/** What differs between two sites, as `diff -r` would name it: files only in one, files whose bytes differ. */
async function differences(a: string, b: string, under = ''): Promise<string[]> {
  const [left, right] = await Promise.all([tree(join(a, under)), tree(join(b, under))]);
  const lines: string[] = [];
  for (const [path, bytes] of left) {
    const other = right.get(path);
    if (!other) lines.push(`only in the first: ${path}`);
    else if (!bytes.equals(other)) lines.push(`differs: ${path}`);
  }
  for (const path of right.keys()) if (!left.has(path)) lines.push(`only in the second: ${path}`);
  return lines;
}

let step = 0;

/** A build rendering everything, into a fresh folder (its record of its pages kept beside it). */
async function fullBuild(options: { base?: string; signers?: string } = {}): Promise<string> {
  const out = join(work, `full-${(step += 1)}`);
  const built = await buildSite(root, out, { cacheDir, pagesCache, ...options });
  expect(built.output).toMatch(/0 of \d+ deployments' pages kept/);
  await cp(join(pagesCache, PAGES_MANIFEST), `${out}.pages.json`);
  return out;
}

/**
 * A build given a copy of `previous` as its previous output (changed by `tamper` first, as whoever
 * can write a CI cache could), with what the cache folder holds: the deployments whose pages it kept.
 */
async function incrementalBuild(previous: string, options: { base?: string; signers?: string; tamper?: (out: string) => Promise<void> } = {}): Promise<{ out: string; kept: number; of: number; warnings: string[] }> {
  const out = join(work, `incremental-${(step += 1)}`);
  await cp(previous, out, { recursive: true });
  await options.tamper?.(out);
  const built = await buildSite(root, out, { cacheDir, pagesCache, reuse: true, base: options.base, signers: options.signers });
  const [, kept, of] = /(\d+) of (\d+) deployments' pages kept/.exec(built.output) ?? [];
  return { out, kept: Number(kept), of: Number(of), warnings: built.warnings };
}

async function keys(site: string): Promise<Map<string, string>> {
  return new Map([...parseCacheManifest(await readFile(`${site}.pages.json`, 'utf8'))].map(([id, { key }]) => [id, key]));
}

/** The deployments whose key is the same in both sites must have the same pages in both: the key covers what they show. */
async function expectUnchangedKeysSamePages(before: string, after: string): Promise<number> {
  const [a, b] = await Promise.all([keys(before), keys(after)]);
  let same = 0;
  for (const [id, key] of a) {
    if (b.get(id) !== key) continue;
    same += 1;
    expect(await differences(before, after, join('deployments', id)), `${id}: same key, different pages`).toEqual([]);
  }
  return same;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'incremental-'));
  root = join(work, 'evidence');
  cacheDir = join(work, 'astro-cache');
  pagesCache = join(work, 'pages-cache');
  await generateHistory(root, 7);
  // The history before the newest deployment: the generated chain without its last link.
  newest = (await readdir(root)).filter((d) => d.startsWith('bench-')).sort().at(-1)!;
  await mkdir(join(work, 'held'));
  await rename(join(root, newest), join(work, 'held', newest));
  // A trusted signer from the start (adding one changes every report's sign-off section), and a note to edit later.
  expect((await runCli(['keygen', '--out', join(work, 'qa'), '--name', 'Quinn Auditor', '--trust', '--evidence-dir', root])).exitCode).toBe(0);
  await writeFile(join(root, 'bench-0002-staging', 'notes.mdx'), 'Rolled out during the **maintenance window**.\n');
}, 60_000);

describe('an incremental build is the same bytes as a build that renders everything', () => {
  let previousFull: string;

  it('keeps every page when nothing changed', async () => {
    previousFull = await fullBuild();
    const again = await incrementalBuild(previousFull);
    expect(again).toMatchObject({ kept: 6, of: 6 });
    expect(await differences(previousFull, again.out)).toEqual([]);
  }, 300_000);

  it('after a new deployment: renders it alone', async () => {
    await rename(join(work, 'held', newest), join(root, newest));
    const incremental = await incrementalBuild(previousFull);
    const full = await fullBuild();
    expect(incremental).toMatchObject({ kept: 6, of: 7 });
    expect(await differences(full, incremental.out)).toEqual([]);
    expect(await expectUnchangedKeysSamePages(previousFull, full)).toBe(6);
    previousFull = full;
  }, 300_000);

  it('after a new sign-off and an edited note: renders those deployments and the pages that show them', async () => {
    const signed = 'bench-0004-staging';
    // Signed by the trusted key by hand: `sign` refuses generated evidence (its rows are not the query's).
    await writeFile(join(root, signed, 'signoffs.json'), `${JSON.stringify({ $schema: '../_schemas/v2/signoffs.schema.json', schemaVersion: 2, deploymentId: signed, signoffs: [] }, null, 2)}\n`);
    await appendForgedSignoff(root, { keyFile: join(work, 'qa.key'), deploymentId: signed, environment: 'staging', role: 'validated-by', name: 'Quinn Auditor', signedAt: '2026-01-05T10:00:00.000Z', note: 'plan reviewed' });
    await writeFile(join(root, 'bench-0002-staging', 'notes.mdx'), 'Rolled out during the **maintenance window**; the cache was warmed first.\n');
    const incremental = await incrementalBuild(previousFull);
    const full = await fullBuild();
    expect(await differences(full, incremental.out)).toEqual([]);
    const [before, after] = await Promise.all([keys(previousFull), keys(full)]);
    expect(after.get(signed)).not.toBe(before.get(signed));
    expect(after.get('bench-0002-staging')).not.toBe(before.get('bench-0002-staging'));
    // Some pages were kept (the build did reuse), and every deployment whose key changed was rendered again.
    const changed = [...after].filter(([id, key]) => before.get(id) !== key).length;
    expect(incremental.kept).toBe(7 - changed);
    expect(incremental.kept).toBeGreaterThan(0);
    expect(await expectUnchangedKeysSamePages(previousFull, full)).toBe(7 - changed);
    previousFull = full;
  }, 300_000);

  it('a page planted or changed in the previous output is rendered again, never published as is', async () => {
    const [changed, planted, linked] = ['bench-0000-staging', 'bench-0003-production', 'bench-0005-staging'];
    const incremental = await incrementalBuild(previousFull, {
      tamper: async (out) => {
        // Each under its deployment's unchanged key, which anyone can compute from the public evidence.
        await appendFile(join(out, 'deployments', changed, 'index.html'), '<p>Approved by the security team.</p>');
        await mkdir(join(out, 'deployments', planted, 'checks', 'planted'), { recursive: true });
        await writeFile(join(out, 'deployments', planted, 'checks', 'planted', 'index.html'), '<p>Approved by the security team.</p>');
        const paper = join(out, 'deployments', linked, 'paper.css');
        const bytes = await readFile(paper);
        await writeFile(join(work, 'paper-copy.css'), bytes);
        await rm(paper);
        await symlink(join(work, 'paper-copy.css'), paper);
      },
    });
    expect(incremental.kept).toBe(incremental.of - 3);
    expect(incremental.warnings).toEqual(expect.arrayContaining([changed, planted, linked].map(refusedWarning)));
    expect(await differences(previousFull, incremental.out)).toEqual([]);
  }, 300_000);

  it("keeps nothing of an output the project's cache folder has no record of (a published site, another checkout's cache)", async () => {
    await rm(pagesCache, { recursive: true });
    const incremental = await incrementalBuild(previousFull);
    expect(incremental).toMatchObject({ kept: 0, of: 7 });
    expect(await differences(previousFull, incremental.out)).toEqual([]);
    // That build recorded its pages (and the folder keeps itself out of git): the next one keeps them.
    expect(await readFile(join(pagesCache, '.gitignore'), 'utf8')).toMatch(/^\*$/m);
    expect(await incrementalBuild(incremental.out)).toMatchObject({ kept: 7, of: 7 });
  }, 300_000);

  it('after --signers is given, its list changed, and --signers taken away: renders the pages whose sign-off verdicts (or the list they name) changed', async () => {
    const signed = 'bench-0004-staging';
    // The same keys as the evidence's own list, given to the build: every report says which list it trusted (all of these declare sign-off roles).
    const given = join(work, 'reviewed', 'signers.json');
    await mkdir(join(work, 'reviewed'));
    await cp(join(root, '_signers.json'), given);
    const switched = await incrementalBuild(previousFull, { signers: given });
    const fullGiven = await fullBuild({ signers: given });
    expect(switched).toMatchObject({ kept: 0, of: 7 });
    expect(await differences(fullGiven, switched.out)).toEqual([]);
    expect(await readFile(join(fullGiven, 'deployments', signed, 'index.html'), 'utf8')).toContain('given to the build (signers.json)');
    // The given list loses the key that signed one deployment: that one (and the pages that show it) render again, the rest are kept.
    const list = JSON.parse(await readFile(given, 'utf8'));
    list.signers = list.signers.filter((s: { name: string }) => s.name !== 'Quinn Auditor');
    await writeFile(given, `${JSON.stringify(list, null, 2)}\n`);
    const changedList = await incrementalBuild(fullGiven, { signers: given });
    const fullChanged = await fullBuild({ signers: given });
    expect(await differences(fullChanged, changedList.out)).toEqual([]);
    const [before, after] = await Promise.all([keys(fullGiven), keys(fullChanged)]);
    expect(after.get(signed)).not.toBe(before.get(signed));
    const changed = [...after].filter(([id, key]) => before.get(id) !== key).length;
    expect(changedList.kept).toBe(7 - changed);
    expect(changedList.kept).toBeGreaterThan(0);
    expect(await readFile(join(fullChanged, 'deployments', signed, 'index.html'), 'utf8')).toMatch(/data-signoff-state="unverified"/);
    expect(await expectUnchangedKeysSamePages(fullGiven, fullChanged)).toBe(7 - changed);
    // And back to the evidence's own list: every report again, the same bytes as the build before --signers.
    const back = await incrementalBuild(fullChanged);
    expect(back).toMatchObject({ kept: 0, of: 7 });
    expect(await differences(previousFull, back.out)).toEqual([]);
  }, 600_000);

  it('after a changed --base: renders everything again', async () => {
    const incremental = await incrementalBuild(previousFull, { base: '/repo/' });
    const full = await fullBuild({ base: '/repo/' });
    expect(incremental).toMatchObject({ kept: 0, of: 7 });
    expect(await differences(full, incremental.out)).toEqual([]);
  }, 300_000);
});
