/** The quick start: `deploy-evidence demo` collects, builds the site, and (without a terminal) exits. */
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { runCli } from '../harness/cli.ts';
import { toolingProblem } from '../harness/databases.ts';
import { readDeployment, tempEvidenceRoot } from '../harness/evidence.ts';

describe('deploy-evidence demo', () => {
  it('collects a history (staging baseline, staging re-run, production) under new ids each run, builds the site, and exits when not on a terminal', async () => {
    const evidence = await tempEvidenceRoot();
    const out = await tempEvidenceRoot();
    const first = await runCli(['demo', '--attempts', '1000', '--evidence-dir', evidence, '--out-dir', out, '--json']);
    expect(first.exitCode, first.stderr).toBe(0);
    const collected = (JSON.parse(first.stdout) as { deployments: { id: string; environment: string; decision: { status: string; reasons: string[] } }[] }).deployments;
    expect(collected.map((d) => d.environment)).toEqual(['staging', 'staging', 'production']);
    if (toolingProblem === null) {
      // With the Python tooling (CI has it) the example's real commands run and pass: nothing is incomplete or blocked.
      for (const d of collected) expect(['APPROVED', 'APPROVED WITH NOTES'], `${d.id}: ${d.decision.reasons.join('; ')}`).toContain(d.decision.status);
      const { snapshots } = await readDeployment(join(evidence, collected[2]!.id));
      for (const id of ['alembic-history-before', 'smoke-tests', 'rollback-sql']) expect(snapshots.get(id)?.status, id).toBe('pass');
    }
    const [baseline, rerun, production] = collected.map((d) => d.id) as [string, string, string];
    expect(rerun).toBe(`${baseline}-2`);
    // The change itself as evidence (issue 28): the baseline's upgrade creates the view and nothing else; the indexes the demo
    // adds by hand between the two staging runs are drift, named object by object.
    const baselineAfter = (await readDeployment(join(evidence, baseline))).snapshots.get('schema-after');
    expect(baselineAfter?.status, JSON.stringify(baselineAfter?.assertions)).toBe('pass');
    expect(baselineAfter?.result?.kind === 'schema' && baselineAfter.result.changes?.entries.map((c) => `${c.change} ${c.kind} ${c.name}`)).toEqual(['added view public.attempt']);
    expect(collected[1]!.decision.reasons).toEqual(
      expect.arrayContaining([expect.stringMatching(/^schema-before \(§1\): warn: the schema drifted since .*added index public\.exam_responses_exam_result_id_idx; added index public\.exam_results_student_id_idx/)]),
    );

    const second = await runCli(['demo', '--attempts', '1000', '--evidence-dir', evidence, '--out-dir', out, '--no-site']);
    expect(second.exitCode, second.stderr).toBe(0);
    const ids = (await readdir(evidence)).filter((d) => !d.startsWith('_'));
    expect(ids).toHaveLength(6);
    expect(ids).toEqual(expect.arrayContaining([`${baseline}-3`, `${baseline}-4`, `${production}-2`]));

    expect(first.stderr).toMatch(/site built in [\d.]+ s/);
    // Not a file:// path (opened as files the site loses its styles and links): the command that serves it.
    expect(first.stderr).toContain(`To view the site: npx deploy-evidence preview --out-dir ${out}  (latest report: /deployments/${production}/)`);
    expect(first.stderr).not.toMatch(/serving the site/);
    const report = await readFile(join(out, 'deployments', production, 'index.html'), 'utf8');
    expect(report).toContain('PR #73');
    expect(report).toMatch(/data-decision="(APPROVED|APPROVED WITH NOTES|BLOCKED|INCOMPLETE)"/);
    expect(report).toContain(`/deployments/${production}/compare/${rerun}/`);
    // The re-run compares with the previous staging deployment, which is also the marked baseline.
    expect((await stat(join(out, 'deployments', rerun, 'compare', baseline, 'index.html'))).isFile()).toBe(true);
    expect((await stat(join(out, 'trends', 'index.html'))).isFile()).toBe(true);
    expect((await stat(join(out, 'evidence', baseline, 'manifest.json'))).isFile()).toBe(true);
    expect(second.stderr).not.toMatch(/site built/);
    // Without --json: each deployment's decision as its own word (INCOMPLETE is never printed as FAIL), and for
    // any but APPROVED its reasons, one sentence each, never a JSON value.
    expect(second.stdout).not.toMatch(/\bFAIL\b/);
    const printed = second.stdout.split('\n');
    const heads = printed.flatMap((line, i) => (/^ {2}(APPROVED WITH NOTES|APPROVED|BLOCKED|INCOMPLETE) /.test(line) ? [i] : []));
    expect(heads).toHaveLength(3);
    for (const i of heads) {
      if (/^ {2}APPROVED {2}/.test(printed[i]!)) continue;
      const reasons = printed.slice(i + 2).filter((_, j, rest) => rest.slice(0, j + 1).every((l) => l.startsWith('      - ')));
      expect(reasons.length, printed[i]).toBeGreaterThan(0);
      for (const reason of reasons) {
        expect(reason).toMatch(/^ {6}- (the collection did not finish|(optional )?[a-z0-9-]+ \(§[^)]+\): (fail|warn|skipped|error|failed|missing): )/);
        expect(reason).not.toMatch(/\{"|\["|":/);
      }
    }
    // The demo signs production off with the SAMPLE keys, leaving its approval open.
    expect([...report.matchAll(/data-signoff-state="([a-z]+)"/g)].map((m) => m[1])).toEqual(['signed', 'signed', 'unsigned']);
    // Two demos in one evidence folder: every deployment verifies, chained per environment.
    const verify = await runCli(['verify', '--all', '--evidence-dir', evidence]);
    expect(verify.exitCode, verify.stdout).toBe(0);
    // Two whole demos (three collections and a site build each): 85 s on an idle 2-core machine.
  }, 300_000);

  it('by default collects into its own folder, replaced by each run, and leaves the committed evidence and git status as they were (issue 30)', async () => {
    const repo = fileURLToPath(new URL('../../', import.meta.url));
    const gitStatus = async () => String((await execa('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: repo })).stdout);
    const listing = async (dir: string) => (await readdir(dir, { recursive: true })).sort();
    const demoEvidence = join(repo, '.demo', 'evidence');
    // What an earlier demo left: replaced, not chained onto.
    await mkdir(join(demoEvidence, 'left-by-an-earlier-demo'), { recursive: true });
    const [statusBefore, evidenceBefore] = [await gitStatus(), await listing(join(repo, 'evidence'))];

    const run = await runCli(['demo', '--attempts', '1000', '--no-site', '--json'], {}, { cwd: repo });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toContain(`collecting into ${demoEvidence} (the demo's own folder, replaced by each run`);
    const collected = (JSON.parse(run.stdout) as { deployments: { id: string; evidenceDir: string }[] }).deployments;
    expect(collected).toHaveLength(3);
    for (const d of collected) expect(d.evidenceDir).toBe(join(demoEvidence, d.id));
    expect((await readdir(demoEvidence)).filter((d) => !d.startsWith('_')).sort()).toEqual(collected.map((d) => d.id).sort());
    expect(await gitStatus()).toBe(statusBefore);
    expect(await listing(join(repo, 'evidence'))).toEqual(evidenceBefore);
    // The demo's folder verifies on its own: its chains start there, not after the samples.
    const verify = await runCli(['verify', '--all', '--evidence-dir', demoEvidence]);
    expect(verify.exitCode, verify.stdout).toBe(0);
  }, 300_000);
});
