/** Deployments with their checks' summaries, for per-check history and trends (a deployment's own pages: src/site/data/deployment-pages.ts). */
import type { Deployment } from '../../format/index.ts';
import type { CheckSummary } from './snapshot-store.ts';
import { allDeployments } from './evidence.ts';

/** A deployment and what the history pages chart of its checks. */
export interface HistoryEntry {
  deployment: Deployment;
  checks: ReadonlyMap<string, CheckSummary>;
}

export async function historyEntries(): Promise<HistoryEntry[]> {
  return (await allDeployments()).map(({ deployment, summaries }) => ({ deployment, checks: summaries }));
}
