/**
 * What the site adds to Astro's pages: the raw evidence, published byte for byte, and the search
 * index. Neither waits for the last page (issue 14): the evidence is copied while Vite bundles —
 * from the moment Astro has emptied the output folder — and each report and check page goes to
 * pagefind as it is rendered (src/middleware.ts); the build's end only waits for both to finish.
 */
import type { AstroIntegration } from 'astro';
import { publishEvidence } from './publish-evidence.ts';
import { registerSearchFeed } from './search-feed.ts';
import { startSearchIndex, type SearchIndexBuild } from './search-index.ts';

export function buildOutputs(evidenceDir: () => string): AstroIntegration {
  let outDir: URL | undefined;
  let search: SearchIndexBuild | undefined;
  let published: Promise<void> | undefined;
  return {
    name: 'deploy-evidence:build-outputs',
    hooks: {
      'astro:config:done': ({ config }) => {
        outDir = config.outDir;
      },
      'astro:build:start': () => {
        search = startSearchIndex();
        registerSearchFeed(search.feed);
      },
      // Called once Astro has emptied the output folder (at the start of its Vite build), and
      // before any page is rendered: the copy waits on the file system while Vite works.
      'astro:build:setup': ({ target, logger }) => {
        if (target !== 'server' || published || !outDir) return;
        published = publishEvidence(evidenceDir(), outDir, logger.fork('publish-evidence'));
        // Awaited at the end of the build; until then a failure must not be an unhandled rejection.
        published.catch(() => {});
      },
      'astro:build:done': async ({ dir, logger }) => {
        registerSearchFeed(undefined);
        try {
          await Promise.all([published ?? publishEvidence(evidenceDir(), dir, logger.fork('publish-evidence')), search?.write(dir, logger.fork('search-index'))]);
        } finally {
          await search?.close();
        }
      },
    },
  };
}
