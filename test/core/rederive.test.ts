/**
 * Decisions re-derived (issue 24): every verdict a deployment records is computed again from its
 * snapshots and its embedded checklist, and every difference is named — a forged decision, a
 * forged check status, a forged assertion verdict, replaced reasons. Real collected evidence (the
 * committed samples and fixtures) re-derives without a difference.
 */
import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rederivationProblems } from '../../src/core/integrity/rederive.ts';
import { decide } from '../../src/core/decision/decide.ts';
import { listEvidenceTree } from '../../src/format/evidence-tree.ts';
import { readDeploymentDir } from '../../src/format/read-deployment-dir.ts';
import { committedEvidence } from '../harness/committed-evidence.ts';
import { failingCheckMadeToPass, forge } from '../harness/forgery.ts';

const fixtures = new URL('../fixtures/', import.meta.url).pathname;
const SITE = join(fixtures, 'site-evidence');
const FAILING = 'staging-pr76-smoke-failing';

async function problemsOf(root: string, id: string): Promise<string[]> {
  const dir = (await readDeploymentDir(root, id))!;
  return rederivationProblems(dir.deployment, dir.snapshots);
}

async function copyOf(root: string): Promise<string> {
  const copy = await mkdtemp(join(tmpdir(), 'rederive-'));
  await cp(root, copy, { recursive: true });
  return copy;
}

describe('verdicts re-derived from the snapshots', () => {
  it('finds no difference in any evidence the collector wrote (samples, fixtures of v1 and v2, another team\'s)', async () => {
    let deployments = 0;
    for (const root of [await committedEvidence(), join(fixtures, 'evidence'), SITE, join(fixtures, 'own-project-evidence')]) {
      for (const { id } of (await listEvidenceTree(root)).deployments) {
        expect(await problemsOf(root, id), `${root} ${id}`).toEqual([]);
        deployments += 1;
      }
    }
    expect(deployments).toBeGreaterThanOrEqual(12);
  });

  it('names a failing check made to pass, the decision set to APPROVED and its reasons replaced', async () => {
    const root = await copyOf(SITE);
    await forge(root, FAILING, { edits: failingCheckMadeToPass('smoke-tests', 'smoke-tests-pass') });
    expect(await problemsOf(root, FAILING)).toEqual([
      'checks/smoke-tests.json: assertion tests-passed says pass; the check\'s result gives fail',
      'checks/smoke-tests.json: assertion exit-code says pass; the check\'s result gives fail',
      'checks/smoke-tests.json: status pass; its assertions give fail',
      'deployment.json: lists check smoke-tests as pass; its snapshot gives fail',
      'deployment.json: criterion smoke-tests-pass says pass; its checks give fail',
      'deployment.json: the decision says APPROVED; its checks give BLOCKED',
    ]);
  });

  it('names each forged verdict on its own', async () => {
    const cases: [string, Parameters<typeof forge>[2]['edits'], RegExp][] = [
      ['only the decision', { 'deployment.json': (d) => (d.decision.status = 'APPROVED WITH NOTES') }, /^deployment\.json: the decision says APPROVED WITH NOTES; its checks give BLOCKED$/],
      ['the reasons replaced', { 'deployment.json': (d) => (d.decision.reasons = ['smoke-tests (§7): fail: one flaky test, re-run green by hand']) }, /^deployment\.json: the decision's reasons are smoke-tests \(§7\): fail; its checks give smoke-tests \(§7\): fail, preflight \(§pre\): warn$/],
      ['a criterion', { 'deployment.json': (d) => (d.criteria.find((c: { id: string }) => c.id === 'smoke-tests-pass').status = 'warn') }, /^deployment\.json: criterion smoke-tests-pass says warn; its checks give fail$/],
      ['the index', { 'deployment.json': (d) => (d.checks.find((c: { id: string }) => c.id === 'smoke-tests').status = 'warn') }, /^deployment\.json: lists check smoke-tests as warn; its snapshot gives fail$/],
      ['a check\'s status', { 'checks/smoke-tests.json': (s) => (s.status = 'warn') }, /^checks\/smoke-tests\.json: status warn; its assertions give fail$/],
      ['an assertion verdict', { 'checks/row-count.json': (s) => (s.assertions[0].status = 'fail') }, /^checks\/row-count\.json: assertion \S+ says fail; the check's result gives pass$/],
      ['an assertion removed', { 'checks/row-count.json': (s) => s.assertions.pop() }, /^checks\/row-count\.json: its assertions are .*; the checklist's check has /],
      ['the result changed under its verdict', { 'checks/smoke-tests.json': (s) => (s.result.exitCode = 0) }, /^checks\/smoke-tests\.json: assertion exit-code says fail; the check's result gives pass$/],
    ];
    for (const [what, edits, expected] of cases) {
      const root = await copyOf(SITE);
      await forge(root, FAILING, { edits });
      const problems = await problemsOf(root, FAILING);
      expect(problems.length, what).toBeGreaterThan(0);
      expect(problems.some((p) => expected.test(p)), `${what}: ${problems.join(' | ')}`).toBe(true);
    }
  });

  it('leaves a snapshot missing from its manifest\'s files to the manifest check, and names one removed from the manifest too', async () => {
    const dir = (await readDeploymentDir(SITE, FAILING))!;
    const listed = dir.manifest!.files.map((f) => f.path);
    const without = new Map(dir.snapshots);
    without.delete('smoke-tests');
    // Listed but missing: the manifest check names the file; nothing is re-derived over the hole.
    expect(rederivationProblems(dir.deployment, without, listed)).toEqual([]);
    // Taken out of the manifest as well (re-hashed): the deployment still says the check ran.
    const problems = rederivationProblems(dir.deployment, without, listed.filter((p) => p !== 'checks/smoke-tests.json'));
    expect(problems).toContain('deployment.json: lists check smoke-tests as fail; it has no snapshot, and its manifest lists none');
    expect(problems).toContain('deployment.json: the decision says BLOCKED; its checks give INCOMPLETE');
  });

  it('judges the rows again when every row was kept, and keeps a capped result\'s verdict', async () => {
    const root = await copyOf(await committedEvidence());
    const id = 'sample-staging-pr73';
    const dir = (await readDeploymentDir(root, id))!;
    const rows = dir.snapshots.get('sample-rows')!;
    expect(rows.result?.kind === 'sql' && rows.assertions.some((a) => a.type === 'no-nulls')).toBe(true);
    if (rows.result?.kind !== 'sql') throw new Error('sample-rows is a sql check');
    const column = rows.result.columns.findIndex((c) => c.name === 'attempt_no');
    // A NULL where no-nulls judged every row: the stored pass is not what the rows give.
    const nulled = { ...rows, result: { ...rows.result, rows: rows.result.rows.map((r, i) => (i === 0 ? r.map((cell, c) => (c === column ? null : cell)) : r)) } };
    const snapshots = new Map(dir.snapshots).set('sample-rows', nulled);
    expect(rederivationProblems(dir.deployment, snapshots).join('\n')).toMatch(/^checks\/sample-rows\.json: assertion no-nulls\S* says pass; the check's result gives fail$/m);
    // The same NULL in a result whose rows were capped (more were judged than kept): the verdict stands.
    const total = nulled.result.rows.length + 100;
    const capped = { ...nulled, result: { ...nulled.result, rowsJudged: total, rowCount: total }, truncation: { rowsTotal: total, rowsKept: nulled.result.rows.length, bytesOmitted: 0 } };
    expect(rederivationProblems(dir.deployment, new Map(dir.snapshots).set('sample-rows', capped))).toEqual([]);
    // …but rows kept short of those judged without a truncation that says so: the stored verdicts rest on rows nobody can see.
    const unsaid = { ...capped, truncation: null };
    expect(rederivationProblems(dir.deployment, new Map(dir.snapshots).set('sample-rows', unsaid))).toEqual([`checks/sample-rows.json: ${nulled.result.rows.length} rows kept of ${total} judged, and the truncation does not say so`]);
  });

  it('holds kept rows to the digest the query took of them, and a snapshot to its file name and deployment', async () => {
    const dir = (await readDeploymentDir(await committedEvidence(), 'sample-staging-pr73'))!;
    const rows = dir.snapshots.get('sample-rows')!;
    if (rows.result?.kind !== 'sql') throw new Error('sample-rows is a sql check');
    // A value changed that no assertion looks at: only the digest can tell.
    const edited = { ...rows, result: { ...rows.result, rows: rows.result.rows.map((r, i) => (i === 0 ? r.map((cell, c) => (c === 0 ? `${cell}0` : cell)) : r)) } };
    expect(rederivationProblems(dir.deployment, new Map(dir.snapshots).set('sample-rows', edited))).toEqual([expect.stringMatching(/^checks\/sample-rows\.json: its rows are not the ones the query returned \(their sha256 is [0-9a-f]{64}; the query's was [0-9a-f]{64}\)$/)]);
    // A snapshot filed under another check's name, or another deployment's.
    const renamed = new Map(dir.snapshots).set('sample-rows', { ...rows, id: 'sample-rows-v0' });
    expect(rederivationProblems(dir.deployment, renamed)).toContain('checks/sample-rows.json: its id is "sample-rows-v0", not its file\'s name');
    const foreign = new Map(dir.snapshots).set('sample-rows', { ...rows, deploymentId: 'another' });
    expect(rederivationProblems(dir.deployment, foreign)).toContain('checks/sample-rows.json: it belongs to deployment "another", not "sample-staging-pr73"');
  });

  it('judges a duration limit again on the duration recorded when the result holds none', async () => {
    // Another team's command check with a duration limit: a command's result records no duration of its own.
    const dir = (await readDeploymentDir(join(fixtures, 'own-project-evidence'), 'staging-pr12'))!;
    const check = dir.deployment.checklist.definition.checks.find((c) => c.kind === 'command' && c.assertions.some((a) => a.type === 'max-duration' && a.metric === 'duration'))!;
    const limit = check.assertions.find((a) => a.type === 'max-duration')! as { warnAboveMs?: number; failAboveMs?: number };
    const snapshot = dir.snapshots.get(check.id)!;
    const i = snapshot.assertions.findIndex((a) => a.type === 'max-duration');
    expect(snapshot.assertions[i]!.status).toBe('pass');
    const over = (limit.failAboveMs ?? limit.warnAboveMs!) + 1;
    const forged = { ...snapshot, assertions: snapshot.assertions.map((a, j) => (j === i ? { ...a, actual: over } : a)) };
    expect(rederivationProblems(dir.deployment, new Map(dir.snapshots).set(check.id, forged)).join('\n')).toContain(`checks/${check.id}.json: assertion ${snapshot.assertions[i]!.id} says pass; the check's result gives ${limit.failAboveMs !== undefined ? 'fail' : 'warn'}`);
  });

  it('judges a collection stopped between a snapshot and its record without that snapshot; two snapshots ahead of the record are named', async () => {
    const dir = (await readDeploymentDir(join(fixtures, 'own-project-evidence'), 'staging-pr12'))!;
    const checklist = dir.deployment.checklist.definition;
    // As deployment.json was last written before the collector died: the last k checks not yet recorded.
    const stoppedBefore = (k: number) => {
      const unrecorded = new Set(checklist.checks.slice(-k).map((c) => c.id));
      const recorded = new Map([...dir.snapshots].filter(([id]) => !unrecorded.has(id)));
      return {
        ...dir.deployment,
        collection: 'in-progress' as const,
        finishedAt: null,
        checks: dir.deployment.checks.map((c) => (unrecorded.has(c.id) ? { ...c, status: null } : c)),
        ...decide({ checklist, snapshots: recorded, complete: false }),
      };
    };
    expect(rederivationProblems(stoppedBefore(1), dir.snapshots)).toEqual([]);
    const [a, b] = checklist.checks.slice(-2).map((c) => c.id);
    expect(rederivationProblems(stoppedBefore(2), dir.snapshots)).toContain(`deployment.json: records none of ${a}, ${b}, whose snapshots are there (a collection stopped between a snapshot and its record leaves one)`);
    // A finished collection has no such excuse: its index must hold every check.
    expect(rederivationProblems({ ...stoppedBefore(1), collection: 'complete' }, dir.snapshots).length).toBeGreaterThan(0);
  });
});
