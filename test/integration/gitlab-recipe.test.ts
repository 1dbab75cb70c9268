/**
 * The GitLab recipe, proven (issue 27): a team's project in a local bare remote with
 * examples/ci/gitlab-ci.yml as its .gitlab-ci.yml and templates/gitlab/deploy-evidence.yml copied
 * where the example includes it from, two merge requests, a real PostgreSQL server and the
 * stand-in for GitLab's notes API. A small runner (test/harness/gitlab-ci-runner.ts) runs the jobs
 * as GitLab's bash runner does — includes and `extends:` merged, `rules:` evaluated, predefined
 * variables, before_script + script in one shell, after_script in another — so the template's
 * script lines run as they are. The project's https address (the one the template builds from
 * CI_SERVER_HOST and CI_PROJECT_PATH with the push token) reaches the bare remote through
 * `url.<bare>.insteadOf` in the jobs' global git config; every other https address goes nowhere.
 *
 * Both merge requests' collections run at the same time, twice each (GitLab's resource_group
 * would queue them; the runner has none, so the lock alone serializes them); then one collection
 * fails after taking the lock and after_script releases it; then the default branch's pages job.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runCli } from '../harness/cli.ts';
import { realServer, serverUrl } from '../harness/databases.ts';
import { adminQuery } from '../harness/seed-database.ts';
import { GitRepo } from '../harness/git-repo.ts';
import { GitlabRunner, scriptLines, type GitlabJobResult, type Pipeline } from '../harness/gitlab-ci-runner.ts';
import { startForgeStandIn, type ForgeStandIn } from '../harness/forge-stand-in.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ZERO = '0'.repeat(40);

/** Not the example's checklist: a mutating step that runs the merge request's migration with psql, then SQL checks. */
const CHECKLIST = {
  id: 'parcels',
  version: '2.1.0',
  title: 'Parcels: routing',
  sections: [
    { number: '1', title: 'Schema' },
    { number: '2', title: 'Routing' },
  ],
  checks: [
    {
      id: 'apply-migration',
      kind: 'command',
      section: '1',
      title: "The merge request's migration.sql",
      argv: ['sh', '-c', 'psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -q -X -f migration.sql'],
      env: ['DATABASE_URL'],
      mutating: true,
      requires: { executables: ['psql'] },
      assertions: [{ type: 'exit-code' }],
    },
    {
      id: 'parcels-weighed',
      kind: 'sql',
      section: '2',
      title: 'Every parcel has a weight',
      sql: 'SELECT id, weight_g FROM parcels ORDER BY id',
      key: ['id'],
      assertions: [{ type: 'row-count', min: 3 }, { type: 'no-nulls', fields: ['weight_g'] }, { type: 'field-compare', field: 'weight_g', op: 'gt', value: 0, rows: 'all' }],
    },
    {
      id: 'parcels-routed',
      kind: 'sql',
      section: '2',
      title: 'No parcel is without a route',
      sql: 'SELECT id FROM parcels WHERE route IS NULL ORDER BY id',
      key: ['id'],
      assertions: [{ type: 'row-count', max: 0 }],
    },
  ],
};

const CONFIG = { checklist: 'checklists/parcels.json', environments: { staging: { databaseUrlEnv: 'STAGING_DATABASE_URL', allowMutating: true } } };
// Pages on a unique domain, GitLab.com's default for new projects: the site is served at /.
const PROJECT = { id: '4711', path: 'acme/parcels', serverHost: 'gitlab.example', defaultBranch: 'main', pagesUrl: 'https://parcels-acme-5f3e1a.gitlab.io' };
const PUSH_TOKEN = `glpat-${randomBytes(10).toString('hex')}`;
const JOB_TOKEN = `glcbt-${randomBytes(10).toString('hex')}`;

describe.skipIf(realServer() === null)('the GitLab recipe, end to end', () => {
  let database = '';
  let remote = '';
  let pushLog = '';
  let artifacts = '';
  let runner: GitlabRunner;
  let forge: ForgeStandIn;
  let mainSha = '';
  const mrSha: Record<number, string> = {};
  /** Every collect job, in the order they were started, with the deployment it collected. */
  const collected: { mr: number; result: GitlabJobResult; id: string }[] = [];

  beforeAll(async () => {
    forge = await startForgeStandIn({ token: `glpat-${randomBytes(10).toString('hex')}` });
    database = `gitlab_recipe_${randomBytes(4).toString('hex')}`;
    await adminQuery(serverUrl('postgres'), `CREATE DATABASE ${database}`);
    await adminQuery(serverUrl(database), "CREATE TABLE parcels (id integer PRIMARY KEY, weight_g integer, route text); INSERT INTO parcels VALUES (1, 250, 'north'), (2, 1200, 'south'), (3, 90, 'north')");

    // The team's project: the example as its .gitlab-ci.yml, the template copied where it includes it from.
    const project = await GitRepo.init('parcels');
    await mkdir(project.path('checklists'));
    await mkdir(project.path('ci'));
    await writeFile(project.path('.gitlab-ci.yml'), await readFile(join(ROOT, 'examples', 'ci', 'gitlab-ci.yml'), 'utf8'));
    await writeFile(project.path('ci', 'deploy-evidence.yml'), await readFile(join(ROOT, 'templates', 'gitlab', 'deploy-evidence.yml'), 'utf8'));
    await writeFile(project.path('checklists', 'parcels.json'), `${JSON.stringify(CHECKLIST, null, 2)}\n`);
    await writeFile(project.path('deploy-evidence.config.json'), `${JSON.stringify(CONFIG, null, 2)}\n`);
    await writeFile(project.path('migration.sql'), 'SELECT 1;\n');
    await writeFile(project.path('.gitignore'), 'node_modules/\npreview/\npublic/\n');
    mainSha = await project.commitAll('The parcels project');
    await project.git('checkout', '-q', '-b', 'add-depots');
    await writeFile(project.path('migration.sql'), 'CREATE TABLE IF NOT EXISTS depots (code text PRIMARY KEY);\n');
    mrSha[1] = await project.commitAll('Add the depots table');
    await project.git('checkout', '-q', 'main');
    await project.git('checkout', '-q', '-b', 'route-view');
    await writeFile(project.path('migration.sql'), 'CREATE OR REPLACE VIEW parcels_by_route AS SELECT route, count(*) AS n FROM parcels GROUP BY route;\n');
    mrSha[2] = await project.commitAll('Add the parcels_by_route view');

    const parent = await mkdtemp(join(tmpdir(), 'gitlab-recipe-'));
    remote = join(parent, 'parcels.git');
    await execa('git', ['clone', '-q', '--bare', project.dir, remote]);
    // GitLab's merge request refs, and what GitLab's server does that a plain bare repository does
    // not: it accepts push options (-o ci.skip). A hook records every ref update and its options.
    await execa('git', ['--git-dir', remote, 'update-ref', 'refs/merge-requests/1/head', mrSha[1]!]);
    await execa('git', ['--git-dir', remote, 'update-ref', 'refs/merge-requests/2/head', mrSha[2]!]);
    await execa('git', ['--git-dir', remote, 'config', 'receive.advertisePushOptions', 'true']);
    pushLog = join(parent, 'pushes.log');
    await writeFile(pushLog, '');
    await writeFile(
      join(remote, 'hooks', 'post-receive'),
      `#!/bin/sh\nwhile read old new ref; do\n  options=""\n  i=0\n  while [ "$i" -lt "\${GIT_PUSH_OPTION_COUNT:-0}" ]; do eval "options=\\"\\$options \\$GIT_PUSH_OPTION_$i\\""; i=$((i + 1)); done\n  echo "$ref $old $new$options" >> '${pushLog}'\ndone\n`,
    );
    await chmod(join(remote, 'hooks', 'post-receive'), 0o755);

    // The runner machine: its global git config sends the project's addresses (checkout with the
    // job token, pushes with the push token) to the bare remote, and any other https address nowhere.
    const gitconfig = join(parent, 'gitconfig');
    for (const [key, value] of [
      [`url.${remote}.insteadOf`, `https://gitlab-ci-token:${JOB_TOKEN}@${PROJECT.serverHost}/${PROJECT.path}.git`],
      [`url.${remote}.insteadOf`, `https://oauth2:${PUSH_TOKEN}@${PROJECT.serverHost}/${PROJECT.path}.git`],
      [`url.${join(parent, 'no-network')}/.insteadOf`, 'https://'],
      ['protocol.file.allow', 'always'],
    ] as const) {
      await execa('git', ['config', '--file', gitconfig, '--add', key, value]);
    }
    // `npm ci` on this machine: the project's dev dependency is this checkout's CLI.
    const shims = join(parent, 'bin');
    await mkdir(shims);
    await writeFile(
      join(shims, 'npm'),
      `#!/bin/sh\nif [ "$1" = ci ]; then mkdir -p node_modules/.bin && ln -sf '${BIN}' node_modules/.bin/deploy-evidence && exit 0; fi\necho "npm $* is not available in this test" >&2\nexit 1\n`,
    );
    await chmod(join(shims, 'npm'), 0o755);
    artifacts = join(parent, 'artifacts');
    await mkdir(artifacts);
    const home = join(parent, 'home');
    await mkdir(home);
    runner = new GitlabRunner(
      {
        ...PROJECT,
        remote,
        apiUrl: forge.gitlabApiUrl,
        jobToken: JOB_TOKEN,
        // The project's masked CI/CD variables.
        variables: { STAGING_DATABASE_URL: serverUrl(database), DEPLOY_EVIDENCE_PUSH_TOKEN: PUSH_TOKEN, GITLAB_TOKEN: forge.token },
      },
      { PATH: `${shims}:${process.env.PATH}`, HOME: home, TMPDIR: tmpdir(), LANG: 'C.UTF-8', GIT_CONFIG_GLOBAL: gitconfig, GIT_CONFIG_NOSYSTEM: '1' },
      artifacts,
    );
  });

  afterAll(async () => {
    await forge?.close();
    if (database) await adminQuery(serverUrl('postgres'), `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  });

  const mrPipeline = (mr: number): Pipeline => ({
    source: 'merge_request_event',
    sha: mrSha[mr]!,
    mr: { iid: mr, title: mr === 1 ? 'Add the depots table' : 'Add the parcels_by_route view', sourceBranch: mr === 1 ? 'add-depots' : 'route-view', targetBranch: 'main' },
  });

  /** The ref updates the remote received, in order: [ref, old, new, push options]. */
  async function pushes(): Promise<{ ref: string; old: string; new: string; options: string[] }[]> {
    return (await readFile(pushLog, 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [ref, old, next, ...options] = line.split(' ');
        return { ref: ref!, old: old!, new: next!, options };
      });
  }

  const lockRefs = async () => (await execa('git', ['--git-dir', remote, 'for-each-ref', '--format=%(refname)', 'refs/heads/deploy-evidence-lock/'])).stdout;
  const branchTip = async () => (await execa('git', ['--git-dir', remote, 'rev-parse', 'refs/heads/deploy-evidence'])).stdout;

  async function collect(mr: number, extra: Record<string, string> = {}): Promise<{ mr: number; result: GitlabJobResult; id: string }> {
    expect(await runner.jobsOf(mrPipeline(mr))).toEqual(['deploy-evidence']);
    const result = await runner.runJob('deploy-evidence', mrPipeline(mr), extra);
    const report = join(result.buildsDir, `deploy-evidence-${result.jobId}`, 'collect.json');
    // Empty when collect wrote nothing (it failed before a deployment existed).
    const text = existsSync(report) ? await readFile(report, 'utf8') : '';
    const id = text ? (JSON.parse(text) as { id: string }).id : '';
    return { mr, result, id };
  }

  it('runs the template as GitLab would: two merge requests at once, twice each; a failed job releases the lock; pages only from the default branch', { timeout: 400_000 }, async () => {
    // Which jobs each kind of pipeline gets, by the template's rules.
    expect(await runner.jobsOf(mrPipeline(1))).toEqual(['deploy-evidence']);
    expect(await runner.jobsOf({ source: 'push', sha: mainSha, branch: 'main' })).toEqual(['pages']);
    expect(await runner.jobsOf({ source: 'push', sha: mrSha[1]!, branch: 'add-depots' })).toEqual([]);

    for (const round of [1, 2]) {
      const runs = await Promise.all([collect(1), collect(2)]);
      for (const run of runs) {
        expect(run.result.ok, run.result.log).toBe(true);
        expect(run.id).toMatch(/staging/);
        expect(run.result.afterScript?.exitCode, run.result.log).toBe(0);
        // The preview is the job's artifact, built from the evidence branch with the project's Pages address.
        const preview = await readFile(join(run.result.artifacts!, 'preview', 'index.html'), 'utf8');
        expect(preview).toContain(`href="/deployments/${run.id}/"`);
        // Its outputs, as a dotenv report: the deployment, its decision, its digest, its report's address.
        const outputs = await readFile(join(run.result.projectDir, 'deploy-evidence.env'), 'utf8');
        expect(outputs).toMatch(new RegExp(`^DEPLOY_EVIDENCE_ID=${run.id}\nDEPLOY_EVIDENCE_DECISION=APPROVED(?: WITH NOTES)?\nDEPLOY_EVIDENCE_DIGEST=[0-9a-f]{64}\nDEPLOY_EVIDENCE_REPORT_URL=https://\\S+/deployments/${run.id}/\n$`));
        collected.push(run);
      }
      // The two ran at once and the lock serialized them: one waited for the other's job.
      expect(runs.some((r) => r.result.log.includes(`waiting for the staging lock, held by https://gitlab.example/acme/parcels/-/jobs/`)), `round ${round}`).toBe(true);
    }
    const ids = collected.map((c) => c.id);
    expect(new Set(ids).size).toBe(4);

    // The remote saw, for each collection: the lock taken, the evidence pushed (a fast-forward,
    // with ci.skip), the lock released — never two at once.
    const seen = (await pushes()).filter((p) => p.ref === 'refs/heads/deploy-evidence' || p.ref === 'refs/heads/deploy-evidence-lock/staging');
    expect(seen.map((p) => (p.ref.endsWith('/staging') ? (p.old === ZERO ? 'lock' : p.new === ZERO ? 'unlock' : 'moved') : 'evidence'))).toEqual(Array(4).fill(['lock', 'evidence', 'unlock']).flat());
    const evidencePushes = seen.filter((p) => p.ref === 'refs/heads/deploy-evidence');
    for (const [i, push] of evidencePushes.entries()) {
      expect(push.options).toEqual(['ci.skip']);
      if (i > 0) expect(push.old).toBe(evidencePushes[i - 1]!.new);
    }
    const pushedIds: string[] = [];
    for (const push of evidencePushes) pushedIds.push(/^Evidence: (\S+)/.exec((await execa('git', ['--git-dir', remote, 'log', '-1', '--format=%s', push.new])).stdout)![1]!);
    expect([...pushedIds].sort()).toEqual([...ids].sort());

    // One note per merge request, updated in place: it reports the newest deployment.
    for (const mr of [1, 2]) {
      const notes = forge.gitlabNotes(PROJECT.id, mr);
      expect(notes).toHaveLength(1);
      expect(notes[0]!.author).toBe('deploy-evidence-bot');
      const mine = collected.filter((c) => c.mr === mr).map((c) => c.id);
      expect(notes[0]!.body).toContain(`${PROJECT.pagesUrl}/deployments/${mine[1]}/`);
      expect(notes[0]!.body).not.toContain(`deployments/${mine[0]}/`);
    }
    const gitlabRequests = forge.requests.filter((r) => r.path.startsWith('/gitlab/'));
    expect(gitlabRequests.filter((r) => r.method === 'POST')).toHaveLength(2);
    expect(gitlabRequests.filter((r) => r.method === 'PUT')).toHaveLength(2);
    expect(await lockRefs()).toBe('');

    // A collection that fails after taking the lock (a checklist that is not there: collect exits 2):
    // the job fails, pushes nothing, and after_script releases the lock. This pipeline runs without
    // the push token: the lock is taken and released with the job token (user gitlab-ci-token), as
    // where the project allows job-token pushes.
    const tip = await branchTip();
    const failed = await collect(1, { DEPLOY_EVIDENCE_COLLECT_ARGS: '--checklist checklists/not-there.json', DEPLOY_EVIDENCE_PUSH_TOKEN: '' });
    expect(failed.result.ok, failed.result.log).toBe(false);
    expect(failed.id).toBe('');
    expect(failed.result.log).toMatch(/not-there\.json/);
    expect(failed.result.log).toMatch(/took the staging lock/);
    expect(failed.result.afterScript?.exitCode, failed.result.log).toBe(0);
    expect(failed.result.afterScript?.log).toMatch(/released the staging lock/);
    expect(await lockRefs()).toBe('');
    expect(await branchTip()).toBe(tip);
    expect(forge.gitlabNotes(PROJECT.id, 1)).toHaveLength(1);

    // The default branch's pipeline: only `pages`, its public/ built from the evidence branch.
    const pages = await runner.runJob('pages', { source: 'push', sha: mainSha, branch: 'main' });
    expect(pages.ok, pages.log).toBe(true);
    const home = await readFile(join(pages.artifacts!, 'public', 'index.html'), 'utf8');
    for (const id of ids) expect(home).toContain(`href="/deployments/${id}/"`);

    // A fresh full clone of the evidence branch verifies: files, verdicts, chain, git history.
    const clone = join(await mkdtemp(join(tmpdir(), 'auditor-')), 'evidence');
    await execa('git', ['clone', '-q', '--branch', 'deploy-evidence', remote, clone]);
    const verify = await runCli(['verify', '--all', '--json', '--evidence-dir', join(clone, 'evidence')], {}, { cwd: clone });
    expect(verify.exitCode, verify.stdout + verify.stderr).toBe(0);
    expect((JSON.parse(verify.stdout) as { forks: unknown[] }).forks).toEqual([]);

    // The chain is linear, in the order the runs pushed: each manifest names the one pushed before it.
    const log = (await execa('git', ['log', '--reverse', '--format=%s', 'deploy-evidence'], { cwd: clone })).stdout.split('\n');
    expect(log[0]).toBe('The evidence branch');
    expect(log.slice(1).map((s) => /^Evidence: (\S+)/.exec(s)?.[1])).toEqual(pushedIds);
    let previous: string | null = null;
    for (const id of pushedIds) {
      const file = join(clone, 'evidence', id, 'manifest.json');
      const manifest = JSON.parse(await readFile(file, 'utf8')) as { previousManifestSha256?: string | null };
      expect(manifest.previousManifestSha256 ?? null).toBe(previous);
      previous = (await execa('sha256sum', [file])).stdout.split(' ')[0]!;
    }

    // Nothing but the evidence branch (and the lock, now gone) was written: not the default
    // branch, not a merge request's branch or ref.
    expect((await pushes()).map((p) => p.ref).filter((r) => r !== 'refs/heads/deploy-evidence' && r !== 'refs/heads/deploy-evidence-lock/staging')).toEqual([]);
    expect((await execa('git', ['--git-dir', remote, 'rev-parse', 'refs/heads/main', 'refs/heads/add-depots', 'refs/heads/route-view'])).stdout.split('\n')).toEqual([mainSha, mrSha[1], mrSha[2]]);
  });

  it("takes the site's address and base from GitLab's CI_PAGES_URL: a group's domain, subgroups, a unique domain", async () => {
    const job = await runner.job(mrPipeline(1), 'deploy-evidence');
    const block = scriptLines(job.before_script, 'before_script').filter((line) => line.includes('CI_PAGES_URL'));
    expect(block).toHaveLength(1);
    const where = async (variables: Record<string, string>) =>
      (await execa('bash', ['--noprofile', '--norc', '-c', `set -eo pipefail\n${block[0]}\nprintf '%s %s' "$DEPLOY_EVIDENCE_SITE" "$DEPLOY_EVIDENCE_BASE"`], { env: { PATH: process.env.PATH ?? '', ...variables }, extendEnv: false })).stdout;
    expect(await where({ CI_PAGES_URL: 'https://acme.gitlab.io/parcels', CI_PROJECT_PATH: 'acme/parcels', CI_PROJECT_ROOT_NAMESPACE: 'acme' })).toBe('https://acme.gitlab.io /parcels/');
    expect(await where({ CI_PAGES_URL: 'https://acme.gitlab.io/logistics/parcels', CI_PROJECT_PATH: 'acme/logistics/parcels', CI_PROJECT_ROOT_NAMESPACE: 'acme' })).toBe('https://acme.gitlab.io /logistics/parcels/');
    expect(await where({ CI_PAGES_URL: 'https://parcels-acme-5f3e1a.gitlab.io', CI_PROJECT_PATH: 'acme/parcels', CI_PROJECT_ROOT_NAMESPACE: 'acme' })).toBe('https://parcels-acme-5f3e1a.gitlab.io /');
    expect(await where({ CI_PAGES_URL: 'http://pages.example.com:8080/acme/parcels/', CI_PROJECT_PATH: 'acme/parcels', CI_PROJECT_ROOT_NAMESPACE: 'acme' })).toBe('http://pages.example.com:8080 /acme/parcels/');
    // Set by the project, they win; without CI_PAGES_URL, GitLab.com's group domain.
    expect(await where({ CI_PAGES_URL: 'https://acme.gitlab.io/parcels', DEPLOY_EVIDENCE_SITE: 'https://audit.acme.test', DEPLOY_EVIDENCE_BASE: '/db/', CI_PROJECT_PATH: 'acme/parcels', CI_PROJECT_ROOT_NAMESPACE: 'acme' })).toBe('https://audit.acme.test /db/');
    expect(await where({ CI_PROJECT_PATH: 'acme/logistics/parcels', CI_PROJECT_ROOT_NAMESPACE: 'acme' })).toBe('https://acme.gitlab.io /logistics/parcels/');
  });
});
