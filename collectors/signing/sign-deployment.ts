/**
 * `deploy-evidence sign`: appends a sign-off to `<deployment>/signoffs.json` — a DSSE envelope
 * around an in-toto Statement whose subject is the deployment's manifest and its digest, signed
 * with Ed25519. Refused unless the deployment's files match its manifest: a sign-off vouches for
 * exactly the evidence it names. Refused, too, when `verify` would judge it unverified: in a name
 * other than the one the signers list binds to the key, against a signers list that is refused, or
 * against the checklist's segregation of duties (issue 24).
 */
import { sign } from 'node:crypto';
import { join } from 'node:path';
import { SCHEMA_VERSION, readEvidenceText, schemaFiles, schemaFilesOf, signoffRoles, signoffsSchemaOf, stableJson, type DsseEnvelope, type FormatVersion, type Signoffs } from '../../src/format/index.ts';
import { readEvidenceBytesSync } from '../../src/format/evidence-tree.ts';
import { ensureJsonSchemas } from '../evidence/evidence-writer.ts';
import { readDeploymentDir, readSigners } from '../../src/format/read-deployment-dir.ts';
import { signoffDecision } from '../../src/format/signoff-roles.ts';
import { readEvidenceDigests } from '../../src/format/read-evidence-digests.ts';
import { rederivationProblems } from '../../src/core/integrity/rederive.ts';
import { PAYLOAD_TYPE, pae, signoffStatement, toBase64 } from '../../src/core/signoffs/dsse.ts';
import { sameName, trustedKeys, verifySignoffs } from '../../src/core/signoffs/verify-signoffs.ts';
import { judgeDeployment } from '../../src/core/integrity/verify.ts';
import { overriddenDecision, type NotGo } from '../../src/core/signoffs/approving-roles.ts';
import { reasonsInWords } from '../../src/core/decision/reasons.ts';
import { writeFileAtomic } from '../evidence/atomic-write.ts';
import { readSigningKey, SigningKeyError } from './keys.ts';

export interface SignRequest {
  root: string;
  deploymentId: string;
  role: string;
  keyFile: string;
  /** Defaults to the key's name in `_signers.json`. */
  name?: string;
  note?: string;
  /**
   * Sign an approving role over a BLOCKED or INCOMPLETE decision anyway: the sign-off then records
   * the decision it overrode (src/core/signoffs/approving-roles.ts).
   */
  force?: boolean;
  now?: () => Date;
}

export interface SignResult {
  file: string;
  digest: string;
  keyid: string;
  name: string;
  /** The key is among the trusted signers (`_signers.json`): the sign-off will verify. */
  trusted: boolean;
  /** The decision this sign-off was forced over (null: it needed no force). */
  forcedOver: NotGo | null;
}

/**
 * The deployment does not verify (signing it would vouch for evidence that is not what was
 * collected), or the sign-off would not verify: nothing is written.
 */
export class SignRefusedError extends Error {}

export async function signDeployment(request: SignRequest): Promise<SignResult> {
  const { root, deploymentId: id } = request;
  // Its own files against its manifest: a broken or forked chain is about its neighbours (two
  // branches collected in parallel and merged fork it), and `verify` names that on its own.
  const [digests] = (await readEvidenceDigests(root, { only: [id], rederive: rederivationProblems })).deployments;
  const integrity = digests ? judgeDeployment(digests) : null;
  if (!integrity) throw new SigningKeyError(`no deployment "${id}" in ${root}`);
  if (integrity.status !== 'OK' || !integrity.digest) {
    throw new SignRefusedError(`${id} does not verify (${integrity.status}): refusing to sign evidence that is not what was collected\n${integrity.problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  const dir = (await readDeploymentDir(root, id))!;
  const roles = signoffRoles(dir.deployment.checklist.definition);
  if (!roles.some((r) => r.id === request.role)) {
    throw new SigningKeyError(`the checklist ${dir.deployment.checklist.id} declares no sign-off role "${request.role}" (it takes: ${roles.map((r) => r.id).join(', ') || 'none'})`);
  }
  const policy = dir.deployment.checklist.definition.signoffPolicy;
  const overridden = overriddenDecision(dir.deployment.decision.status, request.role, policy);
  if (overridden && !request.force) {
    const reasons = reasonsInWords(dir.deployment, dir.snapshots).map((r) => `  - ${r}`).join('\n');
    throw new SignRefusedError(
      `refusing to sign ${id} as ${request.role}: its decision is ${overridden}, and ${request.role} approves (the checklist's sign-off policy does not list it as informative)${reasons ? `\n${reasons}` : ''}\n--force signs it anyway, and the sign-off records that it was forced over ${overridden}`,
    );
  }
  const key = await readSigningKey(request.keyFile);
  const signers = await readSigners(root);
  const trusted = (await trustedKeys(signers)).keys.get(key.keyid) ?? null;
  const name = request.name ?? trusted?.name;
  if (!name) throw new SigningKeyError(`the key ${request.keyFile} is not in ${join(root, '_signers.json')}: give the signer's --name`);
  const holder = trusted ? null : signers?.signers.find((s) => sameName(s.name, name));
  if (holder) throw new SignRefusedError(`refusing to sign ${id}: "${holder.name}" is bound to another key in ${join(root, '_signers.json')}, and a sign-off in that name with this key would never verify (sign with that key, or give your own --name)`);

  const statement = signoffStatement(integrity.digest, {
    deploymentId: id,
    environment: dir.deployment.environment,
    role: request.role,
    name,
    signedAt: (request.now?.() ?? new Date()).toISOString(),
    note: request.note ?? null,
    ...(overridden ? { forced: { decision: overridden } } : {}),
  });
  const payload = new TextEncoder().encode(JSON.stringify(statement));
  const envelope: DsseEnvelope = {
    payloadType: PAYLOAD_TYPE,
    payload: toBase64(payload),
    signatures: [{ keyid: key.keyid, sig: toBase64(sign(null, pae(PAYLOAD_TYPE, payload), key.privateKey)) }],
  };
  const existing: Signoffs = dir.signoffs ?? { $schema: schemaFiles.signoffs.fromFile, schemaVersion: SCHEMA_VERSION, deploymentId: id, signoffs: [] };
  // Judged as `verify` will judge it; a key not trusted yet, as it will be once trusted under this name.
  const judgedWith = trusted ? signers : { $schema: schemaFiles.signers.fromFile, schemaVersion: SCHEMA_VERSION, signers: [...(signers?.signers ?? []), { name, publicKey: key.publicKey, sample: false }] };
  const subject = { deploymentId: id, digest: integrity.digest, intact: true, roles, policy, collectedBy: dir.deployment.collectedBy, decision: signoffDecision(dir.formatVersion, dir.deployment.decision.status) };
  const earlier = existing.signoffs.map((s) => s.envelope);
  const before = (await verifySignoffs(subject, earlier, judgedWith)).signoffs;
  const after = (await verifySignoffs(subject, [...earlier, envelope], judgedWith)).signoffs;
  const judged = after.at(-1)!;
  if (judged.state !== 'signed') throw new SignRefusedError(`refusing to sign ${id} as ${request.role}: the sign-off would be ${judged.state}: ${judged.reason}`);
  // Signed "before" a sign-off already there (a clock behind), it could take a role that one holds.
  const displaced = after.findIndex((s, i) => i < before.length && s.state === 'unverified' && before[i]!.state !== 'unverified');
  if (displaced >= 0) throw new SignRefusedError(`refusing to sign ${id} as ${request.role}: the sign-off as ${after[displaced]!.predicate!.role} by ${after[displaced]!.name} would become unverified: ${after[displaced]!.reason}`);
  const file = join(root, id, 'signoffs.json');
  // Appended in the file's own format version (the sign-offs before stay as they were, byte for
  // byte); a new file in the current one, with its JSON Schemas beside the evidence.
  const version = (dir.signoffs ? readEvidenceText('signoffs', file, readEvidenceBytesSync(file).toString('utf8')).writtenIn : SCHEMA_VERSION) as FormatVersion;
  if (!dir.signoffs) await ensureJsonSchemas(root);
  const signoffs = [...existing.signoffs, { envelope }];
  await writeFileAtomic(file, stableJson(signoffsSchemaOf(version), { $schema: schemaFilesOf(version).signoffs.fromFile, schemaVersion: version, deploymentId: id, signoffs }));
  return { file, digest: integrity.digest, keyid: key.keyid, name, trusted: trusted !== null, forcedOver: overridden };
}
