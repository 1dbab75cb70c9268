/**
 * Which deployments' pages this build renders (issue 29). Each deployment's pages are given their
 * inputs (src/site/data/page-inputs.ts); their key is those inputs hashed with the build's context.
 * When `deploy-evidence build` hands over the previous output (`DEPLOY_EVIDENCE_PREVIOUS_SITE`)
 * and the tool's fingerprint (`DEPLOY_EVIDENCE_TOOL`), a deployment whose key the previous output
 * recorded (src/site/reuse-plan.ts) and whose report is there is not rendered: the build copies its
 * pages and its search record from the previous output (src/integrations/site-outputs.ts).
 * Without the previous output (`build --no-cache`, or Astro run directly), every page renders.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { comparisonTargets } from '../../core/compare/comparison-targets.ts';
import { announceReusePlan, CACHE_MANIFEST, parseCacheManifest, type ReusePlan } from '../reuse-plan.ts';
import { allDeployments, deploymentIdsByDigest, deploymentsById, evidenceHistory, snapshotStore } from './evidence.ts';
import { deploymentPageInputs, pageInputsKey, type BuildContext, type DeploymentPageInputs } from './page-inputs.ts';

export interface DeploymentPages {
  inputs: DeploymentPageInputs;
  /** Its place among the reports: search records are indexed in that order. */
  order: number;
}

/** The build's context: the tool's fingerprint when the CLI gave it (else no key is kept), the site's address and base path. */
function buildContext(): BuildContext | null {
  const tool = process.env.DEPLOY_EVIDENCE_TOOL;
  if (!tool) return null;
  return { tool, site: import.meta.env.SITE ?? null, base: import.meta.env.BASE_URL };
}

let pages: Promise<DeploymentPages[]> | undefined;

/** Every deployment with its pages' inputs, in the order of allDeployments(). */
export function allDeploymentPages(): Promise<DeploymentPages[]> {
  pages ??= (async () => {
    const [entries, byId, byDigest, history, snapshots] = await Promise.all([allDeployments(), deploymentsById(), deploymentIdsByDigest(), evidenceHistory(), snapshotStore()]);
    const source = { byId, byDigest, targets: comparisonTargets(entries.map((e) => e.deployment)), rootHistory: history.problems.map((p) => `the evidence root: ${p}`), snapshots };
    return entries.map((entry, order) => ({ inputs: deploymentPageInputs(entry, source), order }));
  })();
  return pages;
}

let rendered: Promise<DeploymentPages[]> | undefined;

/** The deployments whose pages this build renders: all of them, but those the previous output holds under the same key. */
export function renderedDeploymentPages(): Promise<DeploymentPages[]> {
  rendered ??= allDeploymentPages().then((all) => {
    const context = buildContext();
    if (!context) return all;
    const keys = all.map(({ inputs }) => [inputs.entry.deployment.id, pageInputsKey(inputs, context)] as const);
    const previousSite = process.env.DEPLOY_EVIDENCE_PREVIOUS_SITE || null;
    const previous = previousSite ? previousKeys(previousSite) : new Map<string, string>();
    const kept = new Map<string, number>();
    for (const [order, [id, key]] of keys.entries()) {
      if (previous.get(id) === key && existsSync(join(previousSite!, 'deployments', id, 'index.html'))) kept.set(id, order);
    }
    const plan: ReusePlan = { keys: new Map(keys), kept, previousSite };
    announceReusePlan(plan);
    return all.filter(({ inputs }) => !kept.has(inputs.entry.deployment.id));
  });
  return rendered;
}

/** The keys the previous output was built with (none when it has no readable manifest: everything renders). */
function previousKeys(site: string): Map<string, string> {
  try {
    return parseCacheManifest(readFileSync(join(site, CACHE_MANIFEST), 'utf8'));
  } catch {
    return new Map();
  }
}
