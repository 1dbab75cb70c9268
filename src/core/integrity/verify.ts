/**
 * The verdict on an evidence root, deployment by deployment: OK when its files are exactly what
 * its manifest lists, its verdicts are what its snapshots give (rederive.ts) and its link in the
 * chain holds; FAILED naming each difference; INCOMPLETE when it has no manifest because its
 * collection never finished. Pure: digests in, verdicts out.
 */
import type { DeploymentDigests } from '../../format/read-evidence-digests.ts';
import { chainForks, chainProblems, type ChainFork, type ChainLink, type ChainProblem } from './chain.ts';
import { manifestProblems } from './manifest-check.ts';
import type { Signers } from '../../format/index.ts';
import { verifySignoffs, type RoleVerdict } from '../signoffs/verify-signoffs.ts';

export type IntegrityStatus = 'OK' | 'FAILED' | 'INCOMPLETE';

export interface DeploymentIntegrity {
  id: string;
  environment: string | null;
  /** Its files against its manifest, and its link in the chain. */
  status: IntegrityStatus;
  /** sha256 of manifest.json: the deployment's digest (null without a readable manifest). */
  digest: string | null;
  previous: string | null;
  problems: string[];
  /** Each sign-off role the checklist declares, judged (filled by `withSignoffs`). */
  signoffs: RoleVerdict[];
  /** Sign-offs that do not hold (stale, unverified, unreadable): not the evidence's integrity, but `verify` fails on them. */
  signoffProblems: string[];
  /**
   * Its files are exactly what its manifest lists: a sign-off over its digest signed these very
   * files, whatever else fails (a broken link in the chain is about its neighbours).
   */
  filesIntact: boolean;
}

export interface IntegrityReport {
  deployments: DeploymentIntegrity[];
  chain: ChainProblem[];
  /** Deployments collected in parallel (concurrent branches): history, shown, never a failure. */
  forks: ChainFork[];
  /** Entries at the evidence root that are not evidence. */
  strays: string[];
}

/** One deployment's files against its manifest, without the chain (which is about its neighbours). */
export function judgeDeployment(d: DeploymentDigests): DeploymentIntegrity {
  const problems: string[] = d.refused.map((r) => `${r.path}: ${r.reason}; not evidence`);
  const environment = d.deployment?.ok ? d.deployment.value.environment : null;
  const base = { id: d.id, environment, digest: null, previous: null, signoffs: [], signoffProblems: [], filesIntact: false };
  if (d.deployment && !d.deployment.ok) problems.push(d.deployment.error);
  if (!d.manifest) {
    // The manifest is written last: without one the collection did not finish (a killed collector
    // leaves exactly this), or the manifest was removed since — either way nothing here is vouched
    // for. What it records is still judged: an unfinished collection's decision is INCOMPLETE, so
    // one that claims APPROVED is not an interrupted collection (issue 24).
    problems.push(...(d.rederived ?? []));
    if (problems.length > 0) return { ...base, status: 'FAILED', problems };
    return { ...base, status: 'INCOMPLETE', problems: ['no manifest.json: the collection did not finish (or its manifest was removed); nothing here is vouched for'] };
  }
  if (!d.manifest.ok) return { ...base, status: 'FAILED', problems: [...problems, d.manifest.error] };
  const { model, sha256 } = d.manifest.value;
  const fileProblems = manifestProblems(d.id, model, d.files);
  problems.push(...fileProblems.map((p) => p.message));
  const filesIntact = problems.length === 0;
  if (d.deployment === null) problems.push('deployment.json: missing');
  // Its verdicts computed again from its snapshots: a decision that its checks do not give fails.
  problems.push(...(d.rederived ?? []));
  return { ...base, digest: sha256, previous: model.previousManifestSha256, status: problems.length > 0 ? 'FAILED' : 'OK', problems, signoffProblems: [], filesIntact };
}

/**
 * `links`: every link of the root, when `digests` holds only some of its deployments (one export,
 * one comparison): a deployment's link is judged against all of its environment, not the few read.
 */
export function verifyEvidence(digests: { deployments: readonly DeploymentDigests[]; refused: readonly { path: string; reason: string }[] }, links?: readonly ChainLink[]): IntegrityReport {
  const deployments = digests.deployments.map(judgeDeployment);
  links ??= digests.deployments.flatMap((d) =>
    d.manifest?.ok && d.deployment?.ok
      ? [{ id: d.id, environment: d.deployment.value.environment, digest: d.manifest.value.sha256, previous: d.manifest.value.model.previousManifestSha256, finishedAt: d.deployment.value.finishedAt, formatVersion: d.manifest.value.writtenIn }]
      : [],
  );
  const chain = chainProblems(links);
  const byId = new Map(deployments.map((d) => [d.id, d]));
  // A broken link fails the deployment that names it.
  for (const problem of chain) {
    for (const id of problem.ids) {
      const verdict = byId.get(id);
      if (!verdict) continue;
      verdict.problems.push(problem.message);
      verdict.status = 'FAILED';
    }
  }
  return { deployments, chain, forks: chainForks(links), strays: digests.refused.map((r) => `${r.path}: ${r.reason}`) };
}

/**
 * The report with every deployment's sign-offs judged: a stale or unverified sign-off is a
 * problem (what it claims does not hold), kept apart from the evidence's own integrity; an
 * unsigned role is no problem — it is only not signed yet.
 */
export async function withSignoffs(report: IntegrityReport, digests: { deployments: readonly DeploymentDigests[] }, signers: Signers | null): Promise<IntegrityReport> {
  const byId = new Map(digests.deployments.map((d) => [d.id, d]));
  for (const verdict of report.deployments) {
    const d = byId.get(verdict.id)!;
    if (!d.deployment?.ok) continue;
    if (d.signoffs && !d.signoffs.ok) {
      // The file is there but does not read (or is another deployment's): nothing in it vouches
      // for this deployment, so every role it may hold is unverified, saying why.
      const reason = `signoffs.json does not read: ${d.signoffs.error.split('\n').join(' ')}`;
      verdict.signoffProblems.push(reason);
      verdict.signoffs = d.deployment.value.signoffRoles.map((role) => ({
        role: role.id,
        label: role.label,
        state: 'unverified',
        signoff: { state: 'unverified', predicate: null, keyid: null, signer: null, name: null, sampleKey: false, reason },
      }));
      continue;
    }
    const envelopes = d.signoffs?.ok ? d.signoffs.value.signoffs.map((s) => s.envelope) : [];
    const { roles, signoffs } = await verifySignoffs({ deploymentId: d.id, digest: verdict.digest, intact: verdict.filesIntact, roles: d.deployment.value.signoffRoles, policy: d.deployment.value.signoffPolicy, collectedBy: d.deployment.value.collectedBy, decision: d.deployment.value.decision }, envelopes, signers);
    verdict.signoffs = roles;
    for (const s of signoffs) {
      if (s.state === 'signed') continue;
      verdict.signoffProblems.push(`sign-off ${s.predicate ? `as ${s.predicate.role} by ${s.name}` : '(unreadable)'} is ${s.state}: ${s.reason}`);
    }
  }
  return report;
}
