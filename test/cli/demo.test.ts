/** The quick start: `deploy-evidence demo` collects, builds the site, and (without a terminal) exits. */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../harness/cli.ts';
import { tempEvidenceRoot } from '../harness/evidence.ts';

describe('deploy-evidence demo', () => {
  it('collects into a new id each run, builds the site from the evidence, and exits when not on a terminal', async () => {
    const evidence = await tempEvidenceRoot();
    const out = await tempEvidenceRoot();
    const first = await runCli(['demo', '--attempts', '1000', '--evidence-dir', evidence, '--out-dir', out]);
    expect(first.exitCode, first.stderr).toBe(0);
    const second = await runCli(['demo', '--attempts', '1000', '--evidence-dir', evidence, '--out-dir', out, '--no-site']);
    expect(second.exitCode, second.stderr).toBe(0);
    const ids = (await readdir(evidence)).filter((d) => !d.startsWith('_')).sort();
    expect(ids).toHaveLength(2);
    expect(ids[1]).toBe(`${ids[0]}-2`);

    expect(first.stderr).toMatch(/site built in [\d.]+ s/);
    expect(first.stderr).toContain(`report: ${out}/deployments/${ids[0]}/index.html`);
    expect(first.stderr).not.toMatch(/serving the site/);
    const report = await readFile(join(out, 'deployments', ids[0]!, 'index.html'), 'utf8');
    expect(report).toContain('PR #73');
    expect(report).toMatch(/data-decision="(APPROVED|APPROVED WITH NOTES|BLOCKED|INCOMPLETE)"/);
    expect((await stat(join(out, 'evidence', ids[0]!, 'manifest.json'))).isFile()).toBe(true);
    expect(second.stderr).not.toMatch(/site built/);
  });
});
