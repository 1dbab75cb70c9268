/**
 * Judged on real data (issue 9), on PGlite and a real server alike: assertions see every row
 * the query returned, not only the rows kept for display; decimals compare exactly; float -0
 * is kept; the result's digest covers every row.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineChecklist } from '../../collectors/checklists/define-checklist.ts';
import { collect, type CollectResult } from '../../collectors/collect.ts';
import { cloneRealDatabase, embeddedDatabase, realServer, type TestDatabase } from '../harness/databases.ts';
import { tempEvidenceRoot } from '../harness/evidence.ts';

const checklist = defineChecklist({
  id: 'every-row',
  version: '1.0.0',
  title: 'Every row judged',
  sections: [{ number: '1', title: 'Rows' }],
  checks: [
    {
      id: 'two-hundred',
      kind: 'sql',
      section: '1',
      title: '200 rows, a NULL at 150, a value out of bounds at 180',
      sql: "SELECT g AS id, CASE WHEN g = 150 THEN NULL ELSE 'a@example.com' END AS email, CASE WHEN g = 180 THEN 9999 ELSE 10 END AS score FROM generate_series(1, 200) g ORDER BY g",
      maxRows: 100,
      assertions: [
        { type: 'no-nulls', fields: ['email'] },
        { type: 'field-compare', field: 'score', op: 'lte', value: 100, rows: 'all' },
        { type: 'row-count', min: 200, max: 200 },
      ],
    },
    {
      id: 'decimals',
      kind: 'sql',
      section: '1',
      title: 'Exact decimals',
      sql: "SELECT 12345678901234567890.5::numeric AS big, 1234567890123456789012345678901234567890::numeric AS forty, '-0'::float8 AS minus_zero",
      assertions: [
        { type: 'field-compare', field: 'big', op: 'gt', value: '12345678901234567890.4' },
        { type: 'field-compare', field: 'forty', op: 'ne', value: '1234567890123456789012345678901234567891' },
        { type: 'field-compare', field: 'big', op: 'lt', value: '12345678901234567890.50000000000000000001' },
      ],
    },
  ],
});

const engines = [
  { name: 'PGlite', open: () => embeddedDatabase(), available: true },
  { name: 'a real PostgreSQL server', open: () => cloneRealDatabase(), available: realServer() !== null },
];

describe.each(engines)('on $name', ({ open, available }) => {
  let db: TestDatabase;
  let result: CollectResult;
  const snapshot = (id: string) => result.snapshots.find((s) => s.id === id)!;
  beforeAll(async () => {
    if (!available) return;
    db = await open();
    result = await collect({ checklist, environment: 'staging', evidenceRoot: await tempEvidenceRoot(), target: db.target, appDir: '.' });
  });
  afterAll(async () => {
    await db?.drop();
  });

  it.skipIf(!available)('fails on offenders beyond the kept rows, naming their row numbers; BLOCKED', () => {
    const s = snapshot('two-hundred');
    expect(s.result).toMatchObject({ kind: 'sql', rowCount: 200, rowsJudged: 200 });
    expect(s.result?.kind === 'sql' && s.result.rows.length).toBe(100);
    expect(s.truncation).toEqual({ rowsTotal: 200, rowsKept: 100, bytesOmitted: 0 });
    expect(s.assertions.map((a) => [a.type, a.status, a.actual])).toEqual([
      ['no-nulls', 'fail', { email: '1 NULL (first at row 150)' }],
      ['field-compare', 'fail', '1 of 200 rows: row 180: score = 9999'],
      ['row-count', 'pass', 200],
    ]);
    expect(result.deployment.decision.status).toBe('BLOCKED');
  });

  it.skipIf(!available)('digests every row, the same bytes as JSON.stringify of the whole result', () => {
    const s = snapshot('two-hundred');
    const rows = Array.from({ length: 200 }, (_, i) => [i + 1, i + 1 === 150 ? null : 'a@example.com', i + 1 === 180 ? 9999 : 10]);
    expect(s.result?.kind === 'sql' && s.result.reads[0]!.rowsSha256).toBe(createHash('sha256').update(JSON.stringify(rows)).digest('hex'));
  });

  it.skipIf(!available)('compares numeric values exactly and keeps float -0', () => {
    const s = snapshot('decimals');
    expect(s.assertions.map((a) => a.status)).toEqual(['pass', 'pass', 'pass']);
    expect(s.result?.kind === 'sql' && s.result.rows[0]).toEqual(['12345678901234567890.5', '1234567890123456789012345678901234567890', '-0']);
  });
});

describe('a parameter query that is not a single SELECT', () => {
  it('is not sent: the parameter stays unset, the checks that need it are skipped, and the user is told why', async () => {
    const db = await embeddedDatabase();
    try {
      const warnings: string[] = [];
      const list = defineChecklist({
        id: 'refused-parameter',
        version: '1.0.0',
        title: 'x',
        parameters: [{ name: 'victim', description: 'read by a query that writes', resolveSql: 'DELETE FROM items RETURNING id' }],
        sections: [{ number: '1', title: 'x' }],
        checks: [{ id: 'uses-it', kind: 'sql', section: '1', title: 'x', sql: 'SELECT $1::text AS v', params: ['victim'] }],
      });
      const before = (await db.admin('SELECT count(*)::int AS n FROM items')).rows[0]?.n;
      const result = await collect({ checklist: list, environment: 'staging', evidenceRoot: await tempEvidenceRoot(), target: db.target, appDir: '.', warn: (m) => warnings.push(m) });
      expect(result.snapshots[0]).toMatchObject({ status: 'skipped', skipReason: 'parameter victim not set (--param victim=…)' });
      expect(warnings).toContain('parameter victim: its resolveSql was not sent: the query of parameter victim runs only a SELECT, this is DeleteStmt');
      expect((await db.admin('SELECT count(*)::int AS n FROM items')).rows[0]?.n).toBe(before);
    } finally {
      await db.drop();
    }
  });
});
