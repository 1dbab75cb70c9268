/** `deploy-evidence compare`: the comparison in the terminal and as JSON, and the regression gate's exit codes. */
import { cp, mkdtemp, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../harness/cli.ts';
import { committedEvidence, copyOfCommittedEvidence } from '../harness/committed-evidence.ts';
import { failingCheckMadeToPass, forge } from '../harness/forgery.ts';

const evidence = await committedEvidence();

describe('deploy-evidence compare', () => {
  it('labels every check and prints the differences', async () => {
    const run = await runCli(['compare', 'sample-staging-pr73', 'sample-production-pr73', '--evidence-dir', evidence]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^sample-production-pr73 \(production, APPROVED\) compared with sample-staging-pr73 \(staging, APPROVED WITH NOTES\)/);
    expect(run.stdout).toMatch(/CHANGED\s+§4\.3\s+row-count\s+pass → pass\n\s+total_attempts: 50000 → 120000 \(\+70,000, \+140\.0%\)/);
    expect(run.stdout).toMatch(/FIXED\s+§pre\s+preflight\s+warn → pass/);
  });

  it('exits 1 with --fail-on-regression when a check regressed, 0 without it', async () => {
    const args = ['compare', 'sample-staging-pr73', 'sample-staging-pr73-rerun', '--evidence-dir', evidence];
    const plain = await runCli(args);
    expect(plain.exitCode).toBe(0);
    const gated = await runCli([...args, '--fail-on-regression']);
    expect(gated.exitCode).toBe(1);
    expect(gated.stdout).toMatch(/Regressions:\n {2}- alembic-upgrade: status: pass → warn/);
  });

  it('exits 0 with --fail-on-regression when nothing regressed, and prints one JSON document with --json', async () => {
    const run = await runCli(['compare', 'sample-production-pr73', 'sample-production-pr73', '--evidence-dir', evidence, '--fail-on-regression', '--json']);
    expect(run.exitCode).toBe(0);
    const json = JSON.parse(run.stdout) as { regressions: string[]; checks: { id: string; label: string }[]; counts: Record<string, number> };
    expect(json.regressions).toEqual([]);
    expect(json.checks.every((c) => c.label === 'same')).toBe(true);
    expect(json.counts.same).toBe(json.checks.length);

    const reverse = await runCli(['compare', 'sample-staging-pr73-rerun', 'sample-staging-pr73', '--evidence-dir', evidence, '--json']);
    const labels = Object.fromEntries((JSON.parse(reverse.stdout) as { checks: { id: string; label: string }[] }).checks.map((c) => [c.id, c.label]));
    expect(labels['alembic-upgrade']).toBe('fixed');
    expect(labels.preflight).toBe('regressed');
  });

  it('exits 2 for a deployment that does not exist', async () => {
    const run = await runCli(['compare', 'sample-staging-pr73', 'no-such-deployment', '--evidence-dir', evidence]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/no deployment "no-such-deployment" in /);
  });

  it('exits 2 for an id that is a path, and reads no deployment through a link', async () => {
    const escape = await runCli(['compare', 'sample-staging-pr73', '../evidence/sample-staging-pr73', '--evidence-dir', evidence]);
    expect(escape.exitCode).toBe(2);
    expect(escape.stderr).toMatch(/invalid deployment id "\.\.\/evidence\/sample-staging-pr73"/);
    const root = await mkdtemp(join(tmpdir(), 'compare-links-'));
    await cp(join(evidence, 'sample-staging-pr73'), join(root, 'sample-staging-pr73'), { recursive: true });
    await symlink(join(evidence, 'sample-production-pr73'), join(root, 'linked'));
    const linked = await runCli(['compare', 'sample-staging-pr73', 'linked', '--evidence-dir', root]);
    expect(linked.exitCode).toBe(2);
    expect(linked.stderr).toMatch(/no deployment "linked" in /);
  });

  it('refuses to compare a deployment that does not verify; with --allow-unverified it is marked INTEGRITY FAILED (issue 24)', async () => {
    const root = await copyOfCommittedEvidence();
    await forge(root, 'sample-staging-pr73', { edits: failingCheckMadeToPass('preflight', 'none') });
    const refused = await runCli(['compare', 'sample-staging-pr73', 'sample-staging-pr73-rerun', '--evidence-dir', root]);
    expect(refused.exitCode).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain('sample-staging-pr73 does not verify: refusing to compare evidence that is not what was collected');
    const marked = await runCli(['compare', 'sample-staging-pr73', 'sample-staging-pr73-rerun', '--allow-unverified', '--evidence-dir', root]);
    expect(marked.exitCode, marked.stderr).toBe(0);
    expect(marked.stdout).toContain('compared with sample-staging-pr73 (staging, INTEGRITY FAILED, it records APPROVED)');
    expect(marked.stdout).toContain('sample-staging-pr73 does not verify: nothing shown of it can be relied on');
    const json = JSON.parse((await runCli(['compare', 'sample-staging-pr73', 'sample-staging-pr73-rerun', '--allow-unverified', '--json', '--evidence-dir', root])).stdout);
    expect(json.integrity.current).toBeNull();
    expect(json.integrity.base).toContain('deployment.json: the decision says APPROVED; its checks give APPROVED WITH NOTES');
  });
});
