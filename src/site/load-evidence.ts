/**
 * Reads evidence/ for the site: every file validated with the schemas of its format version, every file's
 * sha256 computed from its bytes (the site links the raw JSON with its hash). A bad or
 * unknown-version file stops the build with its path and the field, not a stack trace.
 * Only regular files the format knows are read (never a link): anything else under the root is
 * reported, and with `strict` it fails the build.
 */
import { AstroError } from 'astro/errors';
import { basename, join } from 'node:path';
import { EvidenceFormatError, signoffRoles, type CheckSnapshot, type Deployment, type Manifest } from '../format/index.ts';
import { describeRefused, listEvidenceTree, SIGNERS_FILE, UnsafeEvidenceFileError, type RefusedEntry } from '../format/evidence-tree.ts';
import { readDeploymentDir, readSignersFile, shownPath, type DeploymentDir, type RawFile } from '../format/read-deployment-dir.ts';
import type { DeploymentDigests } from '../format/read-evidence-digests.ts';
import { verifyEvidence, withSignoffs, type IntegrityStatus } from '../core/integrity/verify.ts';
import type { ChainFork } from '../core/integrity/chain.ts';
import { driftRederivationProblems, rederivationProblems } from '../core/integrity/rederive.ts';
import type { GitFindings } from '../format/git-findings-schema.ts';
import { renderNotes, type RenderedNotes } from './notes.ts';
import { routes as coreRoutes } from '../core/routes.ts';
import { signersProblems, type RoleVerdict } from '../core/signoffs/verify-signoffs.ts';
import type { SignersSource } from '../core/signoffs/signers-source.ts';
import { signoffDecision } from '../format/signoff-roles.ts';
import { SnapshotStore, summaryOf, type CheckSummary } from './data/snapshot-store.ts';

export type { RawFile };

export interface LoadedDeployment {
  id: string;
  deployment: Deployment;
  manifest: Manifest | null;
  files: RawFile[];
  /** The format version its deployment.json was written in. */
  formatVersion: number;
  /** Its files against its manifest, its link in the chain and its sign-offs, as `verify` judges them. */
  integrity: { status: IntegrityStatus; digest: string | null; problems: string[]; signoffs: RoleVerdict[]; parallelWith: string[]; historyProblems: string[]; signoffProblems: string[] };
  /**
   * The signers list its sign-offs were judged against: the evidence's own `_signers.json`, or the
   * one given to the build (`build --signers`), by its file name; `present`: there is one, published
   * as `/evidence/_signers.json` for the browser's check.
   */
  signers: SignersSource;
  /** `notes.mdx`, rendered once here (Markdown only): an annotation, apart from the evidence. */
  notes: RenderedNotes | null;
  /** Each snapshot's status and metric by check id, for the pages that chart every deployment. */
  summaries: Map<string, CheckSummary>;
}

export interface LoadedEvidence {
  deployments: LoadedDeployment[];
  /** Every deployment's snapshots (rows bounded), parsed again when a page asks for them. */
  snapshots: SnapshotStore;
  skipped: string[];
  refused: RefusedEntry[];
  /** The git history of the evidence root's own files (`_schemas`, `_signers.json`), as `build` found it, and its notes. */
  history: { problems: string[]; notes: string[] };
  /** Deployments collected in parallel (concurrent branches): history, shown on the environment's page. */
  forks: ChainFork[];
  /** The signers list the sign-offs were judged against (its path, as shown) and why it is refused (empty: it is not), as `verify` says it. */
  signers: { file: string; refused: string[] };
}

function buildError(message: string, hint: string): AstroError {
  const friendly = new AstroError(message, hint);
  // The file and the field are the whole story: no stack trace into the site's own code.
  friendly.stack = '';
  return friendly;
}

/**
 * `signers`: the signers list to judge the sign-offs against instead of `<root>/_signers.json`
 * (`build --signers`, handed over as DEPLOY_EVIDENCE_SIGNERS); it must exist.
 */
export async function loadEvidence(root: string, options: { strict?: boolean; git?: GitFindings | null; signers?: string | null } = {}): Promise<LoadedEvidence> {
  const tree = await listEvidenceTree(root);
  const signersFile = options.signers ?? join(root, SIGNERS_FILE);
  const source: SignersSource = { given: options.signers ? basename(options.signers) : null, present: options.signers ? true : tree.signers };
  const result: LoadedEvidence = { deployments: [], snapshots: new SnapshotStore(), skipped: [], refused: [...tree.refused], history: { problems: [], notes: options.git?.notes ?? [] }, forks: [], signers: { file: shownPath(signersFile), refused: [] } };
  if (options.strict && tree.refused.length > 0) {
    throw buildError(
      `the evidence folder holds entries the format does not know (--strict):\n${describeRefused(shownPath(root), tree.refused)}`,
      'Remove them: only regular files named by the evidence format (deployment.json, manifest.json, checks/<check-id>.json, _schemas/v<N>/*.schema.json) are read or published, and links are never followed.',
    );
  }
  const read: (DeploymentDir & { rederived: string[]; measuresDrift: boolean })[] = [];
  try {
    for (const { id, files } of tree.deployments) {
      const dir = await readDeploymentDir(root, id, files);
      if (!dir) {
        // A directory claimed by a collector that died before writing anything.
        result.skipped.push(`${shownPath(join(root, id))}: no deployment.json, skipped`);
        continue;
      }
      result.refused.push(...dir.refused);
      // What verify needs of it, its verdicts re-derived while its snapshots are here; they go once
      // they are summarized and stored.
      // Drift is re-derived once every deployment is read (rederiveDrift), from the snapshot store.
      const measuresDrift = dir.deployment.checklist.definition.checks.some((c) => c.kind === 'schema' && c.drift && dir.snapshots.has(c.id));
      read.push({ ...dir, snapshots: new Map(), rederived: rederivationProblems(dir.deployment, dir.snapshots, dir.manifest?.files.map((f) => f.path)), measuresDrift });
      const snapshots = [...dir.snapshots.values()];
      const summaries = new Map(snapshots.map((s) => [s.id, summaryOf(s)]));
      result.snapshots.put(id, snapshots.map(boundedRows));
      result.deployments.push({ id, deployment: dir.deployment, manifest: dir.manifest, files: dir.files, formatVersion: dir.formatVersion, integrity: { status: 'OK', digest: null, problems: [], signoffs: [], parallelWith: [], historyProblems: [], signoffProblems: [] }, signers: source, notes: dir.notes === null ? null : renderNotes(dir.notes, { page: coreRoutes.deployment(id) }), summaries });
    }
  } catch (error) {
    if (error instanceof EvidenceFormatError) {
      throw buildError(error.message, 'Fix or remove the file named above. Each evidence file is validated against the JSON Schema of its schemaVersion (evidence/_schemas/v<N>/); the site never rewrites them.');
    }
    if (error instanceof UnsafeEvidenceFileError) {
      throw buildError(error.message, 'Evidence files must be regular files: links are never followed.');
    }
    throw error;
  }
  if (options.strict && result.refused.length > tree.refused.length) {
    throw buildError(
      `the evidence folder holds entries the format does not know (--strict):\n${describeRefused(shownPath(root), result.refused.slice(tree.refused.length))}`,
      'Remove them: a check file is evidence only when its deployment.json names the check.',
    );
  }
  rederiveDrift(read, result.snapshots);
  const digests = { deployments: read.map((dir) => asDigests(dir, result.refused)), refused: [] };
  const signers = await readSignersFile(signersFile).catch((error: unknown) => {
    if (error instanceof EvidenceFormatError) throw buildError(error.message, `Fix ${basename(signersFile)}: the trusted signers' names and base64 Ed25519 public keys (deploy-evidence keygen --trust writes it).`);
    if (error instanceof UnsafeEvidenceFileError) throw buildError(error.message, 'The signers list must be a regular file: links are never followed.');
    throw error;
  });
  if (options.signers && !signers) throw buildError(`no signers file at ${shownPath(options.signers)}`, 'Name an existing file with --signers: the signers list the sign-offs are judged against.');
  // One name, one key (issue 24): a list that binds otherwise is refused, and every sign-off judged against it is unverified.
  result.signers.refused = await signersProblems(signers);
  const integrity = await withSignoffs(verifyEvidence(digests), digests, signers);
  const verdicts = new Map(integrity.deployments.map((d) => [d.id, d]));
  // What the CLI found in the evidence's git history: on the deployment it is about, or the root's.
  const historyOf = new Map<string, string[]>();
  for (const problem of options.git?.problems ?? []) {
    const verdict = verdicts.get(problem.key);
    if (!verdict) result.history.problems.push(problem.message);
    else {
      verdict.problems.push(problem.message);
      historyOf.set(problem.key, [...(historyOf.get(problem.key) ?? []), problem.message]);
      if (verdict.status === 'OK') verdict.status = 'FAILED';
    }
  }
  result.forks = integrity.forks;
  const parallel = new Map(integrity.forks.flatMap((fork) => fork.ids.map((id) => [id, fork.ids.filter((other) => other !== id)] as const)));
  for (const entry of result.deployments) {
    const verdict = verdicts.get(entry.id)!;
    entry.integrity = { status: verdict.status, digest: verdict.digest, problems: verdict.problems, signoffs: verdict.signoffs, parallelWith: parallel.get(entry.id) ?? [], historyProblems: historyOf.get(entry.id) ?? [], signoffProblems: verdict.signoffProblems };
  }
  // As `verify` fails: the evidence, its sign-offs, the history of the root's own files.
  const failed = integrity.deployments.filter((d) => d.status === 'FAILED' || d.signoffProblems.length > 0);
  if (options.strict && (failed.length > 0 || result.history.problems.length > 0 || result.signers.refused.length > 0)) {
    const lines = [
      ...failed.map((d) => `  ${d.id}:\n${[...d.problems, ...d.signoffProblems].map((p) => `    - ${p}`).join('\n')}`),
      ...(result.history.problems.length > 0 ? [`  the evidence root:\n${result.history.problems.map((p) => `    - ${p}`).join('\n')}`] : []),
      ...(result.signers.refused.length > 0 ? [`  the signers list ${result.signers.file} is refused:\n${result.signers.refused.map((p) => `    - ${p}`).join('\n')}`] : []),
    ];
    throw buildError(
      `evidence does not verify (--strict):\n${lines.join('\n')}`,
      'Evidence is never edited after collection: restore the files from version control, or collect the deployment again. `deploy-evidence verify --all` names the same problems.',
    );
  }
  return result;
}

/**
 * Each schema snapshot's drift against the deployment its manifest follows, as `verify` re-derives
 * it inside the evidence root (issue 28): a drift rewritten to none fails on the site too. A
 * manifest following a digest no deployment here has is the chain check's finding, not this one's.
 */
function rederiveDrift(read: readonly (DeploymentDir & { rederived: string[]; measuresDrift: boolean })[], store: SnapshotStore): void {
  const byDigest = new Map<string, DeploymentDir>();
  for (const dir of read) {
    const manifest = dir.files.find((f) => f.path === 'manifest.json');
    if (manifest) byDigest.set(`${dir.deployment.environment}\u0000${manifest.sha256}`, dir);
  }
  for (const dir of read) {
    if (!dir.measuresDrift || !dir.manifest) continue;
    const digest = dir.manifest.previousManifestSha256;
    const before = digest === null ? null : byDigest.get(`${dir.deployment.environment}\u0000${digest}`);
    if (before === undefined) continue;
    const previous = before === null ? { id: null, check: () => null } : { id: before.id, finishedAt: before.deployment.finishedAt, check: (checkId: string) => store.get(before.id).get(checkId) ?? null };
    dir.rederived.push(...driftRederivationProblems(dir.deployment, store.get(dir.id), previous));
  }
}

/** What `verify` reads of a deployment, from what the loader already read (no second pass over the files). */
function asDigests(dir: DeploymentDir & { rederived: string[] }, refused: readonly RefusedEntry[]): DeploymentDigests {
  const manifestFile = dir.files.find((f) => f.path === 'manifest.json');
  return {
    id: dir.id,
    files: dir.files,
    refused: refused.filter((r) => r.path.startsWith(`${dir.id}/`)),
    deployment: { ok: true, value: { environment: dir.deployment.environment, finishedAt: dir.deployment.finishedAt, collection: dir.deployment.collection, signoffRoles: signoffRoles(dir.deployment.checklist.definition), signoffPolicy: dir.deployment.checklist.definition.signoffPolicy, collectedBy: dir.deployment.collectedBy, decision: signoffDecision(dir.formatVersion, dir.deployment.decision.status) } },
    manifest: dir.manifest && manifestFile ? { ok: true, value: { model: dir.manifest, writtenIn: dir.formatVersion, sha256: manifestFile.sha256 } } : null,
    signoffs: dir.signoffsError ? { ok: false, error: dir.signoffsError } : dir.signoffs ? { ok: true, value: dir.signoffs } : null,
    rederived: dir.rederived,
  };
}

/**
 * Pages show at most this many rows of a result; the raw file (published byte for byte, with
 * its sha256) has the rest. A checklist may keep a million rows in the evidence (issue 9):
 * the site's data store and every page stay bounded whatever it kept.
 */
export const SITE_MAX_ROWS = 1_000;

function boundedRows(snapshot: CheckSnapshot): CheckSnapshot {
  const result = snapshot.result;
  if (result?.kind !== 'sql' || result.rows.length <= SITE_MAX_ROWS) return snapshot;
  return { ...snapshot, result: { ...result, rows: result.rows.slice(0, SITE_MAX_ROWS) } };
}

/**
 * What the build warns about, each line naming the path or the deployment: entries that are not
 * evidence, deployment folders without a deployment, deployments that do not verify (with why),
 * sign-offs that do not hold, files at the root changed in the evidence's history.
 */
export function evidenceWarnings(loaded: LoadedEvidence, root: string): string[] {
  const lines = [...loaded.skipped, ...loaded.refused.map((r) => `${shownPath(join(root, r.path))}: ${r.reason}; not evidence, not read or published`)];
  for (const entry of loaded.deployments) {
    if (entry.integrity.status === 'FAILED') lines.push(`${entry.id}: does not verify (INTEGRITY FAILED on its pages): ${entry.integrity.problems.join('; ')}`);
    for (const role of entry.integrity.signoffs) {
      if (role.state === 'stale' || role.state === 'unverified') lines.push(`${entry.id}: sign-off ${role.label} is ${role.state}${role.signoff?.reason ? `: ${role.signoff.reason}` : ''}`);
    }
  }
  lines.push(...loaded.history.problems.map((p) => `the evidence root: ${p}`));
  lines.push(...loaded.signers.refused.map((p) => `${loaded.signers.file}: ${p}; the signers list is refused (every sign-off judged against it is unverified)`));
  return lines;
}
