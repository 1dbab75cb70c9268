/**
 * Publishes the raw evidence byte for byte under /evidence/…, so anyone can fetch a file and
 * check its sha256 against the manifest. Copied after the build; the JSON Schema files come
 * along, so each file's relative `$schema` resolves on the published site too.
 */
import { cp } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';

export function publishEvidence(source: () => string): AstroIntegration {
  return {
    name: 'deploy-evidence:publish-evidence',
    hooks: {
      'astro:build:done': async ({ dir, logger }) => {
        const target = fileURLToPath(new URL('evidence/', dir));
        // Dot-files are a collector's temp files, never evidence.
        await cp(source(), target, { recursive: true, filter: (path) => !/\/\.[^/]*$/.test(path) });
        logger.info(`raw evidence published to ${target}`);
      },
    },
  };
}
