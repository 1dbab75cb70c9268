/**
 * DSSE (Dead Simple Signing Envelope) and the in-toto Statement a sign-off signs. Pure and
 * platform-neutral (WebCrypto, TextEncoder, atob/btoa): the CLI, the site build and the browser's
 * "Verify this report" run this same code.
 */
import { SIGNOFF_PREDICATE_TYPE, type SignoffPredicate, type SignoffStatement } from '../../format/index.ts';

export const PAYLOAD_TYPE = 'application/vnd.in-toto+json';

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
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: `${predicate.deploymentId}/manifest.json`, digest: { sha256: manifestSha256 } }],
    predicateType: SIGNOFF_PREDICATE_TYPE,
    predicate,
  };
}
