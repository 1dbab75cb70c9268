/**
 * Evidence anchored in git (issue 24, "Trust that holds against an insider"): inside a git
 * repository, every evidence file was added once and never changed or deleted afterwards in the
 * history of the checked-out branch. A manifest only proves its files match it; whoever can write
 * the folder can rewrite a deployment and its manifest together. Git's history is what an insider
 * cannot rewrite without everyone who holds a clone noticing.
 *
 * Pure: the history as git gives it (each commit's changes against each of its parents), the texts
 * of the versions the append-only files had, and what the work tree has not committed yet in;
 * every change that breaks the rules out, each named with the file and the commit that made it.
 * The git I/O is the CLI's (src/cli/git-evidence-history.ts): the site never starts a process.
 *
 * The rules, per file:
 * - the deployment's own files (deployment.json, checks/*.json, manifest.json) and `_schemas/v<N>/*`:
 *   added, then never modified and never deleted (deleted and re-added is a deletion, named);
 * - `<id>/signoffs.json`: append-only — each version's sign-offs (their envelopes) stay, in order,
 *   at the start of the next version's;
 * - `_signers.json`: append-only likewise — every signer entry stays, unchanged and in order;
 * - `<id>/notes.mdx`: annotations written after collection, shown apart from the evidence and
 *   outside the manifest — they may be edited or deleted;
 * - anything else under the evidence root is not evidence (`verify` names it) and not judged here.
 */
import { checkIdSchema, deploymentIdSchema } from '../../format/common.ts';

/** One version of a file as git stores it: its mode (`100644`, `120000` for a symbolic link…) and its blob id. */
export interface GitObject {
  mode: string;
  blob: string;
}

/** One path in one commit's diff against one of its parents (`null`: the file is absent on that side). */
export interface GitChange {
  /** Relative to the evidence root, `/`-separated. */
  path: string;
  old: GitObject | null;
  new: GitObject | null;
}

/**
 * A commit's changes under the evidence root against one of its parents. A merge gives one such
 * diff per parent it differs from (git log --diff-merges=separate), without saying which parent:
 * the rules do not need to know.
 */
export interface GitCommitDiff {
  commit: string;
  /** Every parent of the commit (two or more: a merge; none: the first commit, or the edge of a shallow clone). */
  parents: readonly string[];
  subject: string;
  changes: readonly GitChange[];
}

/**
 * A file whose content in the index (staged) or the work tree is not HEAD's. One entry per place it
 * differs; `head: null` for a file not committed yet.
 */
export interface UncommittedChange {
  path: string;
  head: GitObject | null;
  where: 'index' | 'work tree' | 'merge conflict';
  /**
   * What is there now: null when the file is deleted there. `text` is filled for the append-only
   * files (sign-offs, signers), whose new version must be read to judge it; `unreadable` says why
   * it could not be.
   */
  now: { text?: string; unreadable?: string } | null;
}

export interface GitCommitRef {
  hash: string;
  /** The first 12 hex digits: what the messages show. */
  short: string;
  subject: string;
  merge: boolean;
}

export type GitProblemKind = 'changed' | 'deleted' | 'not-appended' | 'moved-away';

export interface GitProblem {
  /** The deployment id, or for a file at the root of the evidence folder its path (`_signers.json`, `_schemas/v2/check.schema.json`). */
  key: string;
  /** Relative to the evidence root. */
  path: string;
  kind: GitProblemKind;
  /** The commit that did it; null when the change is in the work tree or the index, not committed. */
  commit: GitCommitRef | null;
  message: string;
}

export interface GitHistoryVerdict {
  problems: GitProblem[];
  /**
   * Evidence files whose current content is allowed but not committed yet, relative to the
   * evidence root, sorted: a fresh collection before `git add`, a sign-off appended, notes edited.
   * Information, not a problem: they are anchored once they are committed.
   */
  uncommitted: string[];
}

export type GitRule = 'immutable' | 'signoffs' | 'signers' | 'annotation';

const SCHEMA_FILE = /^_schemas\/v[0-9]+\/[A-Za-z0-9_-][A-Za-z0-9._-]*$/;
const IMMUTABLE_IN_DEPLOYMENT = new Set(['deployment.json', 'manifest.json']);

/**
 * The rule a path under the evidence root falls under, and the key its problems are filed under;
 * null for what is not evidence (unknown names, dot-files, folders whose name is not a deployment id),
 * which the evidence tree refuses and `verify` names on its own.
 */
export function gitRuleOf(path: string): { key: string; rule: GitRule } | null {
  if (path === '_signers.json') return { key: path, rule: 'signers' };
  if (SCHEMA_FILE.test(path)) return { key: path, rule: 'immutable' };
  const parts = path.split('/');
  const id = parts[0]!;
  if (!deploymentIdSchema.safeParse(id).success) return null;
  if (parts.length === 2) {
    const name = parts[1]!;
    if (IMMUTABLE_IN_DEPLOYMENT.has(name)) return { key: id, rule: 'immutable' };
    if (name === 'signoffs.json') return { key: id, rule: 'signoffs' };
    // Notes are annotations written after collection (outside the manifest): editing or removing them is allowed.
    if (name === 'notes.mdx') return { key: id, rule: 'annotation' };
    return null;
  }
  if (parts.length === 3 && parts[1] === 'checks' && parts[2]!.endsWith('.json') && checkIdSchema.safeParse(parts[2]!.slice(0, -'.json'.length)).success) {
    return { key: id, rule: 'immutable' };
  }
  return null;
}

/** The blob ids whose text the rules need: every version of the append-only files in the history, and HEAD's version of those changed in the work tree. */
export function blobsToRead(history: readonly GitCommitDiff[], uncommitted: readonly UncommittedChange[] = []): string[] {
  const wanted = new Set<string>();
  const appendOnly = (path: string) => {
    const rule = gitRuleOf(path)?.rule;
    return rule === 'signoffs' || rule === 'signers';
  };
  for (const diff of history) {
    for (const change of diff.changes) {
      if (!appendOnly(change.path)) continue;
      if (change.old) wanted.add(change.old.blob);
      if (change.new) wanted.add(change.new.blob);
    }
  }
  for (const change of uncommitted) if (change.head && appendOnly(change.path)) wanted.add(change.head.blob);
  return [...wanted].sort();
}

/** C0 and C1 control characters (a terminal escape in a commit subject or a signer's name) shown as U+FFFD: text from git or evidence is never a terminal command. */
const printable = (text: string) => text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '\uFFFD');

function refOf(diff: GitCommitDiff): GitCommitRef {
  return { hash: diff.commit, short: diff.commit.slice(0, 12), subject: diff.subject, merge: diff.parents.length > 1 };
}

function byCommit(ref: GitCommitRef): string {
  return `${ref.merge ? 'the merge ' : ''}${ref.short} "${printable(ref.subject)}"`;
}

/** JSON with sorted keys: two envelopes (or signer entries) are the same when their values are, whatever the key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** One entry of an append-only list: what is compared, and how a message names it. */
interface Entry {
  same: string;
  label: string;
  /** A signer's public key: what tells a renamed signer from a removed one. */
  key?: string;
  name?: string;
}

type Entries = { ok: true; entries: Entry[] } | { ok: false; reason: string };

function decodeBase64Text(base64: string): string {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new TextDecoder().decode(bytes);
}

/** "as <role> by <name>" from the envelope's signed statement, when it reads; else its position. */
function signoffLabel(envelope: unknown, index: number): string {
  try {
    const payload = (envelope as { payload: string }).payload;
    const predicate = (JSON.parse(decodeBase64Text(payload)) as { predicate: { role: unknown; name: unknown } }).predicate;
    if (typeof predicate.role === 'string' && typeof predicate.name === 'string') return `sign-off ${index + 1} (as ${printable(predicate.role)} by ${printable(predicate.name)})`;
  } catch {
    // An envelope that does not decode is still compared; it is named by its position.
  }
  return `sign-off ${index + 1}`;
}

/** The list an append-only file holds: its sign-off envelopes, or its signer entries. */
function entriesOf(rule: 'signoffs' | 'signers', text: string): Entries {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `not valid JSON: ${(error as Error).message}` };
  }
  const field = rule === 'signoffs' ? 'signoffs' : 'signers';
  const list = data !== null && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>)[field] : undefined;
  if (!Array.isArray(list)) return { ok: false, reason: `no "${field}" list` };
  if (rule === 'signoffs') {
    return {
      ok: true,
      entries: list.map((item, index) => {
        // The envelope is what was signed; the object around it carries nothing else.
        const envelope = item !== null && typeof item === 'object' ? (item as Record<string, unknown>).envelope : item;
        return { same: canonical(envelope), label: signoffLabel(envelope, index) };
      }),
    };
  }
  return {
    ok: true,
    entries: list.map((item, index) => {
      const entry = item !== null && typeof item === 'object' && !Array.isArray(item) ? (item as Record<string, unknown>) : null;
      // `sample` defaults to false: writing the default out is no change.
      const same = entry ? canonical({ ...entry, sample: entry.sample ?? false }) : canonical(item);
      const name = typeof entry?.name === 'string' ? `"${printable(entry.name)}"` : `${index + 1}`;
      const key = typeof entry?.publicKey === 'string' ? entry.publicKey : undefined;
      return { same, label: `signer ${name}${key ? ` (key ${printable(key.slice(0, 16))}…)` : ''}`, name, ...(key ? { key } : {}) };
    }),
  };
}

/** Is `before` kept, unchanged, at the start of `after` (a commit), or in order anywhere in it (a merge, which may interleave what each side appended)? */
function keeps(before: readonly Entry[], after: readonly Entry[], merge: boolean): boolean {
  if (!merge) return before.length <= after.length && before.every((entry, i) => entry.same === after[i]!.same);
  let at = 0;
  for (const entry of after) if (at < before.length && entry.same === before[at]!.same) at++;
  return at === before.length;
}

/** What an append-only change did wrong, in words; null when it only appended. */
function appendOnlyFault(rule: 'signoffs' | 'signers', before: Entries, after: Entries | null, merge: boolean): string | null {
  const what = rule === 'signoffs' ? 'sign-off list' : 'signers list';
  if (!before.ok) return `its version before could not be read as a ${what} (${before.reason}), so the change cannot be shown to only append`;
  const afterEntries = after === null ? [] : after.ok ? after.entries : null;
  if (afterEntries === null) return before.entries.length === 0 ? null : `replaced by something that is not a ${what} (${(after as { reason: string }).reason})`;
  if (keeps(before.entries, afterEntries, merge)) return null;
  const present = new Set(afterEntries.map((e) => e.same));
  const gone = before.entries.filter((e) => !present.has(e.same));
  if (gone.length > 0) {
    const renamed = gone.flatMap((e) => {
      const now = e.key === undefined ? undefined : afterEntries.find((a) => a.key === e.key);
      return now ? [`${e.label} altered (now signer ${now.name})`] : [];
    });
    const removed = gone.filter((e) => e.key === undefined || !afterEntries.some((a) => a.key === e.key)).map((e) => e.label);
    const named = [...(removed.length > 0 ? [`${removed.join(', ')} removed or altered`] : []), ...renamed];
    return `${named.join(', ')}; ${rule === 'signoffs' ? 'sign-offs' : 'signers'} may only be appended`;
  }
  return `${rule === 'signoffs' ? 'sign-offs' : 'signers'} reordered or inserted before existing ones (they may only be appended)`;
}

const sameObject = (a: GitObject, b: GitObject) => a.blob === b.blob && a.mode === b.mode;
const outcome = (change: GitChange) => (change.new ? `${change.new.mode} ${change.new.blob}` : 'deleted');

/**
 * The problems of one change of a commit, against one parent's version. `blobs` holds the texts of
 * the append-only files' versions, by blob id.
 */
function judgeChange(change: GitChange, diff: GitCommitDiff, blobs: ReadonlyMap<string, string>): GitProblem | null {
  const found = gitRuleOf(change.path);
  if (!found || found.rule === 'annotation') return null;
  // An addition against this side: a new file, or a merge bringing in what the other side added.
  if (!change.old) return null;
  const ref = refOf(diff);
  const base = { key: found.key, path: change.path, commit: ref };
  if (found.rule === 'immutable') {
    if (!change.new) {
      return { ...base, kind: 'deleted', message: ref.merge ? `${change.path}: the merge ${ref.short} "${printable(ref.subject)}" left out the file one of its parents had; an evidence file is never deleted` : `${change.path}: deleted by ${byCommit(ref)}; an evidence file is never deleted once added` };
    }
    if (sameObject(change.old, change.new)) return null;
    if (change.old.blob === change.new.blob) return { ...base, kind: 'changed', message: `${change.path}: its mode changed (${change.old.mode} → ${change.new.mode}) by ${byCommit(ref)}; an evidence file never changes once added` };
    return {
      ...base,
      kind: 'changed',
      message: ref.merge ? `${change.path}: the merge ${ref.short} "${printable(ref.subject)}" gave it content other than one of its parents had; an evidence file never changes once added` : `${change.path}: changed by ${byCommit(ref)}; an evidence file never changes once added`,
    };
  }
  const read = (object: GitObject): Entries => {
    const text = blobs.get(object.blob);
    return text === undefined ? { ok: false, reason: `blob ${object.blob} could not be read from git` } : entriesOf(found.rule as 'signoffs' | 'signers', text);
  };
  const fault = appendOnlyFault(found.rule, read(change.old), change.new ? read(change.new) : null, ref.merge);
  if (fault === null) return null;
  return { ...base, kind: 'not-appended', message: `${change.path}: ${change.new ? '' : 'deleted; '}${fault}, by ${byCommit(ref)}` };
}

function judgeUncommitted(change: UncommittedChange, blobs: ReadonlyMap<string, string>): GitProblem | null {
  const found = gitRuleOf(change.path);
  if (!found || found.rule === 'annotation' || !change.head) return null;
  const base = { key: found.key, path: change.path, commit: null };
  const there = change.where === 'index' ? ' (staged)' : '';
  if (change.where === 'merge conflict') return { ...base, kind: 'changed', message: `${change.path}: in a merge conflict, not resolved nor committed; an evidence file never changes once committed` };
  if (found.rule === 'immutable') {
    return change.now === null
      ? { ...base, kind: 'deleted', message: `${change.path}: deleted since its commit${there}, not committed; an evidence file is never deleted once added (restore it: git restore --source=HEAD --staged --worktree -- <file>)` }
      : { ...base, kind: 'changed', message: `${change.path}: changed since its commit${there}, not committed; an evidence file never changes once added (restore it: git restore --source=HEAD --staged --worktree -- <file>)` };
  }
  const rule = found.rule;
  const headText = blobs.get(change.head.blob);
  const before: Entries = headText === undefined ? { ok: false, reason: `blob ${change.head.blob} could not be read from git` } : entriesOf(rule, headText);
  let after: Entries | null = null;
  if (change.now !== null) after = change.now.text === undefined ? { ok: false, reason: change.now.unreadable ?? 'not read' } : entriesOf(rule, change.now.text);
  const fault = appendOnlyFault(rule, before, after, false);
  if (fault === null) return null;
  return { ...base, kind: 'not-appended', message: `${change.path}: ${change.now === null ? 'deleted; ' : ''}${fault}, since its commit${there}, not committed` };
}

/**
 * Every change of the history and of the work tree that breaks the rules, and the evidence files
 * not committed yet.
 *
 * A merge is judged against each of its parents: whatever one parent had must survive the merge
 * (the combined diff git shows by default would not see a merge that keeps one side's version of a
 * file and drops the other's). A merge that only carries a change already named at the commit that
 * made it (a side branch's edit, merged) is not named a second time.
 */
export function gitHistoryProblems(input: { history: readonly GitCommitDiff[]; blobs: ReadonlyMap<string, string>; uncommitted?: readonly UncommittedChange[] }): GitHistoryVerdict {
  // Problems of one file are told oldest first: git log lists the newest commit first.
  const found: { problem: GitProblem; order: [number, number] }[] = [];
  const age = (index: number, change: number): [number, number] => [input.history.length - index, change];
  // Outcomes (path + resulting version) that a single-parent commit was already named for.
  const named = new Set<string>();
  input.history.forEach((diff, index) => {
    if (diff.parents.length > 1) return;
    diff.changes.forEach((change, at) => {
      const problem = judgeChange(change, diff, input.blobs);
      if (!problem) return;
      found.push({ problem, order: age(index, at) });
      named.add(`${change.path}\0${outcome(change)}`);
    });
  });
  input.history.forEach((diff, index) => {
    if (diff.parents.length <= 1) return;
    diff.changes.forEach((change, at) => {
      if (named.has(`${change.path}\0${outcome(change)}`)) return;
      const problem = judgeChange(change, diff, input.blobs);
      if (problem) found.push({ problem, order: age(index, at) });
    });
  });
  let last = 0;
  const uncommitted = new Set<string>();
  for (const change of input.uncommitted ?? []) {
    const rule = gitRuleOf(change.path);
    if (!rule) continue;
    const problem = judgeUncommitted(change, input.blobs);
    if (problem) found.push({ problem, order: [input.history.length + 1, last++] });
    else if (change.now !== null) uncommitted.add(change.path);
  }
  // One problem per path and commit (a merge differing from two parents the same way says it once).
  const seen = new Set<string>();
  const problems = found
    .sort((a, b) => (a.problem.path < b.problem.path ? -1 : a.problem.path > b.problem.path ? 1 : a.order[0] - b.order[0] || a.order[1] - b.order[1]))
    .map((f) => f.problem)
    .filter((p) => {
      // The index and the work tree changing the same file say it once.
      const id = p.commit ? `${p.path}\0${p.commit.hash}\0${p.message}` : `${p.path}\0${p.kind}`;
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    });
  const flagged = new Set(problems.filter((p) => p.commit === null).map((p) => p.path));
  return { problems, uncommitted: [...uncommitted].filter((p) => !flagged.has(p)).sort() };
}
