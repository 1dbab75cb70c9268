// The audit site renders evidence/ and nothing else (DESIGN.md, "The site").
import { fileURLToPath } from 'node:url';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import { siteOutputs } from './src/integrations/site-outputs.ts';
import { evidenceDir } from './src/site/evidence-dir.ts';
import { HIGHLIGHT_THEMES, highlightStylesheetPlugin, styleToClasses } from './src/site/highlight-classes.ts';

// Once a build holds a long history, its heap may grow to twice what it holds after a full
// collection, not the four times V8 allows by default: at 1,000 deployments it holds 250 MB and
// peaked at 1.3 GB without this, 0.82 GB with it. It costs about 5% more CPU time (more frequent
// collections), which a short history need not pay (200 deployments hold at most 110 MB): the
// limit applies from the first full collection after which more than LONG_HISTORY_HEAP is still
// in use (after a minor one, the figure counts garbage not yet collected). V8 reads the flag at
// each collection, so setting it while the build runs takes effect (issue 14, bench/site-build.ts).
const LONG_HISTORY_HEAP = 128 * 2 ** 20;
if (process.argv.includes('build')) {
  const heapWatch = new PerformanceObserver((list) => {
    const afterFullCollection = list.getEntries().some((entry) => entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR);
    if (!afterFullCollection || getHeapStatistics().used_heap_size < LONG_HISTORY_HEAP) return;
    setFlagsFromString('--heap-growing-percent=100');
    heapWatch.disconnect();
  });
  heapWatch.observe({ entryTypes: ['gc'] });
}

export default defineConfig({
  output: 'static',
  // Where the site is published (`deploy-evidence build --site … --base …`): every page, asset and
  // link works under the base path, and the site URL makes permanent links absolute.
  ...(process.env.DEPLOY_EVIDENCE_SITE ? { site: process.env.DEPLOY_EVIDENCE_SITE } : {}),
  base: process.env.DEPLOY_EVIDENCE_BASE || '/',
  // Separate caches let several builds (tests, the demo) run side by side.
  cacheDir: process.env.DEPLOY_EVIDENCE_CACHE_DIR ?? fileURLToPath(new URL('./node_modules/.astro/', import.meta.url)),
  integrations: [mdx(), siteOutputs(evidenceDir)],
  trailingSlash: 'always',
  // One stylesheet for the whole site, not a copy inlined in every page: 6.5 KB less on each of
  // thousands of pages to render, write, index and publish (issue 14), and one file to cache.
  // Eight pages in flight: one at a time, the renderer sat idle half the time while each page was
  // written (a profile at 200 deployments: the check pages took 8 s, 4 s with eight; interleaved
  // builds 2–3 s faster in 20).
  build: { format: 'directory', inlineStylesheets: 'never', concurrency: 8 },
  // Every script a file under /_astro/, never inlined into the page (Astro inlines a small one by
  // default): the Content-Security-Policy allows the site's own files and no inline script or
  // style (src/site/content-security-policy.ts).
  // Highlighted code is coloured by classes, not style attributes (which the policy refuses): in
  // Markdown (the checklist reference) as in the site's own code blocks (src/site/highlight-classes.ts).
  vite: { build: { assetsInlineLimit: 0 }, plugins: [highlightStylesheetPlugin()] },
  markdown: { shikiConfig: { themes: HIGHLIGHT_THEMES, transformers: [styleToClasses] } },
  // Nothing on the site prefetches: its scripts (copy-link buttons, charts, search, verify) fetch only what they show.
  prefetch: false,
  devToolbar: { enabled: false },
});
