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
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { listenForSearchRecords } from '../site/search-records.ts';
import { buildWarningsFile, takeBuildWarnings } from '../site/build-warnings.ts';
import { cacheManifest, keptSummary, listenForReusePlan, pagesDigest, readKeptPages, readPagesFolder, refusedWarning, type KeptPages, type ReusePlan } from '../site/reuse-plan.ts';
import { publishEvidence } from './publish-evidence.ts';
import { signersFile } from '../site/evidence-dir.ts';
import { recordFromPages, RenderedSearchIndex } from './search-index.ts';

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
 * A kept deployment's pages, read whole from the previous output and checked again against the
 * digest recorded for them: the plan checked them before deciding not to render them, and a folder
 * changed since (while this build ran) fails the build rather than reach the new output.
 */
async function keptPages(plan: ReusePlan, id: string, pages: string): Promise<Map<string, Buffer>> {
  const files = await readKeptPages(plan.previousSite!, id, pages);
  if (!files) throw new Error(`the previous output's pages of ${id} changed while the site was built: build again (or with --no-cache)`);
  return files;
}

/**
 * The search records of the deployments the build kept (issue 29), made from the previous output's
 * pages (checked) and handed to the index in report order, while the other pages render.
 */
function keptRecords(plan: ReusePlan, search: RenderedSearchIndex): Promise<void> {
  return eachAtOnce([...plan.kept], async ([id, { order, pages }]) => search.keep(order, id, recordFromPages(id, await keptPages(plan, id, pages))));
}

/**
 * The kept deployments' pages: each one's folder under `deployments/`, moved from the previous
 * output (which the new output replaces) once Astro has written its own, and checked where it now
 * lies, in the build's own folder: a folder that is not what was recorded fails the build. Moved,
 * not copied (issue 29: writing some 18 files per kept deployment again was most of what followed
 * the last page); a build that fails after this leaves its previous output with fewer pages to
 * keep, never a wrong one. Across file systems, it is read, checked and written.
 */
async function moveKeptPages(plan: ReusePlan, site: string): Promise<void> {
  if (plan.kept.size === 0) return;
  // Astro made no `deployments/` when it rendered none.
  await mkdir(join(site, 'deployments'), { recursive: true });
  await eachAtOnce([...plan.kept], async ([id, { pages }]) => {
    const dir = join(site, 'deployments', id);
    const moved = await rename(join(plan.previousSite!, 'deployments', id), dir).then(
      () => true,
      (error: NodeJS.ErrnoException) => (error.code === 'EXDEV' ? false : Promise.reject(error)),
    );
    if (moved) {
      if (!(await readKeptPages(site, id, pages))) throw new Error(`the previous output's pages of ${id} changed while the site was built: build again (or with --no-cache)`);
      return;
    }
    for (const [path, bytes] of await keptPages(plan, id, pages)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), bytes, { flag: 'wx' });
    }
  });
}

/**
 * What this build wrote, for the next one (src/site/reuse-plan.ts): every deployment's key and the
 * digest of its folder in the new output (a kept one's is the digest it was checked against).
 */
async function recordPages(plan: ReusePlan, site: string, file: string): Promise<void> {
  const entries = new Map<string, KeptPages>();
  await eachAtOnce([...plan.keys], async ([id, key]) => {
    const kept = plan.kept.get(id);
    const files = kept ? null : await readPagesFolder(join(site, 'deployments', id));
    const pages = kept ? kept.pages : files ? pagesDigest(files) : null;
    if (pages) entries.set(id, { key, pages });
  });
  await writeFile(file, cacheManifest(new Map([...plan.keys.keys()].filter((id) => entries.has(id)).map((id) => [id, entries.get(id)!]))));
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
        published = publishEvidence(evidenceDir(), outDir!, logger.fork('publish-evidence'), signersFile());
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
        const site = fileURLToPath(outDir!);
        // The kept pages are moved in while pagefind writes the index's last parts (they wait on the disk, it on its process).
        const keptPlan = kept.status === 'fulfilled' ? plan : null;
        const [evidence, indexed, moved] = await Promise.allSettled([publishing, index.finish(logger.fork('search-index')), keptPlan ? moveKeptPages(keptPlan, site) : null]);
        // The raw evidence into the output, now that Astro is done with its folders (or its copy removed).
        if (evidence.status === 'fulfilled') await evidence.value?.place();
        for (const outcome of [evidence, indexed, kept, moved]) if (outcome.status === 'rejected') throw outcome.reason;
        const refused: string[] = [];
        if (plan) {
          // Written where the CLI asked (beside the staging folder), moved into the project's cache folder once the site is in place.
          const record = process.env.DEPLOY_EVIDENCE_PAGES_RECORD;
          if (record) await recordPages(plan, site, record);
          refused.push(...plan.refused.map(refusedWarning));
          logger.info(keptSummary(plan.kept.size, plan.keys.size));
        }
        plan = null;
        keeping = null;
        const warningsFile = buildWarningsFile();
        if (warningsFile) await writeFile(warningsFile, JSON.stringify([...takeBuildWarnings(), ...refused]));
        exitOnceWritten(logger);
      },
    },
  };
}
