/** DSSE and sign-off verification, pure: the encoding against the spec's example, and the states a role can be in. */
import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PAYLOAD_TYPE, fromBase64, keyIdOf, pae, readStatement, signoffStatement, toBase64 } from '../../src/core/signoffs/dsse.ts';
import { verifySignoffs } from '../../src/core/signoffs/verify-signoffs.ts';
import { SCHEMA_VERSION, schemaFiles, signoffStatementSchema, type DsseEnvelope, type Signers } from '../../src/format/index.ts';
import { rawPublicKey } from '../../collectors/signing/keys.ts';

const digest = (c: string) => c.repeat(64);
const predicate = (role: string, signedAt: string, deploymentId = 'prod-1') => ({ deploymentId, environment: 'production', role, name: 'Alice', signedAt, note: null });

function signer() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const envelope = (statement: unknown): DsseEnvelope => {
    const payload = new TextEncoder().encode(JSON.stringify(statement));
    return { payloadType: PAYLOAD_TYPE, payload: toBase64(payload), signatures: [{ keyid: '', sig: toBase64(sign(null, pae(PAYLOAD_TYPE, payload), privateKey)) }] };
  };
  return { raw: rawPublicKey(publicKey), envelope };
}

describe('DSSE', () => {
  it('encodes as the specification\'s example, and round-trips base64', () => {
    expect(new TextDecoder().decode(pae('http://example.com/HelloWorld', new TextEncoder().encode('hello world')))).toBe('DSSEv1 29 http://example.com/HelloWorld 11 hello world');
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    expect(fromBase64(toBase64(bytes))).toEqual(bytes);
  });

  it('reads a statement exactly when the format\'s schema accepts it', () => {
    const good = signoffStatement(digest('a'), predicate('deployed-by', '2026-01-01T00:00:00.000Z'));
    expect(readStatement(good)).toEqual(good);
    expect(signoffStatementSchema.safeParse(good).success).toBe(true);
    const bad = [
      { ...good, _type: 'https://in-toto.io/Statement/v0.1' },
      { ...good, predicateType: 'https://example.com/other' },
      { ...good, subject: [] },
      { ...good, subject: [{ name: 'x', digest: { sha256: 'not-hex' } }] },
      { ...good, predicate: { ...good.predicate, name: 42 } },
      { ...good, predicate: { ...good.predicate, note: undefined } },
      null,
    ];
    for (const statement of bad) {
      expect(readStatement(statement), JSON.stringify(statement)).toBeNull();
      expect(signoffStatementSchema.safeParse(statement).success, JSON.stringify(statement)).toBe(false);
    }
  });
});

describe('a role\'s sign-off state', () => {
  it('is the best of its sign-offs: a valid one over the current digest beats a stale one; none is unsigned', async () => {
    const alice = signer();
    const keyid = await keyIdOf(alice.raw);
    const signers: Signers = { $schema: schemaFiles.signers.fromFile, schemaVersion: SCHEMA_VERSION, signers: [{ name: 'Alice', publicKey: toBase64(alice.raw), sample: false }] };
    const withKey = (e: DsseEnvelope) => ({ ...e, signatures: [{ ...e.signatures[0]!, keyid }] });
    const old = withKey(alice.envelope(signoffStatement(digest('b'), predicate('deployed-by', '2026-01-01T00:00:00.000Z'))));
    const current = withKey(alice.envelope(signoffStatement(digest('a'), predicate('deployed-by', '2026-01-02T00:00:00.000Z'))));
    const subject = { deploymentId: 'prod-1', digest: digest('a'), intact: true, roles: [{ id: 'deployed-by', label: 'Deployed by' }, { id: 'approved', label: 'Approved' }] };
    const { roles } = await verifySignoffs(subject, [current, old], signers);
    expect(roles.map((r) => [r.role, r.state])).toEqual([['deployed-by', 'signed'], ['approved', 'unsigned']]);
    expect(roles[0]?.signoff?.predicate?.signedAt).toBe('2026-01-02T00:00:00.000Z');
    expect((await verifySignoffs(subject, [old], signers)).roles[0]?.state).toBe('stale');
    // Evidence that no longer matches its manifest makes even a signature over the current digest stale.
    expect((await verifySignoffs({ ...subject, intact: false }, [current], signers)).roles[0]?.state).toBe('stale');
    // No trusted signers: unverified.
    expect((await verifySignoffs(subject, [current], null)).roles[0]).toMatchObject({ state: 'unverified', signoff: { reason: expect.stringContaining('not among the trusted signers') } });
  });
});
