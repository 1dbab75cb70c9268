// The supervisor of one checked command (issue 8: nothing the collector started may outlive it,
// even under SIGKILL). The collector starts this script with a pipe on its stdin and sends one
// JSON line: { argv, cwd, env, timeoutMs (or null), graceMs, stdinFile (optional: a file the command
// reads as its stdin; otherwise it has none) }. It starts the command in a process group
// of its own, with the supervisor's stdout and stderr (the collector's pipes), and then:
// - when its stdin closes — the collector ended, however it ended — it kills the command;
// - at the timeout it sends SIGTERM to the command, then SIGKILL after the grace period;
// - when the command ends, it kills what is left of it (a straggler holding the output
//   pipe open would otherwise hang the collector) and reports on fd 3:
//   { exitCode, signal, timedOut, durationMs, spawnError }.
// "The command" is its process group and every process below this one (issue 25): a process
// that started a session of its own (`setsid`, a daemon) is outside the group. The collector
// starts this script in a session of its own (so a kill of the collector's group spares it) and,
// on Linux where it can, as a child subreaper (prctl(PR_SET_CHILD_SUBREAPER), set by the perl
// that execs it): an orphan below it — a double-fork daemon — is then reparented here rather
// than to init, and still found below it.
// Plain JavaScript, no imports beyond Node's: it starts in a few tens of milliseconds.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, openSync, readdirSync, readFileSync } from 'node:fs';

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

/** The state and the parent of a process (fields 3 and 4 of /proc/<pid>/stat); null once it is gone. */
function stateOf(pid) {
  let stat;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return null;
  }
  // The command name (field 2) may hold spaces and parentheses: the fields after it follow the last ')'.
  const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ', 2);
  return { state, ppid };
}

// A zombie has ended (its children, if any, were already reparented); X is a process being reaped.
const ended = (state) => state === 'Z' || state === 'X';

/**
 * Every process below this one that has not ended, from each process's parent in /proc: one read
 * of every /proc/<pid>/stat, the look no race can fool. Empty without /proc (macOS): there the
 * command's group is all the supervisor ends.
 */
function everyDescendant() {
  let names;
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  const children = new Map();
  for (const name of names) {
    const first = name.charCodeAt(0);
    if (first < 48 || first > 57) continue;
    const entry = stateOf(name);
    if (!entry || ended(entry.state)) continue;
    const siblings = children.get(entry.ppid);
    if (siblings) siblings.push(name);
    else children.set(entry.ppid, [name]);
  }
  const found = [];
  const queue = [String(process.pid)];
  while (queue.length > 0) {
    for (const pid of children.get(queue.pop()) ?? []) {
      found.push(Number(pid));
      queue.push(pid);
    }
  }
  return found;
}

// /proc/<pid>/task/<tid>/children (CONFIG_PROC_CHILDREN, on in Debian's and Ubuntu's kernels).
const CHILDREN_FILES = existsSync(`/proc/${process.pid}/task/${process.pid}/children`);

/**
 * The same from the children files of each thread (an orphan is reparented to any thread of its
 * subreaper): a few reads instead of one per process on the machine, but a list read while it
 * changes may miss an entry, so `killAll` confirms with `everyDescendant` whenever it killed.
 */
function descendantsFromChildrenFiles() {
  const found = [];
  const queue = [String(process.pid)];
  while (queue.length > 0) {
    const parent = queue.pop();
    let tasks;
    try {
      tasks = readdirSync(`/proc/${parent}/task`);
    } catch {
      continue; // ended meanwhile
    }
    for (const tid of tasks) {
      let listed;
      try {
        listed = readFileSync(`/proc/${parent}/task/${tid}/children`, 'latin1');
      } catch {
        continue;
      }
      for (const pid of listed.split(' ')) {
        if (!pid) continue;
        const child = stateOf(pid);
        if (!child || ended(child.state)) continue;
        found.push(Number(pid));
        queue.push(pid);
      }
    }
  }
  return found;
}

const descendants = (thorough) => (thorough || !CHILDREN_FILES ? everyDescendant() : descendantsFromChildrenFiles());

/**
 * Sends `signal` to the command's group and to every process below the supervisor. The look comes
 * first: once a parent is killed, a child in a session of its own is reparented, and found below
 * the supervisor only if it is a subreaper.
 */
function signalAll(signal) {
  const below = descendants(true);
  killGroup(signal);
  for (const pid of below) {
    try {
      process.kill(pid, signal);
    } catch {
      // ended meanwhile, or not ours to signal (a setuid program)
    }
  }
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * SIGKILLs the command's group and everything below the supervisor, again until a look finds
 * nothing it has not killed: a process that forked just before its SIGKILL leaves a child the
 * previous look could not see. A killed process cannot fork any more, so this ends. The common
 * case — the command ended and left nothing — costs one cheap look; once anything was killed,
 * the last look is the thorough one.
 */
function killAll() {
  const killed = new Set();
  let thorough = false;
  for (let round = 0; round < 100; round += 1) {
    const fresh = descendants(thorough).filter((pid) => !killed.has(pid));
    killGroup('SIGKILL');
    if (fresh.length === 0) {
      if (thorough || killed.size === 0) return;
      thorough = true;
      continue;
    }
    for (const pid of fresh) {
      killed.add(pid);
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // ended meanwhile, or not ours to signal
      }
    }
    // A moment for the dying to be reparented or become zombies before the next look.
    Atomics.wait(pause, 0, 0, 2);
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
  killAll();
  if (!finished) process.exit(1);
});
// A signal to the supervisor itself — someone who found it with `ps`, a system shutting down —
// would end it by default and leave the command running: a preview server outliving the CLI.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    killAll();
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
    signalAll('SIGTERM');
    graceTimer = setTimeout(killAll, spec.graceMs);
  }, spec.timeoutMs);
  child.on('error', (error) => {
    clearTimeout(timer);
    report({ exitCode: null, signal: null, timedOut: false, durationMs: performance.now() - started, spawnError: { code: error.code ?? null, message: error.message } });
  });
  child.on('exit', (code, signal) => {
    const durationMs = performance.now() - started;
    clearTimeout(timer);
    clearTimeout(graceTimer);
    killAll();
    report({ exitCode: code, signal, timedOut, durationMs, spawnError: null });
  });
}
