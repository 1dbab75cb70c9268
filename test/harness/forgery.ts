/**
 * What an insider does to committed evidence (issue 24): rewrite a deployment's files, re-hash its
 * manifest so its files match again, re-link every manifest after it in its environment up to the
 * head so the chain holds again, and delete the sign-offs that would go stale. The attacks of the
 * trust tests are made with this, so each test says only what it changes.
 */
import { createHash } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readChainLinks } from '../../src/format/read-chain-links.ts';

type Json = Record<string, any>;

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');
const write = (file: string, value: unknown) => writeFile(file, `${JSON.stringify(value, null, 2)}\n`);
const readJson = async (file: string): Promise<Json> => JSON.parse(await readFile(file, 'utf8')) as Json;

export interface Forgery {
  /** Files of the deployment (`deployment.json`, `checks/<id>.json`) and how to change each. */
  edits: Record<string, (json: Json) => void>;
  /** Re-hash the manifest and re-link the manifests after it (default: true). */
  rehash?: boolean;
  /** Delete the `signoffs.json` of every deployment whose manifest changed (default: true). */
  dropSignoffs?: boolean;
}

/** Applies the forgery to deployment `id` under `root`; returns the ids whose manifests were rewritten. */
export async function forge(root: string, id: string, { edits, rehash = true, dropSignoffs = true }: Forgery): Promise<string[]> {
  for (const [path, edit] of Object.entries(edits)) {
    const file = join(root, id, path);
    const json = await readJson(file);
    edit(json);
    await write(file, json);
  }
  if (!rehash) return [];
  const before = await readChainLinks(root);
  const rewritten: string[] = [];
  // The forged deployment's manifest, its files' new digests, then each follower in turn.
  let oldDigest = before.find((l) => l.id === id)!.digest;
  const manifestFile = join(root, id, 'manifest.json');
  const manifest = await readJson(manifestFile);
  for (const entry of manifest.files as { path: string; bytes: number; sha256: string }[]) {
    const bytes = await readFile(join(root, id, entry.path));
    entry.sha256 = sha256(bytes);
    entry.bytes = bytes.length;
  }
  await write(manifestFile, manifest);
  rewritten.push(id);
  let newDigest = sha256(await readFile(manifestFile));
  for (;;) {
    const next = before.find((l) => l.previous === oldDigest && !rewritten.includes(l.id));
    if (!next) break;
    const file = join(root, next.id, 'manifest.json');
    const followed = await readJson(file);
    followed.previousManifestSha256 = newDigest;
    await write(file, followed);
    rewritten.push(next.id);
    oldDigest = next.digest;
    newDigest = sha256(await readFile(file));
  }
  if (dropSignoffs) for (const changed of rewritten) await rm(join(root, changed, 'signoffs.json'), { force: true });
  return rewritten;
}

/** The classic forgery: a failing check made to pass, the decision APPROVED, its reasons replaced. */
export function failingCheckMadeToPass(checkId: string, criterionId: string): Forgery['edits'] {
  return {
    [`checks/${checkId}.json`]: (snapshot) => {
      snapshot.status = 'pass';
      for (const outcome of snapshot.assertions) outcome.status = 'pass';
    },
    'deployment.json': (deployment) => {
      for (const entry of deployment.checks) if (entry.id === checkId) entry.status = 'pass';
      for (const criterion of deployment.criteria) if (criterion.id === criterionId) Object.assign(criterion, { status: 'pass', notes: [] });
      deployment.decision = { status: 'APPROVED', reasons: ['every check passed and every criterion is met'] };
    },
  };
}
