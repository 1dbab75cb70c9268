/**
 * A small GitHub Actions runner for tests (issue 27): runs a workflow's job step by step as the
 * real runner does — each `run:` in its own `bash --noprofile --norc -eo pipefail`, `${{ … }}`
 * expressions substituted from the github, env, inputs, steps, secrets and runner contexts, `if:`
 * evaluated (success(), always(), failure(), ==, !=, &&, ||, !), `$GITHUB_OUTPUT`, `$GITHUB_ENV`
 * and `$GITHUB_STEP_SUMMARY` honoured — and the composite action at the repository's root
 * (action.yml) the same way, its inputs' defaults evaluated. The other `uses:` steps are simulated:
 * checkout clones the bare remote, the artifact and Pages actions copy folders, and
 * actions/cache/restore and actions/cache/save keep folders by key as GitHub's cache does: scoped
 * to the run's ref, a restore looking in its own ref's entries, then the default branch's (the
 * exact key first, then each restore-key as a prefix, newest first); a key once saved is never
 * replaced.
 */
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { load as parseYaml } from 'js-yaml';

interface Step {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
  with?: Record<string, string | number | boolean>;
}

export interface Job {
  if?: string;
  env?: Record<string, string>;
  steps: Step[];
}

interface Action {
  inputs?: Record<string, { default?: string }>;
  outputs?: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}

type Context = Record<string, unknown>;

export interface RunnerPlaces {
  /** The bare remote `actions/checkout` clones. */
  remote: string;
  /** Where `upload-artifact` puts each artifact, by name. */
  artifacts: string;
  /** What `deploy-pages` publishes: the live site. */
  published: string;
  /** Where actions/cache keeps its entries (by ref, then key); beside `artifacts` when not given. */
  caches?: string;
  /** The composite action that `uses: …/deploy-evidence@…` names. */
  actionFile: string;
  /** What `npm ci` installs in a checkout (the test's stand-in for the registry). */
  install: (checkout: string) => Promise<void>;
}

export interface StepRecord {
  name: string;
  outcome: 'success' | 'failure' | 'skipped';
  output: string;
}

export interface JobResult {
  ok: boolean;
  steps: StepRecord[];
  outputs: Record<string, Record<string, string>>;
  summary: string;
  log: string;
}

// ---- expressions -----------------------------------------------------------------------------

type Token = { kind: 'op'; value: string } | { kind: 'str'; value: string } | { kind: 'id'; value: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(?:(==|!=|&&|\|\||[!()])|'((?:[^']|'')*)'|([A-Za-z_][\w.-]*(?:\[[^\]]*\])?(?:\.[\w-]+)*))/y;
  let at = 0;
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break;
    re.lastIndex = at;
    const m = re.exec(text);
    if (!m) throw new Error(`expression not understood at "${text.slice(at)}" in "${text}"`);
    at = re.lastIndex;
    if (m[1]) tokens.push({ kind: 'op', value: m[1] });
    else if (m[2] !== undefined) tokens.push({ kind: 'str', value: m[2].replace(/''/g, "'") });
    else tokens.push({ kind: 'id', value: m[3]! });
  }
  return tokens;
}

function evaluate(text: string, context: Context, status: { failed: boolean }): unknown {
  const tokens = tokenize(text);
  let i = 0;
  const peek = () => tokens[i];
  const take = () => tokens[i++]!;
  const lookup = (path: string): unknown => {
    let value: unknown = context;
    for (const part of path.split('.')) value = value === null || typeof value !== 'object' ? undefined : (value as Context)[part];
    return value ?? '';
  };
  const primary = (): unknown => {
    const t = take();
    if (t.kind === 'str') return t.value;
    if (t.kind === 'op' && t.value === '!') return !truthy(primary());
    if (t.kind === 'op' && t.value === '(') {
      const v = or();
      take();
      return v;
    }
    if (t.kind === 'id') {
      if (peek()?.kind === 'op' && peek()!.value === '(') {
        take();
        take();
        if (t.value === 'always') return true;
        if (t.value === 'success') return !status.failed;
        if (t.value === 'failure') return status.failed;
        if (t.value === 'cancelled') return false;
        throw new Error(`function ${t.value}() is not simulated`);
      }
      if (t.value === 'true') return true;
      if (t.value === 'false') return false;
      return lookup(t.value);
    }
    throw new Error(`unexpected ${t.value} in "${text}"`);
  };
  const comparison = (): unknown => {
    let left = primary();
    while (peek()?.kind === 'op' && ['==', '!='].includes(peek()!.value)) {
      const op = take().value;
      const right = primary();
      left = op === '==' ? String(left) === String(right) : String(left) !== String(right);
    }
    return left;
  };
  const and = (): unknown => {
    let left = comparison();
    while (peek()?.value === '&&') {
      take();
      const right = comparison();
      left = truthy(left) ? right : left;
    }
    return left;
  };
  const or = (): unknown => {
    let left = and();
    while (peek()?.value === '||') {
      take();
      const right = and();
      left = truthy(left) ? left : right;
    }
    return left;
  };
  const value = or();
  if (i !== tokens.length) throw new Error(`expression not fully read: "${text}"`);
  return value;
}

const truthy = (v: unknown) => v !== '' && v !== false && v !== 0 && v !== null && v !== undefined;

/** Every `${{ … }}` in a string, substituted. */
function substitute(text: string, context: Context, status = { failed: false }): string {
  return text.replace(/\$\{\{\s*([\s\S]*?)\s*\}\}/g, (_, expression: string) => {
    const value = evaluate(expression, context, status);
    return typeof value === 'boolean' ? String(value) : String(value ?? '');
  });
}

/** An `if:` as the runner reads it: a bare expression, with success() added when no status function is named. */
export function condition(text: string | undefined, context: Context, status: { failed: boolean } = { failed: false }): boolean {
  if (text === undefined) return !status.failed;
  const bare = text.trim().replace(/^\$\{\{([\s\S]*)\}\}$/, '$1');
  const named = /\b(always|success|failure|cancelled)\(\)/.test(bare);
  return truthy(evaluate(named ? bare : `success() && (${bare})`, context, status));
}

// ---- files the steps write -------------------------------------------------------------------

/** `name=value` lines and `name<<DELIMITER` blocks, as $GITHUB_OUTPUT and $GITHUB_ENV hold them. */
function readKeyValues(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const body: string[] = [];
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) body.push(lines[i]!);
      values[heredoc[1]!] = body.join('\n');
      continue;
    }
    const eq = line.indexOf('=');
    if (eq > 0) values[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return values;
}

// ---- the runner ------------------------------------------------------------------------------

export class ActionsRunner {
  constructor(
    private readonly places: RunnerPlaces,
    /** The process environment every step starts from (PATH, HOME…, the job's secrets' variables are in `secrets`). */
    private readonly baseEnv: Record<string, string>,
  ) {}

  /** Runs one job of a workflow in a fresh workspace; `github` is the event's context. */
  async runJob(job: Job, github: Context, secrets: Record<string, string> = {}): Promise<JobResult & { workspace: string }> {
    const root = await mkdtemp(join(this.baseEnv.TMPDIR ?? '/tmp', 'runner-'));
    const workspace = join(root, 'workspace');
    const temp = join(root, 'temp');
    await mkdir(workspace);
    await mkdir(temp);
    const files = { env: join(temp, 'env'), summary: join(temp, 'summary') };
    await writeFile(files.env, '');
    await writeFile(files.summary, '');
    const runner = { temp, os: 'Linux' };
    const jobEnv: Record<string, string> = {};
    const githubEnv: Record<string, string> = {
      GITHUB_ACTIONS: 'true',
      CI: 'true',
      GITHUB_WORKSPACE: workspace,
      RUNNER_TEMP: temp,
      GITHUB_REPOSITORY: String(github.repository),
      GITHUB_SERVER_URL: String(github.server_url),
      GITHUB_API_URL: String(github.api_url),
      GITHUB_RUN_ID: String(github.run_id),
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_EVENT_NAME: String(github.event_name),
      GITHUB_SHA: String(github.sha),
      GITHUB_REF: String(github.ref),
      GITHUB_STEP_SUMMARY: files.summary,
      GITHUB_ENV: files.env,
    };
    const base = { github, secrets, runner };
    for (const [k, v] of Object.entries(job.env ?? {})) jobEnv[k] = substitute(String(v), { ...base, env: jobEnv });
    const log: string[] = [];
    const result = await this.runSteps(job.steps, { base, jobEnv, githubEnv, files, workspace, status: { failed: false }, inputs: {}, log }, 'job');
    const summary = await readFile(files.summary, 'utf8');
    return { ...result, summary, log: log.join('\n'), workspace };
  }

  private async runSteps(
    steps: Step[],
    scope: { base: Context; jobEnv: Record<string, string>; githubEnv: Record<string, string>; files: { env: string; summary: string }; workspace: string; status: { failed: boolean }; inputs: Record<string, string>; log: string[]; callerEnv?: Record<string, string> },
    where: string,
  ): Promise<JobResult> {
    const records: StepRecord[] = [];
    const outputs: Record<string, Record<string, string>> = {};
    for (const [index, step] of steps.entries()) {
      const id = step.id ?? `__${index}`;
      const fromFile = readKeyValues(await readFile(scope.files.env, 'utf8'));
      const env = { ...scope.jobEnv, ...(scope.callerEnv ?? {}), ...fromFile };
      const context: Context = { ...scope.base, env, inputs: scope.inputs, steps: Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, { outputs: v }])) };
      const name = `${where}: ${step.name ?? step.id ?? step.uses ?? step.run?.split('\n')[0]}`;
      if (!condition(step.if, context, scope.status)) {
        records.push({ name, outcome: 'skipped', output: '' });
        outputs[id] = {};
        continue;
      }
      const stepEnv: Record<string, string> = { ...env };
      for (const [k, v] of Object.entries(step.env ?? {})) stepEnv[k] = substitute(String(v), context);
      const withValues: Record<string, string> = {};
      for (const [k, v] of Object.entries(step.with ?? {})) withValues[k] = substitute(String(v), context);
      let outcome: StepRecord['outcome'] = 'success';
      let output = '';
      let stepOutputs: Record<string, string> = {};
      try {
        if (step.run !== undefined) {
          const outputFile = join(this.baseEnv.TMPDIR ?? '/tmp', `output-${process.pid}-${Math.random().toString(36).slice(2)}`);
          await writeFile(outputFile, '');
          const script = substitute(step.run, context);
          const run = await execa('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
            cwd: scope.workspace,
            env: { ...this.baseEnv, ...scope.githubEnv, ...stepEnv, GITHUB_OUTPUT: outputFile },
            extendEnv: false,
            reject: false,
            all: true,
            stdin: 'ignore',
          });
          output = run.all ?? '';
          stepOutputs = readKeyValues(await readFile(outputFile, 'utf8'));
          await rm(outputFile, { force: true });
          if (run.exitCode !== 0) outcome = 'failure';
        } else if (step.uses !== undefined) {
          const used = await this.uses(step.uses, withValues, stepEnv, scope);
          stepOutputs = used.outputs;
          output = used.output;
          if (!used.ok) outcome = 'failure';
        }
      } catch (error) {
        outcome = 'failure';
        output += `\n${(error as Error).stack}`;
      }
      scope.log.push(`── ${name} → ${outcome}\n${output}`);
      records.push({ name, outcome, output });
      outputs[id] = stepOutputs;
      if (outcome === 'failure') scope.status.failed = true;
    }
    return { ok: !scope.status.failed, steps: records, outputs, summary: '', log: '' };
  }

  private async uses(
    uses: string,
    withValues: Record<string, string>,
    stepEnv: Record<string, string>,
    scope: Parameters<ActionsRunner['runSteps']>[1],
  ): Promise<{ ok: boolean; outputs: Record<string, string>; output: string }> {
    const [name] = uses.split('@');
    if (name === 'actions/checkout') {
      const github = scope.base.github as Context;
      const ref = withValues.ref || String(github.sha);
      await execa('git', ['clone', '--quiet', this.places.remote, '.'], { cwd: scope.workspace, env: this.baseEnv, extendEnv: false });
      await execa('git', ['checkout', '--quiet', '--detach', ref], { cwd: scope.workspace, env: this.baseEnv, extendEnv: false });
      return { ok: true, outputs: {}, output: `cloned ${this.places.remote} at ${ref}` };
    }
    if (name === 'actions/setup-node') return { ok: true, outputs: {}, output: 'node is the test\'s own' };
    if (name === 'actions/upload-artifact') {
      const target = join(this.places.artifacts, withValues.name!);
      if (existsSync(target)) return { ok: false, outputs: {}, output: `an artifact named ${withValues.name} exists already` };
      await cp(withValues.path!, target, { recursive: true });
      return { ok: true, outputs: {}, output: `uploaded ${withValues.path} as ${withValues.name}` };
    }
    if (name === 'actions/upload-pages-artifact') {
      const target = join((scope.base.runner as Context).temp as string, 'pages-artifact');
      await cp(withValues.path!, target, { recursive: true });
      return { ok: true, outputs: {}, output: `pages artifact from ${withValues.path}` };
    }
    if (name === 'actions/deploy-pages') {
      const from = join((scope.base.runner as Context).temp as string, 'pages-artifact');
      await rm(this.places.published, { recursive: true, force: true });
      await cp(from, this.places.published, { recursive: true });
      return { ok: true, outputs: { page_url: 'published' }, output: 'published' };
    }
    if (name === 'actions/cache/restore' || name === 'actions/cache/save') return this.cache(name.endsWith('save') ? 'save' : 'restore', withValues, scope.base.github as Context);
    if (name!.endsWith('/deploy-evidence') || name === './') return this.composite(withValues, stepEnv, scope);
    throw new Error(`uses: ${uses} is not simulated`);
  }

  /** actions/cache/restore and actions/cache/save: each entry a folder holding the paths' copies (by index) and when it was saved. */
  private async cache(what: 'restore' | 'save', withValues: Record<string, string>, github: Context): Promise<{ ok: boolean; outputs: Record<string, string>; output: string }> {
    const lines = (text: string | undefined) => (text ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
    const paths = lines(withValues.path);
    const key = withValues.key!;
    const root = this.places.caches ?? `${this.places.artifacts}-caches`;
    const scopeOf = (ref: string) => join(root, encodeURIComponent(ref));
    const ref = String(github.ref);
    if (what === 'save') {
      const entry = join(scopeOf(ref), encodeURIComponent(key));
      if (existsSync(entry)) return { ok: true, outputs: {}, output: `cache entry ${key} exists already: not saved` };
      for (const [i, path] of paths.entries()) if (existsSync(path)) await cp(path, join(entry, String(i)), { recursive: true });
      await mkdir(entry, { recursive: true });
      await writeFile(join(entry, 'saved'), String(Date.now() + Math.random()));
      return { ok: true, outputs: {}, output: `saved ${paths.join(', ')} as ${key}` };
    }
    const defaultRef = `refs/heads/${String(((github.event as Context | undefined)?.repository as Context | undefined)?.default_branch ?? 'main')}`;
    for (const scope of [...new Set([ref, defaultRef])]) {
      const entries = await readdir(scopeOf(scope)).catch(() => [] as string[]);
      const saved = await Promise.all(entries.map(async (e) => ({ key: decodeURIComponent(e), at: Number(await readFile(join(scopeOf(scope), e, 'saved'), 'utf8')) })));
      saved.sort((a, b) => b.at - a.at);
      const found = saved.find((e) => e.key === key) ?? lines(withValues['restore-keys']).map((prefix) => saved.find((e) => e.key.startsWith(prefix))).find(Boolean);
      if (!found) continue;
      const entry = join(scopeOf(scope), encodeURIComponent(found.key));
      for (const [i, path] of paths.entries()) {
        if (!existsSync(join(entry, String(i)))) continue;
        await rm(path, { recursive: true, force: true });
        await cp(join(entry, String(i)), path, { recursive: true });
      }
      return { ok: true, outputs: { 'cache-hit': String(found.key === key), 'cache-matched-key': found.key }, output: `restored ${found.key} (${scope})` };
    }
    return { ok: true, outputs: { 'cache-hit': 'false' }, output: `no cache entry for ${key}` };
  }

  /** The composite action: its inputs (given, else their defaults), its steps in its own step scope, its outputs. */
  private async composite(withValues: Record<string, string>, callerEnv: Record<string, string>, scope: Parameters<ActionsRunner['runSteps']>[1]) {
    const action = parseYaml(await readFile(this.places.actionFile, 'utf8')) as Action;
    if (action.runs.using !== 'composite') throw new Error('the action is not composite');
    const unknown = Object.keys(withValues).filter((k) => !Object.hasOwn(action.inputs ?? {}, k));
    if (unknown.length > 0) throw new Error(`with: ${unknown.join(', ')}: not an input of the action`);
    const inputs: Record<string, string> = {};
    for (const [k, spec] of Object.entries(action.inputs ?? {})) {
      inputs[k] = withValues[k] ?? substitute(String(spec.default ?? ''), { ...scope.base, env: {} });
    }
    for (const step of action.runs.steps) {
      if (step.run !== undefined && step.shell !== 'bash') throw new Error(`a composite run step needs shell: bash (${step.name ?? step.id})`);
    }
    const inner = await this.runSteps(action.runs.steps, { ...scope, inputs, callerEnv }, 'action');
    const context: Context = { ...scope.base, inputs, steps: Object.fromEntries(Object.entries(inner.outputs).map(([k, v]) => [k, { outputs: v }])) };
    const outputs: Record<string, string> = {};
    for (const [k, spec] of Object.entries(action.outputs ?? {})) outputs[k] = substitute(spec.value, context);
    return { ok: inner.ok, outputs, output: inner.steps.map((s) => `  ${s.name} → ${s.outcome}\n${s.output}`).join('\n') };
  }
}
