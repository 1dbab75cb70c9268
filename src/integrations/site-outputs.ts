/**
 * What the site adds to Astro's pages: the raw evidence, published byte for byte, and the search
 * index. Neither waits for the last page (issue 14): the evidence is copied while Vite bundles
 * (once Astro has emptied the output folder, at the first build setup; the copying waits on the
 * file system, not on the main thread), and the index is written while the pages render —
 * pagefind runs in its own process, on the other core — from the pages the renderer hands over
 * (src/site/search-records.ts).
 */
import type { AstroIntegration } from 'astro';
import { fileURLToPath } from 'node:url';
import { writeFile } from 'node:fs/promises';
import { listenForSearchRecords } from '../site/search-records.ts';
import { buildWarningsFile, takeBuildWarnings } from '../site/build-warnings.ts';
import { publishEvidence } from './publish-evidence.ts';
import { RenderedSearchIndex } from './search-index.ts';

export function siteOutputs(evidenceDir: () => string): AstroIntegration {
  let outDir: URL | null = null;
  let search: RenderedSearchIndex | null = null;
  let published: Promise<void> | null = null;
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
      'astro:build:setup': ({ logger }) => {
        if (published) return;
        published = publishEvidence(evidenceDir(), outDir!, logger.fork('publish-evidence'));
        // A failure is reported by build:done, which awaits it; not as unhandled while Vite works.
        published.catch(() => {});
      },
      'astro:build:done': async ({ logger }) => {
        listenForSearchRecords(null);
        const index = search!;
        search = null;
        const publishing = published;
        published = null;
        await Promise.all([publishing, index.finish(logger.fork('search-index'))]);
        const warningsFile = buildWarningsFile();
        if (warningsFile) await writeFile(warningsFile, JSON.stringify(takeBuildWarnings()));
      },
    },
  };
}
