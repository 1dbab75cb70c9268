/**
 * A collector killed with SIGKILL at random points, many times (issue 12, adversarial test 3):
 * no leftover has a manifest that lists a file it does not match — each deployment verifies OK
 * (it finished) or INCOMPLETE (it did not), never FAILED — and the chain of the ones that
 * finished holds. `verify --all` on the leftovers says INCOMPLETE, not OK.
 */
import { spawn } from 'node:child_process';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runCli } from '../harness/cli.ts';
import { cloneRealDatabase, realServer, type TestDatabase } from '../harness/databases.ts';
import { tempEvidenceRoot } from '../harness/evidence.ts';

const KILLS = 12;

describe.skipIf(realServer() === null)('collectors killed at random points', () => {
  let db: TestDatabase;
  let root: string;
  let checklist: string;
  beforeAll(async () => {
    db = await cloneRealDatabase();
    root = await tempEvidenceRoot();
    checklist = join(root, '..', `slow-${Date.now()}.json`);
    // Many small checks, each one snapshot and one deployment.json rewrite: many points to die at.
    const checks = Array.from({ length: 12 }, (_, i) => ({ id: `step-${i}`, kind: 'sql', section: '1', title: `Step ${i}`, sql: `SELECT ${i} AS n, pg_sleep(0.05)::text AS slept` }));
    await writeFile(checklist, JSON.stringify({ id: 'slow', version: '1.0.0', title: 'Slow steps', sections: [{ number: '1', title: 'Steps' }], checks }));
  });
  afterAll(async () => {
    await db?.drop();
  });

  /** A collector, and its exit (listened for at once: it may finish before it is killed). */
  const collect = (id: string) => {
    const child = spawn(process.execPath, [BIN, 'collect', '--checklist', checklist, '--env', 'staging', '--id', id, '--evidence-dir', root, '--database-url', db.url], { stdio: 'ignore' });
    return { child, exited: new Promise((resolve) => child.once('exit', resolve)) };
  };

  it(`leaves only OK or INCOMPLETE deployments after ${KILLS} SIGKILLs, and an intact chain`, async () => {
    // How long a collection runs once it has claimed its folder, so the kills land inside one.
    const claimed = async (id: string) => {
      for (let i = 0; i < 1_500 && !(await stat(join(root, id)).catch(() => null)); i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
      return performance.now();
    };
    const first = collect('whole-0');
    const claimedAt = await claimed('whole-0');
    await first.exited;
    const running = performance.now() - claimedAt;
    let seed = 7;
    const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    for (let i = 1; i <= KILLS; i += 1) {
      const { child, exited } = collect(`killed-${i}`);
      await claimed(`killed-${i}`);
      await new Promise((resolve) => setTimeout(resolve, running * 0.9 * random()));
      child.kill('SIGKILL');
      await exited;
      // Every few kills, one that finishes: the chain must link over the dead ones.
      if (i % 4 === 0) await collect(`whole-${i}`).exited;
    }
    const run = await runCli(['verify', '--all', '--json', '--evidence-dir', root]);
    const report = JSON.parse(run.stdout) as { ok: boolean; deployments: { id: string; status: string; problems: string[] }[]; chain: unknown[] };
    const byStatus = (status: string) => report.deployments.filter((d) => d.status === status).map((d) => d.id);
    expect(byStatus('FAILED'), JSON.stringify(report.deployments.filter((d) => d.status === 'FAILED'))).toEqual([]);
    expect(report.chain).toEqual([]);
    expect(byStatus('OK')).toEqual(expect.arrayContaining(['whole-0', 'whole-4', 'whole-8', 'whole-12']));
    // The kills did land mid-collection, and those leftovers say so.
    expect(byStatus('INCOMPLETE').length).toBeGreaterThanOrEqual(KILLS / 2);
    expect(report.ok).toBe(false);
    expect(run.exitCode).toBe(1);
  }, 600_000);
});
