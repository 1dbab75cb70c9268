/**
 * The git side of "evidence anchored in git" (issue 24): reads, for the evidence folder, the history
 * of the checked-out branch, the blobs of the append-only files and what the work tree has not
 * committed, and hands them to the pure rules (src/core/integrity/git-history.ts). The CLI's edge:
 * the site never starts a process.
 *
 * How git is asked, and why:
 * - one `git log` for the whole evidence folder, streamed (thousands of files, one process);
 * - `--full-history`: the default history simplification drops a side branch whose merge kept the
 *   other side's tree, and with it a change made and undone there;
 * - `--diff-merges=separate`: a merge's diff against each parent. The combined diff (`-c`, `--cc`)
 *   lists only paths that differ from every parent, so a merge that keeps one side's version of a
 *   file and drops the other's — a deployment a side branch added, left out; an add/add conflict
 *   resolved with one side; sign-offs appended on a side, dropped — shows nothing there;
 * - `-z` and `:(top,literal)` pathspecs: any character in a path, `*` and `[` included, is itself;
 * - every setting that would change the output (log.showRoot, log.follow, colour, signatures,
 *   replace refs, another repository named by GIT_DIR) pinned; messages in English (LC_ALL=C),
 *   which is how "not a git repository" is told apart from a real failure;
 * - GIT_OPTIONAL_LOCKS=0: `git status` does not write the index, so this only ever reads;
 *   GIT_NO_LAZY_FETCH=1: a blob missing from a partial clone is not fetched over the network.
 * Never a shell; every call has a timeout and runs through the child-process kit (a git killed
 * with us leaves nothing behind).
 */
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findExecutable, spawnSupervised } from '../../collectors/process/child-process.ts';
import { UsageError } from './exit-codes.ts';
import { blobsToRead, gitHistoryProblems, gitRuleOf, type GitChange, type GitCommitDiff, type GitObject, type GitProblem, type UncommittedChange } from '../core/integrity/git-history.ts';
import { readEvidenceBytesSync } from '../format/evidence-tree.ts';

export interface GitAnchor {
  /** False when the check could not run: the folder is not in a git work tree, git is missing, or git ignores the folder. */
  ran: boolean;
  /** Why it did not run, in a sentence. */
  why?: string;
  /** A shallow clone: history before its edge is not there, so the check is partial. */
  shallow: boolean;
  problems: GitProblem[];
  /** Evidence files (relative to the evidence root) whose content is not committed yet, and allowed: information. */
  uncommitted: string[];
  /** Evidence paths under the root that git ignores (a folder ends with `/`): never committed, never anchored. */
  ignored: string[];
}

export interface GitAnchorOptions {
  /** Each git process is killed after this long (default 120 s). */
  timeoutMs?: number;
  /** The environment git runs in (default process.env, without its GIT_* variables). */
  env?: NodeJS.ProcessEnv;
  /**
   * Judge only the commits after this one (`verify --git-since`): the evidence as it stood there is
   * the starting point. For a history that holds rewrites made before the evidence was relied on
   * (this repository's own samples, regenerated as the format grew) — an auditor's choice, never a
   * committed setting an insider could move past a rewrite.
   */
  since?: string;
}

/** git failed in a way that is not "no repository here": the message names the folder, the command and git's words. */
export class GitEvidenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GitEvidenceError';
  }
}

/** A sign-off list or a signers file larger than this is not read (a real one is kilobytes); it then counts as unreadable. */
const MAX_APPEND_ONLY_BLOB_BYTES = 16 * 1024 * 1024;

const CONFIG = [
  'core.fsmonitor=false',
  'core.quotePath=false',
  'log.showRoot=true',
  'log.showSignature=false',
  'log.follow=false',
  'log.diffMerges=separate',
  'diff.relative=false',
  'diff.renames=false',
  'status.renames=false',
  'status.relativePaths=false',
  'color.ui=false',
  'i18n.logOutputEncoding=UTF-8',
].flatMap((setting) => ['-c', setting]);

function gitEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const clean: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    // GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE, GIT_CONFIG_*… would point git at another repository or change its output.
    if (value !== undefined && !name.startsWith('GIT_')) clean[name] = value;
  }
  return { ...clean, LC_ALL: 'C', LANGUAGE: 'C', GIT_OPTIONAL_LOCKS: '0', GIT_NO_REPLACE_OBJECTS: '1', GIT_NO_LAZY_FETCH: '1', GIT_TERMINAL_PROMPT: '0' };
}

interface Run {
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
}

interface GitResult {
  exitCode: number | undefined;
  stdout: Buffer;
  stderr: string;
  missing: boolean;
  timedOut: boolean;
}

/** git, found on the PATH git gets; null when it is not installed. */
async function gitExecutable(run: Run): Promise<string | null> {
  return findExecutable('git', run.env.PATH);
}

/** Runs git to its end through the kit; `onStdout` takes the output as it streams (else it is kept). */
async function git(run: Run, args: readonly string[], input?: string, onStdout?: (chunk: Buffer) => void): Promise<GitResult> {
  const executable = await gitExecutable(run);
  if (!executable) return { exitCode: undefined, stdout: Buffer.alloc(0), stderr: '', missing: true, timedOut: false };
  // The kit's stdin is its lifeline; a command's input travels as a file.
  const inputDir = input === undefined ? null : await mkdtemp(join(tmpdir(), 'deploy-evidence-git-'));
  const stdinFile = inputDir ? join(inputDir, 'input') : undefined;
  if (stdinFile) await writeFile(stdinFile, input!);
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  try {
    const result = await spawnSupervised(
      { argv: [executable, ...CONFIG, '--no-pager', ...args], cwd: run.cwd, env: run.env, timeoutMs: run.timeoutMs, graceMs: 1_000, ...(stdinFile ? { stdinFile } : {}) },
      onStdout ?? ((chunk) => out.push(chunk)),
      (chunk) => err.push(chunk),
    ).done;
    return {
      exitCode: result.exitCode ?? undefined,
      stdout: Buffer.concat(out),
      stderr: Buffer.concat(err).toString('utf8').trim() || (result.spawnError?.message ?? ''),
      missing: result.spawnError?.code === 'ENOENT',
      timedOut: result.timedOut,
    };
  } finally {
    if (inputDir) await rm(inputDir, { recursive: true, force: true });
  }
}

function failed(root: string, args: readonly string[], result: GitResult, timeoutMs: number): GitEvidenceError {
  const command = `git ${args.join(' ')}`;
  if (result.timedOut) return new GitEvidenceError(`${root}: ${command} did not finish within ${timeoutMs / 1000} s; the evidence's git history could not be read`);
  return new GitEvidenceError(`${root}: ${command} failed (exit ${result.exitCode ?? 'unknown'}): ${result.stderr || 'no message'}`);
}

/** One line of output, without the newline git ends it with (a path may itself hold a newline). */
const line = (out: Buffer) => out.toString('utf8').replace(/\n$/, '');

const NO_OBJECT = /^0+$/;
const objectOf = (mode: string, blob: string): GitObject | null => (NO_OBJECT.test(mode) || NO_OBJECT.test(blob) ? null : { mode, blob });
const HASH = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/**
 * `git log -z --raw --format=%H%x00%P%x00%s` as diffs, keeping only the paths under `prefix` that are
 * evidence. The output is NUL-separated tokens: a commit's hash, its parents, its subject, then
 * pairs of a raw entry (`:old-mode new-mode old-blob new-blob status`) and its path. Tokens are
 * read by position, so a subject or a path that looks like anything is still a subject or a path.
 */
class LogParser {
  readonly diffs: GitCommitDiff[] = [];
  private pending: Buffer[] = [];
  private state: 'commit' | 'parents' | 'subject' | 'entry' | 'path' = 'commit';
  private current: { commit: string; parents: string[]; subject: string; changes: GitChange[] } | null = null;
  private entry: { old: GitObject | null; new: GitObject | null } | null = null;

  constructor(private readonly prefix: string) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (let at = chunk.indexOf(0); at !== -1; at = chunk.indexOf(0, start)) {
      this.pending.push(chunk.subarray(start, at));
      this.token(Buffer.concat(this.pending).toString('utf8'));
      this.pending = [];
      start = at + 1;
    }
    if (start < chunk.length) this.pending.push(chunk.subarray(start));
  }

  end(): GitCommitDiff[] {
    if (this.pending.length > 0) this.token(Buffer.concat(this.pending).toString('utf8'));
    this.pending = [];
    if (this.state === 'path' || this.state === 'parents' || this.state === 'subject') throw new Error(`git log's output ended inside a commit (${this.state} expected)`);
    this.finish();
    return this.diffs;
  }

  private finish(): void {
    if (this.current && this.current.changes.length > 0) this.diffs.push(this.current);
    this.current = null;
  }

  private token(text: string): void {
    switch (this.state) {
      case 'parents':
        this.current!.parents = text.split(' ').filter((p) => p !== '');
        this.state = 'subject';
        return;
      case 'subject':
        this.current!.subject = text;
        this.state = 'entry';
        return;
      case 'path': {
        const path = text;
        if (path.startsWith(this.prefix)) {
          const relative = path.slice(this.prefix.length);
          if (gitRuleOf(relative)) this.current!.changes.push({ path: relative, ...this.entry! });
        }
        this.entry = null;
        this.state = 'entry';
        return;
      }
      case 'commit':
      case 'entry': {
        // Git separates a commit's message from its diff with a newline, and may end a commit with an empty token.
        const token = text.replace(/^\n+/, '');
        if (token === '') return;
        if (this.state === 'entry' && token.startsWith(':')) {
          const meta = token;
          if (meta.startsWith('::')) throw new Error(`git log gave a combined diff (${meta}); the rules need each merge's diff against each parent`);
          const [oldMode = '', newMode = '', oldBlob = '', newBlob = ''] = meta.slice(1).split(' ');
          this.entry = { old: objectOf(oldMode, oldBlob), new: objectOf(newMode, newBlob) };
          this.state = 'path';
          return;
        }
        if (!HASH.test(token)) throw new Error(`unexpected output from git log: ${JSON.stringify(token.slice(0, 80))}`);
        this.finish();
        this.current = { commit: token, parents: [], subject: '', changes: [] };
        this.state = 'parents';
        return;
      }
    }
  }
}

/** `git status --porcelain=v2 -z` entries under the prefix: what is not committed, and what git ignores. */
function parseStatus(out: Buffer, prefix: string): { changes: { path: string; head: GitObject | null; index?: GitObject | null; workTree?: 'changed' | 'deleted'; conflict?: true }[]; ignored: string[] } {
  const tokens = out.toString('utf8').split('\0');
  const changes: { path: string; head: GitObject | null; index?: GitObject | null; workTree?: 'changed' | 'deleted'; conflict?: true }[] = [];
  const ignored: string[] = [];
  const under = (path: string) => (path.startsWith(prefix) ? path.slice(prefix.length) : null);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token === '') continue;
    const kind = token[0];
    if (kind === '?' || kind === '!') {
      const path = token.slice(2);
      // An ignored folder that holds the evidence root is reported by git as that folder.
      if (kind === '!' && path.endsWith('/') && prefix.startsWith(path)) {
        ignored.push('');
        continue;
      }
      const relative = under(path);
      if (relative === null) continue;
      if (kind === '!') ignored.push(relative);
      else changes.push({ path: relative, head: null, workTree: 'changed' });
      continue;
    }
    const fields = token.split(' ');
    if (kind === '1' || kind === '2') {
      // 1 XY sub mH mI mW hH hI path; 2 XY sub mH mI mW hH hI Xscore path, then the original path as its own token.
      const [, xy = '..', , mH = '', mI = '', , hH = '', hI = ''] = fields;
      const path = fields.slice(kind === '1' ? 8 : 9).join(' ');
      if (kind === '2') i++;
      const relative = under(path);
      if (relative === null) continue;
      const change: (typeof changes)[number] = { path: relative, head: objectOf(mH, hH) };
      if (xy[0] !== '.') change.index = objectOf(mI, hI);
      if (xy[1] !== '.') change.workTree = xy[1] === 'D' ? 'deleted' : 'changed';
      changes.push(change);
      continue;
    }
    if (kind === 'u') {
      // u XY sub m1 m2 m3 mW h1 h2 h3 path: stage 2 is ours, the checked-out branch.
      const [, , , , m2 = '', , , , h2 = ''] = fields;
      const relative = under(fields.slice(10).join(' '));
      if (relative !== null) changes.push({ path: relative, head: objectOf(m2, h2), conflict: true });
      continue;
    }
    throw new Error(`unexpected output from git status: ${JSON.stringify(token.slice(0, 80))}`);
  }
  return { changes, ignored };
}

/** `git cat-file --batch-check` then `--batch`: the texts of the blobs, by id; a missing or too large one is left out. */
async function readBlobs(run: Run, root: string, ids: readonly string[]): Promise<Map<string, string>> {
  const texts = new Map<string, string>();
  if (ids.length === 0) return texts;
  const checkArgs = ['cat-file', '--batch-check'];
  const checked = await git(run, checkArgs, `${ids.join('\n')}\n`);
  if (checked.exitCode !== 0) throw failed(root, checkArgs, checked, run.timeoutMs);
  const wanted = checked.stdout
    .toString('utf8')
    .split('\n')
    .map((l) => l.split(' '))
    .filter(([id, type, size]) => id && type === 'blob' && Number(size) <= MAX_APPEND_ONLY_BLOB_BYTES)
    .map(([id]) => id!);
  if (wanted.length === 0) return texts;
  const batchArgs = ['cat-file', '--batch'];
  const batch = await git(run, batchArgs, `${wanted.join('\n')}\n`);
  if (batch.exitCode !== 0) throw failed(root, batchArgs, batch, run.timeoutMs);
  const out = batch.stdout;
  let at = 0;
  while (at < out.length) {
    const end = out.indexOf(10, at);
    if (end === -1) break;
    const [id = '', type, size] = out.subarray(at, end).toString('utf8').split(' ');
    at = end + 1;
    if (type === undefined || size === undefined) continue;
    const length = Number(size);
    texts.set(id, out.subarray(at, at + length).toString('utf8'));
    at += length + 1;
  }
  return texts;
}

const notRun = (why: string): GitAnchor => ({ ran: false, why, shallow: false, problems: [], uncommitted: [], ignored: [] });

/**
 * Whether every evidence file under `evidenceRoot` was added once and never changed since, in the
 * history of HEAD and in the work tree. Not inside a git work tree (or git not installed, or the
 * folder ignored by git): `ran: false` and why — information, not an error. A failure of git itself
 * throws a GitEvidenceError naming the folder and the command.
 */
export async function readGitAnchor(evidenceRoot: string, options: GitAnchorOptions = {}): Promise<GitAnchor> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const env = gitEnv(options.env ?? process.env);
  const here: Run = { cwd: evidenceRoot, env, timeoutMs };
  // Checked first: git started in a folder that does not exist fails as if git were not installed (ENOENT).
  if (!(await stat(evidenceRoot).catch(() => null))?.isDirectory()) throw new GitEvidenceError(`${evidenceRoot}: no evidence folder there (its git history cannot be read)`);
  const topArgs = ['rev-parse', '--show-toplevel'];
  const top = await git(here, topArgs);
  if (top.missing) return notRun('git is not installed (not found on PATH): the evidence\'s git history was not checked');
  if (top.exitCode !== 0) {
    if (/not a git repository/i.test(top.stderr)) return notRun(`${evidenceRoot} is not inside a git repository: the evidence is not anchored in git history, so that it was never changed since it was committed is not checked`);
    if (/must be run in a work tree/i.test(top.stderr)) return notRun(`${evidenceRoot} is not inside a git work tree: the evidence's git history was not checked`);
    throw failed(evidenceRoot, topArgs, top, timeoutMs);
  }
  const run: Run = { cwd: line(top.stdout), env, timeoutMs };
  const prefixArgs = ['rev-parse', '--show-prefix'];
  const shallowArgs = ['rev-parse', '--is-shallow-repository'];
  const headArgs = ['rev-parse', '-q', '--verify', 'HEAD^{commit}'];
  const [prefixed, shallowed, head] = await Promise.all([git(here, prefixArgs), git(here, shallowArgs), git(here, headArgs)]);
  if (prefixed.exitCode !== 0) throw failed(evidenceRoot, prefixArgs, prefixed, timeoutMs);
  if (shallowed.exitCode !== 0) throw failed(evidenceRoot, shallowArgs, shallowed, timeoutMs);
  const prefix = line(prefixed.stdout);
  const shallow = line(shallowed.stdout) === 'true';
  // A new repository has no HEAD yet: no history, everything is not committed yet.
  const hasHead = head.exitCode === 0;
  const pathspec = `:(top,literal)${prefix === '' ? '.' : prefix}`;
  const range = hasHead && options.since !== undefined ? `${await commitOf(here, evidenceRoot, options.since)}..HEAD` : 'HEAD';

  const statusArgs = ['status', '--porcelain=v2', '-z', '--untracked-files=all', '--ignored=matching', '--no-renames', '--', pathspec];
  const logArgs = ['log', '--full-history', '--diff-merges=separate', '--raw', '--no-abbrev', '--no-renames', '--no-color', '--no-show-signature', '-z', '--format=%H%x00%P%x00%s', range, '--', pathspec];
  const history = hasHead ? streamLog(run, evidenceRoot, logArgs, prefix) : Promise.resolve([]);
  const [status, diffs] = await Promise.all([git(run, statusArgs), history]);
  if (status.exitCode !== 0) throw failed(evidenceRoot, statusArgs, status, timeoutMs);
  const parsed = parseStatus(status.stdout, prefix);
  if (parsed.ignored.includes('') && diffs.length === 0) {
    return { ...notRun(`git ignores ${evidenceRoot} (.gitignore): its evidence is never committed, so it is not anchored in git history`), shallow };
  }

  const appendOnly = (path: string) => ['signoffs', 'signers'].includes(gitRuleOf(path)?.rule ?? '');
  const changes = parsed.changes.filter((c) => gitRuleOf(c.path));
  const heads: UncommittedChange[] = changes.map((c) => ({ path: c.path, head: c.head, where: 'index', now: null }));
  const staged = changes.flatMap((c) => (c.index && appendOnly(c.path) ? [c.index.blob] : []));
  const blobs = await readBlobs(run, evidenceRoot, [...new Set([...blobsToRead(diffs, heads), ...staged])]);

  const uncommitted: UncommittedChange[] = [];
  for (const c of changes) {
    if (c.conflict) {
      uncommitted.push({ path: c.path, head: c.head, where: 'merge conflict', now: {} });
      continue;
    }
    if (c.index !== undefined) {
      const text = c.index && appendOnly(c.path) ? blobs.get(c.index.blob) : undefined;
      const now = c.index === null ? null : !appendOnly(c.path) ? {} : text === undefined ? { unreadable: 'its staged version could not be read from git' } : { text };
      uncommitted.push({ path: c.path, head: c.head, where: 'index', now });
    }
    if (c.workTree !== undefined) {
      uncommitted.push({ path: c.path, head: c.head, where: 'work tree', now: c.workTree === 'deleted' ? null : appendOnly(c.path) ? workTreeText(evidenceRoot, c.path) : {} });
    }
  }
  const verdict = gitHistoryProblems({ history: diffs, blobs, uncommitted });
  const elsewhere = hasHead ? await manifestsDeletedElsewhere(run, evidenceRoot, range, prefix) : [];
  return { ran: true, shallow, problems: [...elsewhere, ...verdict.problems], uncommitted: verdict.uncommitted, ignored: parsed.ignored.filter((p) => p !== '' && (p.endsWith('/') || gitRuleOf(p))).sort() };
}

/**
 * Evidence deleted anywhere else in the repository (issue 24): the check reads the history of
 * the evidence folder it is given, so moving the folder (`git mv evidence audit/evidence`, with the
 * config pointing there) and rewriting or dropping a deployment on the way would leave nothing to
 * see under the new folder. Every `manifest.json` deleted outside it — a deployment's seal, moved
 * or removed — is named with the commit that did it. One `git log` over the whole repository.
 */
async function manifestsDeletedElsewhere(run: Run, root: string, range: string, prefix: string): Promise<GitProblem[]> {
  const args = ['log', '--full-history', '--diff-merges=separate', '--diff-filter=D', '--no-renames', '--name-only', '--no-color', '-z', '--format=%x01%H%x00%P%x00%s%x00', range, '--', ':(top,glob)**/manifest.json'];
  const log = await git(run, args);
  if (log.exitCode !== 0) throw failed(root, args, log, run.timeoutMs);
  const problems: GitProblem[] = [];
  const seen = new Set<string>();
  for (const record of log.stdout.toString('utf8').split('\u0001').filter((r) => r !== '')) {
    const [hash = '', parents = '', subject = '', ...paths] = record.split('\0').map((p) => p.trim());
    for (const path of paths) {
      if (path === '' || path.startsWith(prefix) || seen.has(path)) continue;
      seen.add(path);
      const commit = { hash, short: hash.slice(0, 12), subject: safeText(subject), merge: parents.includes(' ') };
      problems.push({
        key: path,
        path,
        kind: 'moved-away',
        commit,
        message: `${safeText(path)}: an evidence manifest outside ${prefix || 'the evidence folder'}, deleted by ${commit.short} "${commit.subject}": evidence moved or removed beside the folder checked; check that history with --evidence-dir`,
      });
    }
  }
  return problems;
}

/** Text from git (paths, subjects) as shown: control characters made visible. */
function safeText(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]/g, '\ufffd');
}

/** The full hash of the commit a revision names; a revision that names none is an error naming it. */
async function commitOf(run: Run, root: string, revision: string): Promise<string> {
  // A full hash only: a branch or a tag names whatever an insider moves it to (and "-…" would be read as an option).
  if (!/^[0-9a-f]{40}$/.test(revision)) throw new UsageError(`--git-since takes a commit's full hash (40 hex digits), got "${revision}"`);
  const args = ['rev-parse', '-q', '--verify', `${revision}^{commit}`];
  const resolved = await git(run, args);
  if (resolved.exitCode !== 0) throw new UsageError(`--git-since: no commit "${revision}" in the repository of ${root}`);
  return line(resolved.stdout);
}

function workTreeText(root: string, path: string): { text: string } | { unreadable: string } {
  try {
    return { text: readEvidenceBytesSync(join(root, path)).toString('utf8') };
  } catch (error) {
    return { unreadable: (error as Error).message };
  }
}

/** The log, parsed as it streams: memory holds the evidence changes, never the whole output. */
async function streamLog(run: Run, root: string, args: readonly string[], prefix: string): Promise<GitCommitDiff[]> {
  const parser = new LogParser(prefix);
  let parseError: Error | null = null;
  const result = await git(run, args, undefined, (chunk) => {
    if (parseError) return;
    try {
      parser.push(chunk);
    } catch (error) {
      // Nothing more is read; the rest of git's output is let go (it ends on its own).
      parseError = error as Error;
    }
  });
  if (parseError) throw new GitEvidenceError(`${root}: git ${args.join(' ')}: ${(parseError as Error).message}`);
  if (result.exitCode !== 0) throw failed(root, args, result, run.timeoutMs);
  try {
    return parser.end();
  } catch (error) {
    throw new GitEvidenceError(`${root}: git ${args.join(' ')}: ${(error as Error).message}`);
  }
}
