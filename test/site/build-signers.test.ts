/**
 * `build --signers <file>`: the site judges the sign-offs against a signers list given to the build
 * (kept on the reviewed default branch), never against the evidence's own `_signers.json`, which
 * in the CI recipes anyone who can push the evidence branch can write (docs/ci.md). Here an insider
 * appends a key of their own to the evidence's list and signs the production deployment's approval
 * with it. Judged by the loader every page reads (src/site/load-evidence.ts), as `build` runs it:
 * without --signers that approval is signed (the gap), against the reviewed list it is not, against
 * a list that does trust the key it is. A refused list given to the build behaves as the evidence's
 * own refused list does; `build --strict` fails on what `verify --all` fails on with the same list.
 * (A real build with --signers, its page, its published /evidence/_signers.json and the browser's
 * verdict: test/site/verify-in-browser.test.ts; incremental builds: test/site/incremental-build.test.ts.)
 */
import { mkdir, mkdtemp, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { evidenceWarnings, loadEvidence, type LoadedEvidence } from '../../src/site/load-evidence.ts';
import { reportModel } from '../../src/site/view-models/report.ts';
import { copyOfCommittedEvidence } from '../harness/committed-evidence.ts';
import { signedWithAppendedKey } from '../harness/forge-signoff.ts';
import { runCli } from '../harness/cli.ts';

const PRODUCTION = 'sample-production-pr73';

let root: string;
let work: string;
/** The evidence's list before the insider's key was appended: what the default branch keeps. */
let reviewed: string;
/** The reviewed list with the insider's key in it too: a list that does trust it. */
let trusting: string;
/** The evidence's own list as the insider left it (their key appended). */
let own: Buffer;

beforeAll(async () => {
  root = await copyOfCommittedEvidence();
  work = await mkdtemp(join(tmpdir(), 'build-signers-'));
  const attack = await signedWithAppendedKey(root, { deploymentId: PRODUCTION, environment: 'production', role: 'approved-for-production', index: 2, name: 'Mallory Approver', keyFile: join(work, 'mallory.key') });
  reviewed = join(work, 'reviewed.json');
  await writeFile(reviewed, attack.reviewed);
  own = await readFile(join(root, '_signers.json'));
  trusting = join(work, 'trusting.json');
  const list = JSON.parse(attack.reviewed.toString('utf8'));
  list.signers.push(attack.appended);
  await writeFile(trusting, `${JSON.stringify(list, null, 2)}\n`);
}, 60_000);

const production = (loaded: LoadedEvidence) => loaded.deployments.find((d) => d.id === PRODUCTION)!;
const approval = (loaded: LoadedEvidence) => production(loaded).integrity.signoffs.find((r) => r.role === 'approved-for-production')!;

describe('the signers list the site judges against', () => {
  it('without --signers: the evidence\'s own list, so the insider\'s appended key signs (the gap), and the sign-off section says which list it was', async () => {
    const loaded = await loadEvidence(root);
    expect(approval(loaded)).toMatchObject({ state: 'signed', signoff: { name: 'Mallory Approver' } });
    expect(production(loaded).signers).toEqual({ given: null, present: true });
    const report = reportModel(production(loaded).deployment, new Map(), [], null, production(loaded).integrity.signoffs, [], production(loaded).signers);
    expect(report.signersSource).toBe('Sign-offs judged against the evidence\'s own signers list, `_signers.json`, which arrives with the evidence (a build can be given a reviewed list instead: `deploy-evidence build --signers`).');
  });

  it('with --signers reviewed.json: the insider\'s sign-off is not trusted, every other one still is, and the page says the given list was used', async () => {
    const loaded = await loadEvidence(root, { signers: reviewed });
    expect(approval(loaded)).toMatchObject({ state: 'unverified', signoff: { reason: expect.stringMatching(/^key [0-9a-f]{16}… is not among the trusted signers$/) } });
    expect(production(loaded).integrity.signoffs.map((r) => r.state)).toEqual(['signed', 'signed', 'unverified']);
    expect(production(loaded).signers).toEqual({ given: 'reviewed.json', present: true });
    expect(loaded.deployments.every((d) => d.signers.given === 'reviewed.json')).toBe(true);
    const report = reportModel(production(loaded).deployment, new Map(), [], null, production(loaded).integrity.signoffs, [], production(loaded).signers);
    expect(report.signersSource).toBe('Sign-offs judged against the signers list given to the build (reviewed.json), not the evidence\'s own `_signers.json`.');
    expect(evidenceWarnings(loaded, root)).toContainEqual(expect.stringMatching(/^sample-production-pr73: sign-off Approved for production is unverified: key [0-9a-f]{16}… is not among the trusted signers$/));
  });

  it('with --signers naming a list that does trust the key: signed, in the name that list gives it', async () => {
    const loaded = await loadEvidence(root, { signers: trusting });
    expect(approval(loaded)).toMatchObject({ state: 'signed', signoff: { name: 'Mallory Approver' } });
    expect(production(loaded).signers).toEqual({ given: 'trusting.json', present: true });
  });

  it('a missing or malformed given list stops the load naming the file (and the field)', async () => {
    await expect(loadEvidence(root, { signers: join(work, 'nowhere.json') })).rejects.toThrow(`no signers file at ${join(work, 'nowhere.json')}`);
    const malformed = join(work, 'malformed.json');
    const list = JSON.parse(own.toString('utf8'));
    list.signers[1].publicKey = 42;
    await writeFile(malformed, JSON.stringify(list));
    await expect(loadEvidence(root, { signers: malformed })).rejects.toThrow(/malformed\.json: invalid evidence file\n {2}- signers\.1\.publicKey: Expected string, received number/);
  });

  it('a refused list given to the build behaves as the evidence\'s own refused list: every sign-off unverified, the same warnings, and --strict fails naming it', async () => {
    // One key under two names: refused (issue 24), whichever list it is.
    const list = JSON.parse(own.toString('utf8'));
    list.signers.push({ ...list.signers[0], name: 'Someone Else' });
    const refused = `${JSON.stringify(list, null, 2)}\n`;
    const given = join(work, 'refused.json');
    await writeFile(given, refused);
    const asOwn = await copyOfCommittedEvidence();
    await writeFile(join(asOwn, '_signers.json'), refused);
    const [byGiven, byOwn] = await Promise.all([loadEvidence(root, { signers: given }), loadEvidence(asOwn)]);
    const states = (loaded: LoadedEvidence) => loaded.deployments.map((d) => [d.id, d.integrity.signoffs.map((r) => `${r.state}: ${r.signoff?.reason ?? ''}`)]);
    // The insider's deployment is the one difference between the two roots (one more sign-off, by another key): the others are judged alike.
    const others = (loaded: LoadedEvidence) => states(loaded).filter(([id]) => id !== PRODUCTION);
    expect(others(byGiven)).toEqual(others(byOwn));
    expect(production(byGiven).integrity.signoffs.map((r) => r.state)).toEqual(['unverified', 'unverified', 'unverified']);
    expect(production(byGiven).integrity.signoffs[0]!.signoff?.reason).toMatch(/^the signers list is refused: key [0-9a-f]{16}… is listed twice in the signers list/);
    expect(byGiven.signers).toEqual({ file: given, refused: byOwn.signers.refused });
    expect(byOwn.signers.refused).toEqual([expect.stringMatching(/is listed twice in the signers list \(as "Sample Release Engineer" and as "Someone Else"\)/)]);
    const refusal = (loaded: LoadedEvidence, at: string) => evidenceWarnings(loaded, at).filter((w) => w.includes('the signers list is refused (every'));
    expect(refusal(byGiven, root)).toEqual([`${given}: ${byOwn.signers.refused[0]}; the signers list is refused (every sign-off judged against it is unverified)`]);
    expect(refusal(byOwn, asOwn)).toEqual([`${join(asOwn, '_signers.json')}: ${byOwn.signers.refused[0]}; the signers list is refused (every sign-off judged against it is unverified)`]);
    await expect(loadEvidence(root, { signers: given, strict: true })).rejects.toThrow(new RegExp(`the signers list ${given.replaceAll('.', '\\.')} is refused:\\n {4}- key`));
    await expect(loadEvidence(asOwn, { strict: true })).rejects.toThrow(/the signers list .*_signers\.json is refused:\n {4}- key/);
  });

  it('build --strict fails on what verify --all fails on with the same --signers, and passes what it passes', async () => {
    const verified = await runCli(['verify', '--all', '--evidence-dir', root, '--signers', reviewed]);
    expect(verified.exitCode, verified.stderr).toBe(1);
    expect(verified.stdout).toMatch(/- sign-off as approved-for-production by Mallory Approver is unverified: key [0-9a-f]{16}… is not among the trusted signers/);
    await expect(loadEvidence(root, { signers: reviewed, strict: true })).rejects.toThrow(/sample-production-pr73:\n {4}- sign-off as approved-for-production by Mallory Approver is unverified: key [0-9a-f]{16}… is not among the trusted signers/);
    expect((await runCli(['verify', '--all', '--evidence-dir', root, '--signers', trusting])).exitCode).toBe(0);
    await expect(loadEvidence(root, { signers: trusting, strict: true })).resolves.toBeDefined();
  }, 60_000);
});

describe('build --signers refuses a list it cannot use before it builds anything', () => {
  it('a missing file: exit 2 naming the path, nothing written to --out-dir', async () => {
    const out = join(work, 'site-missing');
    const missing = join(work, 'no-such-signers.json');
    const run = await runCli(['build', '--evidence-dir', root, '--out-dir', out, '--signers', missing]);
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.stderr).toContain(`no signers file at ${missing}`);
    await expect(stat(out)).rejects.toThrow(/ENOENT/);
  });

  it('a malformed file: exit 2 naming the file and the field, nothing written to --out-dir', async () => {
    const out = join(work, 'site-malformed');
    const malformed = join(work, 'malformed-cli.json');
    const list = JSON.parse(own.toString('utf8'));
    delete list.signers[0].name;
    await writeFile(malformed, JSON.stringify(list));
    const run = await runCli(['build', '--evidence-dir', root, '--out-dir', out, '--signers', malformed]);
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.stderr).toContain(`${malformed}: invalid evidence file`);
    expect(run.stderr).toMatch(/- signers\.0\.name: Required/);
    await expect(stat(out)).rejects.toThrow(/ENOENT/);
  });

  it('a list inside the evidence folder — named directly, through a symlinked parent folder or a symlink to it: exit 2, nothing written', async () => {
    // The site would say the sign-offs were judged against a list given to the build, yet it arrived with the evidence.
    const linkedParent = join(work, 'evidence-link');
    await symlink(root, linkedParent);
    const linkedFile = join(work, 'signers-link.json');
    await symlink(join(root, '_signers.json'), linkedFile);
    for (const [name, given] of [['direct', join(root, '_signers.json')], ['parent', join(linkedParent, '_signers.json')], ['file', linkedFile]] as const) {
      const out = join(work, `site-inside-${name}`);
      const run = await runCli(['build', '--evidence-dir', root, '--out-dir', out, '--signers', given]);
      expect(run.exitCode, `${name}: ${run.stderr}`).toBe(2);
      expect(run.stderr).toContain(`the signers list ${given} is inside the evidence folder ${root}: it arrives with the evidence`);
      await expect(stat(out)).rejects.toThrow(/ENOENT/);
    }
    // The evidence folder named through a symlink, the list directly: the same folder.
    const run = await runCli(['build', '--evidence-dir', linkedParent, '--out-dir', join(work, 'site-inside-linked-root'), '--signers', join(root, '_signers.json')]);
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.stderr).toContain('is inside the evidence folder');
    // A folder whose name only begins like the evidence folder's is not inside it: read (and refused here as malformed).
    const sibling = `${root}-reviewed`;
    await mkdir(sibling);
    await writeFile(join(sibling, '_signers.json'), '{"schemaVersion": 4}');
    const beside = await runCli(['build', '--evidence-dir', root, '--out-dir', join(work, 'site-beside'), '--signers', join(sibling, '_signers.json')]);
    expect(beside.exitCode, beside.stderr).toBe(2);
    expect(beside.stderr).toContain(`${join(sibling, '_signers.json')}: invalid evidence file`);
    expect(beside.stderr).not.toContain('inside the evidence folder');
  });
});
