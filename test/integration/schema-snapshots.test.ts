/**
 * Schema snapshots on a real PostgreSQL server (issue 28). A checklist that is not the example:
 * a snapshot, a mutating step (psql runs a migration that retypes a column — a table rewrite —
 * and builds an index), a snapshot after it with its change report. Then an out-of-band
 * ALTER TABLE between two deployments of the same environment is drift, named by its column;
 * an object the checklist does not expect fails `expected-changes`; the same schema read twice is
 * the same bytes.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect } from '../../collectors/collect.ts';
import { resolveConnection } from '../../collectors/db/connection.ts';
import { checklistSchema, stableJson, checkSnapshotSchema, type ChecklistInput, type ResultOf } from '../../src/format/index.ts';
import { markdownReport } from '../../src/core/export/markdown.ts';
import { rederivationProblems } from '../../src/core/integrity/rederive.ts';
import { compareObjects } from '../../src/core/schema-diff/diff.ts';
import { realServer, serverUrl } from '../harness/databases.ts';
import { readDeployment, tempEvidenceRoot } from '../harness/evidence.ts';
import { adminQuery } from '../harness/seed-database.ts';

const MIGRATION = 'ALTER TABLE ledger.entry ALTER COLUMN amount TYPE numeric(14,2); CREATE INDEX entry_booked_idx ON ledger.entry (booked_on);';

function ledgerChecklist(expected: string[]): ChecklistInput {
  return {
    id: 'ledger-migration',
    version: '1.0.0',
    title: 'Ledger migration',
    parameters: [{ name: 'dbUrl', description: 'the database, for psql', secret: true }],
    sections: [{ number: '1', title: 'Before' }, { number: '2', title: 'Migration' }, { number: '3', title: 'After' }],
    checks: [
      { id: 'schema-before', kind: 'schema', section: '1', title: 'Schema before', schemas: ['ledger'], drift: { against: 'schema-after', severity: 'fail' } },
      { id: 'migrate', kind: 'command', section: '2', title: 'Migrate', argv: ['psql', '{{dbUrl}}', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', MIGRATION], mutating: true, assertions: [{ type: 'exit-code', equals: 0 }] },
      {
        id: 'schema-after',
        kind: 'schema',
        section: '3',
        title: 'Schema after',
        schemas: ['ledger'],
        changesFrom: 'schema-before',
        assertions: [{ type: 'expected-changes', objects: expected }, { type: 'no-unexpected-drops' }],
      },
    ],
  };
}

describe.skipIf(realServer() === null)('schema snapshots on a real server', () => {
  let name: string;
  let url: string;
  beforeAll(async () => {
    name = `schema_${randomBytes(5).toString('hex')}`;
    await adminQuery(serverUrl('postgres'), `CREATE DATABASE ${name}`);
    url = serverUrl(name);
    await adminQuery(
      url,
      `CREATE SCHEMA ledger;
       CREATE TABLE ledger.entry (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, amount integer NOT NULL DEFAULT 0, booked_on date NOT NULL);
       INSERT INTO ledger.entry (amount, booked_on) SELECT g, DATE '2026-01-01' + g FROM generate_series(1, 500) g;
       CREATE VIEW ledger.daily AS SELECT booked_on, sum(amount) AS total FROM ledger.entry GROUP BY booked_on;
       CREATE FUNCTION ledger.total() RETURNS bigint LANGUAGE sql STABLE AS 'SELECT sum(amount)::bigint FROM ledger.entry';
       GRANT SELECT ON ledger.daily TO PUBLIC;`,
    );
  });
  afterAll(async () => {
    await adminQuery(serverUrl('postgres'), `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });

  const run = (root: string, id: string, expected: string[]) =>
    collect({
      checklist: checklistSchema.parse(ledgerChecklist(expected)),
      environment: 'staging',
      deploymentId: id,
      evidenceRoot: root,
      target: resolveConnection({ databaseUrl: url }),
      appDir: '.',
      params: { dbUrl: url },
      allowMutating: { by: 'test', via: 'test' },
    });

  it('names the rewritten table, the retyped column and the new index; drift has no baseline first, then names an out-of-band column', async () => {
    const root = await tempEvidenceRoot();
    // The view depends on the column: it must go and come back around the retype.
    await adminQuery(url, 'DROP VIEW ledger.daily');
    const first = await run(root, 'first', ['table ledger.entry', 'index ledger.entry_booked_idx']);
    const { snapshots } = await readDeployment(join(root, 'first'));
    expect(snapshots.get('migrate')?.status, JSON.stringify(snapshots.get('migrate')?.result)).toBe('pass');
    const after = snapshots.get('schema-after')!;
    const result = after.result as ResultOf<'schema'>;
    const changes = result.changes!.entries;
    const table = changes.find((c) => c.name === 'ledger.entry' && c.kind === 'table')!;
    expect(table).toMatchObject({ change: 'changed', rewritten: true });
    expect(table.parts).toContainEqual({ part: 'column amount', change: 'changed', before: 'integer NOT NULL DEFAULT 0', after: 'numeric(14,2) NOT NULL DEFAULT 0' });
    const before = (snapshots.get('schema-before')!.result as ResultOf<'schema'>).objects.find((o) => o.kind === 'table' && o.name === 'entry')!;
    const afterEntry = result.objects.find((o) => o.kind === 'table' && o.name === 'entry')!;
    expect(afterEntry.relfilenode).not.toBe(before.relfilenode);
    expect(changes.find((c) => c.name === 'ledger.entry_booked_idx')).toMatchObject({ kind: 'index', change: 'added', after: expect.stringContaining('CREATE INDEX entry_booked_idx ON ledger.entry USING btree (booked_on)') });
    expect(after.assertions.map((a) => [a.type, a.status]), JSON.stringify(after.assertions)).toEqual([['expected-changes', 'pass'], ['no-unexpected-drops', 'pass']]);
    // The first deployment of the environment: no baseline, a warning, never green.
    const driftFirst = snapshots.get('schema-before')!;
    expect(driftFirst.assertions).toEqual([expect.objectContaining({ id: 'drift', status: 'warn', actual: 'no baseline: no earlier deployment in this environment' })]);
    expect(first.deployment.decision.status).toBe('APPROVED WITH NOTES');
    // verify computes the change report again from the two snapshots: as collected, it agrees;
    // a report rewritten to hide the new index (its verdicts left green) does not.
    expect(rederivationProblems(first.deployment, snapshots)).toEqual([]);
    const hidden = { ...after, result: { ...result, changes: { ...result.changes!, entries: changes.filter((c) => c.name !== 'ledger.entry_booked_idx') } } };
    expect(rederivationProblems(first.deployment, new Map([...snapshots, ['schema-after', hidden]]))).toEqual([
      `checks/schema-after.json: its change report (${changes.length - 1} changes) is not what its snapshot and schema-before's give (${changes.length} changes)`,
    ]);
    // The PR Markdown names them too.
    const md = markdownReport({ deployment: first.deployment, snapshots, digest: first.manifestSha256, fileDigests: new Map(), where: {} });
    expect(md).toContain('changed | table ledger.entry | column amount: integer NOT NULL DEFAULT 0 → numeric(14,2) NOT NULL DEFAULT 0; rewritten');
    expect(md).toContain('added | index ledger.entry\\_booked\\_idx');

    // Out of band, between two deployments: a column added by hand, the migration rolled back by hand.
    await adminQuery(url, 'ALTER TABLE ledger.entry ADD COLUMN note text; DROP INDEX ledger.entry_booked_idx; ALTER TABLE ledger.entry ALTER COLUMN amount TYPE integer');
    const second = await run(root, 'second', ['table ledger.entry']);
    const secondSnapshots = (await readDeployment(join(root, 'second'))).snapshots;
    const drift = secondSnapshots.get('schema-before')!;
    const driftResult = (drift.result as ResultOf<'schema'>).drift!;
    expect(driftResult.against).toEqual({ deploymentId: 'first', checkId: 'schema-after' });
    const entry = driftResult.entries.find((c) => c.name === 'ledger.entry')!;
    expect(entry.parts).toContainEqual({ part: 'column note', change: 'added', before: null, after: 'text' });
    // Drift is not storage: the rewrite back is named by its column type, not by its relfilenode.
    expect(entry.parts.map((p) => p.part)).not.toContain('storage');
    expect(drift.status).toBe('fail');
    expect(drift.assertions[0]).toMatchObject({ id: 'drift', status: 'fail' });
    // expected-changes names what it did not expect: the index, created again.
    const unexpected = secondSnapshots.get('schema-after')!.assertions.find((a) => a.type === 'expected-changes')!;
    expect(unexpected.status).toBe('fail');
    expect(JSON.stringify(unexpected.actual)).toContain('added index ledger.entry_booked_idx');
    expect(second.deployment.decision.status).toBe('BLOCKED');
  });

  it('gives the same bytes for the same schema, read twice', async () => {
    const root = await tempEvidenceRoot();
    const checklist = checklistSchema.parse({
      id: 'twice',
      version: '1.0.0',
      title: 'Twice',
      sections: [{ number: '1', title: 'x' }],
      checks: [
        { id: 'one', kind: 'schema', section: '1', title: 'one', schemas: ['ledger'] },
        { id: 'two', kind: 'schema', section: '1', title: 'two', schemas: ['ledger'], changesFrom: 'one', assertions: [{ type: 'expected-changes', objects: [] }] },
      ],
    });
    await collect({ checklist, environment: 'dev', deploymentId: 'twice', evidenceRoot: root, target: resolveConnection({ databaseUrl: url }), appDir: '.' });
    const { snapshots } = await readDeployment(join(root, 'twice'));
    const objects = (id: string) => stableJson(checkSnapshotSchema.shape.result, { ...(snapshots.get(id)!.result as ResultOf<'schema'>), changes: null } as never);
    expect(objects('one')).toBe(objects('two'));
    const listed = (snapshots.get('one')!.result as ResultOf<'schema'>).objects;
    // Every kind of object the schema holds, in the written order (schema, kind, table, name).
    expect(listed.map((o) => `${o.kind} ${o.name}`)).toEqual(['constraint entry_pkey', 'function total()', 'index entry_booked_idx', 'index entry_pkey', 'sequence entry_id_seq', 'table entry']);
    expect([...listed].sort(compareObjects)).toEqual(listed);
    expect(snapshots.get('two')!.assertions[0]).toMatchObject({ status: 'pass' });
  });
});
