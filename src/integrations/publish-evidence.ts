/**
 * Publishes the raw evidence byte for byte under /evidence/…, so anyone can fetch a file and
 * check its sha256 against the manifest. Only the regular files the evidence format knows are
 * copied, each read without following links: a symlink committed under evidence/ (to
 * /etc/passwd, say) is never published. The JSON Schema files come along, so each file's
 * relative `$schema` resolves on the published site too. Beside them, `checkpoint.json`: every
 * environment's chain as published, for an auditor to save and verify against later (issue 24).
 * `_signers.json` is the list the build judged the sign-offs against: the evidence's own, or the
 * one given to the build (`build --signers`), byte for byte — the browser's check fetches it, and
 * must judge as the build did.
 */
import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegrationLogger } from 'astro';
import { SIGNERS_FILE, listEvidenceTree, namedFiles, readEvidenceBytes, readEvidenceBytesSync } from '../format/evidence-tree.ts';
import { readChainLinks } from '../format/read-chain-links.ts';
import { checkpointSchema } from '../format/checkpoint-schema.ts';
import { stableJson } from '../format/stable-json.ts';
import { checkpointOf } from '../core/integrity/checkpoint.ts';

/** Files copied at once: the copy waits on the file system, so a few run side by side. */
const AT_ONCE = 16;

/**
 * Copies the evidence into a folder beside the output (Astro removes the output's empty folders
 * once it has written the pages, and a build that renders few pages, an incremental one (issue 29),
 * got there while folders made for the evidence were still empty), and returns how to move it into
 * place, `<outDir>/evidence/`, once the pages are written: a rename per entry, on the same disk.
 */
export async function publishEvidence(root: string, dir: URL, logger: AstroIntegrationLogger, signers: string | null = null): Promise<{ place(): Promise<void> }> {
  const target = fileURLToPath(new URL('evidence/', dir));
  const outDir = fileURLToPath(dir);
  const staged = await mkdtemp(join(dirname(outDir), `.${basename(outDir)}-evidence-`));
  // A build that fails before its pages are written never moves it in: gone when the process ends.
  process.once('exit', () => rmSync(staged, { recursive: true, force: true }));
  try {
    const tree = await listEvidenceTree(root);
    const paths = [
      ...tree.schemas,
      // A list given to the build replaces the evidence's own (written below): never both.
      ...(tree.signers && !signers ? [SIGNERS_FILE] : []),
      // A check file its deployment.json does not name is not evidence: not published (issue 25).
      ...tree.deployments.flatMap(({ id, files }) => namedFiles(files, checksNamedIn(join(root, id))).named.map((file) => `${id}/${file}`)),
    ];
    const folders = new Set(paths.map((path) => dirname(join(staged, path))));
    for (const folder of folders) await mkdir(folder, { recursive: true });
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < paths.length; i = next++) {
        const path = paths[i]!;
        await writeFile(join(staged, path), await readEvidenceBytes(join(root, path)));
      }
    };
    await Promise.all(Array.from({ length: AT_ONCE }, worker));
    if (signers) await writeFile(join(staged, SIGNERS_FILE), await readEvidenceBytes(signers));
    await writeFile(join(staged, 'checkpoint.json'), await publishedCheckpoint(root));
    logger.info(`${paths.length + (signers ? 1 : 0)} raw evidence files published to ${target}${tree.refused.length ? ` (${tree.refused.length} unknown entries left out)` : ''}${signers ? `; its _signers.json is ${signers}, given to the build` : ''}`);
  } catch (error) {
    await rm(staged, { recursive: true, force: true });
    throw error;
  }
  return {
    async place() {
      try {
        await mkdir(target, { recursive: true });
        for (const entry of await readdir(staged)) await rename(join(staged, entry), join(target, entry));
      } finally {
        await rm(staged, { recursive: true, force: true });
      }
    },
  };
}

/**
 * The checkpoint of the evidence as published. Taken "at" its newest deployment's end, not at the
 * build's clock: the same evidence publishes the same bytes, whenever it is built.
 */
async function publishedCheckpoint(root: string): Promise<string> {
  const links = await readChainLinks(root);
  const newest = links.map((l) => l.finishedAt).filter((at): at is string => at !== null).sort().at(-1) ?? '1970-01-01T00:00:00.000Z';
  return stableJson(checkpointSchema, checkpointOf(links, newest));
}

/** The checks a deployment.json names; none when it does not read (the loader names that file). */
function checksNamedIn(dir: string): Set<string> {
  try {
    const checks = (JSON.parse(readEvidenceBytesSync(join(dir, 'deployment.json')).toString('utf8')) as { checks?: { id?: unknown }[] }).checks;
    return new Set(Array.isArray(checks) ? checks.map((c) => String(c?.id)) : []);
  } catch {
    return new Set();
  }
}
