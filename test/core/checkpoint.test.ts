/** An auditor's checkpoint (issue 24): taking one, checking the evidence against it later, and its file. */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chainOrder, checkpointOf, checkpointProblems } from '../../src/core/integrity/checkpoint.ts';
import { chainProblems } from '../../src/core/integrity/chain.ts';
import type { ChainLink } from '../../src/format/read-chain-links.ts';
import { readChainLinks } from '../../src/format/read-chain-links.ts';
import { CheckpointFormatError, checkpointText, parseCheckpointText, readCheckpointFile, writeCheckpointFile } from '../../src/cli/checkpoint-file.ts';
import { EvidenceFormatError } from '../../src/format/read-evidence.ts';
import { committedEvidence } from '../harness/committed-evidence.ts';

const digest = (c: string) => c.repeat(64);
const link = (id: string, d: string, previous: string | null, finishedAt: string, environment = 'staging', formatVersion = 2): ChainLink => ({ id, environment, digest: digest(d), previous: previous && digest(previous), finishedAt, formatVersion });
const TAKEN = '2026-02-01T09:30:00.000Z';

// staging: a → b → c; production: p → q.
const a = link('a', 'a', null, '2026-01-01T00:00:00Z');
const b = link('b', 'b', 'a', '2026-01-02T00:00:00Z');
const c = link('c', 'c', 'b', '2026-01-03T00:00:00Z');
const p = link('p', '1', null, '2026-01-01T00:00:00Z', 'production');
const q = link('q', '2', '1', '2026-01-04T00:00:00Z', 'production');
const seen = [a, b, c, p, q];
const checkpoint = checkpointOf([q, c, p, a, b], TAKEN);

describe('taking a checkpoint (first use)', () => {
  it('holds every environment, sorted, each chain in order with ids, digests and predecessors', () => {
    expect(checkpoint).toEqual({
      kind: 'deploy-evidence-checkpoint',
      version: 1,
      takenAt: TAKEN,
      environments: [
        { environment: 'production', deployments: [{ id: 'p', digest: digest('1'), previous: null }, { id: 'q', digest: digest('2'), previous: digest('1') }] },
        { environment: 'staging', deployments: [{ id: 'a', digest: digest('a'), previous: null }, { id: 'b', digest: digest('b'), previous: digest('a') }, { id: 'c', digest: digest('c'), previous: digest('b') }] },
      ],
    });
  });

  it('orders a chain by its links, not by the clock; a fork\'s branches earlier finished first', () => {
    // d follows b but finished before b (a clock skewed on one machine): still after b.
    const d = link('d', 'd', 'b', '2025-12-31T00:00:00Z');
    const e = link('e', 'e', 'b', '2026-01-05T00:00:00Z');
    expect(chainOrder([e, c, d, b, a]).map((l) => l.id)).toEqual(['a', 'b', 'd', 'c', 'e']);
    // A link whose predecessor is gone, and a format-v1 manifest, start where they stand.
    const orphan = link('o', 'f', '9', '2026-01-02T12:00:00Z');
    const legacy = link('l', '8', null, '2025-06-01T00:00:00Z', 'staging', 1);
    expect(chainOrder([orphan, c, b, a, legacy]).map((l) => l.id)).toEqual(['l', 'a', 'b', 'o', 'c']);
  });

  it('is written byte-stable, and reads back the same', () => {
    const text = checkpointText(checkpoint);
    expect(text.endsWith('}\n')).toBe(true);
    expect(Object.keys(JSON.parse(text) as object)).toEqual(['kind', 'version', 'takenAt', 'environments']);
    expect(checkpointText(checkpointOf([...seen].reverse(), TAKEN))).toBe(text);
    expect(parseCheckpointText('audit.json', text)).toEqual(checkpoint);
  });

  it('of the committed samples: the staging chain and its re-run, production alone', async () => {
    const taken = checkpointOf(await readChainLinks(await committedEvidence()), TAKEN);
    expect(taken.environments.map((e) => [e.environment, e.deployments.map((d) => d.id)])).toEqual([
      ['production', ['sample-production-pr73']],
      ['staging', ['sample-staging-pr73', 'sample-staging-pr73-rerun']],
    ]);
    const staging = taken.environments[1]!.deployments;
    expect(staging[1]!.previous).toBe(staging[0]!.digest);
  });
});

describe('checking against a checkpoint (later use)', () => {
  it('the same evidence passes', () => {
    expect(checkpointProblems(checkpoint, seen)).toEqual([]);
  });

  it('an honest extension passes: new deployments after the tip, and a new environment\'s first', () => {
    const d = link('d', 'd', 'c', '2026-02-02T00:00:00Z');
    const e = link('e', 'e', 'd', '2026-02-03T00:00:00Z');
    const dev = link('dev1', '3', null, '2026-02-02T00:00:00Z', 'dev');
    const dev2 = link('dev2', '4', '3', '2026-02-03T00:00:00Z', 'dev');
    expect(checkpointProblems(checkpoint, [...seen, e, d, dev2, dev])).toEqual([]);
  });

  it('a fork — two deployments following the same one, from concurrent branches — is history, not a problem', () => {
    const fork = link('c2', 'e', 'b', '2026-02-02T00:00:00Z');
    const after = link('c3', 'f', 'e', '2026-02-03T00:00:00Z');
    expect(checkpointProblems(checkpoint, [...seen, fork, after])).toEqual([]);
    // New deployments may also follow a checkpointed one that has since been removed: the removal is the problem.
    expect(checkpointProblems(checkpoint, [a, b, p, q, fork]).map((x) => [x.id, x.kind])).toEqual([['c', 'removed']]);
  });

  it('a rewrite fails, naming each deployment rewritten and both digests', () => {
    // b rewritten, and c re-chained onto the rewritten b: the chain itself holds again.
    const b2 = link('b', '5', 'a', '2026-01-02T00:00:00Z');
    const c2 = link('c', '6', '5', '2026-01-03T00:00:00Z');
    expect(chainProblems([a, b2, c2, p, q])).toEqual([]);
    expect(checkpointProblems(checkpoint, [a, b2, c2, p, q])).toEqual([
      { environment: 'staging', id: 'b', kind: 'changed', message: `b (staging): changed since the checkpoint of ${TAKEN}: digest ${digest('b')} → ${digest('5')}` },
      { environment: 'staging', id: 'c', kind: 'changed', message: `c (staging): changed since the checkpoint of ${TAKEN}: digest ${digest('c')} → ${digest('6')}` },
    ]);
  });

  it('a removal fails — even of a chain\'s tip, which the chain alone cannot miss', () => {
    expect(chainProblems([a, b, p, q])).toEqual([]);
    expect(checkpointProblems(checkpoint, [a, b, p, q])).toEqual([
      { environment: 'staging', id: 'c', kind: 'removed', message: `c (staging): in the checkpoint of ${TAKEN}, no longer there (removed, or its deployment.json or manifest.json no longer reads)` },
    ]);
    expect(checkpointProblems(checkpoint, [a, b, c]).map((x) => [x.environment, x.id, x.kind])).toEqual([
      ['production', 'p', 'removed'],
      ['production', 'q', 'removed'],
    ]);
  });

  it('a new chain start beside the audited one fails (a parallel history), and so does what follows it', () => {
    const start = link('x', '7', null, '2026-02-02T00:00:00Z');
    const next = link('y', '8', '7', '2026-02-03T00:00:00Z');
    const problems = checkpointProblems(checkpoint, [...seen, next, start]);
    expect(problems.map((x) => [x.id, x.kind])).toEqual([
      ['x', 'parallel-start'],
      ['y', 'parallel-start'],
    ]);
    expect(problems[0]!.message).toBe(`x (staging): not in the checkpoint of ${TAKEN}; starts a new staging chain (it follows no deployment) beside the one in the checkpoint of ${TAKEN}: a parallel history, not an extension of the audited one`);
    expect(problems[1]!.message).toContain('y (staging): not in the checkpoint of 2026-02-01T09:30:00.000Z; it descends from x, which starts a new staging chain');
    // A format-v1 manifest appearing after the checkpoint follows nothing either.
    const legacy = link('old', '9', null, '2025-01-01T00:00:00Z', 'production', 1);
    expect(checkpointProblems(checkpoint, [...seen, legacy]).map((x) => [x.id, x.kind])).toEqual([['old', 'parallel-start']]);
  });

  it('a new deployment following a digest neither the checkpoint nor the evidence has fails', () => {
    const stray = link('z', 'd', '9', '2026-02-02T00:00:00Z');
    // Following a deployment of another environment is no extension of this one either.
    const across = link('w', 'e', '1', '2026-02-02T00:00:00Z');
    expect(checkpointProblems(checkpoint, [...seen, stray, across]).map((x) => [x.id, x.kind, x.message])).toEqual([
      ['w', 'not-extending', `w (staging): not in the checkpoint of ${TAKEN}; follows ${digest('1')}, which is neither in the checkpoint of ${TAKEN} nor among the staging deployments: it does not extend the audited chain`],
      ['z', 'not-extending', expect.stringContaining(`follows ${digest('9')}`)],
    ]);
  });
});

describe('the checkpoint file', () => {
  const dir = () => mkdtemp(join(tmpdir(), 'checkpoint-'));

  it('does not exist before its first use; written, it reads back, byte-stable', async () => {
    const file = join(await dir(), 'audit-checkpoint.json');
    expect(await readCheckpointFile(file)).toBeNull();
    await writeCheckpointFile(file, checkpoint);
    expect(await readFile(file, 'utf8')).toBe(checkpointText(checkpoint));
    expect(await readCheckpointFile(file)).toEqual(checkpoint);
  });

  it('a file that does not read fails naming the file, the field and the fix', async () => {
    const file = join(await dir(), 'audit-checkpoint.json');
    const failure = async (text: string) => {
      await writeFile(file, text);
      return readCheckpointFile(file).then(
        () => expect.unreachable('read'),
        (error: unknown) => error as CheckpointFormatError,
      );
    };
    const notJson = await failure('{ "kind": ');
    expect(notJson).toBeInstanceOf(CheckpointFormatError);
    // Exit 2 through the CLI's mapping, as a bad evidence file.
    expect(notJson).toBeInstanceOf(EvidenceFormatError);
    expect(notJson.message).toMatch(/audit-checkpoint\.json: not a checkpoint this tool can read\n {2}- not valid JSON/);
    expect(notJson.message).toContain('restore the file from the auditor\'s own copy, or name a new file');

    const manifest = await failure(JSON.stringify({ $schema: './_schemas/v2/manifest.schema.json', schemaVersion: 2 }));
    expect(manifest.problems).toEqual(['kind: missing; a checkpoint says "deploy-evidence-checkpoint"']);
    const newer = await failure(JSON.stringify({ ...checkpoint, version: 2 }));
    expect(newer.problems).toEqual(['version: 2 is not supported (this reader understands version 1)']);

    const bad = JSON.parse(checkpointText(checkpoint)) as { environments: { deployments: { digest: string; id: string }[] }[]; takenAt: string };
    bad.environments[1]!.deployments[2]!.digest = 'not-a-digest';
    bad.environments[0]!.deployments[1]!.id = 'a';
    bad.takenAt = '2026-02-01 09:30';
    // Every problem at once, each with its field.
    expect((await failure(JSON.stringify(bad))).problems).toEqual([
      'takenAt: must be an ISO-8601 UTC timestamp ending in Z',
      'environments.1.deployments.2.digest: must be a lowercase hex sha256',
      'environments.1.deployments.0.id: "a" is listed twice',
    ]);
    const unknown = await failure(JSON.stringify({ ...checkpoint, note: 'extra' }));
    expect(unknown.problems).toEqual([expect.stringMatching(/^\(root\): Unrecognized key\(s\) in object: 'note'/)]);
  });
});
