/**
 * The same rows give the same bytes whatever the collector's time zone: node-pg would shift
 * `timestamp without time zone` into local time, and lose int8 precision, without the
 * lossless edge. Two real CLI runs, TZ=UTC and TZ=Asia/Seoul, against the same database.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../harness/cli.ts';
import { cloneRealDatabase, embeddedDatabase, realServer, type TestDatabase } from '../harness/databases.ts';
import { readDeployment, tempEvidenceRoot } from '../harness/evidence.ts';

const checklist = new URL('../fixtures/checklists/lossless.json', import.meta.url).pathname;

async function rowsUnder(tz: string, db: TestDatabase): Promise<string> {
  const run = await runCli(['collect', '--env', 'staging', '--checklist', checklist, '--evidence-dir', await tempEvidenceRoot(), '--database-url', db.url, '--json'], { TZ: tz });
  expect(run.exitCode, run.stderr).toBe(0);
  const { evidenceDir } = JSON.parse(run.stdout) as { evidenceDir: string };
  const snapshot = (await readDeployment(evidenceDir)).snapshots.get('values')!;
  if (snapshot.result?.kind !== 'sql') throw new Error('no sql result');
  return JSON.stringify({ columns: snapshot.result.columns, rows: snapshot.result.rows }, null, 2);
}

const engines = [
  { name: 'a real PostgreSQL server', open: cloneRealDatabase, available: realServer() !== null },
  { name: 'the embedded database', open: embeddedDatabase, available: true },
];

describe.each(engines)('time zones against $name', ({ open, available }) => {
  it.skipIf(!available)('gives the same bytes under TZ=UTC and TZ=Asia/Seoul, exact above 2^53', async () => {
    const db = await open();
    try {
      const utc = await rowsUnder('UTC', db);
      const seoul = await rowsUnder('Asia/Seoul', db);
      expect(seoul).toBe(utc);
      const { columns, rows } = JSON.parse(utc) as { columns: { name: string; type: string }[]; rows: unknown[][] };
      const col = (name: string) => columns.findIndex((c) => c.name === name);
      const first = rows[0]!;
      expect(first[col('above_2_53')]).toBe('9007199254740993');
      expect(first[col('big_numeric')]).toBe('12345678901234567890.123456789');
      expect(first[col('completed_at')]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/);
      // The session runs in UTC, so the cast reads the naive timestamp as UTC: same instant, ISO with Z.
      expect(first[col('completed_at_tz')]).toBe(`${String(first[col('completed_at')]).replace(' ', 'T')}Z`);
      expect(first.slice(col('nan'), col('nan') + 3)).toEqual(['NaN', '-Infinity', 0.1]);
      expect(first[col('bytes')]).toBe('\\xdeadbeef');
      expect(first[col('empty_text')]).toBe('');
      expect(first[col('null_text')]).toBeNull();
      expect(columns.find((c) => c.name === 'completed_at')?.type).toBe('timestamp without time zone');
      expect(columns.find((c) => c.name === 'completed_at_tz')?.type).toBe('timestamp with time zone');
    } finally {
      await db.drop();
    }
  });
});
