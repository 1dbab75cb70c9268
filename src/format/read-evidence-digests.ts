/**
 * What `verify` and the build's integrity check read of an evidence root: every file's bytes
 * hashed, but only the manifest and deployment.json parsed — a snapshot with a flipped byte is
 * "changed" against its manifest, not a parse error that hides the rest. Nothing is followed
 * through a link; unknown entries are named. A caller that re-derives the decisions (issue 24)
 * is handed each deployment's parsed evidence once, and keeps only what it says of it.
 */
import { join } from 'node:path';
import { UNNAMED_CHECK_FILE, listEvidenceTree, namedFiles, readEvidenceBytesSync, type RefusedEntry } from './evidence-tree.ts';
import { readEvidenceText } from './read-evidence.ts';
import { sha256Hex } from './sha256.ts';
import type { Manifest } from './manifest-schema.ts';
import type { Deployment } from './deployment-schema.ts';
import type { CheckSnapshot } from './snapshot-schema.ts';
import { signoffRoles, type SignoffPolicy } from './checklist-schema.ts';
import type { Signoffs } from './signoff-schema.ts';
import type { DecisionStatus } from './deployment-schema.ts';
import { signoffDecision } from './signoff-roles.ts';
import type { RawFile } from './read-deployment-dir.ts';
import { readChainLinks, type ChainLink } from './read-chain-links.ts';

type Readable<T> = { ok: true; value: T } | { ok: false; error: string };

export interface DeploymentDigests {
  id: string;
  /** Every file the format knows in the directory, hashed (manifest.json and signoffs.json included). */
  files: RawFile[];
  /** Entries of the directory that are not evidence (links, unknown files). */
  refused: RefusedEntry[];
  deployment: Readable<{
    environment: string;
    finishedAt: string | null;
    collection: 'in-progress' | 'complete';
    signoffRoles: { id: string; label: string }[];
    /** What the sign-offs are judged by besides their signatures: the checklist's policy, and who ran the collection. */
    signoffPolicy: SignoffPolicy;
    collectedBy: string | null;
    /** The decision an approving sign-off must say it overrode (signoff-roles.ts), null where none must. */
    decision: DecisionStatus | null;
  }> | null;
  manifest: Readable<{ model: Manifest; writtenIn: number; sha256: string }> | null;
  signoffs: Readable<Signoffs> | null;
  /**
   * What re-deriving its verdicts from its snapshots found (empty: they agree), or null when it was
   * not done: not asked for, or its deployment.json or a snapshot does not read (which the
   * manifest check or the deployment's own error names).
   */
  rederived: string[] | null;
}

/**
 * The deployment before one in its environment (the one its manifest follows; id null for the
 * first), with its snapshots read on demand from the root: a schema snapshot's drift is re-derived
 * against it.
 */
interface PreviousDeployment {
  id: string | null;
  check(checkId: string): CheckSnapshot | null;
  finishedAt?: string | null;
}

/** Re-derives a deployment's verdicts from its parsed evidence (and the files its manifest lists): the differences, in words. */
type Rederive = (deployment: Deployment, snapshots: ReadonlyMap<string, CheckSnapshot>, listed: readonly string[], previous?: PreviousDeployment) => string[];

export interface DigestOptions {
  /** Hash just these deployments (signing one need not hash all the others). */
  only?: readonly string[];
  rederive?: Rederive;
}

async function readable<T>(read: () => Promise<T>): Promise<Readable<T>> {
  try {
    return { ok: true, value: await read() };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

export async function readEvidenceDigests(root: string, { only, rederive }: DigestOptions = {}): Promise<{ deployments: DeploymentDigests[]; refused: RefusedEntry[] }> {
  const tree = await listEvidenceTree(root);
  const deployments: DeploymentDigests[] = [];
  const links = rederive ? await readChainLinks(root) : [];
  const listedIds = new Set(tree.deployments.map((d) => d.id));
  for (const { id, files: listed } of tree.deployments) {
    if (only && !only.includes(id)) continue;
    const refused = tree.refused.filter((r) => r.path.startsWith(`${id}/`));
    // deployment.json first: a check file it does not name is not evidence, never read (issue 25).
    const deploymentJson = listed.includes('deployment.json') ? readEvidenceBytesSync(join(root, id, 'deployment.json')) : null;
    const checkIds = deploymentJson ? namedCheckIds(deploymentJson) : null;
    const { named: known, unnamed } = checkIds ? namedFiles(listed, checkIds) : { named: listed, unnamed: [] };
    for (const path of unnamed) refused.push({ path: `${id}/${path}`, reason: UNNAMED_CHECK_FILE });
    const files: RawFile[] = [];
    const bytesOf = new Map<string, Buffer>();
    for (const path of known) {
      const bytes = path === 'deployment.json' && deploymentJson ? deploymentJson : readEvidenceBytesSync(join(root, id, path));
      bytesOf.set(path, bytes);
      files.push({ path, bytes: bytes.length, sha256: sha256Hex(bytes) });
    }
    const deploymentBytes = bytesOf.get('deployment.json');
    const manifestBytes = bytesOf.get('manifest.json');
    const signoffBytes = bytesOf.get('signoffs.json');
    const manifest = manifestBytes
      ? await readable(async () => ({ ...readEvidenceText('manifest', `${id}/manifest.json`, manifestBytes.toString('utf8')), sha256: sha256Hex(manifestBytes) }))
      : null;
    const read = deploymentBytes ? await readable(async () => readEvidenceText('deployment', `${id}/deployment.json`, deploymentBytes.toString('utf8'))) : null;
    const model = read && (read.ok ? { ok: true as const, value: read.value.model } : read);
    deployments.push({
      id,
      files,
      refused,
      deployment:
        model && model.ok
          ? { ok: true, value: { environment: model.value.environment, finishedAt: model.value.finishedAt, collection: model.value.collection, signoffRoles: signoffRoles(model.value.checklist.definition), signoffPolicy: model.value.checklist.definition.signoffPolicy, collectedBy: model.value.collectedBy, decision: signoffDecision(read!.ok ? read.value.writtenIn : 0, model.value.decision.status) } }
          : model,
      manifest,
      signoffs: signoffBytes ? await readable(async () => ownSignoffs(id, readEvidenceText('signoffs', `${id}/signoffs.json`, signoffBytes.toString('utf8')).model)) : null,
      rederived: rederive && model?.ok
        ? rederivedFrom(model.value, bytesOf, id, manifest?.ok ? manifest.value.model.files.map((f) => f.path) : [], rederive, manifest?.ok ? previousDeployment(root, model.value.environment, manifest.value.model.previousManifestSha256, links, listedIds) : undefined)
        : null,
    });
  }
  return { deployments, refused: tree.refused.filter((r) => !tree.deployments.some((d) => r.path.startsWith(`${d.id}/`))) };
}

/**
 * The snapshots parsed from the bytes already read, and what re-deriving from them finds. A
 * snapshot that does not read is a problem of its own: nothing can be re-derived over it, and
 * a verdict nobody could check must not pass as checked (one unknown field in one forged
 * snapshot would otherwise switch every re-derivation off).
 */
function rederivedFrom(deployment: Deployment, bytesOf: ReadonlyMap<string, Buffer>, id: string, listed: readonly string[], rederive: Rederive, previous: PreviousDeployment | undefined): string[] {
  const snapshots = new Map<string, CheckSnapshot>();
  for (const [path, bytes] of bytesOf) {
    if (!path.startsWith('checks/')) continue;
    try {
      // Keyed by its file's name: a snapshot that claims another id is named, not filed under it.
      snapshots.set(path.slice('checks/'.length, -'.json'.length), readEvidenceText('check', `${id}/${path}`, bytes.toString('utf8')).model);
    } catch (error) {
      return [`${path}: does not read as a check snapshot (${(error as Error).message.split('\n').join(' ')}); no verdict of this deployment could be re-derived`];
    }
  }
  return rederive(deployment, snapshots, listed, previous);
}

/**
 * The deployment a manifest follows (`previous`: the digest it names), found among the root's
 * links of the same environment. Its snapshots are read only by the ids the root lists, as any
 * evidence file: never through a link; one that does not read is reported as such by its own
 * deployment's verification, and reads here as absent. Undefined when the manifest names a
 * digest no deployment here has (the chain check names that).
 */
function previousDeployment(root: string, environment: string, previous: string | null, links: readonly ChainLink[], listedIds: ReadonlySet<string>): PreviousDeployment | undefined {
  if (previous === null) return { id: null, check: () => null };
  const link = links.find((l) => l.digest === previous && l.environment === environment);
  if (!link || !listedIds.has(link.id)) return undefined;
  return {
    id: link.id,
    finishedAt: link.finishedAt,
    check(checkId) {
      const path = join(root, link.id, 'checks', `${checkId}.json`);
      try {
        return readEvidenceText('check', `${link.id}/checks/${checkId}.json`, readEvidenceBytesSync(path).toString('utf8')).model;
      } catch {
        return null;
      }
    },
  };
}

/** Another deployment's sign-offs, copied over, are not this one's: they do not read as its. */
function ownSignoffs(id: string, signoffs: Signoffs): Signoffs {
  if (signoffs.deploymentId !== id) throw new Error(`${id}/signoffs.json: deploymentId: "${signoffs.deploymentId}" does not match its deployment "${id}"`);
  return signoffs;
}

/** The checks a deployment.json names (its index), read loosely: null when it does not read (its own error is reported). */
function namedCheckIds(bytes: Buffer): Set<string> | null {
  try {
    const checks = (JSON.parse(bytes.toString('utf8')) as { checks?: unknown }).checks;
    return Array.isArray(checks) ? new Set(checks.map((c) => String((c as { id?: unknown })?.id))) : null;
  } catch {
    return null;
  }
}
