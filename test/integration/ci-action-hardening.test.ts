/**
 * The GitHub Action and its recipe read as an attacker would (issue 27's review): a pull request
 * author controls its title, a person with write access can start the workflow on any branch, and
 * a collection may run long. Run by the same small runner as the recipe test
 * (test/harness/github-actions-runner.ts), which substitutes `${{ … }}` into `run:` scripts as
 * GitHub does, so an expression there would run what the title says. No database is needed but
 * for the last case, whose collection succeeds and whose push is refused.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { load as parseYaml } from 'js-yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, runCli } from '../harness/cli.ts';
import { realServer, serverUrl } from '../harness/databases.ts';
import { GitRepo } from '../harness/git-repo.ts';
import { ActionsRunner, condition, type Job } from '../harness/github-actions-runner.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LOCK = 'refs/heads/deploy-evidence-lock/staging';

const CHECKLIST = {
  id: 'one',
  version: '1.0.0',
  title: 'One query',
  sections: [{ number: '1', title: 'Data' }],
  checks: [{ id: 'one', kind: 'sql', section: '1', title: 'One row', sql: 'SELECT 1 AS one', assertions: [{ type: 'row-count', min: 1 }] }],
};

interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, Job & { steps: { uses?: string; with?: Record<string, string>; run?: string }[] }>;
}
interface ActionFile {
  runs: { steps: { run?: string; name?: string }[] };
}

let parent = '';
let remote = '';
let mainSha = '';
let places: { artifacts: string; published: string };
let runner: ActionsRunner;
let workflow: Workflow;

beforeAll(async () => {
  const project = await GitRepo.init('hardening');
  await mkdir(project.path('checklists'));
  await writeFile(project.path('checklists', 'one.json'), `${JSON.stringify(CHECKLIST, null, 2)}\n`);
  await writeFile(project.path('deploy-evidence.config.json'), `${JSON.stringify({ checklist: 'checklists/one.json', environments: { staging: { databaseUrlEnv: 'STAGING_DATABASE_URL' } } }, null, 2)}\n`);
  await writeFile(project.path('.gitignore'), 'node_modules/\n');
  mainSha = await project.commitAll('The project');
  parent = await mkdtemp(join(tmpdir(), 'hardening-'));
  remote = join(parent, 'remote.git');
  await execa('git', ['clone', '-q', '--bare', project.dir, remote]);
  // `npm ci` on this machine: the project's dev dependency is this checkout's CLI.
  const shims = join(parent, 'bin');
  await mkdir(shims);
  await writeFile(join(shims, 'npm'), `#!/bin/sh\nif [ "$1" = ci ]; then mkdir -p node_modules/.bin && ln -sf '${BIN}' node_modules/.bin/deploy-evidence && exit 0; fi\nexit 1\n`);
  await chmod(join(shims, 'npm'), 0o755);
  places = { artifacts: join(parent, 'artifacts'), published: join(parent, 'published') };
  await mkdir(places.artifacts);
  runner = new ActionsRunner(
    { remote, ...places, actionFile: join(ROOT, 'action.yml'), install: async () => {} },
    { PATH: `${shims}:${process.env.PATH}`, HOME: process.env.HOME ?? parent, TMPDIR: tmpdir(), LANG: 'C.UTF-8' },
  );
  workflow = parseYaml(await readFile(join(ROOT, 'examples', 'ci', 'github-actions.yml'), 'utf8')) as Workflow;
});

const github = (over: { event_name: string; ref: string; ref_name: string; title?: string; run?: number }) => ({
  repository: 'acme/hardening',
  repository_owner: 'acme',
  server_url: 'https://github.example',
  api_url: 'http://127.0.0.1:1',
  run_id: String(over.run ?? 1),
  token: 'ghs_unused',
  event_name: over.event_name,
  sha: mainSha,
  ref: over.ref,
  ref_name: over.ref_name,
  event: {
    repository: { name: 'hardening', default_branch: 'main' },
    ...(over.title === undefined ? {} : { pull_request: { number: 7, title: over.title, html_url: 'https://github.example/acme/hardening/pull/7', head: { sha: mainSha } } }),
  },
});

/** A step of the job or of the action, from the runner's log (`── <name> → <outcome>` then its output). */
function stepOf(log: string, name: string): { outcome: string; output: string } {
  const sections = log.split(/^── /m).slice(1);
  const found = sections.find((s) => s.startsWith(`${name} → `));
  if (!found) throw new Error(`no step "${name}" in the log:\n${log}`);
  const [head, ...rest] = found.split('\n');
  return { outcome: head!.slice(name.length + 3), output: rest.join('\n') };
}

const lockOnRemote = async () => (await execa('git', ['ls-remote', remote, LOCK])).stdout.split(/\s/)[0] || null;

describe('the action and its recipe, read as an attacker', () => {
  it('expands no expression inside a script and never runs on pull_request_target', async () => {
    const action = parseYaml(await readFile(join(ROOT, 'action.yml'), 'utf8')) as ActionFile;
    const scripts = [...action.runs.steps, ...Object.values(workflow.jobs).flatMap((j) => j.steps)].filter((s) => s.run !== undefined);
    expect(scripts.length).toBeGreaterThan(10);
    // Everything a script reads comes through env: (GitHub quotes nothing it substitutes).
    for (const step of scripts) expect(step.run, (step as { name?: string }).name).not.toContain('${{');
    // pull_request_target runs with the base repository's secrets and a write token: checking out a fork's head there runs its code with them.
    expect(Object.keys(workflow.on)).not.toContain('pull_request_target');
    expect(Object.keys(workflow.on)).toContain('pull_request');
  });

  it("runs none of a pull request title's shell syntax: quotes, $( ), backticks, newlines stay text", { timeout: 120_000 }, async () => {
    const marks = [1, 2, 3, 4].map((i) => join(parent, `pwned-${i}`));
    const title = `Fix $(touch ${marks[0]}) \`touch ${marks[1]}\` "; touch ${marks[2]}; echo " '; touch ${marks[3]}; echo '\nstatus=0\n::set-output name=decision::APPROVED`;
    // A database nobody listens on: the collection starts, reads the title, and fails to connect (exit 3).
    const result = await runner.runJob(workflow.jobs.evidence!, github({ event_name: 'pull_request', ref: 'refs/pull/7/merge', ref_name: '7/merge', title }), { STAGING_DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none' });
    expect(result.ok).toBe(false);
    for (const mark of marks) expect(existsSync(mark), `${mark}\n${result.log}`).toBe(false);
    const collect = stepOf(result.log, 'action: Collect the evidence');
    expect(collect.outcome, result.log).toBe('failure');
    expect(collect.output).toContain('collect exited 3');
    // The title wrote no output of its own: the decision is nobody's.
    expect(result.outputs.evidence?.decision ?? '').toBe('');
    // The lock taken before the collection is released all the same.
    expect(await lockOnRemote()).toBe(null);
  });

  it('publishes only on the default branch: the recipe skips another branch, and the action refuses it if asked', { timeout: 60_000 }, async () => {
    const publish = workflow.jobs.publish!;
    const elsewhere = github({ event_name: 'workflow_dispatch', ref: 'refs/heads/feature', ref_name: 'feature' });
    const home = github({ event_name: 'workflow_dispatch', ref: 'refs/heads/main', ref_name: 'main' });
    expect(condition(publish.if, { github: elsewhere })).toBe(false);
    expect(condition(publish.if, { github: home })).toBe(true);
    expect(condition(publish.if, { github: github({ event_name: 'pull_request', ref: 'refs/pull/7/merge', ref_name: '7/merge', title: 't' }) })).toBe(false);
    // A workflow that leaves the job's if: out: the action itself refuses, before anything is built.
    const result = await runner.runJob(publish, elsewhere);
    expect(result.ok).toBe(false);
    const setup = stepOf(result.log, 'action: Find the deploy-evidence CLI');
    expect(setup.outcome).toBe('failure');
    expect(setup.output).toContain('publish runs only on the default branch (refs/heads/main), not on refs/heads/feature: nothing is published');
    expect(existsSync(places.published)).toBe(false);
  });

  it("waits for a lock two hours old rather than break it: a long collection's run is alive for as long as a job may run", { timeout: 120_000 }, async () => {
    const clone = join(parent, 'long-runner');
    await execa('git', ['clone', '-q', remote, clone]);
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000).toISOString();
    const held = await runCli(['ci', 'lock', '--env', 'staging', '--run', 'https://github.example/acme/hardening/actions/runs/41'], { GIT_COMMITTER_DATE: twoHoursAgo }, { cwd: clone });
    expect(held.exitCode, held.stderr).toBe(0);
    const sha = held.stdout.trim();
    try {
      const job = structuredClone(workflow.jobs.evidence!);
      const step = job.steps.find((s) => s.uses?.endsWith('/deploy-evidence@v0'))!;
      step.with = { ...step.with, 'lock-wait': '2' };
      const result = await runner.runJob(job, github({ event_name: 'pull_request', ref: 'refs/pull/7/merge', ref_name: '7/merge', title: 'Second', run: 42 }), { STAGING_DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none' });
      expect(result.ok).toBe(false);
      const lock = stepOf(result.log, "action: Wait for the environment's lock");
      expect(lock.outcome, result.log).toBe('failure');
      expect(lock.output).toContain('waiting for the staging lock, held by https://github.example/acme/hardening/actions/runs/41');
      expect(lock.output).not.toContain('broke');
      // Skipped: the runner logs only the steps that ran.
      expect(result.log).not.toContain('── action: Collect the evidence');
      expect(await lockOnRemote()).toBe(sha);
    } finally {
      expect((await runCli(['ci', 'unlock', '--env', 'staging', '--lock', sha], {}, { cwd: clone })).exitCode).toBe(0);
    }
  });
});

describe.skipIf(realServer() === null)('a deployment whose evidence could not be pushed', () => {
  it('keeps its folder as an artifact of the run, releases the lock and fails', { timeout: 180_000 }, async () => {
    // A remote that refuses every push to the evidence branch (as one that moved under the lock, or a rule, would).
    const refusing = join(parent, 'refusing.git');
    await execa('git', ['clone', '-q', '--bare', remote, refusing]);
    await writeFile(join(refusing, 'hooks', 'pre-receive'), '#!/bin/sh\nwhile read old new ref; do [ "$ref" != refs/heads/deploy-evidence ] || { echo "deploy-evidence refused here" >&2; exit 1; }; done\n');
    await chmod(join(refusing, 'hooks', 'pre-receive'), 0o755);
    const artifacts = join(parent, 'refusing-artifacts');
    await mkdir(artifacts);
    const shims = join(parent, 'bin');
    const refusingRunner = new ActionsRunner(
      { remote: refusing, artifacts, published: join(parent, 'refusing-published'), actionFile: join(ROOT, 'action.yml'), install: async () => {} },
      { PATH: `${shims}:${process.env.PATH}`, HOME: process.env.HOME ?? parent, TMPDIR: tmpdir(), LANG: 'C.UTF-8' },
    );
    const result = await refusingRunner.runJob(workflow.jobs.evidence!, github({ event_name: 'pull_request', ref: 'refs/pull/7/merge', ref_name: '7/merge', title: 'Refused', run: 50 }), { STAGING_DATABASE_URL: serverUrl('postgres') });
    expect(result.ok).toBe(false);
    const id = result.outputs.evidence?.['deployment-id'];
    expect(id, result.log).toMatch(/^[a-z0-9-]+$/);
    expect(stepOf(result.log, 'action: Commit the deployment to the evidence branch').output).toContain(`${id} is committed here but not pushed; its folder is kept as the artifact deploy-evidence-unpushed-${id}`);
    expect(await readdir(artifacts)).toEqual([`deploy-evidence-unpushed-${id}`]);
    const kept = await readdir(join(artifacts, `deploy-evidence-unpushed-${id}`));
    expect(kept).toEqual(expect.arrayContaining(['deployment.json', 'manifest.json', 'checks']));
    expect((await execa('git', ['ls-remote', refusing, 'refs/heads/deploy-evidence', LOCK])).stdout).toBe('');
  });
});
