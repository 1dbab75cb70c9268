/**
 * `verify` re-derives a rehearsed round trip (issue 28): its two comparisons are made again from
 * the copy's snapshots the evidence kept, and its verdicts judged on them. Real evidence (a real
 * collection on the real server); the forgeries are an insider's: the file edited, the manifest
 * re-hashed and the chain re-linked, so only the re-derivation can tell.
 */
import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rederivationProblems } from '../../src/core/integrity/rederive.ts';
import { readDeploymentDir } from '../../src/format/read-deployment-dir.ts';
import type { ResultOf } from '../../src/format/index.ts';
import { runCli } from '../harness/cli.ts';
import { realServer } from '../harness/databases.ts';
import { forge } from '../harness/forgery.ts';
import { collectRoundTrips, HOSTILE_INDEX, type RoundTripEvidence } from '../harness/round-trip-evidence.ts';

const WHERE = 'checks/rehearsal.json';
const differences = (n: number) => `${n} difference${n === 1 ? '' : 's'}`;

describe.skipIf(realServer() === null)('a round trip re-derived by verify', () => {
  let evidence: RoundTripEvidence;
  beforeAll(async () => {
    evidence = await collectRoundTrips();
  });
  afterAll(async () => {
    await evidence?.drop();
  });
  const copy = async () => {
    const root = await mkdtemp(join(tmpdir(), 'rt-verify-'));
    await cp(evidence.root, root, { recursive: true });
    return root;
  };
  const verify = (root: string) => runCli(['verify', '--all', '--evidence-dir', root]);

  it('finds nothing to say about the round trips as collected', async () => {
    const statuses: string[] = [];
    for (const id of ['rt-good', 'rt-forgetful', 'rt-broken']) {
      const dir = (await readDeploymentDir(evidence.root, id))!;
      expect(rederivationProblems(dir.deployment, dir.snapshots), id).toEqual([]);
      statuses.push(`${id}: ${dir.snapshots.get('rehearsal')!.status}`);
    }
    expect(statuses).toEqual(['rt-good: pass', 'rt-forgetful: fail', 'rt-broken: fail']);
    const run = await verify(evidence.root);
    expect(run.exitCode, run.stdout).toBe(0);
  });

  it('fails a forgetful round trip whose "left behind" was edited away and its verdicts turned green, naming the check', async () => {
    const root = await copy();
    const dir = (await readDeploymentDir(root, 'rt-forgetful'))!;
    const stored = dir.snapshots.get('rehearsal')!.result as ResultOf<'round-trip'>;
    const left = stored.downgradeRestores!.entries.filter((e) => e.change === 'added').map((e) => e.name);
    expect(left).toEqual([`ledger.${HOSTILE_INDEX}`]);
    const entries = stored.downgradeRestores!.entries.length;
    await forge(root, 'rt-forgetful', {
      edits: {
        [WHERE]: (s) => {
          // Only what the downgrade left behind is taken out; what it lost stays, so the check still fails.
          s.result.downgradeRestores.entries = s.result.downgradeRestores.entries.filter((e: { change: string }) => e.change !== 'added');
        },
      },
    });
    const run = await verify(root);
    expect(run.exitCode, run.stdout).toBe(1);
    expect(run.stdout).not.toMatch(/: changed \(sha256/);
    expect(run.stdout).toMatch(/^FAILED +rt-forgetful \(staging\)/m);
    expect(run.stdout).toContain(`- ${WHERE}: its round trip's comparison after the downgrade against before (${differences(entries - 1)}) is not what its snapshots give (${differences(entries)})`);
    expect(run.stdout).toMatch(/^OK +rt-good /m);
  });

  it('fails a failing round trip made to pass with its comparisons emptied: the comparisons, the verdicts, the status and the decision are named', async () => {
    const root = await copy();
    await forge(root, 'rt-forgetful', {
      edits: {
        [WHERE]: (s) => {
          s.result.downgradeRestores.entries = [];
          s.result.upgradeRepeats.entries = [];
          s.status = 'pass';
          for (const a of s.assertions) a.status = 'pass';
        },
        'deployment.json': (d) => {
          for (const c of d.checks) c.status = 'pass';
          for (const c of d.criteria) Object.assign(c, { status: 'pass', notes: [] });
          d.decision = { status: 'APPROVED', reasons: ['every check passed and every criterion is met'] };
        },
      },
    });
    const dir = (await readDeploymentDir(root, 'rt-forgetful'))!;
    const problems = rederivationProblems(dir.deployment, dir.snapshots);
    expect(problems).toEqual([
      expect.stringMatching(new RegExp(`^${WHERE}: its round trip's comparison after the downgrade against before \\(0 differences\\) is not what its snapshots give \\([1-9]\\d* differences?\\)$`)),
      expect.stringMatching(new RegExp(`^${WHERE}: its round trip's comparison after the second upgrade against after the first \\(0 differences\\) is not what its snapshots give \\([1-9]\\d* differences?\\)$`)),
      `${WHERE}: assertion downgrade says pass; the check's result gives fail`,
      `${WHERE}: assertion repeat says pass; the check's result gives fail`,
      `${WHERE}: status pass; its assertions give fail`,
      'deployment.json: lists check rehearsal as pass; its snapshot gives fail',
      'deployment.json: criterion way-back says pass; its checks give fail',
      'deployment.json: the decision says APPROVED; its checks give BLOCKED',
    ]);
    const run = await verify(root);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain(`- ${WHERE}: status pass; its assertions give fail`);
  });

  it('fails a comparison made up where a step failed (nothing to compare), and a snapshot changed under its comparison', async () => {
    const broken = (await readDeploymentDir(evidence.root, 'rt-broken'))!;
    const snapshot = broken.snapshots.get('rehearsal')!;
    const result = snapshot.result as ResultOf<'round-trip'>;
    expect(result.steps.map((s) => [s.step, s.exitCode])).toEqual([['upgrade', 0], ['downgrade', 3]]);
    expect(result.downgradeRestores).toBeNull();
    const madeUp = { ...snapshot, result: { ...result, downgradeRestores: { from: 'before' as const, to: 'afterDowngrade' as const, entries: [] } } };
    expect(rederivationProblems(broken.deployment, new Map(broken.snapshots).set('rehearsal', madeUp))).toEqual([
      `${WHERE}: its round trip's comparison after the downgrade against before (0 differences) is not what its snapshots give (none)`,
    ]);
    // The good one's snapshot after the downgrade given an index the one before has: the stored "same schema" no longer is.
    const good = (await readDeploymentDir(evidence.root, 'rt-good'))!;
    const goodSnapshot = good.snapshots.get('rehearsal')!;
    const goodResult = goodSnapshot.result as ResultOf<'round-trip'>;
    const index = goodResult.snapshots.afterUpgrade!.find((o) => o.kind === 'index' && o.name === HOSTILE_INDEX)!;
    const edited = { ...goodSnapshot, result: { ...goodResult, snapshots: { ...goodResult.snapshots, afterDowngrade: [...goodResult.snapshots.afterDowngrade!, index] } } };
    expect(rederivationProblems(good.deployment, new Map(good.snapshots).set('rehearsal', edited))).toEqual(
      expect.arrayContaining([
        `${WHERE}: its round trip's comparison after the downgrade against before (0 differences) is not what its snapshots give (1 difference)`,
        `${WHERE}: assertion downgrade says pass; the check's result gives fail`,
      ]),
    );
  });
});
