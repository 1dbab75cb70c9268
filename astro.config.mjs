// The audit site renders evidence/ and nothing else (DESIGN.md, "The site").
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import { siteOutputs } from './src/integrations/site-outputs.ts';
import { evidenceDir } from './src/site/evidence-dir.ts';

// A build's heap may grow to twice what it holds after a full collection, not the four times V8
// allows by default: a long history's build holds 250 MB (1,000 deployments) and peaked at 1.3 GB
// without this, 0.82 GB with it, at about 4% more CPU time (issue 14, bench/site-build.ts).
// Read by V8 at each collection, so setting it here, before the pages render, takes effect.
if (process.argv.includes('build') && !process.env.NOHGP) setFlagsFromString('--heap-growing-percent=100');

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
  // Nothing on the site fetches: the only scripts are the copy-link buttons (and, later, charts).
  prefetch: false,
  devToolbar: { enabled: false },
});
