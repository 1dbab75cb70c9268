/**
 * The SAMPLE signers (see README.md): trusted in an evidence root with `"sample": true`, and used
 * by the demo and the sample-evidence generator to make real sign-offs. Never for real evidence.
 */
import { readFile } from 'node:fs/promises';
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

/** Signs a deployment off in the given roles, each with its sample key. */
export async function signWithSampleKeys(root: string, deploymentId: string, roles: readonly SampleRole[], note?: string): Promise<void> {
  await trustSampleSigners(root);
  for (const role of roles) await signDeployment({ root, deploymentId, role, keyFile: keyFile(role, 'key'), note });
}
