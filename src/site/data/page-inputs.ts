/**
 * A deployment's pages (its report, its check pages, its comparisons, its paper.css) and what they
 * read (issue 29). Everything those pages show comes from one value, `DeploymentPageInputs`, made
 * here: the pages take it as their props and read nothing else of the evidence (they never call
 * the loaders of src/site/data/evidence.ts). The same value, hashed whole, is the key under which an
 * incremental build keeps the pages from the previous output — so a page cannot show something its
 * key misses: whatever a page is given is in the hash, and a page is given nothing else.
 *
 * The only things hashed in place of what is read are the checks' snapshots, which are read when a
 * page renders (not held by every page's props): they are the bytes of `checks/<id>.json`, whose
 * sha256 each deployment's `files` carry, so a deployment's files stand for its snapshots.
 * What every page reads besides (the site's address and base path, the tool's own code) is the
 * build's context, in every key.
 */
import { createHash } from 'node:crypto';
import type { CheckSnapshot } from '../../format/index.ts';
import type { ComparisonTargets } from '../../core/compare/comparison-targets.ts';
import { compareDeployments, type DeploymentComparison } from '../../core/compare/compare-deployments.ts';
import type { LoadedDeployment } from '../load-evidence.ts';
import type { SnapshotStore } from './snapshot-store.ts';

/** What every page of a build reads besides the evidence: in every page's key. */
export interface BuildContext {
  /** The tool's own code (src/, the config, the dependencies' versions): see toolFingerprint(). */
  tool: string;
  site: string | null;
  base: string;
}

/** Everything a deployment's pages show: nothing else of the evidence reaches them. */
export interface DeploymentPageInputs {
  readonly entry: LoadedDeployment;
  /** The deployment this one's manifest follows in the chain (found by its digest). */
  readonly follows: string | null;
  /** What it is compared with: the previous deployment in its environment, the baseline, the same PR elsewhere. */
  readonly targets: ComparisonTargets | null;
  /** Those deployments, as loaded (their pages show their ids, decisions, integrity and snapshots). */
  readonly others: ReadonlyMap<string, LoadedDeployment>;
  /** What the build found in git about the evidence root's own files (shown on every report). */
  readonly rootHistory: readonly string[];
  /** Its snapshots by check id, read when a page renders. */
  snapshots(): ReadonlyMap<string, CheckSnapshot>;
  /** It compared with one of `others` (its snapshots and theirs read now). */
  comparisonWith(otherId: string): DeploymentComparison;
}

/** The rest of the loaded evidence a deployment's inputs are picked from. */
export interface PageInputsSource {
  byId: ReadonlyMap<string, LoadedDeployment>;
  byDigest: ReadonlyMap<string, string>;
  targets: ReadonlyMap<string, ComparisonTargets>;
  rootHistory: readonly string[];
  snapshots: SnapshotStore;
}

export function deploymentPageInputs(entry: LoadedDeployment, source: PageInputsSource): DeploymentPageInputs {
  const id = entry.deployment.id;
  const previousDigest = entry.manifest?.previousManifestSha256 ?? null;
  const targets = source.targets.get(id) ?? null;
  const otherIds = [...new Set([targets?.previous, targets?.baseline, targets?.samePr])].filter((other): other is string => typeof other === 'string');
  const others = new Map(otherIds.map((other) => [other, source.byId.get(other)!] as const));
  const store = source.snapshots;
  return {
    entry,
    follows: previousDigest ? (source.byDigest.get(previousDigest) ?? null) : null,
    targets,
    others,
    rootHistory: source.rootHistory,
    snapshots: () => store.get(id),
    comparisonWith(otherId) {
      const other = others.get(otherId);
      if (!other) throw new Error(`${id}'s pages compare it only with ${[...others.keys()].join(', ') || 'nothing'}, not ${otherId}`);
      return compareDeployments({ deployment: other.deployment, snapshots: store.get(otherId) }, { deployment: entry.deployment, snapshots: store.get(id) });
    },
  };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * A loaded deployment as hashed: all of it but its checks' summaries (a Map, derived from the
 * snapshots, which its files' sha256 stand for). Keyed by object: each deployment is hashed once
 * however many pages show it.
 */
const entryHashes = new WeakMap<LoadedDeployment, string>();
function entryHash(entry: LoadedDeployment): string {
  let hash = entryHashes.get(entry);
  if (hash === undefined) {
    const { summaries: _derived, ...rest } = entry;
    hash = sha256(canonicalJson(rest));
    entryHashes.set(entry, hash);
  }
  return hash;
}

/**
 * JSON with object keys sorted, refusing what JSON would silently drop or mangle (a function, a
 * Map, undefined in an array…): whatever is hashed is hashed whole.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`cannot hash the number ${value}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const keys = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  throw new Error(`cannot hash ${Object.prototype.toString.call(value)} in a page's inputs`);
}

/**
 * The key of a deployment's pages: its inputs, hashed whole (its snapshot readers stand for the
 * files they read, in its entry and its others'), and the build's context.
 */
export function pageInputsKey(inputs: DeploymentPageInputs, context: BuildContext): string {
  const hashed: Record<keyof DeploymentPageInputs, unknown> = {
    entry: entryHash(inputs.entry),
    follows: inputs.follows,
    targets: inputs.targets,
    others: [...inputs.others].map(([id, other]) => [id, entryHash(other)]),
    rootHistory: inputs.rootHistory,
    // Read from the files hashed with entry and others.
    snapshots: 'files',
    comparisonWith: 'files',
  };
  return sha256(canonicalJson({ hashed, context }));
}
