/**
 * How the pages that decide what to render (src/site/data/deployment-pages.ts) tell the build's
 * integration (src/integrations/site-outputs.ts) what they kept (issue 29): each deployment's key,
 * and which deployments' pages the previous output holds under the same key. They meet on a
 * registered symbol, as the search records do (src/site/search-records.ts): the pages run from
 * Astro's page bundle, a module graph of its own.
 *
 * The previous output is untrusted input: CI restores it from a cache or from the published site,
 * and anyone who can write there could plant a page and claim its key (keys are hashes of public
 * evidence and of the tool: anyone can compute them). So what a build kept is recorded outside
 * the output, in the project's own cache folder (`.deploy-evidence-cache/pages.json`, never
 * published): each deployment's key and the digest of its pages as that build wrote them. The next
 * build keeps a deployment's pages only when its key is the one recorded *and* the folder in the
 * previous output still has exactly those bytes (no file more, none less, no link); a folder that
 * does not is rendered again and named in a warning. Every kept byte is checked again as it is
 * read for the search index and as it is copied into the new output, so nothing of the previous
 * output reaches the new one unchecked. The manifest holds hashes only (nothing of the evidence).
 */
import { createHash } from 'node:crypto';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/** The manifest's name in the cache folder. */
export const PAGES_MANIFEST = 'pages.json';

/** What a build recorded about one deployment's pages. */
export interface KeptPages {
  /** Its pages' inputs hashed with the build's context (src/site/data/page-inputs.ts). */
  key: string;
  /** The digest of its folder (`deployments/<id>/`) as that build wrote it: see pagesDigest(). */
  pages: string;
}

export interface ReusePlan {
  /** Every deployment's key, in report order. */
  keys: ReadonlyMap<string, string>;
  /** The deployments whose pages are copied from the previous output: their report order and the digest their folder must have. */
  kept: ReadonlyMap<string, { order: number; pages: string }>;
  previousSite: string | null;
  /** Deployments whose key was recorded but whose folder in the previous output is not what was recorded: rendered again. */
  refused: readonly string[];
}

export type ReusePlanListener = (plan: ReusePlan) => void;

const LISTENER = Symbol.for('deploy-evidence.reuse-plan-listener');
const registry = globalThis as { [LISTENER]?: ReusePlanListener };

export function listenForReusePlan(listener: ReusePlanListener | null): void {
  if (listener) registry[LISTENER] = listener;
  else delete registry[LISTENER];
}

export function announceReusePlan(plan: ReusePlan): void {
  registry[LISTENER]?.(plan);
}

/** The line the build logs about what it kept, and how the CLI reads it back from the build's output. */
export const keptSummary = (kept: number, of: number) => `${kept} of ${of} deployments' pages kept from the previous output (their inputs unchanged)`;

export function keptFromOutput(output: string): { kept: number; of: number } | null {
  const found = /(\d+) of (\d+) deployments' pages kept from the previous output/.exec(output);
  return found ? { kept: Number(found[1]), of: Number(found[2]) } : null;
}

/** The warning for a deployment whose pages in the previous output are not what the last build wrote. */
export const refusedWarning = (id: string) =>
  `the previous output's pages of ${id} (deployments/${id}/) are not the ones this project's last build wrote: rendered again from the evidence`;

export function cacheManifest(entries: ReadonlyMap<string, KeptPages>): string {
  return `${JSON.stringify({ version: 2, deployments: Object.fromEntries(entries) }, null, 2)}\n`;
}

const HEX64 = /^[0-9a-f]{64}$/;

/** What a previous build recorded; a manifest of another version, or an entry not as written, is none (those pages render again). */
export function parseCacheManifest(text: string): Map<string, KeptPages> {
  const parsed = JSON.parse(text) as { version?: unknown; deployments?: unknown };
  if (parsed.version !== 2 || typeof parsed.deployments !== 'object' || parsed.deployments === null) return new Map();
  const entries = new Map<string, KeptPages>();
  for (const [id, value] of Object.entries(parsed.deployments)) {
    const { key, pages } = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
    if (typeof key === 'string' && HEX64.test(key) && typeof pages === 'string' && HEX64.test(pages)) entries.set(id, { key, pages });
  }
  return entries;
}

/**
 * A deployment's folder of pages, every file by its path (with `/`), read whole; null when it is
 * not a plain folder of plain files (a link anywhere in it: reading through one would read what
 * it points to, not the output).
 */
export async function readPagesFolder(dir: string): Promise<Map<string, Buffer> | null> {
  const top = await lstat(dir).catch(() => null);
  if (!top?.isDirectory()) return null;
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  if (entries.some((e) => !e.isFile() && !e.isDirectory())) return null;
  const files = entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'));
  return new Map(await Promise.all(files.map(async (file) => [file, await readFile(join(dir, file))] as const)));
}

/** The digest of a folder of pages: every path with its bytes' sha256, in path order, hashed. */
export function pagesDigest(files: ReadonlyMap<string, Buffer>): string {
  const hash = createHash('sha256');
  for (const path of [...files.keys()].sort()) hash.update(`${path}\0${createHash('sha256').update(files.get(path)!).digest('hex')}\n`);
  return hash.digest('hex');
}

/** A deployment's pages in `site`, read whole, when they are exactly the ones recorded under `digest`; else null. */
export async function readKeptPages(site: string, id: string, digest: string): Promise<Map<string, Buffer> | null> {
  const files = await readPagesFolder(join(site, 'deployments', id));
  return files && pagesDigest(files) === digest ? files : null;
}
