/**
 * Linear time on long input (issue 25): every scan of checklist or evidence text is linear in its
 * length. A 200,000-character SQL text took 36 s to validate (the credential warning's pattern tried
 * a URL scheme from every position of a long run of letters) and a 5 MB one kept `collect` busy for
 * minutes. Timed at 1 MB and 4 MB and compared: a quadratic scan takes 16 times as long for 4 times
 * the text; a linear one about 4 times (the bound leaves room for a loaded machine).
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { credentialWarnings } from '../../src/core/checklists/credential-literals.ts';
import { checklistSchema } from '../../src/format/index.ts';
import { MAX_EVIDENCE_FILE_BYTES } from '../../src/format/evidence-tree.ts';
import { runCli } from '../harness/cli.ts';
import { cloneRealDatabase, realServer } from '../harness/databases.ts';
import { tempEvidenceRoot } from '../harness/evidence.ts';

const MB = 1_000_000;

/** Texts that made the old patterns backtrack: a run of letters, many openings never closed. */
const HOSTILE: Record<string, (size: number) => string> = {
  letters: (size) => 'a'.repeat(size),
  'schemes without a password': (size) => 'ab://cd'.repeat(size / 7),
  'quotes never closed': (size) => "password '".repeat(size / 10),
  'URLs without an @': (size) => 'x://user:pass/'.repeat(size / 14),
};

const checklistWith = (sql: string) =>
  checklistSchema.parse({
    id: 'long',
    version: '1.0.0',
    title: 'A long SQL text',
    sections: [{ number: '1', title: 'Data' }],
    checks: [{ id: 'long', kind: 'sql', section: '1', title: 'A long literal', sql, assertions: [{ type: 'row-count', min: 1 }] }],
  });

/** The fastest of three runs, in ms. */
function fastest(run: () => void): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 3; i += 1) {
    const started = performance.now();
    run();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

describe('scans of long text', () => {
  it.each(Object.keys(HOSTILE))('the credential warning is linear in the text: %s', (name) => {
    const [small, large] = [1 * MB, 4 * MB].map((size) => checklistWith(`SELECT '${HOSTILE[name]!(size)}' AS v`));
    const ratio = (fastest(() => credentialWarnings(large!)) + 5) / (fastest(() => credentialWarnings(small!)) + 5);
    expect(ratio, `${name}: 4 MB took ${ratio.toFixed(1)} times as long as 1 MB`).toBeLessThan(8);
  });

  it('still finds each credential it looked for', () => {
    const found = (sql: string) => credentialWarnings(checklistWith(sql)).length;
    expect(found("SELECT 'postgres://app:s3cret@db/app'")).toBe(1);
    expect(found("SELECT 1 -- PGPASSWORD=s3cret")).toBe(1);
    expect(found("SELECT 'password=s3cret'")).toBe(1);
    expect(found("ALTER ROLE app PASSWORD 's3cret'")).toBe(1);
    expect(found("SELECT 'postgres://app:{{password}}@db/app', 'PGPASSWORD={{p}}'")).toBe(0);
  });
});

describe.skipIf(realServer() === null)('a long SQL text through the CLI', () => {
  it('validates and collects a 4 MB literal in about four times a 1 MB one\'s time', async () => {
    const db = await cloneRealDatabase();
    try {
      const root = await tempEvidenceRoot();
      const seconds: Record<string, number> = {};
      for (const size of [1 * MB, 4 * MB]) {
        const file = join(root, `long-${size}.json`);
        await writeFile(file, JSON.stringify({ id: 'long', version: '1.0.0', title: 'A long SQL text', sections: [{ number: '1', title: 'Data' }], checks: [{ id: 'long', kind: 'sql', section: '1', title: 'A long literal', sql: `SELECT length('${'a'.repeat(size)}') AS n`, assertions: [{ type: 'row-count', min: 1 }] }] }));
        const started = performance.now();
        const validate = await runCli(['checklist', 'validate', file]);
        expect(validate.exitCode, validate.stderr).toBe(0);
        const collect = await runCli(['collect', '--checklist', file, '--env', 'staging', '--id', `long-${size}`, '--evidence-dir', join(root, 'evidence'), '--database-url', db.url]);
        expect(collect.exitCode, collect.stderr).toBe(0);
        seconds[size] = (performance.now() - started) / 1000;
      }
      // Node and the CLI start in about a second either way: that is not the text's doing.
      expect((seconds[4 * MB]! - 1) / (seconds[1 * MB]! - 1 + 0.5), JSON.stringify(seconds)).toBeLessThan(8);
    } finally {
      await db.drop();
    }
  }, 300_000);

  it('keeps what it writes under the ceiling on an evidence file: a 40 MB value is judged, not kept; a command\'s kept output is capped; a checklist over 16 MiB is refused (issue 25)', async () => {
    const db = await cloneRealDatabase();
    try {
      const root = await tempEvidenceRoot();
      const file = join(root, 'huge.json');
      await writeFile(
        file,
        JSON.stringify({
          id: 'huge',
          version: '1.0.0',
          title: 'Huge values',
          sections: [{ number: '1', title: 'Data' }],
          checks: [
            { id: 'value', kind: 'sql', section: '1', title: 'One 40 MB value', sql: "SELECT repeat('x', 40000000) AS v, 1 AS n", assertions: [{ type: 'row-count', min: 1, max: 1 }] },
            { id: 'output', kind: 'command', section: '1', title: 'Says a lot', argv: ['sh', '-c', "head -c 20000000 /dev/zero | tr '\\0' x"], maxOutputBytes: 100 * 1024 * 1024, assertions: [{ type: 'exit-code', equals: 0 }] },
          ],
        }),
      );
      const collect = await runCli(['collect', '--checklist', file, '--env', 'staging', '--id', 'huge', '--evidence-dir', join(root, 'evidence'), '--database-url', db.url]);
      expect(collect.exitCode, collect.stderr).toBe(0);
      const value = JSON.parse(await readFile(join(root, 'evidence', 'huge', 'checks', 'value.json'), 'utf8'));
      expect(value.status).toBe('pass');
      expect(value.result.rows).toEqual([]);
      expect(value.truncation).toEqual({ rowsTotal: 1, rowsKept: 0, bytesOmitted: 0 });
      const output = JSON.parse(await readFile(join(root, 'evidence', 'huge', 'checks', 'output.json'), 'utf8'));
      expect(output.result.outputCapBytes).toBe(8 * 1024 * 1024);
      for (const name of ['value.json', 'output.json']) expect((await stat(join(root, 'evidence', 'huge', 'checks', name))).size).toBeLessThan(MAX_EVIDENCE_FILE_BYTES);
      expect((await runCli(['verify', '--all', '--no-git', '--evidence-dir', join(root, 'evidence')])).exitCode).toBe(0);

      const bigChecklist = join(root, 'big-checklist.json');
      await writeFile(bigChecklist, JSON.stringify({ id: 'big', version: '1.0.0', title: 'Too big to store', sections: [{ number: '1', title: 'Data' }], checks: [{ id: 'q', kind: 'sql', section: '1', title: 'q', sql: `SELECT '${'a'.repeat(17 * 1024 * 1024)}' AS v` }] }));
      const refused = await runCli(['checklist', 'validate', bigChecklist]);
      expect(refused.exitCode).toBe(2);
      expect(refused.stderr).toMatch(/takes 17\.0 MiB as JSON; a checklist is stored in every deployment\.json it produces and may take at most 16 MiB/);
    } finally {
      await db.drop();
    }
  }, 300_000);
});
