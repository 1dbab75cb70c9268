/**
 * What the site adds to Astro's output once the pages are written: the raw evidence, published
 * byte for byte, and the search index. They are independent — one waits on the file system, the
 * other runs in pagefind's own process — so they run side by side.
 */
import type { AstroIntegration } from 'astro';
import { publishEvidence } from './publish-evidence.ts';
import { writeSearchIndex } from './search-index.ts';

export function afterBuild(evidenceDir: () => string): AstroIntegration {
  return {
    name: 'deploy-evidence:after-build',
    hooks: {
      'astro:build:done': async ({ dir, logger }) => {
        await Promise.all([publishEvidence(evidenceDir(), dir, logger.fork('publish-evidence')), writeSearchIndex(dir, logger.fork('search-index'))]);
      },
    },
  };
}
