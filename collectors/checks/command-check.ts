/**
 * `command`: argv in a working directory, with a timeout and an allow-listed environment.
 * A failing checked command is evidence (exit code, stderr), not an exception. Each command
 * runs under a supervisor (`../process/`) in a process group of its own, so a timeout kills the
 * whole tree (pytest's workers, a shell's children), and so does the collector's death.
 * Its output is redacted as it streams, before it is capped.
 */
import { createHash } from 'node:crypto';
import { access, constants, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { execa } from 'execa';
import { commandEnvNames, type CheckOf, type ParsedOutput } from '../../src/format/index.ts';
import { DATABASE_WITNESS, parseOutput } from '../../src/core/parsers/parse-output.ts';
import { JunitParseError } from '../../src/core/parsers/pytest-junit.ts';
import { StreamRedactor, type Redactor } from '../db/secrets.ts';
import { runSupervised } from '../process/child-process.ts';
import { commandEnvValue, type CheckContext, type CheckRun } from './check-context.ts';
import { round } from './sql-check.ts';

/** Milliseconds a command gets between SIGTERM and SIGKILL at its timeout. */
const KILL_GRACE_MS = 3_000;

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

/**
 * One output stream of a command: redacted as it arrives (before the cap, across chunk
 * boundaries), digested whole, and kept as a head and a tail within `cap` bytes (issue 9: a
 * command printing 50 MB keeps both ends and the digest of everything, in bounded memory).
 */
class RedactedCappedOutput {
  private readonly redacting: StreamRedactor;
  private readonly digest = createHash('sha256');
  private readonly head: Buffer[] = [];
  private headBytes = 0;
  /** The last `tailCap` bytes seen (a few chunks at most). */
  private tail: Buffer[] = [];
  private tailBytes = 0;
  private total = 0;
  private readonly tailCap: number;
  constructor(
    private readonly cap: number,
    redactor: Redactor,
  ) {
    this.redacting = new StreamRedactor(redactor);
    this.tailCap = Math.floor(cap / 4);
  }
  push(chunk: Buffer): void {
    this.keep(this.redacting.push(chunk));
  }
  private keep(text: string): void {
    if (!text) return;
    const bytes = Buffer.from(text, 'utf8');
    this.digest.update(bytes);
    this.total += bytes.length;
    const room = this.cap - this.headBytes;
    if (room > 0) {
      const part = bytes.length <= room ? bytes : bytes.subarray(0, room);
      this.head.push(part);
      this.headBytes += part.length;
    }
    if (this.tailCap === 0) return;
    this.tail.push(bytes);
    this.tailBytes += bytes.length;
    while (this.tail.length > 1 && this.tailBytes - this.tail[0]!.length >= this.tailCap) this.tailBytes -= this.tail.shift()!.length;
  }
  /**
   * Ends the stream. Within the cap everything is kept; beyond it, the first `cap - cap/4`
   * bytes and the last `cap/4` (a character cut at either edge is dropped).
   */
  finish(): { text: string; tail: string | null; omitted: number; summary: { bytes: number; sha256: string }; redactions: number } {
    this.keep(this.redacting.end());
    const decode = (bytes: Buffer) => new TextDecoder('utf-8').decode(bytes);
    const head = Buffer.concat(this.head);
    const summary = { bytes: this.total, sha256: this.digest.digest('hex') };
    if (this.total <= this.cap) return { text: decode(head), tail: null, omitted: 0, summary, redactions: this.redacting.count };
    const tailBytes = Buffer.concat(this.tail);
    const tail = tailBytes.subarray(tailBytes.length - this.tailCap);
    const kept = head.subarray(0, this.cap - this.tailCap);
    return {
      text: decode(kept).replace(/\uFFFD$/, ''),
      tail: this.tailCap > 0 ? decode(tail).replace(/^\uFFFD/, '') : null,
      omitted: this.total - kept.length - (this.tailCap > 0 ? tail.length : 0),
      summary,
      redactions: this.redacting.count,
    };
  }
}

export async function runCommandCheck(check: CheckOf<'command'>, ctx: CheckContext): Promise<CheckRun> {
  const cwd = resolve(ctx.appDir, check.cwd);
  // Unset parameters never reach here: runCheck skips the check first.
  const argv = check.argv.map((arg) => arg.replace(/\{\{([a-zA-Z][a-zA-Z0-9_]*)\}\}/g, (_m, name: string) => ctx.params.get(name) ?? ''));
  const envNames = ['PATH', ...commandEnvNames(check).filter((n) => n !== 'PATH')];
  const env: Record<string, string> = {};
  for (const name of envNames) {
    const value = commandEnvValue(name, ctx);
    if (value !== undefined) env[name] = value;
  }
  // What the evidence records: a secret parameter substituted into an argument is redacted there too.
  const shownArgv = () => argv.map((arg) => ctx.redactor.redact(arg).text);
  const run: CheckRun = {
    source: { argv: shownArgv(), cwd, env: envNames, timeoutMs: check.timeoutMs, ...(check.mutating ? { note: 'the one step allowed to change the database' } : {}) },
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
    run.source.argv = shownArgv();
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
  const witness = check.parser ? DATABASE_WITNESS[check.parser] : undefined;
  const before = witness ? await readWitness(witness, ctx) : null;
  const stdout = new RedactedCappedOutput(check.maxOutputBytes, ctx.redactor);
  const stderr = new RedactedCappedOutput(check.maxOutputBytes, ctx.redactor);
  const result = await runSupervised(
    { argv, cwd, env, timeoutMs: check.timeoutMs, graceMs: KILL_GRACE_MS },
    (chunk) => stdout.push(chunk),
    (chunk) => stderr.push(chunk),
  );
  run.measuredMs = round(result.durationMs);

  if (result.spawnError) {
    // Could not start at all (ENOENT after the PATH check, EACCES…).
    run.error = { kind: 'spawn', message: ctx.redactor.redact(`${argv[0]}: ${result.spawnError.message}`).text, code: result.spawnError.code, hint: null, detail: null };
    return run;
  }
  const out = stdout.finish();
  const err = stderr.finish();
  let parsed: ParsedOutput | null = null;
  let parseProblem: string | null = null;
  if (check.parser) {
    const xml = junitFile ? await readFile(junitFile, 'utf8').catch(() => null) : null;
    // Redacted whole, then capped: a cap must never cut a secret in half.
    const junitXml = xml === null ? null : capText(ctx.redactor.redact(xml).text, check.maxOutputBytes);
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
    exitCode: result.exitCode,
    signal: result.signal,
    timedOut: result.timedOut,
    stdout: out.text,
    stderr: err.text,
    outputCapBytes: check.maxOutputBytes,
    redactions: out.redactions + err.redactions,
    parsed,
    streams: {
      stdout: { ...out.summary, tail: out.tail },
      stderr: { ...err.summary, tail: err.tail },
    },
    ...(witness ? { databaseState: { sql: witness, before, after: await readWitness(witness, ctx) } } : {}),
  };
  if (out.omitted + err.omitted > 0) {
    run.truncation = { rowsTotal: null, rowsKept: null, bytesOmitted: out.omitted + err.omitted };
  }
  if (result.timedOut) {
    run.error = { kind: 'timeout', message: `killed after its ${check.timeoutMs} ms timeout; the output so far is kept`, code: null, hint: null, detail: null };
  } else if (parseProblem) {
    run.error = { kind: 'internal', message: parseProblem, code: null, hint: null, detail: null };
  }
  return run;
}

/** The witness query's first column, read-only; null when there is nothing to read (no version table yet). */
async function readWitness(sql: string, ctx: CheckContext): Promise<string[] | null> {
  const settings = { statementTimeoutMs: ctx.checklist.defaults.statementTimeoutMs, lockTimeoutMs: ctx.checklist.defaults.lockTimeoutMs };
  return ctx.session
    .readOnly(settings, async (tx) => (await tx.query(sql)).rows.map((row) => row[0] ?? ''))
    .catch(() => null);
}

/** The first `cap` bytes of a text, never half a character. */
function capText(text: string, cap: number): string {
  const bytes = Buffer.from(text, 'utf8');
  return bytes.length <= cap ? text : new TextDecoder('utf-8').decode(bytes.subarray(0, cap)).replace(/\uFFFD$/, '');
}
