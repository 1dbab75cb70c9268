/**
 * Each sign-off role of a deployment, judged: signed (a trusted key's valid signature over this
 * deployment's current digest, in the name the signers list binds to that key), stale (a valid
 * signature over a digest the evidence no longer matches), unverified (an unknown key, a bad
 * signature, a payload naming someone other than the key's owner, a signers list that does not
 * bind one name to one key or holds a name a reader could take for another, another deployment, an undeclared role, a sign-off the checklist's
 * segregation of duties forbids) or unsigned. Pure apart from WebCrypto's Ed25519 verify, which the browser has too: the report's
 * "Verify this report" runs this module as it is (it imports no zod, only types from the format).
 */
import type { DsseEnvelope, Signers, SignoffPredicate } from '../../format/signoff-schema.ts';
import type { SignoffPolicy } from '../../format/checklist-schema.ts';
import type { DecisionStatus } from '../../format/deployment-schema.ts';
import { overriddenDecision } from './approving-roles.ts';
import { fromBase64, keyIdOf, pae, readStatement } from './dsse.ts';
import { nameKey, sameName, shownName, signerNameProblem } from './signer-names.ts';

export { nameKey, sameName } from './signer-names.ts';

export type SignoffState = 'signed' | 'stale' | 'unverified' | 'unsigned';

export interface SignoffVerdict {
  state: Exclude<SignoffState, 'unsigned'>;
  /** What the signed payload says (null when the payload does not read). */
  predicate: SignoffPredicate | null;
  keyid: string | null;
  /** The signer's name in the trusted keys (null: an unknown key, or a signers list that is refused). */
  signer: string | null;
  /**
   * Who signed, as every output shows it: the name the signers list binds to the key, never the
   * name the payload claims (issue 24) — that claim only where the list knows no owner for the key.
   */
  name: string | null;
  sampleKey: boolean;
  /** Why it is not `signed`. */
  reason: string | null;
}

export interface RoleVerdict {
  role: string;
  label: string;
  state: SignoffState;
  /** The sign-off that decides the state (the newest of the best state), null when unsigned. */
  signoff: SignoffVerdict | null;
}

export interface SignoffSubject {
  deploymentId: string;
  /** sha256 of manifest.json as it is now (null: no manifest). */
  digest: string | null;
  /** The files match the manifest (a signature over a digest whose evidence changed is stale). */
  intact: boolean;
  roles: readonly { id: string; label: string }[];
  /** The checklist's segregation of duties (a checklist before format v3 has the default: every role by a different person). */
  policy: SignoffPolicy;
  /** Who ran the collection (null: not recorded, as in evidence before format v3). */
  collectedBy: string | null;
  /**
   * The deployment's decision, which an approving sign-off over BLOCKED or INCOMPLETE must say it
   * overrode (null: evidence before format v3, when no sign-off said so).
   */
  decision: DecisionStatus | null;
}

/** Whether the policy wants roles `a` and `b` signed by different people. */
function mustDiffer(policy: SignoffPolicy, a: string, b: string): boolean {
  if (a === b) return false;
  return policy.distinct === 'all' || policy.distinct.some((group) => group.includes(a) && group.includes(b));
}

/** The policy in words, for the report and `checklist show`. */
export function signoffPolicyInWords(policy: SignoffPolicy, roles: readonly { id: string; label: string }[]): string {
  const label = (id: string) => roles.find((r) => r.id === id)?.label ?? id;
  const groups =
    policy.distinct === 'all'
      ? roles.length > 1 ? ['every role by a different person'] : []
      : policy.distinct.map((group) => `${group.map(label).join(', ')} each by a different person`);
  const collector = policy.notByCollector.length > 0 ? [`not by the person who ran the collection: ${policy.notByCollector.map(label).join(', ')}`] : [];
  return [...(groups.length > 0 ? groups : ['anyone may sign any roles']), ...collector].join('; ');
}

export interface TrustedKeys {
  /** By keyid. */
  keys: Map<string, { name: string; key: CryptoKey; sample: boolean }>;
  /**
   * Why the list is refused, each naming the entry (empty: it is not): a key listed twice, under
   * any names, or a name with two keys, would let one person sign as two — or two as one; a name a
   * reader could take for another (signer-names.ts) would let a second key pass as the first's owner.
   */
  refused: string[];
}

const short = (keyid: string) => `${keyid.slice(0, 16)}…`;

export async function trustedKeys(signers: Signers | null): Promise<TrustedKeys> {
  const keys: TrustedKeys['keys'] = new Map();
  const refused: string[] = [];
  const byName = new Map<string, { name: string; keyid: string }>();
  for (const signer of signers?.signers ?? []) {
    const raw = fromBase64(signer.publicKey);
    // By the key's bytes, not its base64 text: two spellings of one key are one key.
    const keyid = raw.length === 32 ? await keyIdOf(raw) : null;
    const unreadable = signerNameProblem(signer.name);
    if (unreadable) refused.push(`signer "${shownName(signer.name)}"${keyid ? ` (key ${short(keyid)})` : ''} has a name a reader could take for another: ${unreadable}`);
    if (keyid === null) continue;
    const listed = keys.get(keyid);
    if (listed) refused.push(`key ${short(keyid)} is listed twice in the signers list (as "${shownName(listed.name)}" and as "${shownName(signer.name)}")`);
    const named = byName.get(nameKey(signer.name));
    if (named && named.keyid !== keyid) refused.push(`"${shownName(signer.name)}" has two keys in the signers list (${short(named.keyid)} and ${short(keyid)})`);
    if (listed) continue;
    byName.set(nameKey(signer.name), { name: signer.name, keyid });
    keys.set(keyid, { name: signer.name, key: await crypto.subtle.importKey('raw', raw, { name: 'Ed25519' }, false, ['verify']), sample: signer.sample === true });
  }
  return { keys, refused };
}

/** Why a signers list is refused (empty: it binds each name to one key and each key to one name). */
export async function signersProblems(signers: Signers | null): Promise<string[]> {
  return (await trustedKeys(signers)).refused;
}

async function verifySignoff(envelope: DsseEnvelope, subject: SignoffSubject, { keys, refused }: TrustedKeys): Promise<SignoffVerdict> {
  const unverified = (reason: string, rest: Partial<SignoffVerdict> = {}): SignoffVerdict => ({ state: 'unverified', predicate: null, keyid: null, signer: null, name: rest.predicate?.name ?? null, sampleKey: false, reason, ...rest });
  let payload: Uint8Array<ArrayBuffer>;
  let statement;
  try {
    payload = fromBase64(envelope.payload);
    statement = readStatement(JSON.parse(new TextDecoder().decode(payload)));
  } catch {
    return unverified('the signed payload does not read');
  }
  if (!statement) return unverified('the signed payload is not a sign-off statement');
  const predicate = statement.predicate;
  const signature = envelope.signatures[0];
  if (!signature) return unverified('it carries no signature', { predicate });
  // A list that does not bind one name to one key cannot say who signed anything.
  if (refused.length > 0) return unverified(`the signers list is refused: ${refused.join('; ')}`, { predicate, keyid: signature.keyid });
  const trusted = keys.get(signature.keyid);
  if (!trusted) return unverified(`key ${short(signature.keyid)} is not among the trusted signers`, { predicate, keyid: signature.keyid });
  const known = { predicate, keyid: signature.keyid, signer: trusted.name, name: trusted.name, sampleKey: trusted.sample };
  const valid = await crypto.subtle.verify({ name: 'Ed25519' }, trusted.key, fromBase64(signature.sig), pae(envelope.payloadType, payload));
  if (!valid) return unverified('the signature does not verify (forged or altered)', known);
  // The key vouches for its owner only: a trusted key signing in another's name proves nothing about that name.
  if (!sameName(predicate.name, trusted.name)) return unverified(`signed in the name of "${predicate.name}", but key ${short(signature.keyid)} belongs to "${trusted.name}"`, known);
  const [target] = statement.subject;
  if (predicate.deploymentId !== subject.deploymentId || target!.name !== `${subject.deploymentId}/manifest.json`) {
    return unverified(`it signs another deployment (${predicate.deploymentId})`, known);
  }
  if (!subject.roles.some((r) => r.id === predicate.role)) return unverified(`the checklist declares no role "${predicate.role}"`, known);
  // `sign` refuses an approving role over BLOCKED or INCOMPLETE unless forced, and then the signed
  // payload says so: one that does not was made around the tool, and would read as a plain approval.
  const overridden = subject.decision ? overriddenDecision(subject.decision, predicate.role, subject.policy) : null;
  if (overridden && predicate.forced?.decision !== overridden) {
    return unverified(`it approves a ${overridden} deployment without recording that it was forced over that decision (sign --force)`, known);
  }
  if (target!.digest.sha256 !== subject.digest || !subject.intact) {
    return { state: 'stale', ...known, reason: `it signed digest ${target!.digest.sha256.slice(0, 16)}…, which the evidence no longer matches` };
  }
  return { state: 'signed', ...known, reason: null };
}

/**
 * The checklist's segregation of duties over sign-offs that otherwise hold (signed or stale): in
 * the order they were signed, each person (a key, bound to one name) keeps the first role they
 * signed, and a later sign-off of theirs in a role the policy wants signed by someone else is
 * unverified, saying which; so is one by the person who ran the collection in a role the policy
 * bars them from. Sign-offs that do not hold for other reasons claim nothing, so they bar nothing.
 */
function withPolicy(subject: SignoffSubject, signoffs: readonly SignoffVerdict[]): SignoffVerdict[] {
  const { policy, collectedBy } = subject;
  const label = (id: string) => subject.roles.find((r) => r.id === id)?.label ?? id;
  const judged = [...signoffs];
  const held: { role: string; keyid: string; signedAt: string }[] = [];
  const order = signoffs
    .map((s, i) => ({ s, i }))
    .filter(({ s }) => (s.state === 'signed' || s.state === 'stale') && s.predicate !== null && s.keyid !== null)
    // signedAt is signed; ties keep the order of the file.
    .sort((a, b) => (a.s.predicate!.signedAt < b.s.predicate!.signedAt ? -1 : a.s.predicate!.signedAt > b.s.predicate!.signedAt ? 1 : a.i - b.i));
  for (const { s, i } of order) {
    const { role, signedAt } = s.predicate!;
    let reason: string | null = null;
    if (policy.notByCollector.includes(role)) {
      if (collectedBy === null) reason = `the checklist's sign-off policy says the person who ran the collection may not sign off as ${label(role)}, and who ran it is not recorded`;
      else if (sameName(collectedBy, s.name!)) reason = `${s.name} ran the collection, and the checklist's sign-off policy says whoever ran it may not sign off as ${label(role)}`;
    }
    const first = reason ? undefined : held.find((h) => h.keyid === s.keyid && mustDiffer(policy, h.role, role));
    if (first) reason = `${s.name} already signed off as ${label(first.role)} (${first.signedAt}), and the checklist's sign-off policy says ${label(first.role)} and ${label(role)} are signed by different people`;
    if (reason) judged[i] = { ...s, state: 'unverified', reason };
    else held.push({ role, keyid: s.keyid!, signedAt });
  }
  return judged;
}

/** The declared roles without a valid sign-off over the evidence as it is: unsigned, stale or unverified. */
export function rolesNotSigned(roles: readonly RoleVerdict[]): RoleVerdict[] {
  return roles.filter((r) => r.state !== 'signed');
}

const RANK: Record<SignoffVerdict['state'], number> = { signed: 3, stale: 2, unverified: 1 };

/** Every declared role with the sign-off that decides it: the best state, the newest of that state. */
export async function verifySignoffs(subject: SignoffSubject, envelopes: readonly DsseEnvelope[], signers: Signers | null): Promise<{ roles: RoleVerdict[]; signoffs: SignoffVerdict[] }> {
  const trusted = await trustedKeys(signers);
  const signoffs = withPolicy(subject, await Promise.all(envelopes.map((e) => verifySignoff(e, subject, trusted))));
  const roles = subject.roles.map((role): RoleVerdict => {
    const mine = signoffs.filter((s) => s.predicate?.role === role.id);
    const best = mine.sort((a, b) => RANK[b.state] - RANK[a.state] || ((b.predicate?.signedAt ?? '') < (a.predicate?.signedAt ?? '') ? -1 : 1))[0];
    return { role: role.id, label: role.label, state: best?.state ?? 'unsigned', signoff: best ?? null };
  });
  return { roles, signoffs };
}
