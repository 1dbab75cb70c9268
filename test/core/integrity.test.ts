/** The chain of manifests and the manifest check: pure rules, every way they can fail named. */
import { describe, expect, it } from 'vitest';
import { chainForks, chainProblems, chainTip, type ChainLink } from '../../src/core/integrity/chain.ts';
import { manifestProblems } from '../../src/core/integrity/manifest-check.ts';
import { SCHEMA_VERSION, schemaFiles, type Manifest } from '../../src/format/index.ts';

const digest = (c: string) => c.repeat(64);
const link = (id: string, d: string, previous: string | null, finishedAt: string, environment = 'staging', formatVersion = 2): ChainLink => ({ id, environment, digest: digest(d), previous: previous && digest(previous), finishedAt, formatVersion });

describe('the chain of manifests', () => {
  const a = link('a', 'a', null, '2026-01-01T00:00:00Z');
  const b = link('b', 'b', 'a', '2026-01-02T00:00:00Z');
  const c = link('c', 'c', 'b', '2026-01-03T00:00:00Z');

  it('a new deployment follows the end of its environment\'s chain; the first of an environment follows nothing', () => {
    expect(chainTip([], 'staging')).toBeNull();
    expect(chainTip([c, a, b], 'staging')?.id).toBe('c');
    expect(chainTip([a, b, c], 'production')).toBeNull();
    // After a fork, the newest end.
    const fork = link('d', 'd', 'b', '2026-01-04T00:00:00Z');
    expect(chainTip([a, b, c, fork], 'staging')?.id).toBe('d');
  });

  it('holds for a linear chain per environment, with format-v1 manifests outside it', () => {
    const p = link('p', 'e', null, '2026-01-01T00:00:00Z', 'production');
    const legacy = link('old', 'f', null, '2025-01-01T00:00:00Z', 'staging', 1);
    expect(chainProblems([a, b, c, p, legacy])).toEqual([]);
  });

  it('names a removed or rewritten predecessor', () => {
    expect(chainProblems([b, c])).toEqual([{ environment: 'staging', ids: ['b'], message: expect.stringMatching(/^b: its manifest follows a{64}, which no staging manifest has/) }]);
    // The middle one rewritten: its digest changed, so the one after it names a digest no one has.
    const rewritten = link('b', 'x', 'a', '2026-01-02T00:00:00Z');
    expect(chainProblems([a, rewritten, c]).map((p) => p.ids)).toEqual([['c']]);
  });

  it('takes a fork from concurrent branches as history, not tampering, and lists it', () => {
    const twin = link('b2', 'd', 'a', '2026-01-02T12:00:00Z');
    const second = link('z', 'e', null, '2026-01-05T00:00:00Z');
    const legacy = link('old', 'f', null, '2025-01-01T00:00:00Z', 'staging', 1);
    expect(chainProblems([a, b, twin, c, second, legacy])).toEqual([]);
    expect(chainForks([a, b, twin, c, second, legacy])).toEqual([
      { environment: 'staging', after: null, ids: ['a', 'z'] },
      { environment: 'staging', after: 'a', ids: ['b', 'b2'] },
    ]);
    expect(chainForks([a, b, c])).toEqual([]);
    // One side of the fork removed: the chain still holds (the rest of history is the git check's).
    expect(chainProblems([a, twin, c].filter((l) => l.id !== 'b'))).toEqual([{ environment: 'staging', ids: ['c'], message: expect.stringContaining('c: its manifest follows') }]);
  });
});

describe('a deployment against its manifest', () => {
  const manifest: Manifest = {
    $schema: schemaFiles.manifest.fromFile,
    schemaVersion: SCHEMA_VERSION,
    deploymentId: 'd1',
    algorithm: 'sha256',
    files: [
      { path: 'checks/a.json', bytes: 10, sha256: digest('1') },
      { path: 'checks/b.json', bytes: 20, sha256: digest('2') },
      { path: 'deployment.json', bytes: 30, sha256: digest('3') },
    ],
    previousManifestSha256: null,
  };
  const present = [
    { path: 'checks/a.json', bytes: 10, sha256: digest('1') },
    { path: 'checks/b.json', bytes: 20, sha256: digest('2') },
    { path: 'deployment.json', bytes: 30, sha256: digest('3') },
    { path: 'manifest.json', bytes: 400, sha256: digest('4') },
    // Sign-offs live beside the evidence: they never change the manifest they sign.
    { path: 'signoffs.json', bytes: 500, sha256: digest('5') },
  ];

  it('holds when the files are exactly the listed ones', () => {
    expect(manifestProblems('d1', manifest, present)).toEqual([]);
  });

  it('names a changed, a missing and an added file, and a manifest of another deployment', () => {
    const changed = present.map((f) => (f.path === 'checks/a.json' ? { ...f, sha256: digest('9') } : f));
    expect(manifestProblems('d1', manifest, changed)).toEqual([expect.objectContaining({ path: 'checks/a.json', kind: 'changed' })]);
    expect(manifestProblems('d1', manifest, present.filter((f) => f.path !== 'checks/b.json'))).toEqual([expect.objectContaining({ path: 'checks/b.json', kind: 'missing' })]);
    expect(manifestProblems('d1', manifest, [...present, { path: 'checks/c.json', bytes: 1, sha256: digest('7') }])).toEqual([expect.objectContaining({ path: 'checks/c.json', kind: 'added' })]);
    expect(manifestProblems('d2', manifest, present)).toEqual([expect.objectContaining({ kind: 'foreign' })]);
  });
});
