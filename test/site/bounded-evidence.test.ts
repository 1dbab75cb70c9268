/**
 * Bounded whatever the evidence holds (issue 25): a file over the ceiling is refused by path and
 * never read (a 300 MB cell once took 12.6 GB to build; a 2 GB sparse file failed the whole build
 * without naming it), a check file its deployment.json does not name is not evidence, and a page
 * shows a bounded part of any one value, saying how long it is.
 */
import { cp, mkdtemp, open, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_EVIDENCE_FILE_BYTES } from '../../src/format/evidence-tree.ts';
import { SHOWN_CELL_CHARS, SHOWN_TEXT_CHARS } from '../../src/site/format.ts';
import { cellView } from '../../src/site/view-models/result-table.ts';
import { highlight } from '../../src/site/highlight.ts';
import { runCli } from '../harness/cli.ts';
import { copyOfCommittedEvidence } from '../harness/committed-evidence.ts';

const ID = 'sample-staging-pr73';

/** A file of `bytes` that takes no disk: a hole, as a hostile pull request can commit cheaply. */
async function sparse(file: string, bytes: number): Promise<void> {
  const handle = await open(file, 'w');
  await handle.truncate(bytes);
  await handle.close();
}

let root: string;
let out: string;
let build: Awaited<ReturnType<typeof runCli>>;
beforeAll(async () => {
  root = await copyOfCommittedEvidence();
  // 2 GB the deployment does not name, and a named snapshot grown past the ceiling.
  await sparse(join(root, ID, 'checks', 'sparse.json'), 2 * 1024 ** 3);
  await sparse(join(root, ID, 'checks', 'sample-rows.json'), 300 * 1024 ** 2);
  // A check file the deployment does not name, small and valid: not evidence either.
  await cp(join(root, ID, 'checks', 'row-count.json'), join(root, ID, 'checks', 'extra-count.json'));
  out = join(await mkdtemp(join(tmpdir(), 'bounded-site-')), 'site');
  build = await runCli(['build', '--no-git', '--evidence-dir', root, '--out-dir', out]);
}, 300_000);

describe('evidence beyond what a file may hold', () => {
  it('builds, refusing each by path in the warnings, and the deployment does not verify', () => {
    expect(build.exitCode, build.stderr).toBe(0);
    const mib = MAX_EVIDENCE_FILE_BYTES / 1024 ** 2;
    expect(build.stderr).toContain(`warning: ${join(root, ID, 'checks', 'sparse.json')}: larger than ${mib} MiB, the most an evidence file may hold; not evidence`);
    expect(build.stderr).toContain(`warning: ${join(root, ID, 'checks', 'sample-rows.json')}: larger than ${mib} MiB`);
    expect(build.stderr).toContain(`warning: ${join(root, ID, 'checks', 'extra-count.json')}: a check file its deployment.json does not name; not evidence`);
    expect(build.stderr).toMatch(new RegExp(`warning: ${ID}: does not verify \\(INTEGRITY FAILED on its pages\\): .*checks/sample-rows\\.json: listed in the manifest, missing`));
  });

  it('publishes none of them, and the other deployments as they are', async () => {
    const published = await readdir(join(out, 'evidence', ID, 'checks'));
    expect(published).not.toContain('sparse.json');
    expect(published).not.toContain('sample-rows.json');
    expect(published).not.toContain('extra-count.json');
    expect(published).toContain('row-count.json');
    expect((await readdir(join(out, 'deployments', ID, 'checks')))).not.toContain('extra-count');
  });

  it('verify names them too, without reading them', async () => {
    const run = await runCli(['verify', ID, '--no-git', '--evidence-dir', root]);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain(`${ID}/checks/sparse.json: larger than`);
    expect(run.stdout).toContain(`${ID}/checks/extra-count.json: a check file its deployment.json does not name; not evidence`);
  });

  it('fails with --strict, naming them', async () => {
    const strict = await runCli(['build', '--strict', '--no-git', '--evidence-dir', root, '--out-dir', join(out, '..', 'strict')]);
    expect(strict.exitCode).toBe(1);
    expect(strict.stderr).toContain(`${join(root, ID, 'checks', 'sparse.json')}: larger than`);
  });
});

describe('one value on a page', () => {
  it('shows the start of a long cell and how long it is', () => {
    const long = 'x'.repeat(SHOWN_CELL_CHARS * 3);
    const shown = cellView(long).text;
    expect(shown.startsWith('x'.repeat(SHOWN_CELL_CHARS))).toBe(true);
    expect(shown).toContain(`… (${(SHOWN_CELL_CHARS * 3).toLocaleString('en-US')} characters in all; the raw evidence file has the rest)`);
    expect(shown.length).toBeLessThan(SHOWN_CELL_CHARS + 100);
    expect(cellView('short').text).toBe('short');
    // Never half of a character outside the basic plane.
    expect(cellView(`${'a'.repeat(SHOWN_CELL_CHARS - 1)}😀${'b'.repeat(10)}`).text).toMatch(/^a+… /);
  });

  it('shows at most SHOWN_TEXT_CHARS of SQL or output, saying how long it is', async () => {
    const sql = `SELECT '${'y'.repeat(SHOWN_TEXT_CHARS * 2)}'`;
    const code = await highlight(sql, 'sql');
    const text = code.lines.map((line) => line.map((t) => t.text).join('')).join('\n');
    expect(text.length).toBeLessThan(SHOWN_TEXT_CHARS + 200);
    expect(text).toContain(`characters in all; the raw evidence file has the rest`);
  });

  it('keeps pages small with a long cell in the evidence', async () => {
    const big = await copyOfCommittedEvidence();
    const file = join(big, ID, 'checks', 'sample-rows.json');
    const snapshot = JSON.parse(await readFile(file, 'utf8'));
    snapshot.result.rows[0][0] = 'z'.repeat(5_000_000);
    await writeFile(file, JSON.stringify(snapshot));
    const site = join(await mkdtemp(join(tmpdir(), 'long-cell-')), 'site');
    const run = await runCli(['build', '--no-git', '--evidence-dir', big, '--out-dir', site]);
    expect(run.exitCode, run.stderr).toBe(0);
    for (const page of [join(site, 'deployments', ID, 'index.html'), join(site, 'deployments', ID, 'checks', 'sample-rows', 'index.html')]) {
      expect((await readFile(page)).length, page).toBeLessThan(1_000_000);
    }
  }, 300_000);
});
