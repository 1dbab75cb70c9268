/**
 * Evidence anchored in git (issue 24), against real git repositories made in the temporary folder:
 * every case the rules name, made with real commits, branches and merges, so that what git's output
 * really holds (merges above all) is what is tested. Never the project's own repository.
 */
import { readFile, rm, writeFile, mkdtemp, cp, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readGitAnchor, type GitAnchor } from '../../src/cli/git-evidence-history.ts';
import { readEvidenceDigests } from '../../src/format/read-evidence-digests.ts';
import { verifyEvidence } from '../../src/core/integrity/verify.ts';
import { sha256Hex } from '../../src/format/sha256.ts';
import { copyOfCommittedEvidence } from '../harness/committed-evidence.ts';
import { GitRepo } from '../harness/git-repo.ts';

const STAGING = 'sample-staging-pr73';
const RERUN = 'sample-staging-pr73-rerun';
const PRODUCTION = 'sample-production-pr73';

let samples: string;
beforeAll(async () => {
  samples = await copyOfCommittedEvidence();
});

/** A repository whose `evidence` folder (or `folder`) holds the schemas, the signers and the given sample deployments, committed. */
async function repoWith(ids: readonly string[], folder = 'evidence'): Promise<{ repo: GitRepo; root: string }> {
  const repo = await GitRepo.init();
  const root = repo.path(folder);
  await mkdir(root, { recursive: true });
  await cp(join(samples, '_schemas'), join(root, '_schemas'), { recursive: true });
  await cp(join(samples, '_signers.json'), join(root, '_signers.json'));
  for (const id of ids) await cp(join(samples, id), join(root, id), { recursive: true });
  await writeFile(repo.path('README.md'), 'a team repository\n');
  await repo.commitAll('Add the evidence');
  return { repo, root };
}

const addDeployment = (root: string, id: string) => cp(join(samples, id), join(root, id), { recursive: true });

/** Rewrites `file` as `from` (by default the file itself) edited. */
async function editJson(file: string, edit: (data: Record<string, unknown>) => void, from = file): Promise<void> {
  const data = JSON.parse(await readFile(from, 'utf8')) as Record<string, unknown>;
  edit(data);
  await writeFile(file, `${JSON.stringify(data, null, 2)}\n`);
}

/** A sample snapshot with another title (written from the sample, so it also resolves a conflict). */
const retitle = (root: string, id: string, check: string, title: string) => editJson(join(root, id, 'checks', `${check}.json`), (d) => void (d.title = title), join(samples, id, 'checks', `${check}.json`));

/** The sample's sign-off file with the sign-offs `keep` picks of its own. */
async function signoffsKeeping(root: string, id: string, keep: (all: unknown[]) => unknown[]): Promise<void> {
  const from = join(samples, id, 'signoffs.json');
  const all = (JSON.parse(await readFile(from, 'utf8')) as { signoffs: unknown[] }).signoffs;
  await editJson(join(root, id, 'signoffs.json'), (d) => void (d.signoffs = keep(all)), from);
}

const summary = (anchor: GitAnchor) => anchor.problems.map((p) => ({ path: p.path, kind: p.kind, subject: p.commit?.subject ?? null }));

describe('evidence anchored in git', () => {
  it('evidence added once and never changed has no problem; outside the evidence folder anything may change', async () => {
    const { repo, root } = await repoWith([STAGING, RERUN, PRODUCTION]);
    await writeFile(repo.path('README.md'), 'edited\n');
    await repo.commitAll('Edit the README');
    const anchor = await readGitAnchor(root);
    expect(anchor).toEqual({ ran: true, shallow: false, problems: [], uncommitted: [], ignored: [] });
  });

  it('a snapshot modified in a later commit is named with that commit', async () => {
    const { repo, root } = await repoWith([STAGING, PRODUCTION]);
    await retitle(root, STAGING, 'row-count', 'Row count (looks better)');
    const hash = await repo.commitAll('Tidy the row count title');
    const anchor = await readGitAnchor(root);
    expect(anchor.problems).toEqual([
      {
        key: STAGING,
        path: `${STAGING}/checks/row-count.json`,
        kind: 'changed',
        commit: { hash, short: hash.slice(0, 12), subject: 'Tidy the row count title', merge: false },
        message: `${STAGING}/checks/row-count.json: changed by ${hash.slice(0, 12)} "Tidy the row count title"; an evidence file never changes once added`,
      },
    ]);
  });

  it('a deployment re-hashed consistently — snapshot and manifest rewritten together, which its manifest and the chain cannot see — is caught', async () => {
    const { repo, root } = await repoWith([STAGING, RERUN]);
    await retitle(root, RERUN, 'row-count', 'Row count (rewritten)');
    const bytes = await readFile(join(root, RERUN, 'checks', 'row-count.json'));
    await editJson(join(root, RERUN, 'manifest.json'), (m) => {
      const entry = (m.files as { path: string; bytes: number; sha256: string }[]).find((f) => f.path === 'checks/row-count.json')!;
      entry.bytes = bytes.length;
      entry.sha256 = sha256Hex(bytes);
    });
    await repo.commitAll('Regenerate the re-run');
    // Without git, nothing shows: the files match the rewritten manifest, and the re-run ends its chain.
    const report = verifyEvidence(await readEvidenceDigests(root));
    expect(report.deployments.find((d) => d.id === RERUN)).toMatchObject({ status: 'OK', problems: [] });
    expect(report.chain).toEqual([]);
    const anchor = await readGitAnchor(root);
    expect(summary(anchor)).toEqual([
      { path: `${RERUN}/checks/row-count.json`, kind: 'changed', subject: 'Regenerate the re-run' },
      { path: `${RERUN}/manifest.json`, kind: 'changed', subject: 'Regenerate the re-run' },
    ]);
  });

  it('a deleted deployment is named file by file, its notes excepted (annotations may go)', async () => {
    const { repo, root } = await repoWith([STAGING, PRODUCTION]);
    await rm(join(root, PRODUCTION), { recursive: true });
    await repo.commitAll('Remove the production deployment');
    const anchor = await readGitAnchor(root);
    expect(new Set(anchor.problems.map((p) => p.key))).toEqual(new Set([PRODUCTION]));
    const paths = anchor.problems.map((p) => p.path);
    expect(paths).toContain(`${PRODUCTION}/deployment.json`);
    expect(paths).toContain(`${PRODUCTION}/manifest.json`);
    expect(paths).toContain(`${PRODUCTION}/checks/row-count.json`);
    expect(paths).not.toContain(`${PRODUCTION}/notes.mdx`);
    expect(anchor.problems.find((p) => p.path === `${PRODUCTION}/deployment.json`)).toMatchObject({ kind: 'deleted', message: expect.stringContaining('deleted by') });
    // Its three sign-offs went with it.
    expect(anchor.problems.find((p) => p.path === `${PRODUCTION}/signoffs.json`)).toMatchObject({ kind: 'not-appended', message: expect.stringMatching(/deleted; sign-off 1 \(as deployed-by by Sample Release Engineer\).*removed/) });
    // Deleted and added again is still a deletion, named.
    await addDeployment(root, PRODUCTION);
    await repo.commitAll('Put production back');
    expect(summary(await readGitAnchor(root)).filter((p) => p.path === `${PRODUCTION}/deployment.json`)).toEqual([{ path: `${PRODUCTION}/deployment.json`, kind: 'deleted', subject: 'Remove the production deployment' }]);
  });

  it('notes may be edited and deleted after collection', async () => {
    const { repo, root } = await repoWith([PRODUCTION]);
    await writeFile(join(root, PRODUCTION, 'notes.mdx'), 'Edited after the deployment.\n');
    await repo.commitAll('Edit the notes');
    await rm(join(root, PRODUCTION, 'notes.mdx'));
    await repo.commitAll('Drop the notes');
    expect((await readGitAnchor(root)).problems).toEqual([]);
  });

  it('sign-offs may be appended; a removed sign-off is named with its commit', async () => {
    const { repo, root } = await repoWith([]);
    await addDeployment(root, PRODUCTION);
    await signoffsKeeping(root, PRODUCTION, (all) => all.slice(0, 1));
    await repo.commitAll('Collect production, deployed-by signed');
    await signoffsKeeping(root, PRODUCTION, (all) => all.slice(0, 2));
    await repo.commitAll('Sign as validated-by');
    await signoffsKeeping(root, PRODUCTION, (all) => all);
    await repo.commitAll('Sign as approver');
    expect((await readGitAnchor(root)).problems).toEqual([]);

    await signoffsKeeping(root, PRODUCTION, (all) => [all[0], all[2]]);
    const hash = await repo.commitAll('Drop the QA sign-off');
    const anchor = await readGitAnchor(root);
    expect(anchor.problems).toHaveLength(1);
    expect(anchor.problems[0]).toMatchObject({
      key: PRODUCTION,
      path: `${PRODUCTION}/signoffs.json`,
      kind: 'not-appended',
      commit: { hash, subject: 'Drop the QA sign-off' },
      message: expect.stringContaining('sign-off 2 (as validated-by by Sample QA Engineer) removed or altered'),
    });
  });

  it('_signers.json may gain signers; an entry renamed is caught', async () => {
    const { repo, root } = await repoWith([STAGING]);
    await editJson(join(root, '_signers.json'), (d) => void (d.signers as unknown[]).push({ name: 'New Approver', publicKey: 'bmV3IGtleSBmb3IgYSB0ZXN0IG9mIGFwcGVuZGluZyE=', sample: true }));
    await repo.commitAll('Add a signer');
    expect((await readGitAnchor(root)).problems).toEqual([]);
    await editJson(join(root, '_signers.json'), (d) => void ((d.signers as { name: string }[])[0]!.name = 'Mallory'));
    await repo.commitAll('Rename a signer');
    const anchor = await readGitAnchor(root);
    expect(summary(anchor)).toEqual([{ path: '_signers.json', kind: 'not-appended', subject: 'Rename a signer' }]);
    expect(anchor.problems[0]!.key).toBe('_signers.json');
    expect(anchor.problems[0]!.message).toContain('signer "Sample Release Engineer" (key YJg+SvEq9o14AQl9…) altered (now signer "Mallory")');
  });

  it('a schema file changed is caught, keyed by its own path', async () => {
    const { repo, root } = await repoWith([STAGING]);
    await editJson(join(root, '_schemas', 'v2', 'check.schema.json'), (d) => void (d.title = 'looser'));
    await repo.commitAll('Loosen the schema');
    expect((await readGitAnchor(root)).problems.map((p) => [p.key, p.kind])).toEqual([['_schemas/v2/check.schema.json', 'changed']]);
  });
});

describe('merges', () => {
  it('two branches each adding their own deployment, merged, is no problem', async () => {
    const { repo, root } = await repoWith([STAGING]);
    await repo.git('checkout', '-q', '-b', 'side');
    await addDeployment(root, RERUN);
    await repo.commitAll('Collect the staging re-run');
    await repo.git('checkout', '-q', 'main');
    await addDeployment(root, PRODUCTION);
    await repo.commitAll('Collect production');
    await repo.git('merge', '-q', '--no-ff', '--no-edit', 'side');
    expect((await repo.git('log', '-1', '--format=%P')).trim().split(' ')).toHaveLength(2);
    expect(await readGitAnchor(root)).toMatchObject({ ran: true, problems: [], uncommitted: [] });
  });

  it('a file changed on a side branch, then merged, is named at the commit that changed it (once)', async () => {
    const { repo, root } = await repoWith([STAGING]);
    await repo.git('checkout', '-q', '-b', 'side');
    await retitle(root, STAGING, 'kpi-weekly', 'KPI (adjusted)');
    const side = await repo.commitAll('Adjust the KPI snapshot');
    await repo.git('checkout', '-q', 'main');
    await addDeployment(root, PRODUCTION);
    await repo.commitAll('Collect production');
    await repo.git('merge', '-q', '--no-ff', '--no-edit', 'side');
    const anchor = await readGitAnchor(root);
    expect(anchor.problems).toHaveLength(1);
    expect(anchor.problems[0]).toMatchObject({ path: `${STAGING}/checks/kpi-weekly.json`, kind: 'changed', commit: { hash: side, merge: false } });
  });

  it('a change made and undone on a side branch is still history (the merge changes nothing, the branch did)', async () => {
    const { repo, root } = await repoWith([STAGING]);
    await repo.git('checkout', '-q', '-b', 'side');
    const original = await readFile(join(root, STAGING, 'deployment.json'));
    await editJson(join(root, STAGING, 'deployment.json'), (d) => void (d.environment = 'production'));
    await repo.commitAll('Pretend it was production');
    await writeFile(join(root, STAGING, 'deployment.json'), original);
    await repo.commitAll('Undo');
    await repo.git('checkout', '-q', 'main');
    await writeFile(repo.path('README.md'), 'main moved on\n');
    await repo.commitAll('Main moves on');
    await repo.git('merge', '-q', '--no-ff', '--no-edit', 'side');
    expect(summary(await readGitAnchor(root))).toEqual([
      { path: `${STAGING}/deployment.json`, kind: 'changed', subject: 'Pretend it was production' },
      { path: `${STAGING}/deployment.json`, kind: 'changed', subject: 'Undo' },
    ]);
  });

  it('a merge that resolves a conflict by writing a file of its own is caught, named as the merge', async () => {
    const { repo, root } = await repoWith([STAGING]);
    await repo.git('checkout', '-q', '-b', 'side');
    await addDeployment(root, PRODUCTION);
    await repo.commitAll('Collect production on the side');
    await repo.git('checkout', '-q', 'main');
    await addDeployment(root, PRODUCTION);
    await retitle(root, PRODUCTION, 'row-count', 'Row count (main)');
    await repo.commitAll('Collect production on main');
    // Both added the same deployment, differently: an add/add conflict on one snapshot.
    expect(await repo.gitMayFail('merge', '-q', '--no-edit', 'side')).not.toBe(0);
    await retitle(root, PRODUCTION, 'row-count', 'Row count (resolved)');
    const merge = await repo.commitAll('Merge side, conflict resolved');
    const anchor = await readGitAnchor(root);
    expect(anchor.problems.map((p) => ({ path: p.path, hash: p.commit?.hash, merge: p.commit?.merge }))).toEqual([{ path: `${PRODUCTION}/checks/row-count.json`, hash: merge, merge: true }]);
    expect(anchor.problems[0]!.message).toMatch(/^sample-production-pr73\/checks\/row-count\.json: the merge [0-9a-f]{12} "Merge side, conflict resolved" gave it content other than one of its parents had/);
  });

  it('a merge that keeps one side\'s version of a conflicting file drops the other\'s: caught (the combined diff does not show it)', async () => {
    const { repo, root } = await repoWith([STAGING]);
    await repo.git('checkout', '-q', '-b', 'side');
    await addDeployment(root, PRODUCTION);
    await repo.commitAll('Collect production on the side');
    await repo.git('checkout', '-q', 'main');
    await addDeployment(root, PRODUCTION);
    await retitle(root, PRODUCTION, 'row-count', 'Row count (main)');
    await repo.commitAll('Collect production on main');
    expect(await repo.gitMayFail('merge', '-q', '--no-edit', 'side')).not.toBe(0);
    await repo.git('checkout', '--ours', '--', join(root, PRODUCTION, 'checks', 'row-count.json'));
    const merge = await repo.commitAll('Merge side, keeping ours');
    // What git shows by default for this merge: nothing.
    expect((await repo.git('log', '-1', '--cc', '--raw', '--format=', merge)).trim()).toBe('');
    const anchor = await readGitAnchor(root);
    expect(anchor.problems.map((p) => ({ path: p.path, kind: p.kind, hash: p.commit?.hash }))).toEqual([{ path: `${PRODUCTION}/checks/row-count.json`, kind: 'changed', hash: merge }]);
  });

  it('a merge that leaves out a deployment a side branch added is caught', async () => {
    const { repo, root } = await repoWith([STAGING]);
    await repo.git('checkout', '-q', '-b', 'side');
    await addDeployment(root, PRODUCTION);
    await repo.commitAll('Collect production on the side');
    await repo.git('checkout', '-q', 'main');
    await writeFile(repo.path('README.md'), 'main moved on\n');
    await repo.commitAll('Main moves on');
    await repo.git('merge', '-q', '-s', 'ours', '--no-edit', 'side');
    const merge = await repo.head();
    const anchor = await readGitAnchor(root);
    expect(anchor.problems.length).toBeGreaterThan(3);
    expect(anchor.problems.every((p) => p.key === PRODUCTION && p.commit?.hash === merge)).toBe(true);
    expect(anchor.problems.find((p) => p.path === `${PRODUCTION}/manifest.json`)?.message).toMatch(/left out the file one of its parents had/);
  });

  it('sign-offs appended on two branches and merged with both kept are fine; a merge that drops one side\'s sign-off is caught', async () => {
    const { repo, root } = await repoWith([]);
    await addDeployment(root, PRODUCTION);
    await signoffsKeeping(root, PRODUCTION, (all) => all.slice(0, 1));
    await repo.commitAll('Collect production');
    await repo.git('checkout', '-q', '-b', 'qa');
    await signoffsKeeping(root, PRODUCTION, (all) => [all[0], all[1]]);
    await repo.commitAll('QA signs');
    await repo.git('checkout', '-q', '-b', 'approver', 'main');
    await signoffsKeeping(root, PRODUCTION, (all) => [all[0], all[2]]);
    await repo.commitAll('Approver signs');
    await repo.git('checkout', '-q', 'main');
    await repo.git('merge', '-q', '--no-edit', 'qa');
    expect(await repo.gitMayFail('merge', '-q', '--no-edit', 'approver')).not.toBe(0);
    await signoffsKeeping(root, PRODUCTION, (all) => [all[0], all[1], all[2]]);
    await repo.commitAll('Merge the approver\'s sign-off, both kept');
    expect((await readGitAnchor(root)).problems).toEqual([]);

    // The same story, resolved by keeping main's side only.
    await repo.git('reset', '-q', '--hard', 'HEAD~1');
    expect(await repo.gitMayFail('merge', '-q', '--no-edit', 'approver')).not.toBe(0);
    await repo.git('checkout', '--ours', '--', join(root, PRODUCTION, 'signoffs.json'));
    const merge = await repo.commitAll('Merge the approver, sign-off lost');
    const anchor = await readGitAnchor(root);
    expect(anchor.problems).toHaveLength(1);
    expect(anchor.problems[0]).toMatchObject({ path: `${PRODUCTION}/signoffs.json`, kind: 'not-appended', commit: { hash: merge, merge: true }, message: expect.stringContaining('(as approved-for-production by Sample Change Approver) removed or altered') });
  });
});

describe('the work tree', () => {
  it('an uncommitted change to committed evidence is a problem; a new deployment not committed yet is listed, not a problem', async () => {
    const { repo, root } = await repoWith([STAGING]);
    await retitle(root, STAGING, 'row-count', 'Row count (uncommitted)');
    await addDeployment(root, PRODUCTION);
    const anchor = await readGitAnchor(root);
    expect(anchor.problems).toEqual([
      { key: STAGING, path: `${STAGING}/checks/row-count.json`, kind: 'changed', commit: null, message: expect.stringMatching(/^sample-staging-pr73\/checks\/row-count\.json: changed since its commit, not committed/) },
    ]);
    expect(anchor.uncommitted).toContain(`${PRODUCTION}/deployment.json`);
    expect(anchor.uncommitted).toContain(`${PRODUCTION}/notes.mdx`);
    expect(anchor.uncommitted).not.toContain(`${STAGING}/checks/row-count.json`);
    // Staged (git add), still not committed: the same.
    await repo.git('add', '-A');
    const staged = await readGitAnchor(root);
    expect(staged.problems.map((p) => [p.path, p.kind, p.commit])).toEqual([[`${STAGING}/checks/row-count.json`, 'changed', null]]);
    expect(staged.uncommitted).toEqual(anchor.uncommitted);
  });

  it('a sign-off appended and not committed yet is listed; one removed is a problem; a file deleted from git\'s index is one too', async () => {
    const { repo, root } = await repoWith([]);
    await addDeployment(root, STAGING);
    await signoffsKeeping(root, STAGING, (all) => all.slice(0, 1));
    await repo.commitAll('Collect staging');
    await signoffsKeeping(root, STAGING, (all) => all);
    expect(await readGitAnchor(root)).toMatchObject({ problems: [], uncommitted: [`${STAGING}/signoffs.json`] });
    await signoffsKeeping(root, STAGING, () => []);
    expect((await readGitAnchor(root)).problems).toMatchObject([{ path: `${STAGING}/signoffs.json`, kind: 'not-appended', commit: null }]);
    await signoffsKeeping(root, STAGING, (all) => all.slice(0, 1));
    await repo.git('rm', '-q', '--cached', join(root, STAGING, 'manifest.json'));
    expect((await readGitAnchor(root)).problems).toMatchObject([{ path: `${STAGING}/manifest.json`, kind: 'deleted', commit: null }]);
  });
});

describe('where the check runs', () => {
  it('a folder outside any git repository: the check does not run, and says so', async () => {
    const root = await copyOfCommittedEvidence();
    const anchor = await readGitAnchor(root);
    expect(anchor).toMatchObject({ ran: false, problems: [], uncommitted: [] });
    expect(anchor.why).toContain(`${root} is not inside a git repository`);
  });

  it('a folder that does not exist is an error naming it, not "git is not installed"', async () => {
    const missing = join(await mkdtemp(join(tmpdir(), 'git-anchor-')), 'nowhere');
    await expect(readGitAnchor(missing)).rejects.toThrow(`${missing}: no evidence folder there`);
  });

  it('a folder git ignores: the check does not run, and says so', async () => {
    const repo = await GitRepo.init();
    await writeFile(repo.path('.gitignore'), '.demo/\n');
    await repo.commitAll('Ignore the demo');
    const root = repo.path('.demo', 'evidence');
    await cp(samples, root, { recursive: true });
    const anchor = await readGitAnchor(root);
    expect(anchor).toMatchObject({ ran: false, problems: [] });
    expect(anchor.why).toMatch(/git ignores .*\.demo\/evidence/);
  });

  it('a new repository without a commit: everything is not committed yet', async () => {
    const repo = await GitRepo.init();
    const root = repo.path('evidence');
    await cp(join(samples, STAGING), join(root, STAGING), { recursive: true });
    const anchor = await readGitAnchor(root);
    expect(anchor).toMatchObject({ ran: true, problems: [] });
    expect(anchor.uncommitted).toContain(`${STAGING}/manifest.json`);
  });

  it('evidence in a subfolder whose name holds spaces, quotes, glob characters and a newline; paths are relative to the evidence root; subjects that look like git output stay subjects', async () => {
    const folder = join('deploy "audit" [x]*', 'év\nidence');
    const { repo, root } = await repoWith([STAGING], folder);
    // A sibling the unquoted glob would also match: its changes are never looked at.
    const sibling = repo.path('deploy "audit" [x]-other', 'év\nidence');
    await cp(join(samples, PRODUCTION), join(sibling, PRODUCTION), { recursive: true });
    await repo.commitAll('Sibling folder');
    await retitle(sibling, PRODUCTION, 'row-count', 'edited beside');
    await repo.commitAll('Sibling folder edited');
    await retitle(root, STAGING, 'row-count', 'edited');
    const subject = ':100644 100644 0000000000000000000000000000000000000000 1111111111111111111111111111111111111111 M';
    await repo.commitAll(subject);
    const anchor = await readGitAnchor(root);
    expect(summary(anchor)).toEqual([{ path: `${STAGING}/checks/row-count.json`, kind: 'changed', subject }]);
    // Evidence deleted beside the folder checked is another matter: a deployment moved or removed.
    await rm(repo.path('deploy "audit" [x]-other'), { recursive: true });
    await repo.commitAll('Sibling folder gone');
    expect(summary(await readGitAnchor(root))).toContainEqual({ path: `deploy "audit" [x]-other/év\nidence/${PRODUCTION}/manifest.json`, kind: 'moved-away', subject: 'Sibling folder gone' });
  });

  it('a shallow clone says the check is partial', async () => {
    const { repo, root } = await repoWith([STAGING]);
    await retitle(root, STAGING, 'row-count', 'edited before the clone\'s edge');
    await repo.commitAll('An old change');
    await writeFile(repo.path('README.md'), 'later\n');
    await repo.commitAll('A later commit');
    const clones = await mkdtemp(join(tmpdir(), 'git-anchor-clone-'));
    await repo.git('clone', '-q', '--depth', '1', `file://${repo.dir}`, join(clones, 'shallow'));
    const anchor = await readGitAnchor(join(clones, 'shallow', 'evidence'));
    // The change before the edge is not in this clone's history: partial, and said so.
    expect(anchor).toMatchObject({ ran: true, shallow: true, problems: [] });
    expect((await readGitAnchor(root)).shallow).toBe(false);
  });

  it('thousands of evidence files over many commits: one log, in reasonable time', async () => {
    const { repo, root } = await repoWith([]);
    const source = join(samples, STAGING);
    // 150 deployments (about 3,000 files), 30 commits of 5, then a branch merged.
    for (let batch = 0; batch < 30; batch++) {
      for (let i = 0; i < 5; i++) await cp(source, join(root, `d-${batch}-${i}`), { recursive: true });
      await repo.commitAll(`Batch ${batch}`);
    }
    await repo.git('checkout', '-q', '-b', 'side', 'HEAD~10');
    await editJson(join(root, 'd-3-1', 'checks', 'row-count.json'), (d) => void (d.title = 'changed on a side branch'));
    await repo.commitAll('Side change');
    await repo.git('checkout', '-q', 'main');
    await repo.git('merge', '-q', '--no-edit', 'side');
    const started = performance.now();
    const anchor = await readGitAnchor(root);
    const took = performance.now() - started;
    // About 0.2 s on a shared two-core machine; the bound only catches a check gone quadratic or per file.
    expect(summary(anchor)).toEqual([{ path: 'd-3-1/checks/row-count.json', kind: 'changed', subject: 'Side change' }]);
    expect(took).toBeLessThan(30_000);
  });
});
