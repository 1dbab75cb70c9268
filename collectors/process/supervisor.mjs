// The supervisor of one checked command (issue 8: nothing the collector started may outlive it,
// even under SIGKILL). The collector starts this script with a pipe on its stdin and sends one
// JSON line: { argv, cwd, env, timeoutMs (or null), graceMs, stdinFile (optional: a file the command
// reads as its stdin; otherwise it has none) }. It starts the command in a process group
// of its own, with the supervisor's stdout and stderr (the collector's pipes), and then:
// - when its stdin closes — the collector ended, however it ended — it kills the whole group;
// - at the timeout it sends SIGTERM to the group, then SIGKILL after the grace period;
// - when the command ends, it kills what is left of its group (a straggler holding the output
//   pipe open would otherwise hang the collector) and reports on fd 3:
//   { exitCode, signal, timedOut, durationMs, spawnError }.
// Plain JavaScript, no imports beyond Node's: it starts in a few tens of milliseconds.
import { spawn } from 'node:child_process';
import { createWriteStream, openSync } from 'node:fs';

let child = null;
let finished = false;

function killGroup(signal) {
  if (!child?.pid) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is already gone
  }
}

function report(status) {
  if (finished) return;
  finished = true;
  const out = createWriteStream(null, { fd: 3 });
  out.end(`${JSON.stringify(status)}\n`, () => process.exit(0));
}

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  if (child || finished) return;
  input += chunk;
  const newline = input.indexOf('\n');
  if (newline !== -1) start(JSON.parse(input.slice(0, newline)));
});
process.stdin.on('end', () => {
  // The collector is gone (or gave up): nothing it started may go on.
  killGroup('SIGKILL');
  if (!finished) process.exit(1);
});
// A signal to the supervisor itself — Ctrl-C reaches the terminal's process group, and execa
// passes SIGTERM on to its children when the CLI is stopped — would end it by default and leave
// the command's group (its own, detached) running: a preview server outliving the CLI.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    killGroup('SIGKILL');
    process.exit(1);
  });
}

function start(spec) {
  const started = performance.now();
  let timedOut = false;
  let graceTimer;
  let stdin = 'ignore';
  try {
    if (spec.stdinFile) stdin = openSync(spec.stdinFile, 'r');
  } catch (error) {
    report({ exitCode: null, signal: null, timedOut: false, durationMs: 0, spawnError: { code: error.code ?? null, message: error.message } });
    return;
  }
  child = spawn(spec.argv[0], spec.argv.slice(1), {
    cwd: spec.cwd,
    env: spec.env,
    stdio: [stdin, 'inherit', 'inherit'],
    detached: true,
  });
  // No timeout (null) for a service such as the site preview: it runs until the caller stops it.
  const timer = spec.timeoutMs === null ? undefined : setTimeout(() => {
    timedOut = true;
    killGroup('SIGTERM');
    graceTimer = setTimeout(() => killGroup('SIGKILL'), spec.graceMs);
  }, spec.timeoutMs);
  child.on('error', (error) => {
    clearTimeout(timer);
    report({ exitCode: null, signal: null, timedOut: false, durationMs: performance.now() - started, spawnError: { code: error.code ?? null, message: error.message } });
  });
  child.on('exit', (code, signal) => {
    const durationMs = performance.now() - started;
    clearTimeout(timer);
    clearTimeout(graceTimer);
    killGroup('SIGKILL');
    report({ exitCode: code, signal, timedOut, durationMs, spawnError: null });
  });
}
