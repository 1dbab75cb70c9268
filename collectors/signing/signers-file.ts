/** Adds a public key to the trusted signers (`<evidence>/_signers.json`), creating the file when there is none. */
import { join } from 'node:path';
import { SIGNERS_FILE } from '../../src/format/evidence-tree.ts';
import { readSigners, shownPath } from '../../src/format/read-deployment-dir.ts';
import { SCHEMA_VERSION, schemaFiles, signersSchema, stableJson, type Signers } from '../../src/format/index.ts';
import { nameKey, signersProblems } from '../../src/core/signoffs/verify-signoffs.ts';
import { shownName, signerNameProblem } from '../../src/core/signoffs/signer-names.ts';
import { writeFileAtomic } from '../evidence/atomic-write.ts';
import { ensureJsonSchemas } from '../evidence/evidence-writer.ts';
import { SigningKeyError } from './keys.ts';

/** Refuses a name a reader could take for another (signer-names.ts): the signers list would be refused with it. */
export function checkSignerName(name: string): void {
  const problem = signerNameProblem(name);
  if (problem) throw new SigningKeyError(`the name "${shownName(name)}" could be taken for another: ${problem}; a signer's name must read as exactly one name (one script of Latin, Cyrillic or Greek, no invisible or control characters)`);
}

/**
 * Refuses a name a reader could take for another, a name that already has a key, and a list that
 * is already refused (issue 24): one name, one key, or nothing in the list says who signed.
 * Checked before a key pair is made.
 */
export async function checkNewSignerName(root: string, name: string): Promise<void> {
  checkSignerName(name);
  const current = await readSigners(root);
  if (!current) return;
  const file = shownPath(join(root, SIGNERS_FILE));
  const refused = await signersProblems(current);
  if (refused.length > 0) throw new SigningKeyError(`${file} is refused (${refused.join('; ')}): fix it before trusting another key`);
  const holder = current.signers.find((s) => nameKey(s.name) === nameKey(name));
  if (holder) {
    throw new SigningKeyError(`"${holder.name}" already has a key in ${file}: a name is bound to one key (remove the old entry to replace it — its sign-offs then no longer verify — or give another --name)`);
  }
}

export async function addTrustedSigner(root: string, signer: { name: string; publicKey: string; sample?: boolean }): Promise<string> {
  await ensureJsonSchemas(root);
  const current: Signers = (await readSigners(root)) ?? { $schema: schemaFiles.signers.fromFile, schemaVersion: SCHEMA_VERSION, signers: [] };
  if (current.signers.some((s) => s.publicKey === signer.publicKey)) throw new SigningKeyError(`this key is already trusted in ${join(root, SIGNERS_FILE)}`);
  await checkNewSignerName(root, signer.name);
  const next = { ...current, signers: [...current.signers, { name: signer.name, publicKey: signer.publicKey, sample: signer.sample ?? false }] };
  // What the name check cannot see (the same key spelled another way in base64).
  const refused = await signersProblems(next);
  if (refused.length > 0) throw new SigningKeyError(`refusing to trust this key in ${join(root, SIGNERS_FILE)}: ${refused.join('; ')}`);
  const file = join(root, SIGNERS_FILE);
  await writeFileAtomic(file, stableJson(signersSchema, next));
  return file;
}
