/**
 * How the pages that decide what to render (src/site/data/deployment-pages.ts) tell the build's
 * integration (src/integrations/site-outputs.ts) what they kept (issue 29): each deployment's key,
 * and which deployments' pages the previous output holds under the same key. They meet on a
 * registered symbol, as the search records do (src/site/search-records.ts): the pages run from
 * Astro's page bundle, a module graph of its own.
 *
 * The keys are written with the site, in `deploy-evidence-cache.json` at its root: the next
 * build, given this output as its previous one, reads them. It holds hashes only (nothing of the
 * evidence), and is written by every build the CLI runs, `--no-cache` too (the two outputs are
 * the same bytes). Not a dot-file: actions/upload-artifact leaves hidden files out, and a CI that
 * restores the previous output from an artifact would keep nothing.
 */

export const CACHE_MANIFEST = 'deploy-evidence-cache.json';

export interface ReusePlan {
  /** Every deployment's key, in report order. */
  keys: ReadonlyMap<string, string>;
  /** The deployments whose pages are copied from the previous output, with their report order. */
  kept: ReadonlyMap<string, number>;
  previousSite: string | null;
}

export type ReusePlanListener = (plan: ReusePlan) => void;

const LISTENER = Symbol.for('deploy-evidence.reuse-plan-listener');
const registry = globalThis as { [LISTENER]?: ReusePlanListener };

export function listenForReusePlan(listener: ReusePlanListener | null): void {
  if (listener) registry[LISTENER] = listener;
  else delete registry[LISTENER];
}

export function announceReusePlan(plan: ReusePlan): void {
  registry[LISTENER]?.(plan);
}

/** The line the build logs about what it kept, and how the CLI reads it back from the build's output. */
export const keptSummary = (kept: number, of: number) => `${kept} of ${of} deployments' pages kept from the previous output (their inputs unchanged)`;

export function keptFromOutput(output: string): { kept: number; of: number } | null {
  const found = /(\d+) of (\d+) deployments' pages kept from the previous output/.exec(output);
  return found ? { kept: Number(found[1]), of: Number(found[2]) } : null;
}

export function cacheManifest(keys: ReadonlyMap<string, string>): string {
  return `${JSON.stringify({ version: 1, deployments: Object.fromEntries(keys) }, null, 2)}\n`;
}

/** The keys a previous output recorded; an unreadable manifest is none (its pages render again). */
export function parseCacheManifest(text: string): Map<string, string> {
  const parsed = JSON.parse(text) as { version?: unknown; deployments?: unknown };
  if (parsed.version !== 1 || typeof parsed.deployments !== 'object' || parsed.deployments === null) return new Map();
  return new Map(Object.entries(parsed.deployments).filter((e): e is [string, string] => typeof e[1] === 'string' && /^[0-9a-f]{64}$/.test(e[1])));
}
