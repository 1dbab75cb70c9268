/** Evidence anchored in git: the pure rules, on hand-made history (the real git runs in test/integration/git-anchor.test.ts). */
import { describe, expect, it } from 'vitest';
import { blobsToRead, gitHistoryProblems, gitRuleOf, type GitChange, type GitCommitDiff, type GitObject, type UncommittedChange } from '../../src/core/integrity/git-history.ts';

const blob = (c: string, mode = '100644'): GitObject => ({ mode, blob: c.repeat(40) });
let counter = 0;
/** A commit with one parent (or `parents`), its changes as [path, old, new]. */
function commit(subject: string, changes: [string, GitObject | null, GitObject | null][], parents: string[] = ['p'.repeat(40)]): GitCommitDiff {
  counter++;
  const hash = counter.toString(16).padEnd(40, 'e');
  return { commit: hash, parents, subject, changes: changes.map(([path, old, neu]): GitChange => ({ path, old, new: neu })) };
}
const merge = (subject: string, changes: [string, GitObject | null, GitObject | null][]) => commit(subject, changes, ['a'.repeat(40), 'b'.repeat(40)]);

const envelope = (role: string, name: string) => ({ payloadType: 'application/vnd.in-toto+json', payload: btoa(JSON.stringify({ predicate: { role, name } })), signatures: [{ keyid: 'f'.repeat(64), sig: 'c2ln' }] });
const signoffsText = (...envelopes: object[]) => JSON.stringify({ $schema: '../_schemas/v2/signoffs.schema.json', schemaVersion: 2, deploymentId: 'd1', signoffs: envelopes.map((e) => ({ envelope: e })) }, null, 2);
const signersText = (...signers: object[]) => JSON.stringify({ $schema: './_schemas/v2/signers.schema.json', schemaVersion: 2, signers }, null, 2);
const DEPLOYER = envelope('deployed-by', 'Ada');
const QA = envelope('validated-by', 'Grace');
const APPROVER = envelope('approved-for-production', 'Edsger');

describe('which rule a path falls under', () => {
  it('knows the evidence by its place, and leaves what is not evidence alone', () => {
    expect(gitRuleOf('d1/deployment.json')).toEqual({ key: 'd1', rule: 'immutable' });
    expect(gitRuleOf('d1/manifest.json')).toEqual({ key: 'd1', rule: 'immutable' });
    expect(gitRuleOf('d1/checks/row-count.json')).toEqual({ key: 'd1', rule: 'immutable' });
    expect(gitRuleOf('d1/signoffs.json')).toEqual({ key: 'd1', rule: 'signoffs' });
    expect(gitRuleOf('d1/notes.mdx')).toEqual({ key: 'd1', rule: 'annotation' });
    expect(gitRuleOf('_signers.json')).toEqual({ key: '_signers.json', rule: 'signers' });
    expect(gitRuleOf('_schemas/v2/check.schema.json')).toEqual({ key: '_schemas/v2/check.schema.json', rule: 'immutable' });
    for (const stray of ['README.md', 'd1/other.txt', 'Not-An-Id/deployment.json', 'd1/checks/Row.json', 'd1/checks/a/b.json', '.gitattributes', 'd1/.deployment.json.1.tmp', '_schemas/v2/.hidden', '_schemas/latest/x.json']) {
      expect(gitRuleOf(stray), stray).toBeNull();
    }
  });
});

describe('committed history', () => {
  it('files added once are no problem, whatever was around them', () => {
    const history = [commit('collect', [['d1/deployment.json', null, blob('1')], ['d1/checks/a.json', null, blob('2')], ['README.md', blob('3'), blob('4')]])];
    expect(gitHistoryProblems({ history, blobs: new Map() })).toEqual({ problems: [], uncommitted: [] });
  });

  it('names a modification, a mode change and a deletion with the commit that made it', () => {
    const edit = commit('Tidy', [['d1/checks/a.json', blob('1'), blob('2')]]);
    const chmod = commit('Make executable', [['d1/deployment.json', blob('3'), blob('3', '100755')]]);
    const gone = commit('Remove', [['_schemas/v1/check.schema.json', blob('4'), null]]);
    const { problems } = gitHistoryProblems({ history: [gone, chmod, edit], blobs: new Map() });
    expect(problems).toEqual([
      { key: '_schemas/v1/check.schema.json', path: '_schemas/v1/check.schema.json', kind: 'deleted', commit: { hash: gone.commit, short: gone.commit.slice(0, 12), subject: 'Remove', merge: false }, message: `_schemas/v1/check.schema.json: deleted by ${gone.commit.slice(0, 12)} "Remove"; an evidence file is never deleted once added` },
      { key: 'd1', path: 'd1/checks/a.json', kind: 'changed', commit: expect.objectContaining({ subject: 'Tidy' }), message: `d1/checks/a.json: changed by ${edit.commit.slice(0, 12)} "Tidy"; an evidence file never changes once added` },
      { key: 'd1', path: 'd1/deployment.json', kind: 'changed', commit: expect.objectContaining({ subject: 'Make executable' }), message: expect.stringContaining('its mode changed (100644 → 100755)') },
    ]);
  });

  it('notes may be edited or deleted; what is not evidence is not judged', () => {
    const history = [commit('notes', [['d1/notes.mdx', blob('1'), blob('2')]]), commit('drop notes', [['d1/notes.mdx', blob('2'), null]]), commit('stray', [['d1/readme.txt', blob('3'), null]])];
    expect(gitHistoryProblems({ history, blobs: new Map() }).problems).toEqual([]);
  });

  it('tells the changes of one file oldest first (git log lists the newest first)', () => {
    const first = commit('first', [['d1/deployment.json', blob('1'), blob('2')]]);
    const second = commit('second', [['d1/deployment.json', blob('2'), blob('3')]]);
    expect(gitHistoryProblems({ history: [second, first], blobs: new Map() }).problems.map((p) => p.commit?.subject)).toEqual(['first', 'second']);
  });

  it('shows a commit subject\'s control characters as U+FFFD, never as terminal escapes', () => {
    const { problems } = gitHistoryProblems({ history: [commit('Fix \u001b[2Jall', [['d1/deployment.json', blob('1'), blob('2')]])], blobs: new Map() });
    expect(problems[0]!.message).toContain('"Fix \uFFFD[2Jall"');
  });
});

describe('merges, judged against each parent', () => {
  it('a merge bringing in what the other side added is no problem', () => {
    // Against the first parent the side's deployment is new; against the second, main's is.
    const history = [merge('Merge side', [['d2/deployment.json', null, blob('2')]]), merge('Merge side', [['d3/deployment.json', null, blob('3')]])];
    expect(gitHistoryProblems({ history, blobs: new Map() }).problems).toEqual([]);
  });

  it('a side branch\'s change carried by the merge is named once, at the commit that made it', () => {
    const side = commit('Side edit', [['d1/deployment.json', blob('1'), blob('2')]]);
    const m = merge('Merge side', [['d1/deployment.json', blob('1'), blob('2')]]);
    const { problems } = gitHistoryProblems({ history: [m, side], blobs: new Map() });
    expect(problems.map((p) => p.commit?.subject)).toEqual(['Side edit']);
  });

  it('a merge that writes its own version, keeps one side\'s over the other\'s, or leaves out a parent\'s file is named as the merge', () => {
    const own = merge('Resolve', [['d1/a.json', null, null], ['d1/checks/a.json', blob('1'), blob('9')]]);
    const kept = merge('Keep ours', [['d2/checks/a.json', blob('5'), blob('6')]]);
    const dropped = merge('Drop theirs', [['d3/manifest.json', blob('7'), null]]);
    const { problems } = gitHistoryProblems({ history: [own, kept, dropped], blobs: new Map() });
    expect(problems.map((p) => [p.path, p.kind, p.commit?.merge])).toEqual([
      ['d1/checks/a.json', 'changed', true],
      ['d2/checks/a.json', 'changed', true],
      ['d3/manifest.json', 'deleted', true],
    ]);
    expect(problems[0]!.message).toMatch(/^d1\/checks\/a\.json: the merge [0-9a-f]{12} "Resolve" gave it content other than one of its parents had/);
    expect(problems[2]!.message).toContain('left out the file one of its parents had');
  });
});

describe('sign-offs and signers: append-only', () => {
  const texts = new Map<string, string>([
    ['1'.repeat(40), signoffsText(DEPLOYER)],
    ['2'.repeat(40), signoffsText(DEPLOYER, QA)],
    ['3'.repeat(40), signoffsText(DEPLOYER, QA, APPROVER)],
    ['4'.repeat(40), signoffsText(DEPLOYER, APPROVER)],
    ['5'.repeat(40), signoffsText(QA, DEPLOYER)],
    ['6'.repeat(40), '{ not json'],
    ['7'.repeat(40), signoffsText(DEPLOYER, APPROVER, QA)],
    ['8'.repeat(40), signoffsText()],
  ]);
  const S = 'd1/signoffs.json';

  it('appending is fine; removing, altering or reordering is named with the sign-off and the commit', () => {
    const ok = gitHistoryProblems({ history: [commit('sign', [[S, blob('1'), blob('2')]]), commit('sign', [[S, blob('2'), blob('3')]]), commit('first', [[S, null, blob('1')]])], blobs: texts });
    expect(ok.problems).toEqual([]);
    const removed = commit('Drop QA', [[S, blob('3'), blob('4')]]);
    const reordered = commit('Reorder', [[S, blob('2'), blob('5')]]);
    const { problems } = gitHistoryProblems({ history: [removed, reordered], blobs: texts });
    // The older first: git log lists `removed` (newer) before `reordered`.
    expect(problems.map((p) => [p.kind, p.message])).toEqual([
      ['not-appended', `${S}: sign-offs reordered or inserted before existing ones (they may only be appended), by ${reordered.commit.slice(0, 12)} "Reorder"`],
      ['not-appended', `${S}: sign-off 2 (as validated-by by Grace) removed or altered; sign-offs may only be appended, by ${removed.commit.slice(0, 12)} "Drop QA"`],
    ]);
  });

  it('deleting a file that held sign-offs removes them; an empty one may go', () => {
    const { problems } = gitHistoryProblems({ history: [commit('rm', [[S, blob('2'), null]]), commit('rm empty', [['d2/signoffs.json', blob('8'), null]])], blobs: texts });
    expect(problems.map((p) => p.message)).toEqual([expect.stringMatching(/^d1\/signoffs\.json: deleted; sign-off 1 \(as deployed-by by Ada\), sign-off 2 \(as validated-by by Grace\) removed or altered/)]);
  });

  it('a version that does not read cannot be shown to only append; nor can a missing blob', () => {
    const { problems } = gitHistoryProblems({ history: [commit('garble', [[S, blob('2'), blob('6')]]), commit('fix', [['d2/signoffs.json', blob('6'), blob('3')]]), commit('lost', [['d3/signoffs.json', blob('9'), blob('3')]])], blobs: texts });
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/^d1\/signoffs\.json: replaced by something that is not a sign-off list \(not valid JSON/),
      expect.stringMatching(/^d2\/signoffs\.json: its version before could not be read as a sign-off list \(not valid JSON/),
      expect.stringMatching(/^d3\/signoffs\.json: its version before could not be read as a sign-off list \(blob 9{40} could not be read from git\)/),
    ]);
  });

  it('a merge may interleave what each side appended, never drop any', () => {
    // Main had [deployer, approver], the side [deployer, QA]; both kept.
    const both = merge('Merge', [[S, blob('2'), blob('7')]]);
    expect(gitHistoryProblems({ history: [both, merge('Merge', [[S, blob('4'), blob('7')]])], blobs: texts }).problems).toEqual([]);
    const lost = merge('Merge, QA lost', [[S, blob('2'), blob('4')]]);
    expect(gitHistoryProblems({ history: [lost], blobs: texts }).problems.map((p) => p.message)).toEqual([expect.stringContaining('sign-off 2 (as validated-by by Grace) removed or altered')]);
  });

  it('signers: new entries appended are fine, `sample: false` written out is no change, a renamed entry is named', () => {
    const a = { name: 'Ada', publicKey: 'QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE=' };
    const b = { name: 'Grace', publicKey: 'QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI=', sample: true };
    const blobs = new Map([
      ['1'.repeat(40), signersText(a)],
      ['2'.repeat(40), signersText({ ...a, sample: false }, b)],
      ['3'.repeat(40), signersText({ ...a, name: 'Mallory' }, b)],
      ['4'.repeat(40), signersText(b)],
    ]);
    const history = (from: string, to: string) => [commit('signers', [['_signers.json', blob(from), blob(to)]])];
    expect(gitHistoryProblems({ history: history('1', '2'), blobs }).problems).toEqual([]);
    expect(gitHistoryProblems({ history: history('2', '3'), blobs }).problems.map((p) => [p.key, p.message])).toEqual([['_signers.json', expect.stringContaining('_signers.json: signer "Ada" (key QUFBQUFBQUFBQUFB…) altered (now signer "Mallory"); signers may only be appended')]]);
    expect(gitHistoryProblems({ history: history('2', '4'), blobs }).problems.map((p) => p.message)).toEqual([expect.stringContaining('signer "Ada" (key QUFBQUFBQUFBQUFB…) removed or altered')]);
  });

  it('names the blobs the rules need read: the append-only files\' versions only', () => {
    const history = [commit('c', [[S, blob('1'), blob('2')], ['d1/checks/a.json', blob('3'), blob('4')], ['_signers.json', null, blob('5')]])];
    const uncommitted: UncommittedChange[] = [{ path: 'd2/signoffs.json', head: blob('6'), where: 'work tree', now: { text: '' } }, { path: 'd2/manifest.json', head: blob('7'), where: 'work tree', now: {} }];
    expect(blobsToRead(history, uncommitted)).toEqual(['1', '2', '5', '6'].map((c) => c.repeat(40)));
  });
});

describe('what is not committed', () => {
  const blobs = new Map([['1'.repeat(40), signoffsText(DEPLOYER)]]);

  it('committed evidence changed or deleted in the work tree or the index is a problem, said once per file', () => {
    const uncommitted: UncommittedChange[] = [
      { path: 'd1/checks/a.json', head: blob('2'), where: 'index', now: {} },
      { path: 'd1/checks/a.json', head: blob('2'), where: 'work tree', now: {} },
      { path: 'd1/manifest.json', head: blob('3'), where: 'work tree', now: null },
      { path: 'd1/deployment.json', head: blob('4'), where: 'merge conflict', now: {} },
    ];
    const { problems, uncommitted: listed } = gitHistoryProblems({ history: [], blobs, uncommitted });
    expect(problems.map((p) => [p.path, p.kind, p.commit, p.message])).toEqual([
      ['d1/checks/a.json', 'changed', null, expect.stringMatching(/^d1\/checks\/a\.json: changed since its commit \(staged\), not committed; an evidence file never changes once added \(restore it: git restore/)],
      ['d1/deployment.json', 'changed', null, 'd1/deployment.json: in a merge conflict, not resolved nor committed; an evidence file never changes once committed'],
      ['d1/manifest.json', 'deleted', null, expect.stringMatching(/^d1\/manifest\.json: deleted since its commit, not committed/)],
    ]);
    expect(listed).toEqual([]);
  });

  it('new files, sign-offs appended and notes edited are listed as not committed yet; a sign-off removed is a problem', () => {
    const uncommitted: UncommittedChange[] = [
      { path: 'd2/deployment.json', head: null, where: 'work tree', now: {} },
      { path: 'd2/manifest.json', head: null, where: 'index', now: {} },
      { path: 'd1/signoffs.json', head: blob('1'), where: 'work tree', now: { text: signoffsText(DEPLOYER, QA) } },
      { path: 'd1/notes.mdx', head: blob('5'), where: 'work tree', now: {} },
      { path: 'd3/signoffs.json', head: blob('1'), where: 'work tree', now: { text: signoffsText() } },
      { path: 'd4/signoffs.json', head: blob('1'), where: 'work tree', now: { unreadable: 'a symbolic link (never followed)' } },
      { path: 'stray.txt', head: null, where: 'work tree', now: {} },
    ];
    const { problems, uncommitted: listed } = gitHistoryProblems({ history: [], blobs, uncommitted });
    expect(listed).toEqual(['d1/notes.mdx', 'd1/signoffs.json', 'd2/deployment.json', 'd2/manifest.json']);
    expect(problems.map((p) => p.message)).toEqual([
      'd3/signoffs.json: sign-off 1 (as deployed-by by Ada) removed or altered; sign-offs may only be appended, since its commit, not committed',
      'd4/signoffs.json: replaced by something that is not a sign-off list (a symbolic link (never followed)), since its commit, not committed',
    ]);
  });
});
