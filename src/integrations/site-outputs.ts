/**
 * What the site adds to Astro's pages: the raw evidence, published byte for byte, and the search
 * index. Neither waits for the last page (issue 14): the evidence is copied while Vite bundles
 * (into a folder beside the output, moved in once the pages are written: src/integrations/publish-evidence.ts;
 * the copying waits on the file system, not on the main thread), and the index is written while the pages render —
 * pagefind runs in its own process, on the other core — from the pages the renderer hands over
 * (src/site/search-records.ts).
 */
import type { AstroIntegration, AstroIntegrationLogger } from 'astro';
import { fileURLToPath } from 'node:url';
import { cp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { listenForSearchRecords } from '../site/search-records.ts';
import { buildWarningsFile, takeBuildWarnings } from '../site/build-warnings.ts';
import { CACHE_MANIFEST, cacheManifest, keptSummary, listenForReusePlan, type ReusePlan } from '../site/reuse-plan.ts';
import { publishEvidence } from './publish-evidence.ts';
import { deploymentRecord, RenderedSearchIndex } from './search-index.ts';

/** Kept deployments copied at once: the copy waits on the file system. */
const COPY_AT_ONCE = 8;

/** Each of `items` through `work`, a few at once (the work waits on the file system). */
async function eachAtOnce<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) await work(items[i]!);
  };
  await Promise.all(Array.from({ length: COPY_AT_ONCE }, worker));
}

/**
 * The search records of the deployments the build kept (issue 29), read back from the previous
 * output's pages and handed to the index in report order, while the other pages render.
 */
function keptRecords(plan: ReusePlan, search: RenderedSearchIndex): Promise<void> {
  const kept = [...plan.kept].sort((a, b) => a[1] - b[1]);
  return eachAtOnce(kept, async ([id, order]) => search.keep(order, id, await deploymentRecord(plan.previousSite!, id)));
}

/** The kept deployments' pages: each one's folder under `deployments/`, copied from the previous output once Astro has written its own. */
function copyKeptPages(plan: ReusePlan, site: string): Promise<void> {
  return eachAtOnce([...plan.kept.keys()], (id) => cp(join(plan.previousSite!, 'deployments', id), join(site, 'deployments', id), { recursive: true, errorOnExist: true, force: false }));
}

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
  let published: Promise<{ place(): Promise<void> }> | null = null;
  let plan: ReusePlan | null = null;
  let keeping: Promise<void> | null = null;
  return {
    name: 'deploy-evidence:site-outputs',
    hooks: {
      'astro:config:done': ({ config }) => {
        outDir = config.outDir;
      },
      'astro:build:start': () => {
        const index = new RenderedSearchIndex(fileURLToPath(outDir!));
        search = index;
        listenForSearchRecords(index.take);
        listenForReusePlan((announced) => {
          plan = announced;
          keeping = keptRecords(announced, index);
          // A failure is reported by build:done, which awaits it.
          keeping.catch(() => {});
        });
      },
      'astro:build:setup': ({ logger }) => {
        if (published) return;
        published = publishEvidence(evidenceDir(), outDir!, logger.fork('publish-evidence'));
        // A failure is reported by build:done, which awaits it; not as unhandled while Vite works.
        published.catch(() => {});
      },
      'astro:build:done': async ({ logger }) => {
        listenForSearchRecords(null);
        listenForReusePlan(null);
        const index = search!;
        search = null;
        const publishing = published;
        published = null;
        // Every kept record is handed to the index before it writes its last part; the index is
        // finished (its pagefind process closed) even when keeping failed, and the failure reported.
        const [kept] = await Promise.allSettled([keeping]);
        const [evidence, indexed] = await Promise.allSettled([publishing, index.finish(logger.fork('search-index'))]);
        // The raw evidence into the output, now that Astro is done with its folders (or its copy removed).
        if (evidence.status === 'fulfilled') await evidence.value?.place();
        for (const outcome of [evidence, indexed, kept]) if (outcome.status === 'rejected') throw outcome.reason;
        if (plan) {
          await copyKeptPages(plan, fileURLToPath(outDir!));
          await writeFile(join(fileURLToPath(outDir!), CACHE_MANIFEST), cacheManifest(plan.keys));
          logger.info(keptSummary(plan.kept.size, plan.keys.size));
        }
        plan = null;
        keeping = null;
        const warningsFile = buildWarningsFile();
        if (warningsFile) await writeFile(warningsFile, JSON.stringify(takeBuildWarnings()));
        exitOnceWritten(logger);
      },
    },
  };
}
