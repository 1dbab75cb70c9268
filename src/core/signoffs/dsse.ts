/**
 * DSSE (Dead Simple Signing Envelope) and the in-toto Statement a sign-off signs. Pure and
 * platform-neutral (WebCrypto, TextEncoder, atob/btoa): the CLI, the site build and the browser's
 * "Verify this report" run this same code.
 */
import { PAYLOAD_TYPE, SIGNOFF_PREDICATE_TYPE, STATEMENT_TYPE } from '../../format/signoff-constants.ts';
import type { SignoffPredicate, SignoffStatement } from '../../format/signoff-schema.ts';

export { PAYLOAD_TYPE };

const encoder = new TextEncoder();

/** DSSE's pre-authentication encoding: what is actually signed (the type is bound to the payload). */
export function pae(payloadType: string, payload: Uint8Array): Uint8Array<ArrayBuffer> {
  const type = encoder.encode(payloadType);
  const head = encoder.encode(`DSSEv1 ${type.length} ${payloadType} ${payload.length} `);
  const out = new Uint8Array(head.length + payload.length);
  out.set(head, 0);
  out.set(payload, head.length);
  return out;
}

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) out[i] = binary.charCodeAt(i);
  return out;
}

export function hex(bytes: ArrayBuffer | Uint8Array): string {
  return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** A signer's keyid: the sha256 (hex) of the raw Ed25519 public key. */
export async function keyIdOf(rawPublicKey: Uint8Array<ArrayBuffer>): Promise<string> {
  return hex(await crypto.subtle.digest('SHA-256', rawPublicKey));
}

/** The statement a sign-off signs: the deployment's manifest by its digest, and who signed off as what. */
export function signoffStatement(manifestSha256: string, predicate: SignoffPredicate): SignoffStatement {
  return {
    _type: STATEMENT_TYPE,
    subject: [{ name: `${predicate.deploymentId}/manifest.json`, digest: { sha256: manifestSha256 } }],
    predicateType: SIGNOFF_PREDICATE_TYPE,
    predicate,
  };
}

const HEX64 = /^[0-9a-f]{64}$/;
const isText = (v: unknown): v is string => typeof v === 'string';
/** The decisions a sign-off may be forced over (`sign --force`). */
const FORCED_OVER = new Set(['BLOCKED', 'INCOMPLETE']);

/**
 * A sign-off statement read from its payload, or null when it is not one. Written by hand (the
 * zod schema in the format says the same) so the browser's check ships without zod.
 */
export function readStatement(json: unknown): SignoffStatement | null {
  const s = json as Partial<SignoffStatement> | null;
  const subject = Array.isArray(s?.subject) && s.subject.length === 1 ? s.subject[0] : null;
  const p = s?.predicate as Partial<SignoffPredicate> | undefined;
  const ok =
    s?._type === STATEMENT_TYPE &&
    s.predicateType === SIGNOFF_PREDICATE_TYPE &&
    isText(subject?.name) &&
    isText(subject?.digest?.sha256) &&
    HEX64.test(subject.digest.sha256) &&
    [p?.deploymentId, p?.environment, p?.role, p?.name, p?.signedAt].every(isText) &&
    (p?.note === null || isText(p?.note)) &&
    (p?.forced === undefined || FORCED_OVER.has((p.forced as { decision?: unknown } | null)?.decision as string));
  return ok ? (s as SignoffStatement) : null;
}
