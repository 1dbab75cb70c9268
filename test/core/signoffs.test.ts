/** DSSE and sign-off verification, pure: the encoding against the spec's example, and the states a role can be in. */
import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PAYLOAD_TYPE, fromBase64, keyIdOf, pae, readStatement, signoffStatement, toBase64 } from '../../src/core/signoffs/dsse.ts';
import { signersProblems, signoffPolicyInWords, verifySignoffs } from '../../src/core/signoffs/verify-signoffs.ts';
import { SCHEMA_VERSION, schemaFiles, signoffStatementSchema, type DecisionStatus, type DsseEnvelope, type Signers } from '../../src/format/index.ts';
import { rawPublicKey } from '../../collectors/signing/keys.ts';

const digest = (c: string) => c.repeat(64);
const predicate = (role: string, signedAt: string, deploymentId = 'prod-1', name = 'Alice', forced?: 'BLOCKED' | 'INCOMPLETE') => ({ deploymentId, environment: 'production', role, name, signedAt, note: null, ...(forced ? { forced: { decision: forced } } : {}) });

function signer() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const envelope = (statement: unknown): DsseEnvelope => {
    const payload = new TextEncoder().encode(JSON.stringify(statement));
    return { payloadType: PAYLOAD_TYPE, payload: toBase64(payload), signatures: [{ keyid: '', sig: toBase64(sign(null, pae(PAYLOAD_TYPE, payload), privateKey)) }] };
  };
  return { raw: rawPublicKey(publicKey), envelope };
}

/** A person with a key: `signs(role, at, name?)` is their envelope over the subject's digest, with its keyid. */
async function person(name: string) {
  const key = signer();
  const keyid = await keyIdOf(key.raw);
  return {
    name,
    keyid,
    entry: { name, publicKey: toBase64(key.raw), sample: false },
    signs: (role: string, signedAt: string, claimed = name, forced?: 'BLOCKED' | 'INCOMPLETE'): DsseEnvelope => {
      const e = key.envelope(signoffStatement(digest('a'), predicate(role, signedAt, 'prod-1', claimed, forced)));
      return { ...e, signatures: [{ ...e.signatures[0]!, keyid }] };
    },
  };
}

const signersOf = (...entries: { name: string; publicKey: string; sample: boolean }[]): Signers => ({ $schema: schemaFiles.signers.fromFile, schemaVersion: SCHEMA_VERSION, signers: entries });
const ROLES = [{ id: 'deployed-by', label: 'Deployed by' }, { id: 'validated-by', label: 'Validated by' }, { id: 'approved', label: 'Approved' }];
const DEFAULT_POLICY = { distinct: 'all' as const, notByCollector: [] };
const SUBJECT = { deploymentId: 'prod-1', digest: digest('a'), intact: true, roles: ROLES, policy: DEFAULT_POLICY, collectedBy: null, decision: 'APPROVED' as DecisionStatus | null };
const T = (n: number) => `2026-01-0${n}T00:00:00.000Z`;

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
    const subject = { deploymentId: 'prod-1', digest: digest('a'), intact: true, roles: [{ id: 'deployed-by', label: 'Deployed by' }, { id: 'approved', label: 'Approved' }], policy: DEFAULT_POLICY, collectedBy: null, decision: 'APPROVED' as DecisionStatus | null };
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

describe('signers bound to keys (issue 24)', () => {
  it('shows the name the signers list binds to the key; a payload naming anyone else is unverified, saying whose key it is', async () => {
    const mallory = await person('Mallory Insider');
    const signers = signersOf(mallory.entry);
    const { roles, signoffs } = await verifySignoffs(SUBJECT, [mallory.signs('deployed-by', T(1), 'Bob Chief Financial Officer'), mallory.signs('validated-by', T(2), ' mallory  INSIDER ')], signers);
    expect(roles[0]).toMatchObject({ state: 'unverified', signoff: { name: 'Mallory Insider', signer: 'Mallory Insider', predicate: { name: 'Bob Chief Financial Officer' } } });
    expect(roles[0]?.signoff?.reason).toBe(`signed in the name of "Bob Chief Financial Officer", but key ${mallory.keyid.slice(0, 16)}… belongs to "Mallory Insider"`);
    // The same name, spaced and cased otherwise, is the same person: signed, shown as the list writes it.
    expect(roles[1]).toMatchObject({ state: 'signed', signoff: { name: 'Mallory Insider', reason: null } });
    expect(signoffs.map((s) => s.state)).toEqual(['unverified', 'signed']);
  });

  it('refuses a signers list with one key listed twice, under any names: every sign-off judged against it is unverified, naming the duplicate', async () => {
    const alice = await person('Alice');
    const bob = await person('Bob');
    const twice = signersOf(alice.entry, bob.entry, { ...alice.entry, name: 'Alice Two' });
    const problems = await signersProblems(twice);
    expect(problems).toEqual([`key ${alice.keyid.slice(0, 16)}… is listed twice in the signers list (as "Alice" and as "Alice Two")`]);
    const { roles } = await verifySignoffs(SUBJECT, [alice.signs('deployed-by', T(1)), bob.signs('validated-by', T(2))], twice);
    for (const role of roles.slice(0, 2)) {
      expect(role.state).toBe('unverified');
      expect(role.signoff?.reason).toBe(`the signers list is refused: ${problems[0]}`);
    }
    // Listed twice under the same name is refused too.
    expect(await signersProblems(signersOf(alice.entry, alice.entry))).toHaveLength(1);
    expect(await signersProblems(signersOf(alice.entry, bob.entry))).toEqual([]);
    expect(await signersProblems(null)).toEqual([]);
  });

  it('refuses a signers list where one name has two keys (names compared as people read them)', async () => {
    const alice = await person('Alice Example');
    const other = await person('alice  example');
    const problems = await signersProblems(signersOf(alice.entry, other.entry));
    expect(problems).toEqual([`"alice  example" has two keys in the signers list (${alice.keyid.slice(0, 16)}… and ${other.keyid.slice(0, 16)}…)`]);
    const { roles } = await verifySignoffs(SUBJECT, [alice.signs('deployed-by', T(1))], signersOf(alice.entry, other.entry));
    expect(roles[0]).toMatchObject({ state: 'unverified', signoff: { reason: `the signers list is refused: ${problems[0]}` } });
  });

  it('refuses a signers list holding a look-alike of a name: an invisible, format or control character, or Latin mixed with Cyrillic or Greek letters; every sign-off against it is unverified, naming the entry', async () => {
    const carol = await person('Carol Approver');
    const cases: [string, string][] = [
      ['Carol Approver\u200b', 'it holds an invisible (format) character, U+200B, which a reader does not see'],
      ['Carol\u200dApprover', 'it holds an invisible (format) character, U+200D, which a reader does not see'],
      ['Carol Approver\u202e', 'it holds an invisible (format) character, U+202E, which a reader does not see'],
      ['Carol\u00adApprover', 'it holds an invisible (format) character, U+00AD, which a reader does not see'],
      ['Carol Approver\u0007', 'it holds a control character, U+0007, which a reader does not see'],
      ['Carol\tApprover', 'it holds a control character, U+0009, which a reader does not see'],
      ['Carol \u3164Approver', 'it holds an invisible (format) character, U+3164, which a reader does not see'],
      ['Carol \u0410pprover', 'it mixes Latin and Cyrillic letters, which look alike ("\u0410", U+0410, is Cyrillic)'],
      ['C\u03bfr\u03bfl Approver', 'it mixes Latin and Greek letters, which look alike ("\u03bf", U+03BF, is Greek)'],
      ['\u0421\u0430r\u043el', 'it mixes Cyrillic and Latin letters, which look alike ("r", U+0072, is Latin)'],
      ['\u200b', 'it holds an invisible (format) character, U+200B, which a reader does not see'],
      [' ', 'it is blank'],
    ];
    for (const [name, why] of cases) {
      const mallory = await person(name);
      const problems = await signersProblems(signersOf(carol.entry, mallory.entry));
      const shown = name.replace(/[\u0000-\u001f\u00ad\u200b\u200d\u202e\u3164]/g, (c) => `⟨U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}⟩`);
      expect(problems[0], JSON.stringify(name)).toBe(`signer "${shown}" (key ${mallory.keyid.slice(0, 16)}…) has a name a reader could take for another: ${why}`);
      // Carol's own sign-off no longer holds: the list that names her is refused.
      const { roles } = await verifySignoffs(SUBJECT, [carol.signs('approved', T(1)), mallory.signs('deployed-by', T(2))], signersOf(carol.entry, mallory.entry));
      expect(roles.map((r) => r.state)).toEqual(['unverified', 'unsigned', 'unverified']);
      expect(roles[2]?.signoff?.reason).toBe(`the signers list is refused: ${problems.join('; ')}`);
    }
    // Invisible characters, width and look-alike letters do not make another name either: an invisible character added is still Carol's name, with two keys.
    expect(await signersProblems(signersOf(carol.entry, { ...(await person('Carol Approver\u200b')).entry }))).toContainEqual(expect.stringMatching(/^"Carol Approver⟨U\+200B⟩" has two keys in the signers list/));
    expect(await signersProblems(signersOf(carol.entry, (await person('Ｃａｒｏｌ Approver')).entry))).toEqual([expect.stringMatching(/^"Ｃａｒｏｌ Approver" has two keys/)]);
    // A name wholly in Cyrillic letters drawn like Latin ones reads as the Latin name: one name, two keys.
    const ace = await person('ACE');
    expect(await signersProblems(signersOf(ace.entry, (await person('\u0410\u0421\u0415')).entry))).toEqual([expect.stringMatching(/^"\u0410\u0421\u0415" has two keys/)]);
  });

  it('accepts names in any one script, with accents, and the scripts Japanese writes together', async () => {
    const names = ['José Ñúñez-O\'Brien', 'Zoë Müller 3rd', '김민준', '山田 たろう タロウ', 'Иван Петров', 'Αλέξανδρος Παπαδόπουλος', 'محمد علي', 'דוד כהן', '王小明 (Ming) Wang', 'Dr. Ada  Lovelace'];
    const people = await Promise.all(names.map(person));
    expect(await signersProblems(signersOf(...people.map((p) => p.entry)))).toEqual([]);
    const { roles } = await verifySignoffs(SUBJECT, [people[2]!.signs('deployed-by', T(1)), people[4]!.signs('validated-by', T(2))], signersOf(...people.map((p) => p.entry)));
    expect(roles.slice(0, 2).map((r) => [r.state, r.signoff?.name])).toEqual([['signed', '김민준'], ['signed', 'Иван Петров']]);
  });
});

describe('segregation of duties (issue 24)', () => {
  it('by default every role by a different person: one key signing a second role is unverified there, and keeps the role it signed first', async () => {
    const alice = await person('Alice');
    const bob = await person('Bob');
    const signers = signersOf(alice.entry, bob.entry);
    // In the file, the later sign-off comes first: the order they were signed in decides.
    const { roles, signoffs } = await verifySignoffs(SUBJECT, [alice.signs('approved', T(3)), alice.signs('deployed-by', T(1)), bob.signs('validated-by', T(2))], signers);
    expect(roles.map((r) => [r.role, r.state, r.signoff?.name])).toEqual([['deployed-by', 'signed', 'Alice'], ['validated-by', 'signed', 'Bob'], ['approved', 'unverified', 'Alice']]);
    expect(signoffs[0]?.reason).toBe(`Alice already signed off as Deployed by (${T(1)}), and the checklist's sign-off policy says Deployed by and Approved are signed by different people`);
    // Someone else approving makes the role signed; Alice's second sign-off stays unverified.
    const carol = await person('Carol');
    const withCarol = await verifySignoffs(SUBJECT, [alice.signs('approved', T(3)), alice.signs('deployed-by', T(1)), bob.signs('validated-by', T(2)), carol.signs('approved', T(4))], signersOf(alice.entry, bob.entry, carol.entry));
    expect(withCarol.roles.map((r) => r.state)).toEqual(['signed', 'signed', 'signed']);
    expect(withCarol.signoffs.map((s) => s.state)).toEqual(['unverified', 'signed', 'signed', 'signed']);
    // Signing the same role twice is no conflict.
    expect((await verifySignoffs(SUBJECT, [alice.signs('deployed-by', T(1)), alice.signs('deployed-by', T(2))], signers)).signoffs.map((s) => s.state)).toEqual(['signed', 'signed']);
  });

  it('a policy of groups lets roles that share no group have one signer, and still separates those in a group', async () => {
    const alice = await person('Alice');
    const signers = signersOf(alice.entry);
    const policy = { distinct: [['deployed-by', 'approved'], ['validated-by', 'approved']], notByCollector: [] };
    const shared = await verifySignoffs({ ...SUBJECT, policy }, [alice.signs('deployed-by', T(1)), alice.signs('validated-by', T(2))], signers);
    expect(shared.roles.map((r) => r.state)).toEqual(['signed', 'signed', 'unsigned']);
    const grouped = await verifySignoffs({ ...SUBJECT, policy }, [alice.signs('validated-by', T(1)), alice.signs('approved', T(2))], signers);
    expect(grouped.roles.map((r) => r.state)).toEqual(['unsigned', 'signed', 'unverified']);
    expect(grouped.roles[2]?.signoff?.reason).toMatch(/^Alice already signed off as Validated by .*Validated by and Approved are signed by different people$/);
    // No groups: anyone may sign any roles.
    const none = await verifySignoffs({ ...SUBJECT, policy: { distinct: [], notByCollector: [] } }, [alice.signs('deployed-by', T(1)), alice.signs('validated-by', T(2)), alice.signs('approved', T(3))], signers);
    expect(none.roles.map((r) => r.state)).toEqual(['signed', 'signed', 'signed']);
  });

  it('bars the person who ran the collection from the roles the policy names, by the name the signers list gives their key', async () => {
    const alice = await person('Alice Example');
    const bob = await person('Bob');
    const signers = signersOf(alice.entry, bob.entry);
    const policy = { distinct: 'all' as const, notByCollector: ['approved'] };
    const subject = { ...SUBJECT, policy, collectedBy: 'alice  example' };
    const { roles } = await verifySignoffs(subject, [alice.signs('deployed-by', T(1)), bob.signs('approved', T(2))], signers);
    expect(roles.map((r) => r.state)).toEqual(['signed', 'unsigned', 'signed']);
    const barred = await verifySignoffs(subject, [alice.signs('approved', T(1))], signers);
    expect(barred.roles[2]).toMatchObject({ state: 'unverified', signoff: { reason: `Alice Example ran the collection, and the checklist's sign-off policy says whoever ran it may not sign off as Approved` } });
    // Barred, it holds no role: the same person may still sign another.
    expect((await verifySignoffs(subject, [alice.signs('approved', T(1)), alice.signs('deployed-by', T(2))], signers)).roles.map((r) => r.state)).toEqual(['signed', 'unsigned', 'unverified']);
    // Who ran it not recorded: the bar cannot be checked, so it does not hold.
    const unknown = await verifySignoffs({ ...subject, collectedBy: null }, [bob.signs('approved', T(1))], signers);
    expect(unknown.roles[2]).toMatchObject({ state: 'unverified', signoff: { reason: expect.stringContaining('who ran it is not recorded') } });
  });

  it('says the policy in words', () => {
    expect(signoffPolicyInWords(DEFAULT_POLICY, ROLES)).toBe('every role by a different person');
    expect(signoffPolicyInWords({ distinct: [['deployed-by', 'approved']], notByCollector: ['approved'] }, ROLES)).toBe('Deployed by, Approved each by a different person; not by the person who ran the collection: Approved');
    expect(signoffPolicyInWords({ distinct: [], notByCollector: [] }, ROLES)).toBe('anyone may sign any roles');
  });
});

describe('sign-offs over a deployment that is not approved', () => {
  it('an approving sign-off over BLOCKED or INCOMPLETE holds only when it records the decision it was forced over; an informative role, or evidence before v3, needs none', async () => {
    const alice = await person('Alice');
    const signers = signersOf(alice.entry);
    const blocked = { ...SUBJECT, decision: 'BLOCKED' as const };
    // Made around `sign` (which refuses without --force): a valid signature, and still not an approval.
    const unforced = await verifySignoffs(blocked, [alice.signs('approved', T(1))], signers);
    expect(unforced.roles.find((r) => r.role === 'approved')).toMatchObject({ state: 'unverified', signoff: { reason: 'it approves a BLOCKED deployment without recording that it was forced over that decision (sign --force)' } });
    expect((await verifySignoffs(blocked, [alice.signs('approved', T(1), 'Alice', 'BLOCKED')], signers)).roles.find((r) => r.role === 'approved')?.state).toBe('signed');
    // Forced over another decision than the deployment's: not what was overridden.
    expect((await verifySignoffs(blocked, [alice.signs('approved', T(1), 'Alice', 'INCOMPLETE')], signers)).roles.find((r) => r.role === 'approved')?.state).toBe('unverified');
    expect((await verifySignoffs({ ...SUBJECT, decision: 'INCOMPLETE' }, [alice.signs('approved', T(1))], signers)).roles.find((r) => r.role === 'approved')?.state).toBe('unverified');
    const informative = { ...blocked, policy: { ...DEFAULT_POLICY, informative: ['deployed-by'] } };
    expect((await verifySignoffs(informative, [alice.signs('deployed-by', T(1))], signers)).roles[0]?.state).toBe('signed');
    expect((await verifySignoffs({ ...SUBJECT, decision: 'APPROVED WITH NOTES' }, [alice.signs('approved', T(1))], signers)).roles.find((r) => r.role === 'approved')?.state).toBe('signed');
    expect((await verifySignoffs({ ...SUBJECT, decision: null }, [alice.signs('approved', T(1))], signers)).roles.find((r) => r.role === 'approved')?.state).toBe('signed');
  });
});
