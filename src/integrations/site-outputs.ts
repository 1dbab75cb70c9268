/**
 * What the site adds to Astro's pages: the search index and the raw evidence, published byte for
 * byte. The index is written while the pages render — pagefind runs in its own process, on the
 * other core — from the pages the renderer hands over (src/site/search-records.ts); what is left
 * of it is finished beside the publishing, which waits on the file system.
 */
import type { AstroIntegration } from 'astro';
import { fileURLToPath } from 'node:url';
import { listenForSearchRecords } from '../site/search-records.ts';
import { publishEvidence } from './publish-evidence.ts';
import { RenderedSearchIndex } from './search-index.ts';

export function siteOutputs(evidenceDir: () => string): AstroIntegration {
  let outDir: URL | null = null;
  let search: RenderedSearchIndex | null = null;
  return {
    name: 'deploy-evidence:site-outputs',
    hooks: {
      'astro:config:done': ({ config }) => {
        outDir = config.outDir;
      },
      'astro:build:start': () => {
        search = new RenderedSearchIndex(fileURLToPath(outDir!));
        listenForSearchRecords(search.take);
      },
      'astro:build:done': async ({ dir, logger }) => {
        listenForSearchRecords(null);
        const index = search!;
        search = null;
        await Promise.all([publishEvidence(evidenceDir(), dir, logger.fork('publish-evidence')), index.finish(logger.fork('search-index'))]);
      },
    },
  };
}
