/**
 * `deploy-evidence keygen` and `sign` (issue 12): a key pair that is never overwritten, trusted
 * on request; a sign-off that verifies, leaves the manifest (and so the chain) as it was, and is
 * refused for evidence that does not verify or a role the checklist does not declare.
 */
import { cp, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../src/format/index.ts';
import { runCli } from '../harness/cli.ts';
import { committedEvidence } from '../harness/committed-evidence.ts';
import { appendForgedSignoff } from '../harness/forge-signoff.ts';
import { collectTiny } from '../harness/tiny-collection.ts';

const evidence = await committedEvidence();
const STAGING = 'sample-staging-pr73-rerun';
const PRODUCTION = 'sample-production-pr73';
const sampleKey = (role: string) => fileURLToPath(new URL(`../../examples/sample-keys/${role}.key`, import.meta.url));

async function copy(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'sign-'));
  await cp(evidence, root, { recursive: true });
  return root;
}

async function newKey(root: string, name: string): Promise<string> {
  const key = join(await mkdtemp(join(tmpdir(), 'keys-')), 'key');
  const run = await runCli(['keygen', '--out', key, '--name', name, '--trust', '--evidence-dir', root]);
  expect(run.exitCode, run.stderr).toBe(0);
  return `${key}.key`;
}

describe('deploy-evidence keygen and sign', () => {
  it('signs a deployment off with a new trusted key: verify shows it signed, and the manifest is untouched', async () => {
    const root = await mkdtemp(join(tmpdir(), 'sign-'));
    await cp(evidence, root, { recursive: true });
    // Keys live with their owner, never under the evidence root.
    const key = join(await mkdtemp(join(tmpdir(), 'keys-')), 'alice');
    const keygen = await runCli(['keygen', '--out', key, '--name', 'Alice Example', '--trust', '--evidence-dir', root]);
    expect(keygen.exitCode, keygen.stderr).toBe(0);
    expect((await stat(`${key}.key`)).mode & 0o777).toBe(0o600);
    expect((await readFile(`${key}.pub`, 'utf8')).trim()).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(JSON.parse(await readFile(join(root, '_signers.json'), 'utf8')).signers.at(-1)).toMatchObject({ name: 'Alice Example', sample: false });
    // A key is never overwritten.
    expect((await runCli(['keygen', '--out', key, '--name', 'Alice Example'])).exitCode).toBe(2);

    const manifest = await readFile(join(root, STAGING, 'manifest.json'));
    const signoffs = JSON.parse(await readFile(join(root, STAGING, 'signoffs.json'), 'utf8'));
    const sign = await runCli(['sign', STAGING, '--role', 'validated-by', '--key', `${key}.key`, '--note', 'checked the plan', '--evidence-dir', root]);
    expect(sign.exitCode, sign.stderr).toBe(0);
    // Appended in the file's own format version (v2, like the samples), the sign-offs before it untouched.
    const appended = JSON.parse(await readFile(join(root, STAGING, 'signoffs.json'), 'utf8'));
    expect(appended).toMatchObject({ $schema: signoffs.$schema, schemaVersion: 2 });
    expect(appended.signoffs.slice(0, -1)).toEqual(signoffs.signoffs);
    expect(appended.signoffs).toHaveLength(signoffs.signoffs.length + 1);
    expect(sign.stderr).toMatch(new RegExp(`^${STAGING}: signed off as validated-by by Alice Example \\(key [0-9a-f]{16}…\\), over digest sha256 [0-9a-f]{64}$`, 'm'));
    expect(await readFile(join(root, STAGING, 'manifest.json'))).toEqual(manifest);
    const verify = await runCli(['verify', '--all', '--evidence-dir', root]);
    expect(verify.exitCode, verify.stdout).toBe(0);
    expect(verify.stdout).toMatch(/sign-off Validated by: signed by Alice Example, /);
  });

  it('refuses a role the checklist does not declare (exit 2) and evidence that does not verify (exit 1)', async () => {
    const root = await mkdtemp(join(tmpdir(), 'sign-'));
    await cp(evidence, root, { recursive: true });
    const key = join(await mkdtemp(join(tmpdir(), 'keys-')), 'bob');
    expect((await runCli(['keygen', '--out', key, '--name', 'Bob', '--trust', '--evidence-dir', root])).exitCode).toBe(0);
    const role = await runCli(['sign', STAGING, '--role', 'ceo', '--key', `${key}.key`, '--evidence-dir', root]);
    expect(role.exitCode).toBe(2);
    expect(role.stderr).toContain('declares no sign-off role "ceo" (it takes: deployed-by, validated-by, approved-for-production)');

    const snapshot = join(root, STAGING, 'checks', 'row-count.json');
    await writeFile(snapshot, `${await readFile(snapshot, 'utf8')} `);
    const before = await readFile(join(root, STAGING, 'signoffs.json'));
    const refused = await runCli(['sign', STAGING, '--role', 'validated-by', '--key', `${key}.key`, '--evidence-dir', root]);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain(`${STAGING} does not verify (FAILED): refusing to sign evidence that is not what was collected`);
    expect(refused.stderr).toContain('checks/row-count.json: changed');
    expect(await readFile(join(root, STAGING, 'signoffs.json'))).toEqual(before);
  });

  it('refuses to sign in a name other than the key\'s owner (exit 1, nothing written); such a sign-off made by hand is unverified, naming whose key it is', async () => {
    const root = await copy();
    const mallory = await newKey(root, 'Mallory Insider');
    const before = await readFile(join(root, STAGING, 'signoffs.json'));
    const refused = await runCli(['sign', STAGING, '--role', 'validated-by', '--key', mallory, '--name', 'Bob Chief Financial Officer', '--evidence-dir', root]);
    expect(refused.exitCode, refused.stderr).toBe(1);
    expect(refused.stderr).toMatch(/refusing to sign sample-staging-pr73-rerun as validated-by: the sign-off would be unverified: signed in the name of "Bob Chief Financial Officer", but key [0-9a-f]{16}… belongs to "Mallory Insider"/);
    expect(await readFile(join(root, STAGING, 'signoffs.json'))).toEqual(before);

    await appendForgedSignoff(root, { keyFile: mallory, deploymentId: STAGING, environment: 'staging', role: 'validated-by', name: 'Bob Chief Financial Officer', signedAt: '2026-11-26T10:00:00.000Z' });
    const verify = await runCli(['verify', STAGING, '--evidence-dir', root]);
    expect(verify.exitCode, verify.stdout).toBe(1);
    expect(verify.stdout).toMatch(/- sign-off as validated-by by Mallory Insider is unverified: signed in the name of "Bob Chief Financial Officer", but key [0-9a-f]{16}… belongs to "Mallory Insider"/);
    expect(verify.stdout).toMatch(/sign-off Validated by: unverified by Mallory Insider, /);
    expect(verify.stdout).not.toMatch(/by Bob Chief Financial Officer/);
  });

  it('refuses a signers list with a key listed twice or a name with two keys: verify fails naming the duplicate, keygen --trust will not add one (exit 2)', async () => {
    const root = await copy();
    const file = join(root, '_signers.json');
    const original = await readFile(file, 'utf8');
    const signers = JSON.parse(original);
    // A key listed twice, under another name.
    signers.signers.push({ ...signers.signers[0], name: 'Bob Chief Financial Officer' });
    await writeFile(file, `${JSON.stringify(signers, null, 2)}\n`);
    const twice = await runCli(['verify', '--all', '--evidence-dir', root]);
    expect(twice.exitCode).toBe(1);
    expect(twice.stdout).toMatch(/^FAILED +\S*\/_signers\.json: key [0-9a-f]{16}… is listed twice in the signers list \(as "Sample Release Engineer" and as "Bob Chief Financial Officer"\); the signers list is refused$/m);
    expect(twice.stdout).toContain(`- sign-off as approved-for-production by Sample Change Approver is unverified: the signers list is refused: key `);
    expect(twice.stdout).not.toMatch(/: signed by/);
    const json = JSON.parse((await runCli(['verify', '--all', '--json', '--evidence-dir', root])).stdout);
    expect(json.ok).toBe(false);
    expect(json.signersRefused).toEqual([expect.stringMatching(/is listed twice in the signers list/)]);
    // The auditor's own list is judged the same way.
    const auditors = join(await mkdtemp(join(tmpdir(), 'auditor-')), 'signers.json');
    await writeFile(auditors, `${JSON.stringify(signers, null, 2)}\n`);
    const withTheirs = await runCli(['verify', PRODUCTION, '--signers', auditors, '--evidence-dir', evidence]);
    expect(withTheirs.exitCode).toBe(1);
    expect(withTheirs.stdout).toMatch(/^FAILED +\S*signers\.json: key [0-9a-f]{16}… is listed twice/m);

    // keygen --trust refuses to make such a list, and to add to one: no key pair is written.
    const keys = await mkdtemp(join(tmpdir(), 'keys-'));
    const intoRefused = await runCli(['keygen', '--out', join(keys, 'a'), '--name', 'Carol', '--trust', '--evidence-dir', root]);
    expect(intoRefused.exitCode).toBe(2);
    expect(intoRefused.stderr).toMatch(/_signers\.json is refused \(key [0-9a-f]{16}… is listed twice.*\): fix it before trusting another key/);
    await writeFile(file, original);
    const sameName = await runCli(['keygen', '--out', join(keys, 'b'), '--name', 'sample qa  engineer', '--trust', '--evidence-dir', root]);
    expect(sameName.exitCode).toBe(2);
    expect(sameName.stderr).toContain('"Sample QA Engineer" already has a key in');
    expect(sameName.stderr).toContain('a name is bound to one key');
    expect(await readFile(file, 'utf8')).toBe(original);
    await expect(stat(join(keys, 'a.key'))).rejects.toThrow();
    await expect(stat(join(keys, 'b.key'))).rejects.toThrow();

    // A name with two keys, written by hand: refused the same way.
    const named = JSON.parse(original);
    named.signers.push({ ...named.signers[1], publicKey: (await readFile(await newKeyPub(), 'utf8')).trim() });
    await writeFile(file, `${JSON.stringify(named, null, 2)}\n`);
    const two = await runCli(['verify', '--all', '--evidence-dir', root]);
    expect(two.exitCode).toBe(1);
    expect(two.stdout).toMatch(/^FAILED +\S*\/_signers\.json: "Sample QA Engineer" has two keys in the signers list \([0-9a-f]{16}… and [0-9a-f]{16}…\); the signers list is refused$/m);
  });

  it('refuses a look-alike of a signer\'s name — an invisible character, a bidi control, Latin mixed with Cyrillic — in keygen (exit 2, no key written) and in a list written by hand (verify fails naming the entry); names in one script are trusted', async () => {
    const root = await copy();
    const file = join(root, '_signers.json');
    const original = await readFile(file, 'utf8');
    const keys = await mkdtemp(join(tmpdir(), 'keys-'));
    const lookAlikes: [string, string, RegExp][] = [
      ['zero-width', 'Sample Change Approver\u200b', /the name "Sample Change Approver⟨U\+200B⟩" could be taken for another: it holds an invisible \(format\) character, U\+200B/],
      ['bidi', 'Sample \u202eChange Approver', /it holds an invisible \(format\) character, U\+202E/],
      ['cyrillic', 'Sample Change \u0410pprover', /it mixes Latin and Cyrillic letters, which look alike \("\u0410", U\+0410, is Cyrillic\)/],
    ];
    for (const [out, name, why] of lookAlikes) {
      for (const trust of [['--trust', '--evidence-dir', root], []]) {
        const run = await runCli(['keygen', '--out', join(keys, out), '--name', name, ...trust]);
        expect(run.exitCode, run.stderr).toBe(2);
        expect(run.stderr).toMatch(why);
      }
      await expect(stat(join(keys, `${out}.key`))).rejects.toThrow();
    }
    expect(await readFile(file, 'utf8')).toBe(original);

    // Appended by hand, as an insider would: the whole list is refused, and nothing is signed by anyone.
    const signers = JSON.parse(original);
    signers.signers.push({ name: 'Sample Change \u0410pprover', publicKey: (await readFile(await newKeyPub(), 'utf8')).trim(), sample: false });
    await writeFile(file, `${JSON.stringify(signers, null, 2)}\n`);
    const verify = await runCli(['verify', '--all', '--evidence-dir', root]);
    expect(verify.exitCode).toBe(1);
    expect(verify.stdout).toMatch(/^FAILED +\S*\/_signers\.json: signer "Sample Change \u0410pprover" \(key [0-9a-f]{16}…\) has a name a reader could take for another: it mixes Latin and Cyrillic letters, which look alike \("\u0410", U\+0410, is Cyrillic\); the signers list is refused$/m);
    expect(verify.stdout).not.toMatch(/: signed by/);

    // Names in one script, or in the scripts a language writes together, are trusted.
    await writeFile(file, original);
    for (const name of ['김민준', 'Иван Петров', '山田 たろう タロウ']) await newKey(root, name);
    expect(JSON.parse(await readFile(file, 'utf8')).signers.slice(-3).map((s: { name: string }) => s.name)).toEqual(['김민준', 'Иван Петров', '山田 たろう タロウ']);
    const holds = await runCli(['verify', '--all', '--evidence-dir', root]);
    expect(holds.exitCode, holds.stdout).toBe(0);
  });
});

describe('segregation of duties (issue 24)', () => {
  it('under the default policy, refuses one key signing a second role up front (exit 1, nothing written); made by hand, that sign-off is unverified and verify names why', async () => {
    const root = await copy();
    // The re-run is signed deployed-by with the Sample Release Engineer's key.
    const before = await readFile(join(root, STAGING, 'signoffs.json'));
    const refused = await runCli(['sign', STAGING, '--role', 'validated-by', '--key', sampleKey('deployed-by'), '--evidence-dir', root]);
    expect(refused.exitCode, refused.stderr).toBe(1);
    expect(refused.stderr).toMatch(/refusing to sign sample-staging-pr73-rerun as validated-by: the sign-off would be unverified: Sample Release Engineer already signed off as Deployed by \(2026-11-25T09:44:18\.988Z\), and the checklist's sign-off policy says Deployed by and Validated by are signed by different people/);
    expect(await readFile(join(root, STAGING, 'signoffs.json'))).toEqual(before);

    await appendForgedSignoff(root, { keyFile: sampleKey('deployed-by'), deploymentId: STAGING, environment: 'staging', role: 'validated-by', name: 'Sample Release Engineer', signedAt: '2026-11-26T10:00:00.000Z' });
    const verify = await runCli(['verify', STAGING, '--evidence-dir', root]);
    expect(verify.exitCode, verify.stdout).toBe(1);
    expect(verify.stdout).toContain('- sign-off as validated-by by Sample Release Engineer is unverified: Sample Release Engineer already signed off as Deployed by');
    // The first holder keeps its role.
    expect(verify.stdout).toMatch(/sign-off Deployed by: signed by Sample Release Engineer, /);
    expect(verify.stdout).toMatch(/sign-off Validated by: unverified by Sample Release Engineer, /);
  });

  it('the committed samples follow the default policy: three roles, three keys', async () => {
    const verify = await runCli(['verify', PRODUCTION, '--json', '--evidence-dir', evidence]);
    expect(verify.exitCode, verify.stdout).toBe(0);
    const [production] = JSON.parse(verify.stdout).deployments;
    expect(production.signoffs.map((r: { state: string; signoff: { keyid: string } }) => [r.state, r.signoff.keyid])).toEqual([['signed', expect.any(String)], ['signed', expect.any(String)], ['signed', expect.any(String)]]);
    expect(new Set(production.signoffs.map((r: { signoff: { keyid: string } }) => r.signoff.keyid)).size).toBe(3);
  });

  it('a checklist\'s own policy lets two roles share a signer and still separates the rest; a collection in the current format verifies', async () => {
    const root = await mkdtemp(join(tmpdir(), 'policy-'));
    const { deployment } = await collectTiny(root, { environment: 'staging', by: 'Release Bot', policy: { distinct: [['deployed-by', 'approved-for-production'], ['validated-by', 'approved-for-production']] } });
    expect(deployment).toMatchObject({ schemaVersion: SCHEMA_VERSION, collectedBy: 'Release Bot' });
    expect(JSON.parse(await readFile(join(root, deployment.id, 'deployment.json'), 'utf8')).checklist.definition.signoffPolicy).toEqual({ distinct: [['deployed-by', 'approved-for-production'], ['validated-by', 'approved-for-production']], notByCollector: [] });
    const alice = await newKey(root, 'Alice');
    for (const role of ['deployed-by', 'validated-by']) {
      const sign = await runCli(['sign', deployment.id, '--role', role, '--key', alice, '--evidence-dir', root]);
      expect(sign.exitCode, sign.stderr).toBe(0);
    }
    const approve = await runCli(['sign', deployment.id, '--role', 'approved-for-production', '--key', alice, '--evidence-dir', root]);
    expect(approve.exitCode).toBe(1);
    expect(approve.stderr).toContain('Alice already signed off as Deployed by');
    const verify = await runCli(['verify', '--all', '--evidence-dir', root]);
    expect(verify.exitCode, verify.stdout).toBe(0);
    expect(verify.stdout).toMatch(/sign-off Deployed by: signed by Alice, [\s\S]*sign-off Validated by: signed by Alice, /);
  });

  it('bars the person who ran the collection from the roles the policy names (notByCollector)', async () => {
    const root = await mkdtemp(join(tmpdir(), 'policy-'));
    const { deployment } = await collectTiny(root, { environment: 'production', by: 'Alice Example', policy: { notByCollector: ['approved-for-production'] } });
    const alice = await newKey(root, 'Alice Example');
    const before = await readFile(join(root, deployment.id, 'deployment.json'));
    const refused = await runCli(['sign', deployment.id, '--role', 'approved-for-production', '--key', alice, '--evidence-dir', root]);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('the sign-off would be unverified: Alice Example ran the collection, and the checklist\'s sign-off policy says whoever ran it may not sign off as Approved for production');
    await expect(stat(join(root, deployment.id, 'signoffs.json'))).rejects.toThrow();
    // Another role is hers to sign.
    expect((await runCli(['sign', deployment.id, '--role', 'deployed-by', '--key', alice, '--evidence-dir', root])).exitCode).toBe(0);
    await appendForgedSignoff(root, { keyFile: alice, deploymentId: deployment.id, environment: 'production', role: 'approved-for-production', name: 'Alice Example', signedAt: '2099-01-01T00:00:00.000Z' });
    const verify = await runCli(['verify', deployment.id, '--evidence-dir', root]);
    expect(verify.exitCode).toBe(1);
    expect(verify.stdout).toContain('- sign-off as approved-for-production by Alice Example is unverified: Alice Example ran the collection');
    expect(await readFile(join(root, deployment.id, 'deployment.json'))).toEqual(before);
  });
});

describe('sign-off completeness (issue 24)', () => {
  it('verify says which declared roles are unsigned, in words and in --json, and never that every sign-off holds where there is none', async () => {
    const run = await runCli(['verify', '--all', '--evidence-dir', evidence]);
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.stdout).toMatch(/^ +sign-off Approved for production: unsigned$/m);
    expect(run.stdout).toMatch(/sign-off complete on 1, roles unsigned on 2$/m);
    const json = JSON.parse((await runCli(['verify', '--all', '--json', '--evidence-dir', evidence])).stdout);
    const byId = Object.fromEntries(json.deployments.map((d: { id: string; signoffComplete: boolean | null; rolesUnsigned: string[] }) => [d.id, [d.signoffComplete, d.rolesUnsigned]]));
    expect(byId).toEqual({ [PRODUCTION]: [true, []], 'sample-staging-pr73': [false, ['approved-for-production']], [STAGING]: [false, ['validated-by', 'approved-for-production']] });
    expect(json.requireSignoff).toBeNull();

    // A collection nobody has signed yet.
    const root = await mkdtemp(join(tmpdir(), 'unsigned-'));
    await collectTiny(root, { environment: 'staging', by: 'Release Bot' });
    const unsigned = await runCli(['verify', '--all', '--evidence-dir', root]);
    expect(unsigned.exitCode, unsigned.stdout).toBe(0);
    expect(unsigned.stdout).toMatch(/^1 deployments verified: every file matches its manifest, every verdict is what its checks give, every chain holds, no sign-off made; roles unsigned on 1$/m);
    expect(unsigned.stdout).not.toContain('every sign-off');
  });

  it('verify --require-signoff fails on a deployment with a role not signed, naming the roles; --env narrows it to one environment', async () => {
    const all = await runCli(['verify', '--all', '--require-signoff', '--evidence-dir', evidence]);
    expect(all.exitCode).toBe(1);
    expect(all.stdout).toMatch(new RegExp(`^FAILED +${STAGING} \\(staging\\).*\\n +- sign-off required: not signed off as Validated by \\(unsigned\\), Approved for production \\(unsigned\\)$`, 'm'));
    expect(all.stdout).toMatch(/^FAILED +sample-staging-pr73 \(staging\).*\n +- sign-off required: not signed off as Approved for production \(unsigned\)$/m);
    expect(all.stdout).toMatch(new RegExp(`^OK +${PRODUCTION} `, 'm'));
    expect(all.stdout).toContain('2 of 3 deployments do not verify; sign-off complete on 1, roles unsigned on 2');
    const json = JSON.parse((await runCli(['verify', '--all', '--require-signoff', '--json', '--evidence-dir', evidence])).stdout);
    expect(json.ok).toBe(false);
    expect(json.requireSignoff).toEqual({ environment: null });
    expect(json.deployments.find((d: { id: string }) => d.id === STAGING).signoffProblems).toEqual(['sign-off required: not signed off as Validated by (unsigned), Approved for production (unsigned)']);

    // Production is signed off in every role: the gate for production passes, the one for staging does not.
    const production = await runCli(['verify', '--all', '--require-signoff', '--env', 'production', '--evidence-dir', evidence]);
    expect(production.exitCode, production.stdout).toBe(0);
    expect((await runCli(['verify', '--all', '--require-signoff', '--env', 'staging', '--evidence-dir', evidence])).exitCode).toBe(1);
    // Production's approval removed: now it fails, naming the role.
    const root = await copy();
    const file = join(root, PRODUCTION, 'signoffs.json');
    const signoffs = JSON.parse(await readFile(file, 'utf8'));
    signoffs.signoffs = signoffs.signoffs.slice(0, 2);
    await writeFile(file, `${JSON.stringify(signoffs, null, 2)}\n`);
    const open = await runCli(['verify', '--all', '--require-signoff', '--env', 'production', '--json', '--evidence-dir', root]);
    expect(open.exitCode).toBe(1);
    const [failed] = JSON.parse(open.stdout).deployments.filter((d: { status: string }) => d.status !== 'OK');
    expect(failed).toMatchObject({ id: PRODUCTION, signoffComplete: false, rolesUnsigned: ['approved-for-production'], signoffProblems: ['sign-off required in production: not signed off as Approved for production (unsigned)'] });
    // A misspelt environment is said, not silently passed; --env alone is a usage error.
    const misspelt = await runCli(['verify', '--all', '--require-signoff', '--env', 'prod', '--evidence-dir', evidence]);
    expect(misspelt.stderr).toContain('warning: --require-signoff --env prod: none of the deployments verified is in prod');
    const alone = await runCli(['verify', '--all', '--env', 'production', '--evidence-dir', evidence]);
    expect(alone.exitCode).toBe(2);
    expect(alone.stderr).toContain('--env goes with --require-signoff');
  });
});

/** A key pair not trusted anywhere: its public key file. */
async function newKeyPub(): Promise<string> {
  const key = join(await mkdtemp(join(tmpdir(), 'keys-')), 'untrusted');
  expect((await runCli(['keygen', '--out', key])).exitCode).toBe(0);
  return `${key}.pub`;
}

describe('signing a BLOCKED deployment (issue 26)', () => {
  const payloadOf = async (root: string, id: string, index: number) => {
    const signoffs = JSON.parse(await readFile(join(root, id, 'signoffs.json'), 'utf8'));
    return JSON.parse(Buffer.from(signoffs.signoffs[index].envelope.payload, 'base64').toString('utf8')).predicate;
  };

  it('refuses an approving role without --force (exit 1, nothing written); --force signs it and the signed payload records the decision it overrode', async () => {
    const root = await mkdtemp(join(tmpdir(), 'blocked-'));
    const { deployment } = await collectTiny(root, { environment: 'staging', by: 'Release Bot', blocked: true });
    expect(deployment.decision.status).toBe('BLOCKED');
    const alice = await newKey(root, 'Alice');
    // Every declared role approves when the checklist lists none as informative.
    for (const role of ['approved-for-production', 'deployed-by']) {
      const refused = await runCli(['sign', deployment.id, '--role', role, '--key', alice, '--evidence-dir', root]);
      expect(refused.exitCode, role).toBe(1);
      expect(refused.stderr).toContain(`refusing to sign ${deployment.id} as ${role}: its decision is BLOCKED, and ${role} approves`);
      expect(refused.stderr).toContain('answers (§1): fail');
      expect(refused.stderr).toContain('--force signs it anyway, and the sign-off records that it was forced over BLOCKED');
    }
    await expect(stat(join(root, deployment.id, 'signoffs.json'))).rejects.toThrow();
    const forced = await runCli(['sign', deployment.id, '--role', 'approved-for-production', '--key', alice, '--force', '--evidence-dir', root]);
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect(forced.stderr).toContain('forced over its BLOCKED decision (recorded in the sign-off)');
    expect(await payloadOf(root, deployment.id, 0)).toMatchObject({ role: 'approved-for-production', name: 'Alice', forced: { decision: 'BLOCKED' } });
    const verify = await runCli(['verify', deployment.id, '--evidence-dir', root]);
    expect(verify.exitCode, verify.stdout).toBe(0);
    expect(verify.stdout).toMatch(/sign-off Approved for production: signed by Alice, [^\n]*, forced over BLOCKED$/m);
  });

  it('signs an informative role without --force, and records no force where none was needed', async () => {
    const root = await mkdtemp(join(tmpdir(), 'blocked-'));
    const { deployment } = await collectTiny(root, { environment: 'staging', by: 'Release Bot', blocked: true, policy: { informative: ['deployed-by'] } });
    const bob = await newKey(root, 'Bob');
    const sign = await runCli(['sign', deployment.id, '--role', 'deployed-by', '--key', bob, '--force', '--evidence-dir', root]);
    expect(sign.exitCode, sign.stderr).toBe(0);
    expect(sign.stderr).not.toContain('forced');
    expect(await payloadOf(root, deployment.id, 0)).not.toHaveProperty('forced');
    // An approved deployment: --force changes nothing.
    const approved = await collectTiny(root, { environment: 'production', by: 'Release Bot' });
    expect((await runCli(['sign', approved.deployment.id, '--role', 'approved-for-production', '--key', bob, '--force', '--evidence-dir', root])).exitCode).toBe(0);
    expect(await payloadOf(root, approved.deployment.id, 0)).not.toHaveProperty('forced');
  });

  it('a hand-made approving sign-off over BLOCKED that does not record it was forced fails verify', async () => {
    const root = await mkdtemp(join(tmpdir(), 'blocked-'));
    const { deployment } = await collectTiny(root, { environment: 'staging', by: 'Release Bot', blocked: true, policy: { informative: ['deployed-by'] } });
    const bob = await newKey(root, 'Bob');
    const alice = await newKey(root, 'Alice');
    expect((await runCli(['sign', deployment.id, '--role', 'deployed-by', '--key', bob, '--evidence-dir', root])).exitCode).toBe(0);
    expect((await runCli(['verify', deployment.id, '--evidence-dir', root])).exitCode).toBe(0);
    // Alice's own trusted key, a valid signature — made around `sign`, which would have refused it without --force.
    await appendForgedSignoff(root, { keyFile: alice, deploymentId: deployment.id, environment: 'staging', role: 'approved-for-production', name: 'Alice', signedAt: new Date().toISOString() });
    const verify = await runCli(['verify', deployment.id, '--evidence-dir', root]);
    expect(verify.exitCode).toBe(1);
    expect(verify.stdout).toContain('sign-off as approved-for-production by Alice is unverified: it approves a BLOCKED deployment without recording that it was forced over that decision (sign --force)');
  });
});
