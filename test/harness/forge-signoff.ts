/**
 * A sign-off made by hand, as an insider with a trusted key could make one without `deploy-evidence
 * sign` (which refuses what `verify` would not accept): any name, any role, any time, over any
 * digest, appended to the deployment's signoffs.json.
 */
import { createHash, sign } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PAYLOAD_TYPE, pae, signoffStatement, toBase64 } from '../../src/core/signoffs/dsse.ts';
import { generateSigningKey, readSigningKey } from '../../collectors/signing/keys.ts';
import type { DsseEnvelope } from '../../src/format/index.ts';

export interface ForgedSignoff {
  keyFile: string;
  deploymentId: string;
  environment: string;
  role: string;
  /** The name the payload claims. */
  name: string;
  digest: string;
  signedAt: string;
  note?: string | null;
}

export async function forgedEnvelope(s: ForgedSignoff): Promise<DsseEnvelope> {
  const key = await readSigningKey(s.keyFile);
  const statement = signoffStatement(s.digest, { deploymentId: s.deploymentId, environment: s.environment, role: s.role, name: s.name, signedAt: s.signedAt, note: s.note ?? null });
  const payload = new TextEncoder().encode(JSON.stringify(statement));
  return { payloadType: PAYLOAD_TYPE, payload: toBase64(payload), signatures: [{ keyid: key.keyid, sig: toBase64(sign(null, pae(PAYLOAD_TYPE, payload), key.privateKey)) }] };
}

/** Appends the sign-off to `<root>/<id>/signoffs.json` (which must exist), over the deployment's current digest unless one is given. */
export async function appendForgedSignoff(root: string, s: Omit<ForgedSignoff, 'digest'> & { digest?: string }): Promise<void> {
  const digest = s.digest ?? createHash('sha256').update(await readFile(join(root, s.deploymentId, 'manifest.json'))).digest('hex');
  const file = join(root, s.deploymentId, 'signoffs.json');
  const signoffs = JSON.parse(await readFile(file, 'utf8'));
  signoffs.signoffs.push({ envelope: await forgedEnvelope({ ...s, digest }) });
  await writeFile(file, `${JSON.stringify(signoffs, null, 2)}\n`);
}

/**
 * The gap docs/ci.md names: whoever can push the evidence branch appends a key of their own to the
 * evidence's `_signers.json` and signs a deployment with it, replacing the sign-off at `index` of
 * its signoffs.json. Returns the signers list as it was before (the reviewed one, its bytes), the
 * entry appended, and the key file.
 */
export async function signedWithAppendedKey(root: string, s: { deploymentId: string; environment: string; role: string; index: number; name: string; keyFile: string }): Promise<{ reviewed: Buffer; appended: { name: string; publicKey: string; sample: false } }> {
  const { publicKey } = await generateSigningKey(s.keyFile, `${s.keyFile}.pub`);
  const signersFile = join(root, '_signers.json');
  const reviewed = await readFile(signersFile);
  const signers = JSON.parse(reviewed.toString('utf8'));
  const appended = { name: s.name, publicKey, sample: false as const };
  signers.signers.push(appended);
  await writeFile(signersFile, `${JSON.stringify(signers, null, 2)}\n`);
  const file = join(root, s.deploymentId, 'signoffs.json');
  const signoffs = JSON.parse(await readFile(file, 'utf8'));
  const digest = createHash('sha256').update(await readFile(join(root, s.deploymentId, 'manifest.json'))).digest('hex');
  signoffs.signoffs[s.index] = { envelope: await forgedEnvelope({ keyFile: s.keyFile, deploymentId: s.deploymentId, environment: s.environment, role: s.role, name: s.name, digest, signedAt: '2026-11-26T10:00:00.000Z' }) };
  await writeFile(file, `${JSON.stringify(signoffs, null, 2)}\n`);
  return { reviewed, appended };
}
