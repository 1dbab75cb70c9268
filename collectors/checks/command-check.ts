/**
 * `command`: argv in a working directory, with a timeout and an allow-listed environment.
 * A failing checked command is evidence (exit code, stderr), not an exception. Each command
 * runs under a supervisor (`../process/`) in a process group of its own, so a timeout kills the
 * whole tree (pytest's workers, a shell's children), and so does the collector's death.
 * Its output is redacted as it streams, before it is capped, and what it records names the
 * machine's directories by placeholders (../process/machine-paths.ts): its cwd relative to the
 * application directory, `$APP_DIR`, `$REPORT_DIR`, `$TMPDIR` and `~` in argv, output and report.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { commandEnvNames, fillPlaceholders, type CheckOf, type LockObservation, type ParsedOutput } from '../../src/format/index.ts';
import { roundMs } from '../../src/core/numbers.ts';
import { OutputParseError } from '../../src/core/parsers/output-parser.ts';
import { OUTPUT_PARSERS } from '../../src/core/parsers/registry.ts';
import { capturedValue } from '../../src/core/parsers/captures.ts';
import { CappedOutput, capText, findExecutable, missingPythonModules, runSupervised } from '../process/child-process.ts';
import { MachinePaths } from '../process/machine-paths.ts';
import { samplerConnection, startLockSampler, type LockSampler } from '../locks/lock-sampler.ts';
import { commandEnvValue, type CheckContext, type CheckRun } from './check-context.ts';

/** Milliseconds a command gets between SIGTERM and SIGKILL at its timeout. */
const KILL_GRACE_MS = 3_000;

/** Why a command cannot run here (a program not on PATH, a Python module missing), or null. */
export async function unmetRequirement(program: string, requires: CheckOf<'command'>['requires'], env: Record<string, string>): Promise<string | null> {
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
 * The most of each stream a snapshot keeps, whatever the checklist asks (issue 25): two streams and
 * a report within it stay well under the 64 MiB an evidence file may hold (MAX_EVIDENCE_FILE_BYTES).
 * The cap kept is the one recorded (`outputCapBytes`), and the whole stream's size and sha256 with it.
 */
export const MAX_KEPT_OUTPUT_BYTES = 8 * 1024 * 1024;

const keptOutputBytes = (asked: number) => Math.min(asked, MAX_KEPT_OUTPUT_BYTES);

export async function runCommandCheck(check: CheckOf<'command'>, ctx: CheckContext): Promise<CheckRun> {
  const appDir = resolve(ctx.appDir);
  const cwd = resolve(appDir, check.cwd);
  // Recorded relative to the application directory, which deployment.json records once (docs/evidence.md).
  const shownCwd = relative(appDir, cwd) || '.';
  // Unset parameters never reach here: runCheck skips the check first.
  const argv = check.argv.map((arg) => fillPlaceholders(arg, (name) => ctx.params.get(name)));
  const envNames = ['PATH', ...commandEnvNames(check).filter((n) => n !== 'PATH')];
  const env: Record<string, string> = {};
  for (const name of envNames) {
    const value = commandEnvValue(name, ctx);
    if (value !== undefined) env[name] = value;
  }
  let paths = await MachinePaths.of({ appDir });
  // What the evidence records: a secret parameter substituted into an argument is redacted there
  // too, and a directory of this machine is written as its placeholder.
  const shownArgv = () => argv.map((arg) => paths.rewrite(ctx.redactor.redact(arg).text));
  const run: CheckRun = {
    source: { argv: shownArgv(), cwd: shownCwd, env: envNames, timeoutMs: check.timeoutMs, ...(check.mutating ? { note: 'the one step allowed to change the database' } : {}) },
    session: null,
    result: null,
    error: null,
    skipReason: null,
    truncation: null,
    measuredMs: 0,
  };

  const cwdStat = await stat(cwd).catch(() => null);
  if (!cwdStat?.isDirectory()) {
    run.error = { kind: 'spawn', message: `working directory does not exist: ${paths.rewrite(shownCwd)} (in the application directory)`, code: null, hint: 'Point --app-dir at the application directory.', detail: null };
    return run;
  }
  const unmet = await unmetRequirement(argv[0]!, check.requires, env);
  if (unmet) {
    run.skipReason = paths.rewrite(unmet);
    return run;
  }

  // A parser that reads a report (pytest's JUnit XML) has the tool write it to a file of ours, read after the run.
  const reportArgument = check.parser ? OUTPUT_PARSERS[check.parser].reportArgument : undefined;
  const reportDir = reportArgument ? await mkdtemp(join(tmpdir(), 'deploy-evidence-report-')) : null;
  const reportFile = reportDir ? join(reportDir, 'report') : null;
  if (reportArgument && reportFile) {
    paths = await MachinePaths.of({ appDir, reportDir });
    argv.push(reportArgument(reportFile));
    run.source.argv = shownArgv();
  }
  try {
    return await execute(check, ctx, { argv, cwd, env, envNames, paths }, run, reportFile);
  } finally {
    if (reportDir) await rm(reportDir, { recursive: true, force: true });
  }
}

/** What a command runs with: its argv, directory and environment, the names it asked for, and this machine's directories to write as placeholders. */
interface Invocation {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  envNames: string[];
  paths: MachinePaths;
}

async function execute(check: CheckOf<'command'>, ctx: CheckContext, { argv, cwd, env, envNames, paths }: Invocation, run: CheckRun, reportFile: string | null): Promise<CheckRun> {
  const parser = check.parser ? OUTPUT_PARSERS[check.parser] : undefined;
  const witness = parser?.databaseWitness;
  const before = witness ? await readWitness(witness, ctx) : null;
  const cap = keptOutputBytes(check.maxOutputBytes);
  const stdout = new CappedOutput(cap, ctx.redactor, paths);
  const stderr = new CappedOutput(cap, ctx.redactor, paths);
  const sampler = await startObservation(check, ctx, env, envNames);
  let locks: LockObservation | undefined;
  let result: Awaited<ReturnType<typeof runSupervised>>;
  try {
    result = await runSupervised(
      { argv, cwd, env, timeoutMs: check.timeoutMs, graceMs: KILL_GRACE_MS },
      (chunk) => stdout.push(chunk),
      (chunk) => stderr.push(chunk),
    );
  } finally {
    locks = sampler ? await sampler.stop() : undefined;
  }
  run.measuredMs = roundMs(result.durationMs);

  if (result.spawnError) {
    // Could not start at all (ENOENT after the PATH check, EACCES…).
    run.error = { kind: 'spawn', message: paths.rewrite(ctx.redactor.redact(`${argv[0]}: ${result.spawnError.message}`).text), code: result.spawnError.code, hint: null, detail: null };
    return run;
  }
  const out = stdout.finish();
  const err = stderr.finish();
  let parsed: ParsedOutput | null = null;
  let parseProblem: string | null = null;
  if (parser) {
    const written = reportFile ? await readFile(reportFile, 'utf8').catch(() => null) : null;
    // Redacted whole, then capped: a cap must never cut a secret in half.
    const report = written === null ? null : capText(paths.rewrite(ctx.redactor.redact(written).text), cap);
    try {
      parsed = parser.parse({ stdout: out.text, stderr: err.text, report });
    } catch (error) {
      if (!(error instanceof OutputParseError)) throw error;
      parseProblem = paths.rewrite(error.message);
    }
    for (const [param, field] of Object.entries(check.captures)) {
      const value = result.timedOut ? null : capturedValue(field, parsed, result.exitCode);
      if (value !== null) ctx.params.set(param, value);
    }
  }
  run.result = {
    kind: 'command',
    exitCode: result.exitCode,
    signal: result.signal,
    timedOut: result.timedOut,
    stdout: out.text,
    stderr: err.text,
    outputCapBytes: cap,
    redactions: out.redactions + err.redactions,
    parsed,
    streams: {
      stdout: { ...out.summary, tail: out.tail },
      stderr: { ...err.summary, tail: err.tail },
    },
    ...(witness ? { databaseState: { sql: witness, before, after: await readWitness(witness, ctx) } } : {}),
    // Names only: which of the variables it asked for the command got (values are never recorded).
    environment: { present: envNames.filter((n) => Object.hasOwn(env, n)), missing: envNames.filter((n) => !Object.hasOwn(env, n)) },
    ...(locks ? { locks } : {}),
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

/**
 * The lock sampler around a mutating step that asks for it (`observeLocks`, issue 28). The step's
 * sessions are told apart by an application_name: the checklist's, else the PGAPPNAME the check
 * passes itself, else a unique one set here as PGAPPNAME (libpq and psycopg2 read it). On the
 * embedded database (PGlite) one session serves everyone: there is no other session to watch, and
 * the observation says so (a lock assertion never passes on it).
 */
async function startObservation(check: CheckOf<'command'>, ctx: CheckContext, env: Record<string, string>, envNames: readonly string[]): Promise<LockSampler | null> {
  if (!check.observeLocks || !check.mutating) return null;
  const { intervalMs } = check.observeLocks;
  const own = envNames.includes('PGAPPNAME') ? env.PGAPPNAME : undefined;
  const applicationName = check.observeLocks.applicationName ?? own ?? `deploy-evidence-step-${randomBytes(6).toString('hex')}`;
  if (!own) env.PGAPPNAME = applicationName;
  if (ctx.session.target.kind === 'embedded') {
    const note = 'the embedded database (PGlite) serves every connection in one session: no other session\'s locks can be observed';
    return { stop: async () => ({ status: 'unsupported', note, intervalMs, matchedBy: null, applicationName, stepMs: 0, samples: { taken: 0, failed: 0, longestSpacingMs: 0 }, gaps: [], backends: [], blockedBySampler: 0, relations: [], truncated: false }) };
  }
  return startLockSampler({
    connect: samplerConnection(ctx.session.target.config),
    match: { applicationName, excludeApplicationNames: [ctx.session.applicationName] },
    intervalMs,
    redact: (text) => ctx.redactor.redact(text).text,
  });
}

/** The witness query's first column, read-only; null when there is nothing to read (no version table yet). */
async function readWitness(sql: string, ctx: CheckContext): Promise<string[] | null> {
  const settings = { statementTimeoutMs: ctx.checklist.defaults.statementTimeoutMs, lockTimeoutMs: ctx.checklist.defaults.lockTimeoutMs };
  return ctx.session
    .readOnly(settings, async (tx) => (await tx.query(sql)).rows.map((row) => row[0] ?? ''))
    .catch(() => null);
}
