/**
 * Ed25519 key pairs for sign-offs (node:crypto): the private key as PKCS#8 PEM readable by its
 * owner only, the public key as base64 of its 32 raw bytes — the form `_signers.json` holds.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { keyIdOf, toBase64 } from '../../src/core/signoffs/dsse.ts';
import { asEvidenceWriteError, makeFolderFor } from '../evidence/evidence-write-error.ts';

/** The 32 raw bytes of an Ed25519 public key (its SPKI DER is a fixed 12-byte header, then the key). */
export function rawPublicKey(key: KeyObject): Uint8Array<ArrayBuffer> {
  const der = key.export({ format: 'der', type: 'spki' });
  return new Uint8Array(der.subarray(der.length - 32));
}

export class SigningKeyError extends Error {}

/**
 * Writes a new key pair, creating the folders it goes in (a private key's readable by its owner
 * only). A file that exists is refused (SigningKeyError); a folder that cannot be made or written
 * fails naming the path (EvidenceWriteError, exit 4).
 */
export async function generateSigningKey(privateFile: string, publicFile: string): Promise<{ publicKey: string; keyid: string }> {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const refused = (file: string) => (error: NodeJS.ErrnoException) => {
    if (error.code === 'EEXIST') throw new SigningKeyError(`${file} already exists: keys are never overwritten`);
    const mapped = asEvidenceWriteError(error, file, 'the key pair');
    throw mapped === error ? new SigningKeyError(`${file}: ${error.message}`) : mapped;
  };
  await makeFolderFor(privateFile, 'the key pair', 0o700);
  await makeFolderFor(publicFile, 'the key pair');
  // `wx`: never overwrite a key someone already signs with.
  await writeFile(privateFile, privateKey.export({ format: 'pem', type: 'pkcs8' }), { flag: 'wx', mode: 0o600 }).catch(refused(privateFile));
  const raw = rawPublicKey(publicKey);
  await writeFile(publicFile, `${toBase64(raw)}\n`, { flag: 'wx' }).catch(refused(publicFile));
  return { publicKey: toBase64(raw), keyid: await keyIdOf(raw) };
}

export async function readSigningKey(file: string): Promise<{ privateKey: KeyObject; publicKey: string; keyid: string }> {
  const pem = await readFile(file, 'utf8').catch((error: Error) => {
    throw new SigningKeyError(`cannot read the key ${file}: ${error.message}`);
  });
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (error) {
    throw new SigningKeyError(`${file} is not a private key in PEM form (${(error as Error).message})`);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new SigningKeyError(`${file} is a ${privateKey.asymmetricKeyType} key: sign-offs use Ed25519 (deploy-evidence keygen)`);
  const raw = rawPublicKey(createPublicKey(privateKey));
  return { privateKey, publicKey: toBase64(raw), keyid: await keyIdOf(raw) };
}
