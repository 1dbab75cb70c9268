/**
 * What the site adds to Astro's pages: the raw evidence, published byte for byte, and the search
 * index. Neither waits for the last page (issue 14): the evidence is copied while Vite bundles
 * (once Astro has emptied the output folder, at the first build setup; the copying waits on the
 * file system, not on the main thread), and the index is written while the pages render —
 * pagefind runs in its own process, on the other core — from the pages the renderer hands over
 * (src/site/search-records.ts).
 */
import type { AstroIntegration, AstroIntegrationLogger } from 'astro';
import { fileURLToPath } from 'node:url';
import { writeFile } from 'node:fs/promises';
import { listenForSearchRecords } from '../site/search-records.ts';
import { buildWarningsFile, takeBuildWarnings } from '../site/build-warnings.ts';
import { publishEvidence } from './publish-evidence.ts';
import { RenderedSearchIndex } from './search-index.ts';

/** How long a build that has written the site may take to end on its own. */
const EXIT_GRACE_MS = 60_000;

/**
 * A build that has written the site ends (issue 25: one `build --strict` was seen waiting 14
 * minutes after its site was written; a rerun took 9.5 s). Nothing of ours should be left open
 * by now — pagefind's processes are closed, the evidence published — so if something still keeps
 * the process alive after the grace period, it is named and the process ends. The timer itself
 * keeps nothing alive (unref): a build that ends on its own never sees it.
 */
function exitOnceWritten(logger: AstroIntegrationLogger): void {
  setTimeout(() => {
    const open = (process as unknown as { _getActiveHandles(): { constructor: { name: string } }[] })._getActiveHandles().map((h) => h.constructor.name);
    logger.warn(`the site is written, but the build had not ended ${EXIT_GRACE_MS / 1000} s later (still open: ${open.join(', ') || 'nothing visible'}); ending it`);
    process.exit(process.exitCode ?? 0);
  }, EXIT_GRACE_MS).unref();
}

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
        exitOnceWritten(logger);
      },
    },
  };
}
