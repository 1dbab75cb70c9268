/**
 * How a page's HTML reaches the search index while the site renders (issue 14): a check page or a
 * report marks itself in `Astro.locals.searchRecord`, and the middleware hands the page's final
 * HTML to whatever listens. The listener is the indexer the build started
 * (src/integrations/search-index.ts), which runs pagefind beside the renderer instead of after it.
 *
 * The indexer lives in the integration, loaded with the config; the pages run from Astro's page
 * bundle, a module graph of its own. They meet on a registered symbol. Outside a build
 * (`astro dev`) nothing listens, and a page is rendered as ever.
 */

/**
 * What a page says about itself: a check page of a deployment, or the deployment's report, with
 * how many check pages its record waits for and its place among the reports (records are indexed
 * in that order, the same in every build).
 */
export type SearchRecordMark = { kind: 'check'; deploymentId: string; checkId: string } | { kind: 'report'; deploymentId: string; order: number; checks: number };

export type SearchRecordListener = (mark: SearchRecordMark, html: string) => void;

const LISTENER = Symbol.for('deploy-evidence.search-record-listener');
const registry = globalThis as { [LISTENER]?: SearchRecordListener };

/** Starts (or, with null, stops) receiving the marked pages as they render. */
export function listenForSearchRecords(listener: SearchRecordListener | null): void {
  if (listener) registry[LISTENER] = listener;
  else delete registry[LISTENER];
}

/** Hands a rendered page to the listener, if a build is listening. */
export function handOffSearchRecord(mark: SearchRecordMark, html: string): void {
  registry[LISTENER]?.(mark, html);
}
