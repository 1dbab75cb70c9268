/**
 * The child-process kit: every process deploy-evidence starts goes through here (STYLE.md 8,
 * "wrap child processes once"). Each runs under `supervisor.mjs`, which holds the child's
 * process group and kills it when we go away — even under SIGKILL, when no exit hook of ours
 * runs — or at its timeout. The supervisor runs in a session of its own, so a kill of our whole
 * process group (a CI runner, `timeout --kill-after`) does not take it along (issue 25), and on
 * Linux it is a child subreaper, so it also finds what escaped the group (`setsid`, a double-fork
 * daemon). Output arrives as raw chunks; `CappedOutput` keeps a head and a tail within a cap,
 * redacted (and, for a checked command, its machine paths written as placeholders) as it
 * streams, and digests the whole.
 */
import { createHash } from 'node:crypto';
import { accessSync, constants as fsConstants, statSync } from 'node:fs';
import { access, constants, stat } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { Readable } from 'node:stream';
import { execa } from 'execa';
import { Redactor, StreamRedactor } from '../db/secrets.ts';
import { MachinePathStream, type MachinePaths } from './machine-paths.ts';
import { packagePath } from '../package-root.ts';

// Plain JavaScript that the compiled CLI runs from the source tree, where the package ships it.
const SUPERVISOR = packagePath('collectors/process/supervisor.mjs');

/**
 * prctl(2)'s number per architecture (Node's `process.arch`): x86-64's own table, the generic table
 * (arm64, riscv64, loong64), and the older ones. An architecture missing here gets no subreaper.
 */
const SYS_PRCTL: Partial<Record<NodeJS.Architecture, number>> = { x64: 157, arm64: 167, riscv64: 167, loong64: 167, ia32: 172, arm: 172, s390x: 172, ppc64: 171 };
const PR_SET_CHILD_SUBREAPER = 36;

/**
 * How the supervisor is started. Node has no binding for prctl(PR_SET_CHILD_SUBREAPER), and a native
 * addon would need a build; perl can make the system call (its builtin `syscall`) and then exec the
 * supervisor, which keeps the flag across exec(2). perl is in every Debian and Ubuntu system
 * (perl-base is Essential), also in slim container images, and starts in a few milliseconds.
 * The subreaper needs no privilege, unlike a PID namespace or a cgroup, which a container
 * usually refuses. Without perl (Alpine, macOS), the supervisor still kills the command's group
 * and the descendants it can see, but an orphan that started a session of its own escapes.
 */
let launcher: readonly string[] | undefined;
function supervisorLauncher(): readonly string[] {
  if (launcher) return launcher;
  const prctl = process.platform === 'linux' ? SYS_PRCTL[process.arch] : undefined;
  const perl = prctl === undefined ? null : findExecutableSync('perl', process.env.PATH);
  launcher = perl
    ? // `exec {program} list` runs the program itself, never a shell. Should the call fail, the
      // supervisor starts all the same, without the flag (the tests in CI would catch that).
      [perl, '-e', `syscall(${prctl}, ${PR_SET_CHILD_SUBREAPER}, 1, 0, 0, 0); exec { $ARGV[0] } @ARGV or exit 127`, '--', process.execPath, SUPERVISOR]
    : [process.execPath, SUPERVISOR];
  return launcher;
}

/**
 * What ends the processes of a command when the collector goes away: its process group and every
 * descendant, also those that left the group (`subreaper`), or only its group and the descendants
 * still attached to it (`process-group`). docs/safety.md says what each leaves.
 */
export function containment(): 'subreaper' | 'process-group' {
  return supervisorLauncher()[0] === process.execPath ? 'process-group' : 'subreaper';
}

export interface SupervisedSpec {
  argv: readonly string[];
  cwd: string;
  env: Record<string, string>;
  /** Killed (the whole group) after this long; null for a service that runs until stopped. */
  timeoutMs: number | null;
  /** Between SIGTERM and SIGKILL at the timeout. */
  graceMs: number;
  /** A file the command reads as its stdin (`git cat-file --batch`); without it, the command has none. */
  stdinFile?: string;
}

export interface SupervisedResult {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  durationMs: number;
  /** The command could not start (ENOENT, EACCES…). */
  spawnError: { code: string | null; message: string } | null;
}

export interface Supervised {
  done: Promise<SupervisedResult>;
  /** Ends the child and its whole group now (the supervisor sees its stdin close). */
  stop(): void;
}

/** Starts `spec.argv` under the supervisor; output chunks go to the callbacks as they arrive. */
export function spawnSupervised(spec: SupervisedSpec, onStdout: (chunk: Buffer) => void, onStderr: (chunk: Buffer) => void): Supervised {
  const [program, ...args] = supervisorLauncher();
  const supervisor = execa(program!, args, {
    // The environment travels in the spec over the pipe, never in argv (visible to `ps`).
    env: {},
    extendEnv: false,
    // A session of its own (setsid): a kill of our process group (`kill -9 -- -<pgid>`, as CI
    // runners do) must not take the supervisor along, which then sees its stdin close and ends
    // the command (issue 25). It also keeps Ctrl-C away from it: our exit closes the pipe.
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
    buffer: false,
    reject: false,
  });
  supervisor.stdout?.on('data', onStdout);
  supervisor.stderr?.on('data', onStderr);
  let status = '';
  const statusPipe = supervisor.stdio[3] as Readable;
  statusPipe.setEncoding('utf8');
  statusPipe.on('data', (chunk: string) => {
    status += chunk;
  });
  // stdin stays open while the command runs: its end is the supervisor's signal that we are gone.
  supervisor.stdin?.on('error', () => {});
  supervisor.stdin?.write(`${JSON.stringify(spec)}\n`);
  let stopped = false;
  const started = performance.now();
  const done = (async () => {
    const ended = await supervisor;
    supervisor.stdin?.destroy();
    const line = status.trim();
    // Stopped by us: the supervisor killed the group and ended without reporting.
    if (!line && stopped) return { exitCode: null, signal: 'SIGKILL', timedOut: false, durationMs: performance.now() - started, spawnError: null };
    if (!line) {
      throw new Error(`the process supervisor ended without a status (exit ${ended.exitCode ?? ended.signal ?? 'unknown'})${ended.stderr ? `: ${String(ended.stderr)}` : ''}`);
    }
    return JSON.parse(line) as SupervisedResult;
  })();
  return {
    done,
    stop: () => {
      stopped = true;
      supervisor.stdin?.end();
    },
  };
}

export function runSupervised(spec: SupervisedSpec, onStdout: (chunk: Buffer) => void, onStderr: (chunk: Buffer) => void): Promise<SupervisedResult> {
  return spawnSupervised(spec, onStdout, onStderr).done;
}

export interface CapturedRun extends SupervisedResult {
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved as they arrived (within the cap). */
  all: string;
}

/** Runs a helper command (git, python3, astro) to its end and returns its output, capped. */
export async function runCaptured(
  argv: readonly string[],
  options: { cwd: string; env?: Record<string, string>; timeoutMs: number; capBytes?: number },
): Promise<CapturedRun> {
  const cap = options.capBytes ?? 1024 * 1024;
  const none = new Redactor([]);
  const stdout = new CappedOutput(cap, none);
  const stderr = new CappedOutput(cap, none);
  const all = new CappedOutput(cap, none);
  const result = await runSupervised(
    { argv, cwd: options.cwd, env: options.env ?? { PATH: process.env.PATH ?? '' }, timeoutMs: options.timeoutMs, graceMs: 2_000 },
    (chunk) => {
      stdout.push(chunk);
      all.push(chunk);
    },
    (chunk) => {
      stderr.push(chunk);
      all.push(chunk);
    },
  );
  const text = (o: CappedOutput) => {
    const kept = o.finish();
    return kept.tail === null ? kept.text : `${kept.text}\n…\n${kept.tail}`;
  };
  return { ...result, stdout: text(stdout), stderr: text(stderr), all: text(all) };
}

export async function findExecutable(name: string, path: string | undefined): Promise<string | null> {
  if (name.includes('/')) return (await isExecutable(name)) ? name : null;
  for (const dir of (path ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, name);
    if (await isExecutable(candidate)) return candidate;
  }
  return null;
}

/** `findExecutable` for the one lookup made while starting a process, cached by the caller. */
function findExecutableSync(name: string, path: string | undefined): string | null {
  for (const dir of (path ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, fsConstants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
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
  const result = await runCaptured(['python3', '-c', script, ...modules], { cwd: process.cwd(), env, timeoutMs: 30_000 });
  if (result.exitCode !== 0) return [...modules];
  return result.stdout.split('\n').filter(Boolean);
}

/**
 * One output stream: redacted as it arrives (before the cap, across chunk boundaries), digested
 * whole, and kept as a head and a tail within `cap` bytes (issue 9: a command printing 50 MB
 * keeps both ends and the digest of everything, in bounded memory).
 */
export class CappedOutput {
  private readonly redacting: StreamRedactor;
  private readonly digest = createHash('sha256');
  private readonly head: Buffer[] = [];
  private headBytes = 0;
  /** The last `tailCap` bytes seen (a few chunks at most). */
  private tail: Buffer[] = [];
  private tailBytes = 0;
  private total = 0;
  private readonly tailCap: number;
  /** The machine's directories written as placeholders (./machine-paths.ts), after redaction. */
  private readonly paths: MachinePathStream | null;
  constructor(
    private readonly cap: number,
    redactor: Redactor,
    paths: MachinePaths | null = null,
  ) {
    this.redacting = new StreamRedactor(redactor);
    this.paths = paths ? new MachinePathStream(paths) : null;
    this.tailCap = Math.floor(cap / 4);
  }
  push(chunk: Buffer): void {
    const text = this.redacting.push(chunk);
    this.keep(this.paths ? this.paths.push(text) : text);
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
    const rest = this.redacting.end();
    this.keep(this.paths ? this.paths.push(rest) + this.paths.end() : rest);
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

/** The first `cap` bytes of a text, never half a character. */
export function capText(text: string, cap: number): string {
  const bytes = Buffer.from(text, 'utf8');
  return bytes.length <= cap ? text : new TextDecoder('utf-8').decode(bytes.subarray(0, cap)).replace(/\uFFFD$/, '');
}
