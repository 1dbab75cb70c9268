/**
 * How a rendered page reaches the search index during a build. The middleware runs inside Astro's
 * server bundle, a module graph of its own, so it cannot share a module instance with the
 * integration that owns the index: it finds the feed under this global key instead. Only a build
 * registers one, so `astro dev` and `astro preview` index nothing. (No pagefind import here: this
 * module is bundled into every page's server code.)
 */

/** A rendered page: its path from the site's root (no base) and its HTML. */
export type SearchFeed = (path: string, html: string) => Promise<void>;

export const SEARCH_FEED_KEY = Symbol.for('deploy-evidence.search-feed');

type FeedHolder = { [SEARCH_FEED_KEY]?: SearchFeed };

export function registerSearchFeed(feed: SearchFeed | undefined): void {
  if (feed) (globalThis as FeedHolder)[SEARCH_FEED_KEY] = feed;
  else delete (globalThis as FeedHolder)[SEARCH_FEED_KEY];
}

export function searchFeed(): SearchFeed | undefined {
  return (globalThis as FeedHolder)[SEARCH_FEED_KEY];
}
