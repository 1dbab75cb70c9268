/**
 * The GitHub recipe, proven (issue 27, point 5): a team's project in a local bare remote, two pull
 * requests as branches, a real PostgreSQL server, and examples/ci/github-actions.yml's jobs run by
 * a small runner (test/harness/github-actions-runner.ts) that executes the workflow's steps and
 * the composite action.yml's own steps as GitHub does. Both PRs' runs go at the same time, twice
 * each; then the default branch's publish run. Afterwards the evidence branch verifies on a fresh
 * clone, its chain holds the four deployments in the order they ran, the published site is the
 * default branch's (PR runs only uploaded previews) and the lock is released.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { load as parseYaml } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runCli } from '../harness/cli.ts';
import { realServer, serverUrl } from '../harness/databases.ts';
import { adminQuery } from '../harness/seed-database.ts';
import { GitRepo } from '../harness/git-repo.ts';
import { ActionsRunner, type Job, type JobResult } from '../harness/github-actions-runner.ts';
import { startForgeStandIn, type ForgeStandIn } from '../harness/forge-stand-in.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Not the example's checklist: SQL only, and a mutating step that runs the PR's migration with psql. */
const CHECKLIST = {
  id: 'shelf',
  version: '1.0.0',
  title: 'Shelf: the stock relations',
  sections: [
    { number: '1', title: 'Migration' },
    { number: '2', title: 'Data' },
  ],
  checks: [
    {
      id: 'migrate',
      kind: 'command',
      section: '1',
      title: "The pull request's migration.sql",
      argv: ['sh', '-c', 'psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -q -X -f migration.sql'],
      env: ['DATABASE_URL'],
      mutating: true,
      requires: { executables: ['psql'] },
      assertions: [{ type: 'exit-code' }],
    },
    {
      id: 'stock-rows',
      kind: 'sql',
      section: '2',
      title: 'Every SKU is in stock',
      sql: 'SELECT sku, qty FROM stock ORDER BY sku',
      key: ['sku'],
      assertions: [{ type: 'row-count', min: 2 }, { type: 'field-compare', field: 'qty', op: 'gt', value: 0, rows: 'all' }],
    },
  ],
};

const CONFIG = { checklist: 'checklists/shelf.json', environments: { staging: { databaseUrlEnv: 'STAGING_DATABASE_URL', allowMutating: true } } };

interface Workflow {
  jobs: Record<string, Job>;
}

describe.skipIf(realServer() === null)('the GitHub recipe, end to end', () => {
  let database = '';
  let remote = '';
  let places: { artifacts: string; published: string };
  let runner: ActionsRunner;
  let workflow: Workflow;
  const order: string[] = [];
  let forge: ForgeStandIn;
  const byPr: Record<number, string[]> = { 1: [], 2: [] };
  let mainSha = '';
  const prSha: Record<number, string> = {};

  beforeAll(async () => {
    forge = await startForgeStandIn();
    database = `recipe_${randomBytes(4).toString('hex')}`;
    await adminQuery(serverUrl('postgres'), `CREATE DATABASE ${database}`);
    await adminQuery(serverUrl(database), "CREATE TABLE stock (sku text PRIMARY KEY, qty integer NOT NULL); INSERT INTO stock VALUES ('A-1', 4), ('B-2', 9)");

    // The team's project, its main branch and two pull requests that each change the migration.
    const project = await GitRepo.init('shelf');
    await mkdir(project.path('checklists'));
    await writeFile(project.path('checklists', 'shelf.json'), `${JSON.stringify(CHECKLIST, null, 2)}\n`);
    await writeFile(project.path('deploy-evidence.config.json'), `${JSON.stringify(CONFIG, null, 2)}\n`);
    await writeFile(project.path('migration.sql'), 'SELECT 1;\n');
    await writeFile(project.path('.gitignore'), 'node_modules/\n');
    mainSha = await project.commitAll('The shelf project');
    await project.git('checkout', '-q', '-b', 'pr-1');
    await writeFile(project.path('migration.sql'), 'CREATE TABLE IF NOT EXISTS shelf_bins (bin text PRIMARY KEY);\n');
    prSha[1] = await project.commitAll('Add the bins table');
    await project.git('checkout', '-q', 'main');
    await project.git('checkout', '-q', '-b', 'pr-2');
    await writeFile(project.path('migration.sql'), 'CREATE OR REPLACE VIEW stock_total AS SELECT sum(qty) AS qty FROM stock;\n');
    prSha[2] = await project.commitAll('Add the stock_total view');
    const parent = await mkdtemp(join(tmpdir(), 'recipe-'));
    remote = join(parent, 'remote.git');
    await execa('git', ['clone', '-q', '--bare', project.dir, remote]);

    // `npm ci` on this machine: the project's dev dependency is this checkout's CLI.
    const shims = join(parent, 'bin');
    await mkdir(shims);
    await writeFile(
      join(shims, 'npm'),
      `#!/bin/sh\nif [ "$1" = ci ]; then mkdir -p node_modules/.bin && ln -sf '${BIN}' node_modules/.bin/deploy-evidence && exit 0; fi\necho "npm $* is not available in this test" >&2\nexit 1\n`,
    );
    await chmod(join(shims, 'npm'), 0o755);
    places = { artifacts: join(parent, 'artifacts'), published: join(parent, 'published') };
    await mkdir(places.artifacts);
    const baseEnv: Record<string, string> = { PATH: `${shims}:${process.env.PATH}`, HOME: process.env.HOME ?? parent, TMPDIR: tmpdir(), LANG: 'C.UTF-8' };
    runner = new ActionsRunner({ remote, ...places, actionFile: join(ROOT, 'action.yml'), install: async () => {} }, baseEnv);
    workflow = parseYaml(await readFile(join(ROOT, 'examples', 'ci', 'github-actions.yml'), 'utf8')) as Workflow;
  });

  afterAll(async () => {
    await forge?.close();
    if (database) await adminQuery(serverUrl('postgres'), `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  });

  const github = (pr: number | null, run: number) => ({
    repository: 'acme/shelf',
    repository_owner: 'acme',
    server_url: 'https://github.example',
    api_url: forge.githubApiUrl,
    run_id: String(run),
    token: forge.token,
    event_name: pr === null ? 'push' : 'pull_request',
    sha: pr === null ? mainSha : `refs/pull/${pr}/merge`,
    ref: pr === null ? 'refs/heads/main' : `refs/pull/${pr}/merge`,
    ref_name: pr === null ? 'main' : `${pr}/merge`,
    event: {
      repository: { name: 'shelf', default_branch: 'main' },
      ...(pr === null ? {} : { pull_request: { number: pr, title: `PR ${pr}`, html_url: `https://github.example/acme/shelf/pull/${pr}`, head: { sha: prSha[pr] } } }),
    },
  });

  /** The workflow's job for this event, as GitHub would pick it (the job's `if:`). */
  async function run(pr: number | null, runId: number): Promise<JobResult> {
    const name = pr === null ? 'publish' : 'evidence';
    const job = workflow.jobs[name]!;
    expect(job.if).toBe(pr === null ? "github.event_name != 'pull_request' && github.ref_name == github.event.repository.default_branch" : "github.event_name == 'pull_request'");
    const result = await runner.runJob(job, github(pr, runId), { STAGING_DATABASE_URL: serverUrl(database) });
    if (pr !== null) {
      const id = result.outputs.evidence?.['deployment-id'];
      if (id) {
        order.push(id);
        byPr[pr]!.push(id);
      }
    }
    return result;
  }

  it('runs both pull requests concurrently, twice each, and publishes from the default branch', { timeout: 400_000 }, async () => {
    // Two rounds; in each, both PRs' runs start together (two runners racing for the staging lock).
    for (const round of [1, 2]) {
      const results = await Promise.all([run(1, 100 + round), run(2, 200 + round)]);
      for (const result of results) {
        expect(result.ok, result.log).toBe(true);
        expect(result.summary).toContain(result.outputs.evidence?.['deployment-id']);
        expect(result.outputs.evidence?.decision).toBe('APPROVED');
        expect(result.outputs.evidence?.digest).toMatch(/^[0-9a-f]{64}$/);
        expect(result.outputs.evidence?.['report-url']).toBe(`https://acme.github.io/shelf/deployments/${result.outputs.evidence?.['deployment-id']}/`);
      }
      // The runs were serialized: one of each round waited for the other's lock.
      expect(results.some((r) => r.log.includes('waiting for the staging lock, held by https://github.example/acme/shelf/actions/runs/'))).toBe(true);
      // The previous site build is cached per ref (issue 29): the first round has none; the second
      // restores its own pull request's, and keeps the pages whose inputs did not change.
      for (const [i, result] of results.entries()) {
        if (round === 1) expect(result.log).toContain(`Restore the previous site build → success\nno cache entry for deploy-evidence-site-refs/pull/${i + 1}/merge-${(i + 1) * 100 + round}`);
        else {
          expect(result.log).toContain(`Restore the previous site build → success\nrestored deploy-evidence-site-refs/pull/${i + 1}/merge-${(i + 1) * 100 + 1} (refs/pull/${i + 1}/merge)`);
          expect(result.log).toMatch(/; [1-9]\d* of \d+ deployments' pages kept from the previous output/);
        }
      }
    }
    expect(order).toHaveLength(4);
    // One comment per pull request, updated in place by the second run: it reports the newest deployment.
    for (const pr of [1, 2]) {
      const comments = forge.githubComments('acme/shelf', pr);
      expect(comments).toHaveLength(1);
      expect(comments[0]!.author).toBe('github-actions[bot]');
      expect(comments[0]!.body).toContain(byPr[pr]![1]);
      expect(comments[0]!.body).not.toContain(`deployments/${byPr[pr]![0]}/`);
    }
    expect(forge.requests.filter((r) => r.method === 'POST')).toHaveLength(2);
    expect(forge.requests.filter((r) => r.method === 'PATCH')).toHaveLength(2);
    // PR runs upload previews and never publish.
    expect(existsSync(places.published)).toBe(false);
    expect((await readdir(places.artifacts)).sort()).toEqual(order.map((id) => `deploy-evidence-${id}`).sort());

    const publish = await run(null, 300);
    expect(publish.ok, publish.log).toBe(true);
    // The default branch never sees a pull request's cache: its first build renders everything.
    expect(publish.log).toContain('Restore the previous site build → success\nno cache entry for deploy-evidence-site-refs/heads/main-300');
    const home = await readFile(join(places.published, 'index.html'), 'utf8');
    for (const id of order) expect(home).toContain(`href="/shelf/deployments/${id}/"`);

    // The lock is released.
    expect((await execa('git', ['ls-remote', remote, 'refs/heads/deploy-evidence-lock/*'])).stdout).toBe('');

    // A fresh full clone of the evidence branch verifies: files, verdicts, chain, git history.
    const clone = join(await mkdtemp(join(tmpdir(), 'auditor-')), 'evidence');
    await execa('git', ['clone', '-q', '--branch', 'deploy-evidence', remote, clone]);
    const verify = await runCli(['verify', '--all', '--json', '--evidence-dir', join(clone, 'evidence')], {}, { cwd: clone });
    expect(verify.exitCode, verify.stdout + verify.stderr).toBe(0);
    // Parallel collections would verify too (as history), as a fork: there is none.
    expect((JSON.parse(verify.stdout) as { forks: unknown[] }).forks).toEqual([]);

    // The chain: each deployment follows the one collected before it, in the order the runs pushed.
    const log = (await execa('git', ['log', '--reverse', '--format=%s', 'deploy-evidence'], { cwd: clone })).stdout.split('\n');
    expect(log[0]).toBe('The evidence branch');
    const pushed = log.slice(1).map((s) => /^Evidence: (\S+) /.exec(s)?.[1]);
    expect(pushed).toEqual(order);
    let previous: string | null = null;
    for (const id of pushed) {
      const manifest = JSON.parse(await readFile(join(clone, 'evidence', id!, 'manifest.json'), 'utf8')) as { previousManifestSha256?: string | null };
      const digest = (await execa('sha256sum', [join(clone, 'evidence', id!, 'manifest.json')])).stdout.split(' ')[0];
      expect(manifest.previousManifestSha256 ?? null).toBe(previous);
      previous = digest!;
    }
    // The evidence branch holds evidence only: no PR head and no default branch got a bot commit.
    expect((await execa('git', ['rev-parse', 'refs/heads/main', 'refs/heads/pr-1', 'refs/heads/pr-2'], { cwd: remote })).stdout.split('\n')).toEqual([mainSha, prSha[1], prSha[2]]);
  });

  it('runs the version of the CLI this action belongs to when the project has none installed', async () => {
    const action = parseYaml(await readFile(join(ROOT, 'action.yml'), 'utf8')) as { runs: { steps: { id?: string; env?: Record<string, string> }[] } };
    const version = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')).version as string;
    expect(action.runs.steps.find((s) => s.id === 'setup')?.env?.ACTION_CLI_VERSION).toBe(version);
  });

  it('has a GitLab template whose jobs GitLab accepts: script lines are strings, Pages only from the default branch, collection queued per environment', async () => {
    const template = parseYaml(await readFile(join(ROOT, 'templates', 'gitlab', 'deploy-evidence.yml'), 'utf8')) as Record<string, { script?: unknown[]; before_script?: unknown[]; after_script?: unknown[]; rules?: { if: string }[] }>;
    for (const job of Object.values(template)) {
      // An unquoted "key: value" in a script line is YAML for a mapping, and GitLab refuses the file.
      for (const line of [...(job.before_script ?? []), ...(job.script ?? []), ...(job.after_script ?? [])]) expect(typeof line).toBe('string');
    }
    expect(template['.deploy-evidence-pages']!.rules).toEqual([{ if: '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH' }]);
    expect(template['.deploy-evidence-collect']!.rules).toEqual([{ if: '$CI_PIPELINE_SOURCE == "merge_request_event"' }]);
    const example = parseYaml(await readFile(join(ROOT, 'examples', 'ci', 'gitlab-ci.yml'), 'utf8')) as Record<string, { extends?: string; resource_group?: string }>;
    expect(example['deploy-evidence']).toMatchObject({ extends: '.deploy-evidence-collect', resource_group: 'deploy-evidence-staging' });
    expect(example.pages).toMatchObject({ extends: '.deploy-evidence-pages' });
    // The package ships the template a project copies or includes.
    expect(JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')).files).toContain('templates/');
  });
});
