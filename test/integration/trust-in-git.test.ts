/**
 * The trust model against an insider and a real team, in a real git repository (issue 24): the
 * committed samples as a team's evidence, rewritten the ways an insider would — with and without
 * re-hashing, with and without deleting the sign-offs, the decision forged consistently — and
 * committed as a normal commit; two branches collecting on the same predecessor and merged; one
 * side of that fork removed again; an auditor's checkpoint before and after. For each, `verify`,
 * `build --strict` and the browser's "Verify this report" say the same.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../harness/cli.ts';
import { copyOfCommittedEvidence } from '../harness/committed-evidence.ts';
import { cloneRealDatabase, realServer, type TestDatabase } from '../harness/databases.ts';
import { failingCheckMadeToPass, forge } from '../harness/forgery.ts';
import { GitRepo } from '../harness/git-repo.ts';
import { chromiumAvailable, launchBrowser } from '../harness/browser.ts';
import { serveStatic, type StaticServer } from '../harness/static-server.ts';

const EARLIER = 'sample-staging-pr73';
const LATER = 'sample-staging-pr73-rerun';

/** A team's repository holding the committed samples as its evidence, in one commit. */
async function teamRepository(): Promise<GitRepo> {
  const repo = await GitRepo.init('team');
  await repo.copyIn(await copyOfCommittedEvidence(), 'evidence');
  await repo.commitAll('Evidence of three deployments');
  return repo;
}

const verify = (repo: GitRepo, ...args: string[]) => runCli(['verify', '--all', '--evidence-dir', repo.path('evidence'), ...args]);
const strictBuild = async (repo: GitRepo) => runCli(['build', '--strict', '--evidence-dir', repo.path('evidence'), '--out-dir', join(await mkdtemp(join(tmpdir(), 'strict-')), 'site')]);

/** A sample row changed to another valid value: every verdict still holds, only history can tell. */
/** A row edited as an insider who knows the format would: the query's digest of its rows made again too. */
const quietRowEdit = {
  'checks/sample-rows.json': (snapshot: Record<string, any>) => {
    const column = snapshot.result.columns.findIndex((c: { name: string }) => c.name === 'response_time_ms');
    snapshot.result.rows[0][column] = String(Number(snapshot.result.rows[0][column]) + 1);
    const before = snapshot.result.reads.at(-1).rowsSha256;
    const after = createHash('sha256').update(JSON.stringify(snapshot.result.rows)).digest('hex');
    for (const read of snapshot.result.reads) if (read.rowsSha256 === before) read.rowsSha256 = after;
  },
};

let browser: Browser | undefined;
const servers: StaticServer[] = [];
afterAll(async () => {
  await browser?.close();
  await Promise.all(servers.map((s) => s.close()));
});

/** The report's "Verify this report", on a site built (not strict) from the repository's evidence. */
async function verifyInBrowser(repo: GitRepo, id: string): Promise<{ verdict: string; failed: string[] }> {
  const out = join(await mkdtemp(join(tmpdir(), 'site-')), 'site');
  const build = await runCli(['build', '--evidence-dir', repo.path('evidence'), '--out-dir', out]);
  if (build.exitCode !== 0) throw new Error(build.stderr);
  const server = await serveStatic(out);
  servers.push(server);
  browser ??= await launchBrowser();
  const page = await browser.newPage();
  await page.goto(`${server.url}/deployments/${id}/`);
  await page.click('[data-verify-report] button');
  await page.waitForSelector('[data-verify-report][data-verified]', { timeout: 30_000 });
  const result = await page.$eval('[data-verify-report]', (el) => ({
    verdict: (el as HTMLElement).dataset.verified ?? '',
    failed: [...el.querySelectorAll('li[data-result="failed"]')].map((li) => li.textContent ?? ''),
  }));
  await page.close();
  return result;
}

describe('evidence committed to git, against an insider', () => {
  it('verifies as committed: every file added once and never changed', async () => {
    const repo = await teamRepository();
    const run = await verify(repo);
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.stdout).toContain('git history: checked: every committed evidence file was added once and never changed');
    expect(run.stdout).toContain('no evidence file changed after it was committed');
    expect((await strictBuild(repo)).exitCode).toBe(0);
  }, 180_000);

  it('names a rewrite committed without re-hashing: the file against its manifest, and the commit that did it', async () => {
    const repo = await teamRepository();
    await forge(repo.path('evidence'), EARLIER, { edits: quietRowEdit, rehash: false, dropSignoffs: false });
    const commit = (await repo.commitAll('Tidy the sample rows')).slice(0, 12);
    const run = await verify(repo);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/- checks\/sample-rows\.json: changed \(sha256/);
    expect(run.stdout).toContain(`${EARLIER}/checks/sample-rows.json: changed by ${commit} "Tidy the sample rows"`);
  }, 180_000);

  it('names a consistent rewrite — re-hashed up to the head, sign-offs deleted, every verdict still what its checks give — by the commit that made it, in the CLI, the strict build and the browser', async () => {
    const repo = await teamRepository();
    expect(await forge(repo.path('evidence'), EARLIER, { edits: quietRowEdit })).toEqual([EARLIER, LATER]);
    const commit = (await repo.commitAll('Regenerate the staging evidence')).slice(0, 12);
    // Without git, nothing is wrong with it: the files match, the chain holds, the verdicts follow.
    expect((await verify(repo, '--no-git')).exitCode).toBe(0);
    const run = await verify(repo);
    expect(run.exitCode, run.stdout).toBe(1);
    for (const file of [`${EARLIER}/checks/sample-rows.json`, `${EARLIER}/manifest.json`, `${LATER}/manifest.json`]) {
      expect(run.stdout).toContain(`${file}: changed by ${commit} "Regenerate the staging evidence"`);
    }
    expect(run.stdout).toMatch(new RegExp(`${EARLIER}/signoffs\\.json: .*${commit}`));
    const strict = await strictBuild(repo);
    expect(strict.exitCode).toBe(1);
    expect(strict.stderr).toContain(`${EARLIER}/checks/sample-rows.json: changed by ${commit}`);
    if (chromiumAvailable()) {
      const browser = await verifyInBrowser(repo, EARLIER);
      expect(browser.verdict).toBe('failed');
      expect(browser.failed).toContain(`✗ git history (found when the site was built): ${EARLIER}/checks/sample-rows.json: changed by ${commit} "Regenerate the staging evidence"; an evidence file never changes once added`);
    }
  }, 300_000);

  it('names a consistent rewrite that kept its sign-offs: stale over the new digest, and the commit', async () => {
    const repo = await teamRepository();
    await forge(repo.path('evidence'), EARLIER, { edits: quietRowEdit, dropSignoffs: false });
    const commit = (await repo.commitAll('Regenerate')).slice(0, 12);
    const run = await verify(repo);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/- sign-off as deployed-by by Sample Release Engineer is stale/);
    expect(run.stdout).toContain(`${EARLIER}/manifest.json: changed by ${commit}`);
  }, 180_000);

  it('names a forged decision consistent with its re-hashed manifest twice over: its checks give another, and git saw it change', async () => {
    const repo = await teamRepository();
    await forge(repo.path('evidence'), EARLIER, { edits: failingCheckMadeToPass('preflight', 'none') });
    const commit = (await repo.commitAll('Approve')).slice(0, 12);
    const run = await verify(repo);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('- deployment.json: the decision says APPROVED; its checks give APPROVED WITH NOTES');
    expect(run.stdout).toContain(`${EARLIER}/deployment.json: changed by ${commit} "Approve"`);
    const strict = await strictBuild(repo);
    expect(strict.exitCode).toBe(1);
    expect(strict.stderr).toContain('the decision says APPROVED; its checks give APPROVED WITH NOTES');
  }, 180_000);
});

describe('what an insider controls besides the evidence (a review of issue 24)', () => {
  it('never runs the repository\'s own config code: a deploy-evidence.config.mjs that would print OK is not loaded by verify', async () => {
    const repo = await teamRepository();
    const marker = join(await mkdtemp(join(tmpdir(), 'marker-')), 'ran');
    await writeFile(repo.path('deploy-evidence.config.mjs'), `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'ran');\nprocess.on('exit', () => { process.exitCode = 0; });\nexport default {};\n`);
    await forge(repo.path('evidence'), EARLIER, { edits: failingCheckMadeToPass('preflight', 'none') });
    await repo.commitAll('Approve');
    const run = await runCli(['verify', '--all'], {}, { cwd: repo.dir });
    expect(run.exitCode, run.stdout).toBe(1);
    expect(run.stderr).toContain('deploy-evidence.config.mjs is code from the repository and was not run');
    expect(existsSync(marker)).toBe(false);
  }, 180_000);

  it('names evidence moved out of the folder it checks: the manifests deleted elsewhere, with their commit', async () => {
    const repo = await teamRepository();
    await repo.git('mv', 'evidence', 'audit');
    await rm(repo.path('audit', 'sample-production-pr73'), { recursive: true });
    await writeFile(repo.path('deploy-evidence.config.json'), JSON.stringify({ evidenceDir: 'audit' }));
    const commit = (await repo.commitAll('Tidy the layout')).slice(0, 12);
    const run = await runCli(['verify', '--all'], {}, { cwd: repo.dir });
    expect(run.exitCode, run.stdout).toBe(1);
    expect(run.stdout).toContain(`evidence/sample-production-pr73/manifest.json: an evidence manifest outside audit/, deleted by ${commit} "Tidy the layout"`);
  }, 180_000);

  it('does not vouch for a shallow clone\'s history unless told to, and takes --git-since only as a full commit hash', async () => {
    const repo = await teamRepository();
    await repo.commitAll('Another commit');
    const shallow = join(await mkdtemp(join(tmpdir(), 'shallow-')), 'clone');
    await repo.git('clone', '-q', '--depth', '1', `file://${repo.dir}`, shallow);
    const refused = await runCli(['verify', '--all', '--evidence-dir', join(shallow, 'evidence')]);
    expect(refused.exitCode).toBe(1);
    expect(refused.stdout).toContain('the repository is a shallow clone');
    expect((await runCli(['verify', '--all', '--allow-shallow', '--evidence-dir', join(shallow, 'evidence')])).exitCode).toBe(0);
    const strict = await runCli(['build', '--strict', '--evidence-dir', join(shallow, 'evidence'), '--out-dir', join(shallow, '..', 'site')]);
    expect(strict.exitCode).toBe(1);
    expect(strict.stderr).toContain('the repository is a shallow clone');
    const byName = await verify(repo, '--git-since', 'main');
    expect(byName.exitCode).toBe(2);
    expect(byName.stderr).toContain('--git-since takes a commit\'s full hash');
    expect((await verify(repo, '--git-since', await repo.head())).exitCode).toBe(0);
  }, 300_000);

  it('judges a deployment without a manifest too: one that claims APPROVED is not an interrupted collection', async () => {
    const repo = await teamRepository();
    const forged = repo.path('evidence', 'sample-production-pr74');
    await mkdir(forged);
    const deployment = JSON.parse(await readFile(repo.path('evidence', 'sample-production-pr73', 'deployment.json'), 'utf8'));
    Object.assign(deployment, { id: 'sample-production-pr74', collection: 'in-progress', finishedAt: null, decision: { status: 'APPROVED', reasons: ['every check passed and every criterion is met'] } });
    await writeFile(join(forged, 'deployment.json'), `${JSON.stringify(deployment, null, 2)}\n`);
    await repo.commitAll('Evidence for #74');
    const run = await verify(repo);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/^FAILED +sample-production-pr74 /m);
    expect(run.stdout).toContain('the decision says APPROVED; its checks give INCOMPLETE');
    expect((await strictBuild(repo)).exitCode).toBe(1);
  }, 180_000);
});

describe.skipIf(realServer() === null)('a team with concurrent pull requests', () => {
  let db: TestDatabase;
  let checklist: string;
  beforeAll(async () => {
    db = await cloneRealDatabase();
    checklist = join(await mkdtemp(join(tmpdir(), 'checklist-')), 'quick.json');
    await import('node:fs/promises').then(({ writeFile }) =>
      writeFile(
        checklist,
        JSON.stringify({
          id: 'quick',
          version: '1.0.0',
          title: 'One quick query',
          sections: [{ number: '1', title: 'Data' }],
          checks: [{ id: 'count', kind: 'sql', section: '1', title: 'Counts the results', sql: 'SELECT count(*) AS n FROM exam_results', assertions: [{ type: 'row-count', min: 1 }] }],
        }),
      ),
    );
  });
  afterAll(() => db?.drop());

  it('collects on two branches after the same deployment and merges both: a fork that verifies, shown as parallel; removing one side later fails; an auditor\'s checkpoint holds across the honest merge', async () => {
    const repo = await teamRepository();
    const checkpoint = join(await mkdtemp(join(tmpdir(), 'auditor-')), 'checkpoint.json');
    const first = await verify(repo, '--checkpoint', checkpoint);
    expect(first.exitCode, first.stdout).toBe(0);
    expect(first.stdout).toContain(`written to ${checkpoint}: 3 deployments`);

    // Two pull requests, each collecting on staging in its own branch, as the CI recipes do.
    for (const branch of ['pr-41', 'pr-42']) {
      await repo.git('switch', '-q', '-c', branch, 'main');
      const collect = await runCli(['collect', '--checklist', checklist, '--env', 'staging', '--id', `staging-${branch}`, '--evidence-dir', repo.path('evidence'), '--database-url', db.url]);
      expect(collect.exitCode, collect.stderr).toBe(0);
      await repo.commitAll(`Evidence for ${branch}`);
    }
    await repo.git('switch', '-q', 'main');
    await repo.git('merge', '-q', '--no-edit', 'pr-41');
    await repo.git('merge', '-q', '--no-edit', 'pr-42');

    const merged = await verify(repo, '--checkpoint', checkpoint);
    expect(merged.exitCode, merged.stdout).toBe(0);
    expect(merged.stdout).toMatch(new RegExp(`^FORK +staging-pr-41, staging-pr-42 \\(staging\\) were collected in parallel, each following ${LATER}`, 'm'));
    expect(merged.stdout).toContain('everything it holds is still here, unchanged, and each chain extends it');
    const site = join(await mkdtemp(join(tmpdir(), 'site-')), 'site');
    const build = await runCli(['build', '--strict', '--evidence-dir', repo.path('evidence'), '--out-dir', site]);
    expect(build.exitCode, build.stderr).toBe(0);
    const staging = await readFile(join(site, 'environments', 'staging', 'index.html'), 'utf8');
    expect(staging).toContain('Collected in parallel');
    expect(staging).toMatch(/staging-pr-41<\/a>, <a [^>]*>staging-pr-42<\/a>\s+— each follows <a [^>]*>sample-staging-pr73-rerun<\/a>/);
    expect(await readFile(join(site, 'deployments', 'staging-pr-41', 'index.html'), 'utf8')).toContain('staging-pr-42 (concurrent branches: both follow the same deployment)');

    // One side of the fork removed in a later commit: nothing names it in the chain, git does.
    await rm(repo.path('evidence', 'staging-pr-42'), { recursive: true });
    const commit = (await repo.commitAll('Drop a duplicate')).slice(0, 12);
    const removed = await verify(repo);
    expect(removed.exitCode).toBe(1);
    expect(removed.stdout).toContain(`staging-pr-42/manifest.json: deleted by ${commit} "Drop a duplicate"`);
    expect((await verify(repo, '--no-git')).exitCode).toBe(0);
  }, 300_000);

  it('an auditor\'s checkpoint names a deployment rewritten after it was taken, even where git cannot see (a history rewritten by force-push)', async () => {
    const repo = await teamRepository();
    const checkpoint = join(await mkdtemp(join(tmpdir(), 'auditor-')), 'checkpoint.json');
    expect((await verify(repo, '--checkpoint', checkpoint)).exitCode).toBe(0);
    await forge(repo.path('evidence'), EARLIER, { edits: quietRowEdit });
    // The history rewritten as if it had always been so: one commit, amended.
    await repo.git('add', '-A');
    await repo.git('commit', '-q', '--amend', '-m', 'Evidence of three deployments');
    expect((await verify(repo)).exitCode).toBe(0);
    const run = await verify(repo, '--checkpoint', checkpoint);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(new RegExp(`^CHECKPOINT .*${EARLIER}.*changed`, 'm'));
  }, 180_000);
});
