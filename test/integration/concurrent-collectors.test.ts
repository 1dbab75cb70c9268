/**
 * Collectors started together on one evidence root (issue 24): each links its manifest under the
 * root's lock, so the chain stays one line — before the lock, three collectors finishing together
 * followed the same end and forked it (2 trials in 10). A real server, the real CLI, three trials.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../harness/cli.ts';
import { cloneRealDatabase, realServer } from '../harness/databases.ts';
import { tempEvidenceRoot } from '../harness/evidence.ts';
import { readChainLinks } from '../../src/format/read-chain-links.ts';
import { chainForks, chainProblems } from '../../src/core/integrity/chain.ts';

const CHECKLIST = {
  id: 'quick',
  version: '1.0.0',
  title: 'One quick query',
  sections: [{ number: '1', title: 'Data' }],
  checks: [{ id: 'count', kind: 'sql', section: '1', title: 'Counts the results', sql: 'SELECT count(*) AS n FROM exam_results', assertions: [{ type: 'row-count', min: 1 }] }],
};

describe.skipIf(realServer() === null)('collectors started together on one evidence root', () => {
  it('link one at a time: the chain stays a line, and verify holds', async () => {
    const db = await cloneRealDatabase();
    try {
      for (let trial = 0; trial < 3; trial += 1) {
        const root = await tempEvidenceRoot();
        const checklist = join(root, '..', `quick-${trial}.json`);
        await writeFile(checklist, JSON.stringify(CHECKLIST));
        const runs = await Promise.all(['a', 'b', 'c'].map((id) => runCli(['collect', '--checklist', checklist, '--env', 'staging', '--id', `t${trial}-${id}`, '--evidence-dir', root, '--database-url', db.url])));
        for (const run of runs) expect(run.exitCode, run.stderr).toBe(0);
        const links = await readChainLinks(root);
        expect(links).toHaveLength(3);
        expect(chainForks(links), `trial ${trial}`).toEqual([]);
        expect(chainProblems(links)).toEqual([]);
        expect(links.filter((l) => l.previous === null)).toHaveLength(1);
        const verify = await runCli(['verify', '--all', '--evidence-dir', root]);
        expect(verify.exitCode, verify.stdout).toBe(0);
      }
    } finally {
      await db.drop();
    }
  }, 180_000);
});
