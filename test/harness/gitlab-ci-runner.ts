/**
 * A small GitLab CI runner for tests (issue 27): runs a job of a project's `.gitlab-ci.yml` as
 * GitLab and its bash runner do, so the template's script lines are executed, not only parsed.
 *
 * - The configuration is read from the pipeline's commit in the project's (bare) remote, as GitLab
 *   reads it; `include: - local:` files come from the same commit and are merged under the file
 *   (the including file wins); `extends:` is resolved as GitLab resolves it: hashes deep-merged,
 *   arrays (scripts, rules, paths) replaced, the job's own keys winning, several parents in order.
 * - `rules:` are evaluated for `if:` expressions (`$VAR`, `==`, `!=`, `=~ /re/`, `&&`, `||`,
 *   parentheses, "strings", null): the first rule that matches decides, none matching leaves the
 *   job out of the pipeline.
 * - The job gets GitLab's predefined variables for its pipeline (merge request or branch), the
 *   global and job `variables:` (expanded), then the project's CI/CD variables (which win).
 * - The checkout: a fresh builds folder per job (two jobs at once are two runners), the project
 *   fetched from `https://gitlab-ci-token:<job token>@<host>/<path>.git` (the test's git config
 *   maps that address to the bare remote) at `GIT_DEPTH` (GitLab's default 20; 0 = all), the
 *   pipeline's commit checked out detached.
 * - `before_script` and `script` run in one `bash` with `set -eo pipefail`, each line echoed as
 *   `$ line` before it runs, the job failing at the first line that fails; `after_script` runs in
 *   a shell of its own (none of the script's variables), always, and its failure does not fail
 *   the job — as GitLab's bash shell does (without FF_ENABLE_BASH_EXIT_CODE_CHECK).
 * - `artifacts: paths` are copied out of the project folder (`when: on_success` by default,
 *   `always` also after a failure).
 * Not simulated: `image:` (the job runs on this machine's node and git), `resource_group:` (the
 * queue is GitLab's; the test runs jobs of one group at once on purpose), services, caches.
 */
import { cp, mkdir, mkdtemp } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { load as parseYaml } from 'js-yaml';

type Variables = Record<string, string>;

export interface GitlabJob {
  extends?: string | string[];
  stage?: string;
  image?: string;
  variables?: Record<string, string | number | { value: string }>;
  before_script?: unknown[];
  script?: unknown[];
  after_script?: unknown[];
  rules?: { if?: string; when?: string; variables?: Record<string, string> }[];
  artifacts?: { paths?: string[]; when?: 'on_success' | 'on_failure' | 'always'; expose_as?: string };
  resource_group?: string;
}

export interface GitlabConfig {
  variables: Variables;
  stages: string[];
  jobs: Record<string, GitlabJob>;
}

/** The project as GitLab knows it. */
export interface GitlabProject {
  /** The bare repository the project's address points at (the test's git config says so). */
  remote: string;
  id: string;
  /** group/name */
  path: string;
  serverHost: string;
  defaultBranch: string;
  /** CI_API_V4_URL: the stand-in's. */
  apiUrl: string;
  /** CI_JOB_TOKEN (the same for every job here; GitLab's is per job). */
  jobToken: string;
  /** CI_PAGES_URL: where Pages serves the project's site. */
  pagesUrl: string;
  /** The project's CI/CD variables (masked ones included): they win over the YAML's. */
  variables: Variables;
}

export type Pipeline =
  | { source: 'merge_request_event'; sha: string; mr: { iid: number; title: string; sourceBranch: string; targetBranch: string } }
  | { source: 'push'; sha: string; branch: string };

export interface GitlabJobResult {
  name: string;
  ok: boolean;
  exitCode: number;
  jobId: number;
  /** The job's log: `$ line` echoes and the commands' output, then after_script's. */
  log: string;
  afterScript: { exitCode: number; log: string } | null;
  buildsDir: string;
  projectDir: string;
  /** Where the job's artifacts were copied (null when none were kept). */
  artifacts: string | null;
}

// ---- configuration ---------------------------------------------------------------------------

const RESERVED = new Set(['stages', 'include', 'variables', 'default', 'workflow', 'image', 'services', 'cache', 'before_script', 'after_script', 'types', 'pages:deploy']);

const isHash = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** GitLab's deep merge: hashes merged key by key, anything else (arrays included) replaced by `over`. */
export function deepMerge(under: unknown, over: unknown): unknown {
  if (!isHash(under) || !isHash(over)) return over;
  const merged: Record<string, unknown> = { ...under };
  for (const [k, v] of Object.entries(over)) merged[k] = k in under ? deepMerge(under[k], v) : v;
  return merged;
}

async function showFile(remote: string, sha: string, path: string): Promise<string> {
  const shown = await execa('git', ['--git-dir', remote, 'show', `${sha}:${path.replace(/^\/+/, '')}`], { reject: false, extendEnv: false, env: { PATH: process.env.PATH ?? '' } });
  if (shown.exitCode !== 0) throw new Error(`include: ${path} is not in ${sha}: ${shown.stderr}`);
  return shown.stdout;
}

/** The pipeline's configuration, from its commit: includes merged, `extends:` resolved. */
export async function loadConfig(remote: string, sha: string): Promise<GitlabConfig> {
  const read = async (path: string, depth: number): Promise<Record<string, unknown>> => {
    if (depth > 3) throw new Error('include: nested too deep');
    const doc = parseYaml(await showFile(remote, sha, path));
    if (!isHash(doc)) throw new Error(`${path} is not a mapping`);
    const includes = doc.include === undefined ? [] : Array.isArray(doc.include) ? doc.include : [doc.include];
    let merged: Record<string, unknown> = {};
    for (const include of includes) {
      const local = typeof include === 'string' ? include : isHash(include) ? include.local : undefined;
      if (typeof local !== 'string') throw new Error(`include: only local files are simulated, got ${JSON.stringify(include)}`);
      merged = deepMerge(merged, await read(local, depth + 1)) as Record<string, unknown>;
    }
    const own = { ...doc };
    delete own.include;
    return deepMerge(merged, own) as Record<string, unknown>;
  };
  const doc = await read('.gitlab-ci.yml', 0);
  const raw: Record<string, GitlabJob> = {};
  for (const [k, v] of Object.entries(doc)) if (!RESERVED.has(k) && isHash(v)) raw[k] = v as GitlabJob;

  const resolved = new Map<string, GitlabJob>();
  const resolve = (name: string, depth: number): GitlabJob => {
    if (depth > 11) throw new Error(`extends: ${name}: more than 11 levels (GitLab's limit) or a cycle`);
    const done = resolved.get(name);
    if (done) return done;
    const job = raw[name];
    if (!job) throw new Error(`extends: ${name} is not defined`);
    const parents = job.extends === undefined ? [] : Array.isArray(job.extends) ? job.extends : [job.extends];
    let merged: unknown = {};
    for (const parent of parents) merged = deepMerge(merged, resolve(parent, depth + 1));
    const own = { ...job };
    delete own.extends;
    const result = deepMerge(merged, own) as GitlabJob;
    resolved.set(name, result);
    return result;
  };
  const jobs: Record<string, GitlabJob> = {};
  for (const name of Object.keys(raw)) {
    const job = resolve(name, 0);
    if (!name.startsWith('.')) jobs[name] = job;
  }
  const variables: Variables = {};
  for (const [k, v] of Object.entries(isHash(doc.variables) ? doc.variables : {})) variables[k] = variableValue(v);
  return { variables, stages: Array.isArray(doc.stages) ? (doc.stages as string[]) : [], jobs };
}

function variableValue(v: unknown): string {
  if (isHash(v)) return String(v.value ?? '');
  return String(v);
}

/** Script lines as GitLab takes them: nested arrays (anchors) flattened, each a string or the file is refused. */
export function scriptLines(lines: unknown[] | undefined, where: string): string[] {
  const flat: string[] = [];
  const walk = (items: unknown[], depth: number) => {
    if (depth > 10) throw new Error(`${where}: nested more than 10 levels`);
    for (const item of items) {
      if (Array.isArray(item)) walk(item, depth + 1);
      else if (typeof item === 'string') flat.push(item);
      else throw new Error(`${where}: a script line must be a string, got ${JSON.stringify(item)} (an unquoted "key: value" is a mapping in YAML)`);
    }
  };
  walk(lines ?? [], 0);
  return flat;
}

// ---- rules:if ----------------------------------------------------------------------------------

type RuleToken = { kind: 'op'; value: string } | { kind: 'str'; value: string } | { kind: 'var'; value: string } | { kind: 'null' } | { kind: 're'; value: RegExp };

function ruleTokens(text: string): RuleToken[] {
  const tokens: RuleToken[] = [];
  const re = /\s*(?:(==|!=|=~|!~|&&|\|\||[()])|"([^"]*)"|'([^']*)'|\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?|(null)\b|\/((?:\\.|[^/])*)\/([a-z]*))/y;
  let at = 0;
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break;
    re.lastIndex = at;
    const m = re.exec(text);
    if (!m) throw new Error(`rules:if not understood at "${text.slice(at)}" in "${text}"`);
    at = re.lastIndex;
    if (m[1]) tokens.push({ kind: 'op', value: m[1] });
    else if (m[2] !== undefined) tokens.push({ kind: 'str', value: m[2] });
    else if (m[3] !== undefined) tokens.push({ kind: 'str', value: m[3] });
    else if (m[4]) tokens.push({ kind: 'var', value: m[4] });
    else if (m[5]) tokens.push({ kind: 'null' });
    else tokens.push({ kind: 're', value: new RegExp(m[6]!, m[7]) });
  }
  return tokens;
}

/** A `rules: - if:` expression over the job's variables (an undefined variable is null). */
export function ruleMatches(text: string, variables: Variables): boolean {
  const tokens = ruleTokens(text);
  let i = 0;
  const take = () => tokens[i++];
  const peek = () => tokens[i];
  const operand = (): string | null | RegExp => {
    const t = take();
    if (!t) throw new Error(`rules:if ends early: "${text}"`);
    if (t.kind === 'str') return t.value;
    if (t.kind === 'var') return Object.hasOwn(variables, t.value) ? variables[t.value]! : null;
    if (t.kind === 'null') return null;
    if (t.kind === 're') return t.value;
    throw new Error(`rules:if: unexpected ${t.value} in "${text}"`);
  };
  const primary = (): boolean => {
    const t = peek();
    if (t?.kind === 'op' && t.value === '(') {
      take();
      const v = or();
      const close = take();
      if (close?.kind !== 'op' || close.value !== ')') throw new Error(`rules:if: ) missing in "${text}"`);
      return v;
    }
    const left = operand();
    const op = peek();
    if (op?.kind === 'op' && ['==', '!=', '=~', '!~'].includes(op.value)) {
      take();
      const right = operand();
      if (op.value === '==' || op.value === '!=') {
        const equal = left instanceof RegExp || right instanceof RegExp ? false : left === right;
        return op.value === '==' ? equal : !equal;
      }
      if (!(right instanceof RegExp)) throw new Error(`rules:if: ${op.value} takes a /pattern/ in "${text}"`);
      const matched = typeof left === 'string' && right.test(left);
      return op.value === '=~' ? matched : !matched;
    }
    // A variable alone: true when defined and not empty.
    return typeof left === 'string' && left !== '';
  };
  const and = (): boolean => {
    let v = primary();
    while (peek()?.kind === 'op' && (peek() as { value: string }).value === '&&') {
      take();
      const right = primary();
      v = v && right;
    }
    return v;
  };
  const or = (): boolean => {
    let v = and();
    while (peek()?.kind === 'op' && (peek() as { value: string }).value === '||') {
      take();
      const right = and();
      v = v || right;
    }
    return v;
  };
  const value = or();
  if (i !== tokens.length) throw new Error(`rules:if not fully read: "${text}"`);
  return value;
}

/** Whether the job is in the pipeline: no rules, or the first rule whose `if:` matches does not say `when: never`. */
export function jobRuns(job: GitlabJob, variables: Variables): boolean {
  if (!job.rules) return true;
  for (const rule of job.rules) {
    if (rule.if === undefined || ruleMatches(rule.if, variables)) return rule.when !== 'never';
  }
  return false;
}

// ---- the runner --------------------------------------------------------------------------------

/** `$NAME` and `${NAME}` in a variable's value, from the variables known so far (GitLab expands them). */
function expand(value: string, known: Variables): string {
  return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (whole, braced?: string, bare?: string) => {
    if (whole === '$$') return '$';
    const name = braced ?? bare!;
    return known[name] ?? '';
  });
}

/** A line as bash prints it back: single-quoted. */
const quoted = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/** The shell script GitLab's bash runner makes of a list of lines. */
function shellScript(lines: string[]): string {
  return ['set -eo pipefail', 'set +o noclobber', ...lines.flatMap((line) => [`printf '%s\\n' ${quoted(`$ ${line}`)}`, line])].join('\n');
}

export class GitlabRunner {
  private nextJobId = 1000;
  private nextPipelineId = 500;

  constructor(
    private readonly project: GitlabProject,
    /** The machine's environment every job starts from (PATH, HOME, GIT_CONFIG_GLOBAL…). */
    private readonly baseEnv: Variables,
    /** Where each job's artifacts go, under its job id. */
    private readonly artifactsDir: string,
  ) {}

  /** GitLab's predefined variables for a pipeline (a job's are added when it runs). */
  pipelineVariables(pipeline: Pipeline): Variables {
    const { project } = this;
    const [namespace] = project.path.split('/');
    const name = project.path.split('/').pop()!;
    const serverUrl = `https://${project.serverHost}`;
    const v: Variables = {
      CI: 'true',
      GITLAB_CI: 'true',
      CI_SERVER: 'yes',
      CI_SERVER_HOST: project.serverHost,
      CI_SERVER_URL: serverUrl,
      CI_API_V4_URL: project.apiUrl,
      CI_PROJECT_ID: project.id,
      CI_PROJECT_PATH: project.path,
      CI_PROJECT_NAME: name,
      CI_PROJECT_NAMESPACE: project.path.split('/').slice(0, -1).join('/'),
      CI_PROJECT_ROOT_NAMESPACE: namespace!,
      CI_PROJECT_URL: `${serverUrl}/${project.path}`,
      CI_DEFAULT_BRANCH: project.defaultBranch,
      CI_PIPELINE_SOURCE: pipeline.source,
      CI_COMMIT_SHA: pipeline.sha,
      CI_JOB_TOKEN: project.jobToken,
      CI_PAGES_URL: project.pagesUrl,
      CI_PAGES_DOMAIN: new URL(project.pagesUrl).hostname.split('.').slice(1).join('.'),
    };
    if (pipeline.source === 'merge_request_event') {
      Object.assign(v, {
        CI_MERGE_REQUEST_IID: String(pipeline.mr.iid),
        CI_MERGE_REQUEST_TITLE: pipeline.mr.title,
        CI_MERGE_REQUEST_PROJECT_ID: project.id,
        CI_MERGE_REQUEST_PROJECT_PATH: project.path,
        CI_MERGE_REQUEST_PROJECT_URL: `${serverUrl}/${project.path}`,
        CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: pipeline.mr.sourceBranch,
        CI_MERGE_REQUEST_TARGET_BRANCH_NAME: pipeline.mr.targetBranch,
        CI_MERGE_REQUEST_REF_PATH: `refs/merge-requests/${pipeline.mr.iid}/head`,
        CI_COMMIT_REF_NAME: pipeline.mr.sourceBranch,
      });
    } else {
      Object.assign(v, { CI_COMMIT_BRANCH: pipeline.branch, CI_COMMIT_REF_NAME: pipeline.branch });
    }
    return v;
  }

  /** The variables the job's `rules:` and script see, before the job-specific ones. */
  private variables(config: GitlabConfig, job: GitlabJob, pipeline: Pipeline, extra: Variables): Variables {
    const v = this.pipelineVariables(pipeline);
    for (const [k, value] of Object.entries(config.variables)) v[k] = expand(value, v);
    for (const [k, value] of Object.entries(job.variables ?? {})) v[k] = expand(variableValue(value), v);
    // The project's CI/CD variables, then the pipeline's own (a run's form): they win over the YAML.
    Object.assign(v, this.project.variables, extra);
    return v;
  }

  /** The names of the jobs a pipeline gets, by their rules. */
  async jobsOf(pipeline: Pipeline): Promise<string[]> {
    const config = await loadConfig(this.project.remote, pipeline.sha);
    return Object.entries(config.jobs)
      .filter(([, job]) => jobRuns(job, this.variables(config, job, pipeline, {})))
      .map(([name]) => name);
  }

  /** The job as the pipeline's configuration defines it (includes and extends resolved). */
  async job(pipeline: Pipeline, name: string): Promise<GitlabJob> {
    const job = (await loadConfig(this.project.remote, pipeline.sha)).jobs[name];
    if (!job) throw new Error(`no job ${name} in the pipeline's .gitlab-ci.yml`);
    return job;
  }

  /** Runs one job of the pipeline, in a fresh builds folder; `extra`: variables given to this pipeline run. */
  async runJob(name: string, pipeline: Pipeline, extra: Variables = {}): Promise<GitlabJobResult> {
    const config = await loadConfig(this.project.remote, pipeline.sha);
    const job = config.jobs[name];
    if (!job) throw new Error(`no job ${name} in the pipeline's .gitlab-ci.yml`);
    const jobId = this.nextJobId++;
    const pipelineId = this.nextPipelineId++;
    const variables = this.variables(config, job, pipeline, extra);
    if (!jobRuns(job, variables)) throw new Error(`job ${name} is not in this pipeline (its rules)`);
    const buildsDir = await mkdtemp(join(this.baseEnv.TMPDIR ?? '/tmp', 'gitlab-builds-'));
    const projectDir = join(buildsDir, this.project.path);
    const cloneUrl = `https://gitlab-ci-token:${variables.CI_JOB_TOKEN ?? ''}@${this.project.serverHost}/${this.project.path}.git`;
    Object.assign(variables, {
      CI_JOB_ID: String(jobId),
      CI_JOB_NAME: name,
      CI_JOB_STAGE: job.stage ?? 'test',
      CI_JOB_URL: `${variables.CI_PROJECT_URL}/-/jobs/${jobId}`,
      CI_PIPELINE_ID: String(pipelineId),
      CI_PIPELINE_URL: `${variables.CI_PROJECT_URL}/-/pipelines/${pipelineId}`,
      CI_BUILDS_DIR: buildsDir,
      CI_PROJECT_DIR: projectDir,
      CI_REPOSITORY_URL: cloneUrl,
    });
    const env = { ...this.baseEnv, ...variables };
    const log: string[] = [];

    // Getting the source: fetch at GIT_DEPTH, check the pipeline's commit out.
    const depth = Number(variables.GIT_DEPTH ?? '20');
    const refspecs = ['+refs/heads/*:refs/remotes/origin/*', ...(pipeline.source === 'merge_request_event' ? [`+refs/merge-requests/${pipeline.mr.iid}/head:refs/remotes/origin/merge-requests/${pipeline.mr.iid}/head`] : [])];
    await mkdir(projectDir, { recursive: true });
    for (const args of [
      ['init', '-q'],
      ['remote', 'add', 'origin', cloneUrl],
      ['fetch', '-q', ...(depth > 0 ? ['--depth', String(depth)] : []), 'origin', ...refspecs],
      ['checkout', '-q', '-f', '--detach', pipeline.sha],
    ]) {
      const step = await execa('git', args, { cwd: projectDir, env, extendEnv: false, reject: false, all: true, stdin: 'ignore' });
      log.push(`$ git ${args.join(' ')}\n${step.all ?? ''}`);
      if (step.exitCode !== 0) return { name, ok: false, exitCode: step.exitCode ?? 1, jobId, log: log.join('\n'), afterScript: null, buildsDir, projectDir, artifacts: null };
    }

    const lines = [...scriptLines(job.before_script, `${name}: before_script`), ...scriptLines(job.script, `${name}: script`)];
    if (lines.length === 0) throw new Error(`${name}: a job needs a script`);
    const main = await execa('bash', ['--noprofile', '--norc', '-c', shellScript(lines)], { cwd: projectDir, env, extendEnv: false, reject: false, all: true, stdin: 'ignore' });
    log.push(main.all ?? '');
    const ok = main.exitCode === 0;

    let afterScript: GitlabJobResult['afterScript'] = null;
    const after = scriptLines(job.after_script, `${name}: after_script`);
    if (after.length > 0) {
      const run = await execa('bash', ['--noprofile', '--norc', '-c', shellScript(after)], { cwd: projectDir, env, extendEnv: false, reject: false, all: true, stdin: 'ignore', timeout: 300_000 });
      afterScript = { exitCode: run.exitCode ?? 1, log: run.all ?? '' };
      log.push('Running after_script', run.all ?? '');
    }

    let artifacts: string | null = null;
    const when = job.artifacts?.when ?? 'on_success';
    if (job.artifacts?.paths && (when === 'always' || (when === 'on_success') === ok)) {
      artifacts = join(this.artifactsDir, String(jobId));
      await mkdir(artifacts, { recursive: true });
      for (const path of job.artifacts.paths) {
        const from = join(projectDir, path);
        if (existsSync(from)) await cp(from, join(artifacts, path), { recursive: true });
        else log.push(`WARNING: ${path}: no matching files`);
      }
    }
    log.push(ok ? 'Job succeeded' : `ERROR: Job failed: exit code ${main.exitCode}`);
    return { name, ok, exitCode: main.exitCode ?? 1, jobId, log: log.join('\n'), afterScript, buildsDir, projectDir, artifacts };
  }
}
