// The audit site renders evidence/ and nothing else (DESIGN.md, "The site").
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import { afterBuild } from './src/integrations/after-build.ts';
import { evidenceDir } from './src/site/evidence-dir.ts';

export default defineConfig({
  output: 'static',
  // Where the site is published (`deploy-evidence build --site … --base …`): every page, asset and
  // link works under the base path, and the site URL makes permanent links absolute.
  ...(process.env.DEPLOY_EVIDENCE_SITE ? { site: process.env.DEPLOY_EVIDENCE_SITE } : {}),
  base: process.env.DEPLOY_EVIDENCE_BASE || '/',
  // Separate caches let several builds (tests, the demo) run side by side.
  cacheDir: process.env.DEPLOY_EVIDENCE_CACHE_DIR ?? fileURLToPath(new URL('./node_modules/.astro/', import.meta.url)),
  integrations: [mdx(), afterBuild(evidenceDir)],
  trailingSlash: 'always',
  // One stylesheet for the whole site, not a copy inlined in every page: 6.5 KB less on each of
  // thousands of pages to render, write, index and publish (issue 14), and one file to cache.
  build: { format: 'directory', inlineStylesheets: 'never' },
  // Nothing on the site fetches: the only scripts are the copy-link buttons (and, later, charts).
  prefetch: false,
  devToolbar: { enabled: false },
});
