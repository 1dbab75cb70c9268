/**
 * `command`: argv in a working directory, with a timeout and an allow-listed environment.
 * A failing checked command is evidence (exit code, stderr), not an exception. Child
 * processes are started through execa, in their own process group so that a timeout kills
 * the whole tree (pytest's workers, a shell's children), not just the first process.
 */
import { access, constants, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import type { CheckOf, ParsedOutput } from '../../src/format/index.ts';
import { parseOutput } from '../parsers/parse-output.ts';
import { JunitParseError } from '../parsers/pytest-junit.ts';
import { redactSecrets } from '../db/secrets.ts';
import type { CheckContext, CheckRun } from './check-context.ts';
import { round } from './sql-check.ts';

/** Seconds a command gets between SIGTERM and SIGKILL at its timeout. */
const KILL_GRACE_MS = 3_000;

const running = new Set<number>();
let exitHookInstalled = false;
function killGroupsOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const pid of running) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

export async function findExecutable(name: string, path: string | undefined): Promise<string | null> {
  if (name.includes('/')) return (await isExecutable(name)) ? name : null;
  for (const dir of (path ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, name);
    if (await isExecutable(candidate)) return candidate;
  }
  return null;
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/** The Python modules among `modules` that `python3` cannot import. */
export async function missingPythonModules(modules: readonly string[], env: Record<string, string>): Promise<string[]> {
  const script = 'import importlib.util, sys\nprint("\\n".join(m for m in sys.argv[1:] if importlib.util.find_spec(m) is None))';
  const result = await execa('python3', ['-c', script, ...modules], { env, extendEnv: false, reject: false, timeout: 30_000 });
  if (result.exitCode !== 0) return [...modules];
  return String(result.stdout).split('\n').filter(Boolean);
}

async function unmetRequirement(program: string, requires: CheckOf<'command'>['requires'], env: Record<string, string>): Promise<string | null> {
  const executables = [program, ...(requires?.executables ?? [])];
  if (requires && requires.pythonModules.length > 0) executables.push('python3');
  const hint = requires?.installHint ? ` (install with: ${requires.installHint})` : '';
  for (const name of new Set(executables)) {
    if (!(await findExecutable(name, env.PATH))) return `${name} not found on PATH${hint}`;
  }
  if (requires && requires.pythonModules.length > 0) {
    const missing = await missingPythonModules(requires.pythonModules, env);
    if (missing.length > 0) return `Python module${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not importable by python3${hint}`;
  }
  return null;
}

/** Keeps the first `cap` bytes of a stream and counts the rest. */
class CappedOutput {
  private chunks: Buffer[] = [];
  private kept = 0;
  omitted = 0;
  constructor(private readonly cap: number) {}
  push(chunk: Buffer): void {
    const room = this.cap - this.kept;
    if (room > 0) {
      const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
      this.chunks.push(part);
      this.kept += part.length;
    }
    this.omitted += Math.max(0, chunk.length - Math.max(0, room));
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

export async function runCommandCheck(check: CheckOf<'command'>, ctx: CheckContext): Promise<CheckRun> {
  const cwd = resolve(ctx.appDir, check.cwd);
  // Unset parameters never reach here: runCheck skips the check first.
  const argv = check.argv.map((arg) => arg.replace(/\{\{([a-zA-Z][a-zA-Z0-9_]*)\}\}/g, (_m, name: string) => ctx.params.get(name) ?? ''));
  const envNames = ['PATH', ...check.env.filter((n) => n !== 'PATH')];
  const env: Record<string, string> = {};
  for (const name of envNames) {
    const value = ctx.commandEnv[name] ?? process.env[name];
    if (value !== undefined) env[name] = value;
  }
  const run: CheckRun = {
    source: { argv, cwd, env: envNames, timeoutMs: check.timeoutMs, ...(check.mutating ? { note: 'the one step allowed to change the database' } : {}) },
    session: null,
    result: null,
    error: null,
    skipReason: null,
    truncation: null,
    measuredMs: 0,
  };

  const cwdStat = await stat(cwd).catch(() => null);
  if (!cwdStat?.isDirectory()) {
    run.error = { kind: 'spawn', message: `working directory does not exist: ${cwd}`, code: null, hint: 'Point --app-dir at the application directory.', detail: null };
    return run;
  }
  const unmet = await unmetRequirement(argv[0]!, check.requires, env);
  if (unmet) {
    run.skipReason = unmet;
    return run;
  }

  // pytest writes its JUnit report to a file of ours, read after the run.
  const junitDir = check.parser === 'pytest-junit' ? await mkdtemp(join(tmpdir(), 'deploy-evidence-junit-')) : null;
  const junitFile = junitDir ? join(junitDir, 'junit.xml') : null;
  if (junitFile) {
    argv.push(`--junitxml=${junitFile}`);
    run.source.argv = [...argv];
  }
  try {
    return await execute(check, ctx, argv, cwd, env, run, junitFile);
  } finally {
    if (junitDir) await rm(junitDir, { recursive: true, force: true });
  }
}

async function execute(
  check: CheckOf<'command'>,
  ctx: CheckContext,
  argv: string[],
  cwd: string,
  env: Record<string, string>,
  run: CheckRun,
  junitFile: string | null,
): Promise<CheckRun> {
  const stdout = new CappedOutput(check.maxOutputBytes);
  const stderr = new CappedOutput(check.maxOutputBytes);
  const started = performance.now();
  let timedOut = false;
  killGroupsOnExit();
  const child: ResultPromise = execa(argv[0]!, argv.slice(1), {
    cwd,
    env,
    extendEnv: false,
    reject: false,
    buffer: false,
    stdin: 'ignore',
    // Its own process group, so the timeout below can end the whole tree.
    detached: true,
    cleanup: false,
  });
  const pid = child.pid;
  if (pid) running.add(pid);
  child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
  const killGroup = (signal: NodeJS.Signals) => {
    if (!pid) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // the group is already gone
    }
  };
  let graceTimer: NodeJS.Timeout | undefined;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup('SIGTERM');
    graceTimer = setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS);
  }, check.timeoutMs);
  const result = await child;
  clearTimeout(timer);
  clearTimeout(graceTimer);
  if (pid) running.delete(pid);
  run.measuredMs = round(performance.now() - started);

  if (result.failed && result.exitCode === undefined && !result.signal && !timedOut) {
    // Could not start at all (ENOENT after the PATH check, EACCES…).
    run.error = { kind: 'spawn', message: redactSecrets(result.shortMessage ?? 'the command could not start', ctx.secrets).text, code: result.code ?? null, hint: null, detail: null };
    return run;
  }
  const out = redactSecrets(stdout.text(), ctx.secrets);
  const err = redactSecrets(stderr.text(), ctx.secrets);
  let parsed: ParsedOutput | null = null;
  let parseProblem: string | null = null;
  if (check.parser) {
    const xml = junitFile ? await readFile(junitFile, 'utf8').catch(() => null) : null;
    const junitXml = xml === null ? null : redactSecrets(xml.length > check.maxOutputBytes ? xml.slice(0, check.maxOutputBytes) : xml, ctx.secrets).text;
    try {
      parsed = parseOutput(check.parser, { stdout: out.text, stderr: err.text, junitXml });
    } catch (error) {
      if (!(error instanceof JunitParseError)) throw error;
      parseProblem = error.message;
    }
    for (const [param, field] of Object.entries(check.captures)) {
      const value = parsed && field in parsed ? (parsed as Record<string, unknown>)[field] : null;
      if (typeof value === 'string') ctx.params.set(param, value);
    }
  }
  run.result = {
    kind: 'command',
    exitCode: result.exitCode ?? null,
    signal: result.signal ?? null,
    timedOut,
    stdout: out.text,
    stderr: err.text,
    outputCapBytes: check.maxOutputBytes,
    redactions: out.count + err.count,
    parsed,
  };
  if (stdout.omitted + stderr.omitted > 0) {
    run.truncation = { rowsTotal: null, rowsKept: null, bytesOmitted: stdout.omitted + stderr.omitted };
  }
  if (timedOut) {
    run.error = { kind: 'timeout', message: `killed after its ${check.timeoutMs} ms timeout; the output so far is kept`, code: null, hint: null, detail: null };
  } else if (parseProblem) {
    run.error = { kind: 'internal', message: parseProblem, code: null, hint: null, detail: null };
  }
  return run;
}
