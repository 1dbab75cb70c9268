/**
 * The key of a deployment's pages (issue 29): its inputs hashed whole, with the build's context
 * (the tool's code, --site, --base). What a key covers across real builds is tested in
 * test/site/incremental-build.test.ts; here, what it is made of.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { comparisonTargets } from '../../src/core/compare/comparison-targets.ts';
import { toolFingerprint } from '../../src/cli/tool-fingerprint.ts';
import { canonicalJson, deploymentPageInputs, pageInputsKey, type BuildContext, type PageInputsSource } from '../../src/site/data/page-inputs.ts';
import { loadEvidence, type LoadedEvidence } from '../../src/site/load-evidence.ts';
import { copyOfCommittedEvidence } from '../harness/committed-evidence.ts';

let loaded: LoadedEvidence;
let source: PageInputsSource;
const context: BuildContext = { tool: 'a'.repeat(64), site: null, base: '/' };

beforeAll(async () => {
  loaded = await loadEvidence(await copyOfCommittedEvidence());
  const byId = new Map(loaded.deployments.map((d) => [d.id, d]));
  const byDigest = new Map(loaded.deployments.flatMap((d) => (d.integrity.digest ? [[d.integrity.digest, d.id] as const] : [])));
  source = { byId, byDigest, targets: comparisonTargets(loaded.deployments.map((d) => d.deployment)), rootHistory: [], snapshots: loaded.snapshots };
});

describe('a deployment\'s page inputs', () => {
  it('hold what its pages show of other deployments: the one it follows and the ones it is compared with', () => {
    const rerun = loaded.deployments.find((d) => d.id === 'sample-staging-pr73-rerun')!;
    const inputs = deploymentPageInputs(rerun, source);
    expect(inputs.follows).toBe('sample-staging-pr73');
    expect(inputs.targets?.previous).toBe('sample-staging-pr73');
    expect([...inputs.others.keys()]).toContain('sample-staging-pr73');
    // A comparison with a deployment outside its inputs is refused, not read.
    expect(() => inputs.comparisonWith('sample-production-pr73')).toThrow(/compare it only with/);
    expect(inputs.comparisonWith('sample-staging-pr73').current.id).toBe('sample-staging-pr73-rerun');
  });

  it('have a key that changes with each input and with the build\'s context', () => {
    const entry = loaded.deployments[0]!;
    const inputs = deploymentPageInputs(entry, source);
    const key = pageInputsKey(inputs, context);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(pageInputsKey(deploymentPageInputs(entry, source), context)).toBe(key);
    expect(pageInputsKey(inputs, { ...context, tool: 'b'.repeat(64) })).not.toBe(key);
    expect(pageInputsKey(inputs, { ...context, base: '/repo/' })).not.toBe(key);
    expect(pageInputsKey(inputs, { ...context, site: 'https://audit.example.com' })).not.toBe(key);
    expect(pageInputsKey({ ...inputs, rootHistory: ['the evidence root: _signers.json was changed'] }, context)).not.toBe(key);
    expect(pageInputsKey({ ...inputs, follows: 'someone-else' }, context)).not.toBe(key);
    // The deployment itself: a changed note, sign-off verdict or file (a copy, as a new build would load it).
    const noted = { ...entry, notes: { nodes: null, problem: 'edited', text: 'edited' } as const };
    expect(pageInputsKey(deploymentPageInputs(noted, source), context)).not.toBe(key);
    const resigned = { ...entry, integrity: { ...entry.integrity, signoffProblems: ['a new sign-off'] } };
    expect(pageInputsKey(deploymentPageInputs(resigned, source), context)).not.toBe(key);
    const refiled = { ...entry, files: entry.files.map((f, i) => (i === 0 ? { ...f, sha256: '0'.repeat(64) } : f)) };
    expect(pageInputsKey(deploymentPageInputs(refiled, source), context)).not.toBe(key);
  });

  it('are hashed whole: what JSON would drop or mangle is refused', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'] })).toBe('{"a":[true,null,"x"],"b":1}');
    expect(() => canonicalJson({ a: new Map() })).toThrow(/Map/);
    expect(() => canonicalJson({ a: () => 1 })).toThrow();
    expect(() => canonicalJson({ a: Number.NaN })).toThrow();
    expect(() => canonicalJson({ a: new Date(0) })).toThrow(/Date/);
  });
});

describe('the tool\'s fingerprint', () => {
  async function project(files: Record<string, string>): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'fingerprint-'));
    for (const [path, text] of Object.entries(files)) {
      await mkdir(join(dir, path, '..'), { recursive: true });
      await writeFile(join(dir, path), text);
    }
    return dir;
  }
  const base = { 'package.json': '{"name":"deploy-evidence","version":"0.1.0"}', 'astro.config.mjs': 'export default {};', 'src/pages/index.astro': '<p>hi</p>' };

  it('changes with a new version of the tool, and with any change to its site code', async () => {
    const first = await toolFingerprint(await project(base));
    expect(await toolFingerprint(await project(base))).toBe(first);
    expect(await toolFingerprint(await project({ ...base, 'package.json': '{"name":"deploy-evidence","version":"0.2.0"}' }))).not.toBe(first);
    expect(await toolFingerprint(await project({ ...base, 'src/pages/index.astro': '<p>hello</p>' }))).not.toBe(first);
    expect(await toolFingerprint(await project({ ...base, 'src/components/New.astro': '' }))).not.toBe(first);
    expect(await toolFingerprint(await project({ ...base, 'astro.config.mjs': 'export default { base: "/x/" };' }))).not.toBe(first);
  });
});
