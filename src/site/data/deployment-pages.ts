/**
 * Which deployments' pages this build renders (issue 29). Each deployment's pages are given their
 * inputs (src/site/data/page-inputs.ts); their key is those inputs hashed with the build's context.
 * When `deploy-evidence build` hands over the previous output (`DEPLOY_EVIDENCE_PREVIOUS_SITE`),
 * what its last build recorded (`DEPLOY_EVIDENCE_PAGES_RECORDED`, in the project's cache folder)
 * and the tool's fingerprint (`DEPLOY_EVIDENCE_TOOL`), a deployment whose key was recorded and whose
 * folder in the previous output is still the one recorded (src/site/reuse-plan.ts) is not
 * rendered: the build copies its pages and its search record from the previous output
 * (src/integrations/site-outputs.ts). Without them (`build --no-cache`, or Astro run directly),
 * every page renders.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { comparisonTargets } from '../../core/compare/comparison-targets.ts';
import { announceReusePlan, parseCacheManifest, readKeptPages, type KeptPages, type ReusePlan } from '../reuse-plan.ts';
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

/** Folders read back at once when checking the previous output (the reading waits on the file system). */
const CHECK_AT_ONCE = 8;

/** The deployments whose pages this build renders: all of them, but those the previous output holds under the same key, as recorded. */
export function renderedDeploymentPages(): Promise<DeploymentPages[]> {
  rendered ??= allDeploymentPages().then(async (all) => {
    const context = buildContext();
    if (!context) return all;
    const keys = all.map(({ inputs }) => [inputs.entry.deployment.id, pageInputsKey(inputs, context)] as const);
    const previousSite = process.env.DEPLOY_EVIDENCE_PREVIOUS_SITE || null;
    const recorded = previousSite ? recordedPages(process.env.DEPLOY_EVIDENCE_PAGES_RECORDED) : new Map<string, KeptPages>();
    // A recorded folder the previous output does not hold (a deployment it was built without) simply renders.
    const candidates = keys.flatMap(([id, key], order) => (recorded.get(id)?.key === key && existsSync(join(previousSite!, 'deployments', id)) ? [{ id, order, pages: recorded.get(id)!.pages }] : []));
    const kept = new Map<string, { order: number; pages: string }>();
    const refused: string[] = [];
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < candidates.length; i = next++) {
        const { id, order, pages } = candidates[i]!;
        // Read whole and hashed: the folder must be exactly what the last build wrote.
        if (await readKeptPages(previousSite!, id, pages)) kept.set(id, { order, pages });
        else refused.push(id);
      }
    };
    await Promise.all(Array.from({ length: CHECK_AT_ONCE }, worker));
    const plan: ReusePlan = { keys: new Map(keys), kept: new Map([...kept].sort((a, b) => a[1].order - b[1].order)), previousSite, refused: refused.sort() };
    announceReusePlan(plan);
    return all.filter(({ inputs }) => !kept.has(inputs.entry.deployment.id));
  });
  return rendered;
}

/** What the project's last build recorded (nothing when there is no readable record: everything renders). */
function recordedPages(file: string | undefined): Map<string, KeptPages> {
  if (!file) return new Map();
  try {
    return parseCacheManifest(readFileSync(file, 'utf8'));
  } catch {
    return new Map();
  }
}
