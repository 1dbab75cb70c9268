/**
 * Everything the CLI proves of an evidence root before it shows any of it (issue 24): each
 * deployment's files against its manifest, its verdicts re-derived from its snapshots, its link in
 * the chain, its sign-offs, and — inside a git repository — that no evidence file was changed
 * since it was committed. `verify` prints it; `export`, `compare` and `build` refuse or mark what
 * does not verify. The site's own build reads the git finding from the CLI (it starts no process).
 */
import { Command, Option } from 'commander';
import { rederivationProblems } from '../core/integrity/rederive.ts';
import { verifyEvidence, withSignoffs, type DeploymentIntegrity, type IntegrityReport } from '../core/integrity/verify.ts';
import { readEvidenceDigests } from '../format/read-evidence-digests.ts';
import { readSigners } from '../format/read-deployment-dir.ts';
import { readChainLinks } from '../format/read-chain-links.ts';
import type { Signers } from '../format/index.ts';
import { readGitAnchor, type GitAnchor } from './git-evidence-history.ts';

export interface GitFlags {
  /** `--no-git` sets it false. */
  git?: boolean;
  gitSince?: string;
  allowShallow?: boolean;
}

/** `--no-git` and `--git-since`, for every command that verifies before it shows. */
export function gitOptions(command: Command): Command {
  return command
    .option('--no-git', 'do not check the evidence\'s git history (that no evidence file changed after it was committed)')
    .addOption(new Option('--git-since <commit>', 'judge only the commits after this one (its full hash): the evidence as it stood there is the starting point'))
    .option('--allow-shallow', 'accept a shallow clone, whose history before its oldest commit is not there to check');
}

export interface RootVerdict {
  report: IntegrityReport;
  /** Null when the git check was not asked for (`--no-git`). */
  git: GitAnchor | null;
  /** Problems of the evidence root itself (its `_schemas`, `_signers.json`) in git's history. */
  rootProblems: string[];
}

/** Git's findings added to the deployments they are about; those about the root's own files returned apart. */
function withGitAnchor(report: IntegrityReport, git: GitAnchor | null): string[] {
  if (!git?.ran) return [];
  const byId = new Map(report.deployments.map((d) => [d.id, d]));
  const root: string[] = [];
  for (const problem of git.problems) {
    const deployment = byId.get(problem.key);
    if (!deployment) {
      root.push(problem.message);
      continue;
    }
    deployment.problems.push(problem.message);
    if (deployment.status === 'OK') deployment.status = 'FAILED';
  }
  return root;
}

/** `only`: verify just these deployments (their links still judged against the whole root). */
/**
 * A shallow clone holds no history before its oldest commit, where every file looks just added:
 * the git check would vouch for what it cannot see (a CI checkout fetches one commit by default).
 * A problem unless the user accepts it.
 */
export function shallowProblem(git: GitAnchor | null, flags: GitFlags): string | null {
  if (!git?.ran || !git.shallow || flags.allowShallow) return null;
  return 'the repository is a shallow clone: the history before its oldest commit is not here, so what was changed there cannot be seen; fetch it (git fetch --unshallow; in CI, a checkout with the whole history) or pass --allow-shallow';
}

export async function verifyEvidenceRoot(root: string, options: { signers?: Signers | null; git?: GitFlags; only?: readonly string[] } = {}): Promise<RootVerdict> {
  const digests = await readEvidenceDigests(root, { rederive: rederivationProblems, ...(options.only ? { only: options.only } : {}) });
  const signers = options.signers === undefined ? await readSigners(root) : options.signers;
  const links = options.only ? await readChainLinks(root) : undefined;
  const report = await withSignoffs(verifyEvidence(digests, links), digests, signers);
  const git = options.git?.git === false ? null : await readGitAnchor(root, options.git?.gitSince === undefined ? {} : { since: options.git.gitSince });
  const shallow = shallowProblem(git, options.git ?? {});
  return { report, git, rootProblems: [...(shallow ? [shallow] : []), ...withGitAnchor(report, git)] };
}

/** A deployment verifies when its evidence is intact and every sign-off on it holds. */
export const verdictOf = (d: DeploymentIntegrity) => (d.status === 'OK' && d.signoffProblems.length > 0 ? 'FAILED' : d.status);

/** A deployment that does not verify, in the lines a refusing command prints (null: it verifies, or its collection did not finish). */
export function unverified(verdict: RootVerdict, id: string): string[] | null {
  const d = verdict.report.deployments.find((x) => x.id === id);
  if (!d || verdictOf(d) !== 'FAILED') return null;
  return [...d.problems, ...d.signoffProblems];
}

/** What git said, as lines of information (the problems themselves are on the deployments). */
export function gitNotes(git: GitAnchor | null, since: string | undefined): string[] {
  if (git === null) return ['git history: not checked (--no-git)'];
  if (!git.ran) return [`git history: not checked: ${git.why}`];
  const notes = [`git history: checked${since ? ` after ${since}` : ''}: every committed evidence file was added once and never changed${git.problems.length > 0 ? ', except as named' : ''}`];
  if (git.shallow) notes.push('git history: a shallow clone: the history before its oldest commit is not here, and was not checked (--allow-shallow accepted it)');
  if (git.uncommitted.length > 0) notes.push(`git history: ${git.uncommitted.length} evidence file${git.uncommitted.length === 1 ? '' : 's'} not committed yet (${git.uncommitted.slice(0, 5).join(', ')}${git.uncommitted.length > 5 ? ', …' : ''})`);
  if (git.ignored.length > 0) notes.push(`git history: git ignores ${git.ignored.slice(0, 5).join(', ')}${git.ignored.length > 5 ? ', …' : ''}: never committed, never anchored`);
  return notes;
}
