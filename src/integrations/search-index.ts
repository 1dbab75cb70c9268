/**
 * Static search (pagefind): the report and check pages are indexed into `<site>/pagefind/`, which
 * the search page loads from the same host — no server, and it works under any base path. Only
 * what is marked `data-pagefind-body` is indexed — a report's header, a check's page — so a result
 * is always a deployment or one of its checks, and a value is found on the check that holds it.
 *
 * Pages are handed to pagefind *as Astro renders them* (src/middleware.ts calls the feed), not
 * read back from disk after the build: pagefind, in its own process, parses each page on the
 * other core while the next one renders, and the build's end only waits for the index to be
 * written (issue 14).
 *
 * One index, not several merged ones, although pagefind holds about 165 KB per indexed page
 * until it writes (2.7 GB for the 17,000 pages of 1,000 deployments): an index written in parts
 * and merged by the search page bounds that memory, but a part that lacks a searched value
 * answers with sub-word matches (pieces of hashes) ranked above the exact match from another
 * part — measured in Chromium, and left for a search that does not depend on pagefind's merge.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegrationLogger } from 'astro';
// Imported with the config: by astro:build:done the module loader that read the config is closed.
import * as pagefind from 'pagefind';
import type { SearchFeed } from './search-feed.ts';

/** Pages handed over and not yet indexed: beyond this the renderer waits, so memory stays bounded. */
const IN_FLIGHT = 32;

export interface SearchIndexBuild {
  feed: SearchFeed;
  /** Waits for every page handed over, then writes the index into `<dir>/pagefind/`. */
  write(dir: URL, logger: AstroIntegrationLogger): Promise<void>;
  close(): Promise<void>;
}

export function startSearchIndex(): SearchIndexBuild {
  // SQL and evidence values are searched whole: check ids, table names, SKU-like values.
  const index = pagefind.createIndex({ forceLanguage: 'en', includeCharacters: '_' }).then(({ index, errors }) => {
    if (!index) throw new Error(`pagefind could not start: ${errors.join('; ')}`);
    return index;
  });
  // Seen by write(), whatever the middleware did with the promise it was given.
  index.catch(() => {});
  const pending = new Set<Promise<void>>();
  const errors: string[] = [];
  let pages = 0;

  const feed: SearchFeed = async (path, html) => {
    const added = index
      .then((i) => i.addHTMLFile({ url: path, content: html }))
      .then(
        (result) => {
          if (result.errors.length > 0) errors.push(`${path}: ${result.errors.join('; ')}`);
          else pages += 1;
        },
        (error: unknown) => void errors.push(`${path}: ${error instanceof Error ? error.message : String(error)}`),
      )
      .finally(() => pending.delete(added));
    pending.add(added);
    if (pending.size >= IN_FLIGHT) await Promise.race(pending);
  };

  return {
    feed,
    async write(dir, logger) {
      await Promise.all(pending);
      const ready = await index;
      if (errors.length > 0) throw new Error(`pagefind could not index the site:\n${errors.slice(0, 20).join('\n')}`);
      const written = await ready.writeFiles({ outputPath: join(fileURLToPath(dir), 'pagefind') });
      if (written.errors.length > 0) throw new Error(`pagefind could not write its index: ${written.errors.join('; ')}`);
      logger.info(`${pages} pages indexed for search`);
    },
    async close() {
      await pagefind.close();
    },
  };
}
