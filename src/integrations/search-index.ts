/**
 * Static search (pagefind): after the build, the report and check pages are indexed into
 * `<site>/pagefind/`, which the search page loads from the same host — no server, and it works
 * under any base path. Only what is marked `data-pagefind-body` is indexed — a report's header,
 * a check's page — so a result is always a deployment or one of its checks, and a value is found
 * on the check that holds it.
 *
 * Memory (issue 14): pagefind holds about 165 KB per indexed page until it writes (2.7 GB for the
 * 17,000 pages of 1,000 deployments), the largest share of a long history's build. Writing the
 * index in parts merged by the search page bounds that, but was tried and left out: a part that
 * lacks a searched value answers with sub-word matches (pieces of other hashes), ranked above the
 * exact match another part holds (seen in Chromium).
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegrationLogger } from 'astro';
// Imported with the config: by astro:build:done the module loader that read the config is closed.
import * as pagefind from 'pagefind';

export async function writeSearchIndex(dir: URL, logger: AstroIntegrationLogger): Promise<void> {
  const site = fileURLToPath(dir);
  try {
    // SQL and evidence values are searched whole: check ids, table names, SKU-like values.
    const { index, errors } = await pagefind.createIndex({ forceLanguage: 'en', includeCharacters: '_' });
    if (!index) throw new Error(`pagefind could not start: ${errors.join('; ')}`);
    // Only the reports and check pages are read (URLs stay relative to the site's root).
    const added = await index.addDirectory({ path: site, glob: 'deployments/*/{index.html,checks/*/index.html}' });
    if (added.errors.length > 0) throw new Error(`pagefind could not index the site: ${added.errors.join('; ')}`);
    const written = await index.writeFiles({ outputPath: join(site, 'pagefind') });
    if (written.errors.length > 0) throw new Error(`pagefind could not write its index: ${written.errors.join('; ')}`);
    logger.info(`${added.page_count} pages indexed for search`);
  } finally {
    await pagefind.close();
  }
}
