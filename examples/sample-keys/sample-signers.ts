/**
 * The SAMPLE signers (see README.md): trusted in an evidence root with `"sample": true`, and used
 * by the demo and the sample-evidence generator to make real sign-offs. Never for real evidence.
 * The committed key files sign the samples in evidence/ (`npm run sample-evidence`, in a clone: the
 * npm package leaves the private keys out); the demo makes its own SAMPLE keys when it runs,
 * derived from a seed written below, so every demo signs with the same keys and no private key is
 * shipped for a secret scanner to flag.
 */
import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rawPublicKey } from '../../collectors/signing/keys.ts';
import { toBase64 } from '../../src/core/signoffs/dsse.ts';
import { readSigners } from '../../src/format/read-deployment-dir.ts';
import { addTrustedSigner } from '../../collectors/signing/signers-file.ts';
import { signDeployment } from '../../collectors/signing/sign-deployment.ts';
import { packagePath } from '../../collectors/package-root.ts';

const SAMPLE_SIGNERS = [
  { role: 'deployed-by', name: 'Sample Release Engineer' },
  { role: 'validated-by', name: 'Sample QA Engineer' },
  { role: 'approved-for-production', name: 'Sample Change Approver' },
] as const;

export type SampleRole = (typeof SAMPLE_SIGNERS)[number]['role'];

const keyFile = (role: SampleRole, ext: 'key' | 'pub') => packagePath('examples', 'sample-keys', `${role}.${ext}`);

/** Trusts every sample key in `root` (marked sample), leaving keys already there as they are. */
async function trustSampleSigners(root: string): Promise<void> {
  const trusted = new Set((await readSigners(root))?.signers.map((s) => s.publicKey) ?? []);
  for (const { role, name } of SAMPLE_SIGNERS) {
    const publicKey = (await readFile(keyFile(role, 'pub'), 'utf8')).trim();
    if (!trusted.has(publicKey)) await addTrustedSigner(root, { name, publicKey, sample: true });
  }
}

/** The demo's signers: their own names, so a folder that already trusts the committed keys takes theirs too. */
const DEMO_SIGNERS: Record<SampleRole, string> = {
  'deployed-by': 'Demo Release Engineer',
  'validated-by': 'Demo QA Engineer',
  'approved-for-production': 'Demo Change Approver',
};

/** An Ed25519 PKCS#8 key is this 16-byte header, then the 32-byte seed. */
const PKCS8_ED25519_HEADER = Buffer.from('302e020100300506032b657004220420', 'hex');

/** The demo's SAMPLE private key for a role, as PEM: from a published seed, so anyone can sign with it. */
function demoKeyPem(role: SampleRole): string {
  const seed = createHash('sha256').update(`deploy-evidence demo SAMPLE key, never to be trusted: ${role}`).digest();
  return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_HEADER, seed]), format: 'der', type: 'pkcs8' }).export({ format: 'pem', type: 'pkcs8' }) as string;
}

/**
 * Signs a deployment off in the given roles with the demo's SAMPLE keys, made now (trusted in
 * `root` as samples). The private keys live in a temporary folder for the signing, then go.
 */
export async function signWithDemoKeys(root: string, deploymentId: string, roles: readonly SampleRole[], note?: string): Promise<void> {
  const keys = await mkdtemp(join(tmpdir(), 'deploy-evidence-demo-keys-'));
  try {
    const trusted = new Set((await readSigners(root))?.signers.map((s) => s.publicKey) ?? []);
    for (const role of roles) {
      const pem = demoKeyPem(role);
      const publicKey = toBase64(rawPublicKey(createPublicKey(pem)));
      if (!trusted.has(publicKey)) await addTrustedSigner(root, { name: DEMO_SIGNERS[role], publicKey, sample: true });
      const keyFile = join(keys, `${role}.key`);
      await writeFile(keyFile, pem, { mode: 0o600 });
      await signDeployment({ root, deploymentId, role, keyFile, note });
    }
  } finally {
    await rm(keys, { recursive: true, force: true });
  }
}

/** Signs a deployment off in the given roles, each with its committed sample key (a clone's examples/sample-keys/). */
export async function signWithSampleKeys(root: string, deploymentId: string, roles: readonly SampleRole[], note?: string): Promise<void> {
  await trustSampleSigners(root);
  for (const role of roles) await signDeployment({ root, deploymentId, role, keyFile: keyFile(role, 'key'), note });
}
