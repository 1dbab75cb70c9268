/**
 * The CI recipes' signers list (docs/ci.md): the action's `signers` input and the GitLab template's
 * DEPLOY_EVIDENCE_SIGNERS reach `verify --all` and every site build as `--signers <path>`, through
 * the environment (never pasted into a script), and left empty they leave each command's arguments
 * exactly as they were before the input existed. The scripts are run as they are written, each in
 * bash, with a CLI that records the arguments it is given; the recipes' full runs (with the real
 * CLI) are test/integration/ci-recipe.test.ts and gitlab-recipe.test.ts.
 */
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { load as parseYaml } from 'js-yaml';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** A path with a space and a glob character: it must arrive as one argument, as written. */
const SIGNERS = 'deploy-evidence/reviewed signers*.json';

let work: string;
let cli: string;
let argvFile: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'ci-signers-'));
  argvFile = join(work, 'argv');
  cli = join(work, 'cli');
  // Each call's arguments, one per line, after a line saying a call began.
  await writeFile(cli, `#!/bin/sh\necho '--call--' >> "${argvFile}"\nfor a in "$@"; do printf '%s\\n' "$a" >> "${argvFile}"; done\n`);
  await chmod(cli, 0o755);
});

/** Runs a script in bash in `work` with only `env` (and PATH); returns each CLI call's arguments. */
async function calls(script: string, env: Record<string, string>): Promise<string[][]> {
  await rm(argvFile, { force: true });
  const run = await execa('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], { cwd: work, env: { PATH: process.env.PATH ?? '', ...env }, extendEnv: false, reject: false });
  expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
  const text = await readFile(argvFile, 'utf8');
  return text.split('--call--\n').slice(1).map((call) => call.replace(/\n$/, '').split('\n'));
}

describe('the GitHub Action', () => {
  interface Step {
    id?: string;
    run?: string;
    env?: Record<string, string>;
  }
  let steps: Map<string, Step>;
  let inputs: Record<string, { default?: string }>;

  beforeAll(async () => {
    const action = parseYaml(await readFile(join(ROOT, 'action.yml'), 'utf8')) as { inputs: typeof inputs; runs: { steps: Step[] } };
    inputs = action.inputs;
    steps = new Map(action.runs.steps.filter((s) => s.id).map((s) => [s.id!, s]));
  });

  /** A step's script, with its env as the runner would set it from the given input (the rest fixed). */
  async function stepCalls(id: string, signers: string): Promise<string[][]> {
    const step = steps.get(id)!;
    expect(step.env?.SIGNERS).toBe('${{ inputs.signers }}');
    expect(step.run).not.toContain('${{');
    return calls(step.run!, { CLI: cli, DIR: '/w/evidence-branch', WORK: '/w', SIGNERS: signers, GITHUB_OUTPUT: join(work, 'output') });
  }

  it('has a signers input, empty by default', () => {
    expect(inputs.signers?.default).toBe('');
  });

  it('empty: verify --all and both builds run with the arguments they had before the input', async () => {
    expect(await stepCalls('verify', '')).toEqual([['verify', '--all', '--evidence-dir', '/w/evidence-branch/evidence']]);
    expect(await stepCalls('preview', '')).toEqual([['build', '--evidence-dir', '/w/evidence-branch/evidence', '--out-dir', '/w/site', '--cache-dir', '/w/build-cache']]);
    expect(await stepCalls('site', '')).toEqual([['build', '--strict', '--evidence-dir', '/w/evidence-branch/evidence', '--out-dir', '/w/site', '--cache-dir', '/w/build-cache']]);
  });

  it('given: each of them gets --signers and the path, as one argument', async () => {
    expect(await stepCalls('verify', SIGNERS)).toEqual([['verify', '--all', '--evidence-dir', '/w/evidence-branch/evidence', '--signers', SIGNERS]]);
    expect(await stepCalls('preview', SIGNERS)).toEqual([['build', '--evidence-dir', '/w/evidence-branch/evidence', '--out-dir', '/w/site', '--cache-dir', '/w/build-cache', '--signers', SIGNERS]]);
    expect(await stepCalls('site', SIGNERS)).toEqual([['build', '--strict', '--evidence-dir', '/w/evidence-branch/evidence', '--out-dir', '/w/site', '--cache-dir', '/w/build-cache', '--signers', SIGNERS]]);
  });
});

describe('the GitLab template', () => {
  let template: Record<string, { script?: string[] }>;

  beforeAll(async () => {
    template = parseYaml(await readFile(join(ROOT, 'templates', 'gitlab', 'deploy-evidence.yml'), 'utf8')) as typeof template;
  });

  /** The job's script lines that run verify or build, run as GitLab runs them (one shell, set -eo pipefail). */
  async function jobCalls(job: string, signers: string | undefined): Promise<string[][]> {
    const lines = template[job]!.script!.filter((line) => / (verify|build) --/.test(line));
    expect(lines.length).toBeGreaterThan(0);
    return calls(lines.join('\n'), { DEPLOY_EVIDENCE_CLI: cli, DEPLOY_EVIDENCE_WORK: '/w', ...(signers === undefined ? {} : { DEPLOY_EVIDENCE_SIGNERS: signers }) });
  }

  it('unset or empty: verify --all and both builds run with the arguments they had before the variable', async () => {
    for (const signers of [undefined, '']) {
      expect(await jobCalls('.deploy-evidence-collect', signers)).toEqual([
        ['verify', '--all', '--evidence-dir', '/w/branch/evidence'],
        ['build', '--evidence-dir', '/w/branch/evidence', '--out-dir', 'preview', '--cache-dir', '.deploy-evidence-cache'],
      ]);
      expect(await jobCalls('.deploy-evidence-pages', signers)).toEqual([['build', '--strict', '--evidence-dir', '/w/branch/evidence', '--out-dir', 'public', '--cache-dir', '.deploy-evidence-cache']]);
    }
  });

  it('set: each of them gets --signers and the path, as one argument', async () => {
    expect(await jobCalls('.deploy-evidence-collect', SIGNERS)).toEqual([
      ['verify', '--all', '--evidence-dir', '/w/branch/evidence', '--signers', SIGNERS],
      ['build', '--evidence-dir', '/w/branch/evidence', '--out-dir', 'preview', '--cache-dir', '.deploy-evidence-cache', '--signers', SIGNERS],
    ]);
    expect(await jobCalls('.deploy-evidence-pages', SIGNERS)).toEqual([['build', '--strict', '--evidence-dir', '/w/branch/evidence', '--out-dir', 'public', '--cache-dir', '.deploy-evidence-cache', '--signers', SIGNERS]]);
  });
});
