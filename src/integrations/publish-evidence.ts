/**
 * Publishes the raw evidence byte for byte under /evidence/…, so anyone can fetch a file and
 * check its sha256 against the manifest. Only the regular files the evidence format knows are
 * copied, each read without following links: a symlink committed under evidence/ (to
 * /etc/passwd, say) is never published. The JSON Schema files come along, so each file's
 * relative `$schema` resolves on the published site too.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { SIGNERS_FILE, listEvidenceTree, readEvidenceBytes } from '../format/evidence-tree.ts';

export function publishEvidence(source: () => string): AstroIntegration {
  return {
    name: 'deploy-evidence:publish-evidence',
    hooks: {
      'astro:build:done': async ({ dir, logger }) => {
        const root = source();
        const target = fileURLToPath(new URL('evidence/', dir));
        const tree = await listEvidenceTree(root);
        const paths = [
          ...tree.schemas,
          ...(tree.signers ? [SIGNERS_FILE] : []),
          ...tree.deployments.flatMap(({ id, files }) => files.map((file) => `${id}/${file}`)),
        ];
        for (const path of paths) {
          const bytes = await readEvidenceBytes(join(root, path));
          await mkdir(dirname(join(target, path)), { recursive: true });
          await writeFile(join(target, path), bytes);
        }
        logger.info(`${paths.length} raw evidence files published to ${target}${tree.refused.length ? ` (${tree.refused.length} unknown entries left out)` : ''}`);
      },
    },
  };
}
