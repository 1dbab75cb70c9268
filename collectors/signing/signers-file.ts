/** Adds a public key to the trusted signers (`<evidence>/_signers.json`), creating the file when there is none. */
import { join } from 'node:path';
import { SIGNERS_FILE } from '../../src/format/evidence-tree.ts';
import { readSigners } from '../../src/format/read-deployment-dir.ts';
import { SCHEMA_VERSION, schemaFiles, signersSchema, stableJson } from '../../src/format/index.ts';
import { writeFileAtomic } from '../evidence/atomic-write.ts';
import { ensureJsonSchemas } from '../evidence/evidence-writer.ts';
import { SigningKeyError } from './keys.ts';

export async function addTrustedSigner(root: string, signer: { name: string; publicKey: string; sample?: boolean }): Promise<string> {
  await ensureJsonSchemas(root);
  const current = (await readSigners(root)) ?? { $schema: schemaFiles.signers.fromFile, schemaVersion: SCHEMA_VERSION, signers: [] };
  if (current.signers.some((s) => s.publicKey === signer.publicKey)) throw new SigningKeyError(`this key is already trusted in ${join(root, SIGNERS_FILE)}`);
  const file = join(root, SIGNERS_FILE);
  await writeFileAtomic(file, stableJson(signersSchema, { ...current, signers: [...current.signers, { name: signer.name, publicKey: signer.publicKey, sample: signer.sample ?? false }] }));
  return file;
}
