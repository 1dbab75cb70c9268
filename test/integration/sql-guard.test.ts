/**
 * The SQL guard closes the string door (issue 25), on PGlite and a real server alike: SQL given to
 * a function as text, index writes, VOLATILE functions, user code behind views, operators,
 * functions and parameter queries, and password hashes are refused before the statement is sent —
 * and, collected as a superuser, what they would have done did not happen. Allowed volatile
 * functions still run, and a check that allows one by name runs it and says so in the evidence.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineChecklist } from '../../collectors/checklists/define-checklist.ts';
import { loadChecklist } from '../../collectors/checklists/load-checklist.ts';
import { catalogVerdict } from '../../collectors/checks/catalog-guard.ts';
import { assertSingleSelect } from '../../collectors/checks/single-select.ts';
import { collect, type CollectResult } from '../../collectors/collect.ts';
import { resolveConnection } from '../../collectors/db/connection.ts';
import { DatabaseSession } from '../../collectors/db/session.ts';
import type { ChecklistInput, CheckSnapshot } from '../../src/format/index.ts';
import { cloneRealDatabase, embeddedDatabase, realServer, serverUrl, type TestDatabase } from '../harness/databases.ts';
import { tempEvidenceRoot } from '../harness/evidence.ts';
import { adminQuery } from '../harness/seed-database.ts';

/** Every file a collection wrote, as text. */
async function evidenceText(root: string): Promise<string> {
  const files = (await readdir(root, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
  return (await Promise.all(files.map((f) => readFile(join(f.parentPath, f.name), 'utf8')))).join('\n');
}

/** What a hostile database holds: user code that writes outside the transaction, behind innocent names. */
function hostileSchema(marker: string): string[] {
  return [
    `CREATE FUNCTION program_writer() RETURNS int LANGUAGE plpgsql AS $$BEGIN EXECUTE 'COPY (SELECT 1) TO PROGRAM ''touch ${marker}'''; RETURN 1; END$$`,
    'CREATE VIEW innocent AS SELECT program_writer() AS x, id FROM items',
    // Declares STABLE, reads a server file anyway: a declared volatility is the author's claim.
    "CREATE FUNCTION lying_reader() RETURNS text LANGUAGE plpgsql STABLE AS $$BEGIN RETURN pg_read_file('/etc/passwd'); END$$",
    "CREATE FUNCTION slot_maker() RETURNS text LANGUAGE sql STABLE AS $$SELECT pg_create_physical_replication_slot('guard_slot_fn', true)::text$$",
    'CREATE VIEW role_secrets AS SELECT rolname, rolpassword FROM pg_authid',
    'CREATE FUNCTION op_fn(int, int) RETURNS int LANGUAGE plpgsql IMMUTABLE AS $$BEGIN RETURN program_writer(); END$$',
    'CREATE OPERATOR ### (function = op_fn, leftarg = int, rightarg = int)',
    "CREATE FUNCTION next_item(x int) RETURNS int LANGUAGE sql STABLE AS 'SELECT x + 1'",
    'CREATE VIEW nice_view AS SELECT next_item(id) AS n, now() AS t FROM items',
    'CREATE INDEX items_brin ON items USING brin (id)',
  ];
}

const sqlCheck = (id: string, sql: string, extra: Record<string, unknown> = {}) => ({ id, kind: 'sql' as const, section: '1', title: id, required: false, sql, ...extra });

const attacks = defineChecklist({
  id: 'string-door',
  version: '1.0.0',
  title: 'The string door',
  sections: [{ number: '1', title: 'Attacks' }],
  parameters: [{ name: 'programmed', description: 'read by a query that reaches user code', resolveSql: 'SELECT program_writer()::text' }],
  checks: [
    sqlCheck('xml-passwd', "SELECT query_to_xml('SELECT pg_read_file(''/etc/passwd'')', true, false, '') AS x"),
    sqlCheck('xml-slot', "SELECT query_to_xml('SELECT pg_create_physical_replication_slot(''guard_slot_xml'', true)', true, false, '') AS x"),
    sqlCheck('ts-stat', "SELECT * FROM ts_stat('SELECT to_tsvector(pg_read_file(''/etc/passwd''))')"),
    sqlCheck('ts-rewrite', "SELECT ts_rewrite('a & b'::tsquery, 'SELECT ''a''::tsquery, ''c''::tsquery') AS q"),
    sqlCheck('brin', "SELECT brin_summarize_new_values('items_brin'::regclass) AS n"),
    sqlCheck('gin', "SELECT gin_clean_pending_list('items_brin'::regclass) AS n"),
    sqlCheck('setseed', 'SELECT setseed(0.5) AS s'),
    sqlCheck('user-program', 'SELECT program_writer() AS x'),
    sqlCheck('view-program', 'SELECT * FROM innocent'),
    sqlCheck('lying-stable', 'SELECT lying_reader() AS x'),
    sqlCheck('sql-function-slot', 'SELECT slot_maker() AS x'),
    sqlCheck('operator', 'SELECT 1 ### 2 AS x'),
    sqlCheck('authid-view', 'SELECT * FROM role_secrets'),
    sqlCheck('authid-xml', "SELECT table_to_xml('pg_authid', true, false, '') AS x"),
    sqlCheck('volatile-refused', "SELECT pg_relation_size('items') AS size"),
    sqlCheck('volatile-allowed', "SELECT pg_relation_size('items') AS size, random() AS r", { allowFunctions: ['pg_relation_size'] }),
    sqlCheck('allow-cannot-lift', "SELECT query_to_xml('SELECT 1', true, false, '') AS x", { allowFunctions: ['query_to_xml'] }),
    sqlCheck('default-allowed', 'SELECT random() AS r, clock_timestamp() AS t, gen_random_uuid() AS u, pg_sleep(0) AS s, now() AS n, current_date AS d'),
    sqlCheck('followed-and-fine', 'SELECT n, t FROM nice_view ORDER BY n LIMIT 1'),
    sqlCheck('uses-programmed', 'SELECT $1::text AS v', { params: ['programmed'] }),
    { id: 'explain-view-program', kind: 'explain', section: '1', title: 'x', required: false, sql: 'SELECT * FROM innocent' },
    { id: 'explain-allowed', kind: 'explain', section: '1', title: 'x', required: false, sql: "SELECT pg_relation_size('items')", allowFunctions: ['pg_catalog.pg_relation_size'] },
    { id: 'columns-view-program', kind: 'columns', section: '1', title: 'x', required: false, relation: { schema: 'public', name: 'innocent' }, expect: { columns: [{ name: 'x', type: 'integer', nullable: false }, { name: 'id', type: 'integer', nullable: true }] } },
  ],
});

/** Each refused check: the function its message must name. */
const REFUSED: Record<string, RegExp> = {
  'xml-passwd': /not sent: the SELECT contains a call to query_to_xml\(\), which runs SQL given to it as text/,
  'xml-slot': /query_to_xml\(\)/,
  'ts-stat': /ts_stat\(\), which runs SQL given to it as text/,
  'ts-rewrite': /ts_rewrite\(\)/,
  brin: /brin_summarize_new_values\(\), which writes an index/,
  gin: /gin_clean_pending_list\(\), which writes an index/,
  setseed: /setseed\(\)/,
  'user-program': /calls public\.program_writer\(\), a user-defined plpgsql function/,
  'view-program': /calls public\.program_writer\(\), a user-defined plpgsql function.* \(through view public\.innocent\)/,
  'lying-stable': /calls public\.lying_reader\(\), a user-defined plpgsql function: code the guard cannot see into, whatever volatility it declares/,
  'sql-function-slot': /reaches a call to pg_create_physical_replication_slot\(\), which acts outside a read-only transaction \(through function public\.slot_maker\(\)\)/,
  operator: /calls public\.op_fn\(\).* \(through operator ###\)/,
  'authid-view': /reaches the column rolpassword, which holds password hashes.* \(through view public\.role_secrets\)/,
  'authid-xml': /table_to_xml\(\)/,
  'volatile-refused': /calls pg_catalog\.pg_relation_size\(\), which PostgreSQL marks VOLATILE.*allowFunctions/,
  'allow-cannot-lift': /query_to_xml\(\)/,
  'explain-view-program': /program_writer\(\).* \(through view public\.innocent\)/,
  'columns-view-program': /program_writer\(\).* \(through view public\.innocent\)/,
};

const engines = [
  { name: 'PGlite', open: () => embeddedDatabase(), available: true, real: false },
  { name: 'a real PostgreSQL server, as a superuser', open: () => cloneRealDatabase(), available: realServer() !== null, real: true },
];

describe.each(engines)('the guard on $name', ({ open, available, real }) => {
  let db: TestDatabase;
  let result: CollectResult;
  let root: string;
  const warnings: string[] = [];
  const marker = `/tmp/deploy-evidence-guard-${randomBytes(6).toString('hex')}`;
  const snapshot = (id: string): CheckSnapshot => result.snapshots.find((s) => s.id === id)!;

  beforeAll(async () => {
    if (!available) return;
    db = await open();
    for (const sql of hostileSchema(marker)) await db.admin(sql);
    root = await tempEvidenceRoot();
    result = await collect({ checklist: attacks, environment: 'staging', evidenceRoot: root, target: db.target, appDir: '.', warn: (m) => warnings.push(m) });
  }, 120_000);
  afterAll(async () => {
    await rm(marker, { force: true });
    if (real) await db?.admin("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name LIKE 'guard_slot%'");
    await db?.drop();
  });

  it.skipIf(!available)('refuses each attack before it is sent, naming the function', () => {
    for (const [id, message] of Object.entries(REFUSED)) {
      expect(snapshot(id), id).toMatchObject({ status: 'error', result: null, error: { kind: 'refused' } });
      expect(snapshot(id).error?.message, id).toMatch(message);
    }
  });

  it.skipIf(!available)('refuses a parameter query that reaches user code: the parameter stays unset, the check that needs it is skipped', () => {
    expect(warnings).toContainEqual(expect.stringMatching(/^parameter programmed: its resolveSql was not sent: the SELECT calls public\.program_writer\(\)/));
    expect(snapshot('uses-programmed')).toMatchObject({ status: 'skipped' });
    expect(result.deployment.parameters).toContainEqual({ name: 'programmed', value: null, source: 'unset' });
  });

  it.skipIf(!available)('runs what only reads: the default allow-list, and views and SQL functions whose bodies pass', () => {
    expect(snapshot('default-allowed')).toMatchObject({ status: 'pass', error: null });
    expect(snapshot('default-allowed').source.allowedFunctions).toBeUndefined();
    expect(snapshot('followed-and-fine')).toMatchObject({ status: 'pass', error: null, result: { kind: 'sql', rowCount: 1 } });
  });

  it.skipIf(!available)('runs a function the check allows by name, and the evidence records it (the check and its definition)', async () => {
    expect(snapshot('volatile-allowed')).toMatchObject({ status: 'pass', error: null, result: { kind: 'sql', rowCount: 1 } });
    expect(snapshot('volatile-allowed').source.allowedFunctions).toEqual(['pg_catalog.pg_relation_size']);
    expect(snapshot('explain-allowed')).toMatchObject({ status: 'pass', error: null, result: { kind: 'explain' } });
    expect(snapshot('explain-allowed').source.allowedFunctions).toEqual(['pg_catalog.pg_relation_size']);
    const written = JSON.parse(await readFile(join(result.dir, 'checks', 'volatile-allowed.json'), 'utf8')) as CheckSnapshot;
    expect(written.source.allowedFunctions).toEqual(['pg_catalog.pg_relation_size']);
    const embedded = JSON.parse(await readFile(join(result.dir, 'deployment.json'), 'utf8')) as { checklist: { definition: ChecklistInput } };
    expect(embedded.checklist.definition.checks.find((c) => c.id === 'volatile-allowed')).toMatchObject({ allowFunctions: ['pg_relation_size'] });
  });

  it.skipIf(!available || !real)('left no trace as a superuser: no replication slot, no program run, /etc/passwd nowhere in the evidence', async () => {
    expect(result.deployment.target.privileges?.superuser).toBe(true);
    expect((await db.admin('SELECT slot_name FROM pg_replication_slots')).rows).toEqual([]);
    expect(existsSync(marker)).toBe(false);
    const text = await evidenceText(root);
    expect(text).not.toMatch(/root:x?:0:0:/);
    expect(text).not.toContain('SCRAM-SHA-256$');
    // The attacks were real: outside the guard the same functions do what the checks wanted.
    await db.admin('SELECT program_writer()');
    expect(existsSync(marker)).toBe(true);
    expect((await db.admin("SELECT query_to_xml('SELECT pg_read_file(''/etc/passwd'')', true, false, '')::text AS x")).rows[0]?.x).toMatch(/root:x?:0:0:/);
  });
});

describe.skipIf(realServer() === null)('the guard as the recommended pg_read_all_data role', () => {
  it('refuses every way to password hashes, which the role could read: table_to_xml, pg_authid, a view over it', async () => {
    const db = await cloneRealDatabase();
    const role = `reader_${randomBytes(4).toString('hex')}`;
    const password = `pw-${randomBytes(8).toString('hex')}`;
    try {
      await db.admin(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
      await db.admin(`GRANT pg_read_all_data TO ${role}`);
      await db.admin('CREATE VIEW role_secrets AS SELECT rolname, rolpassword FROM pg_authid');
      const database = new URL(db.url).pathname.slice(1);
      const url = serverUrl(database, role, password);
      // What the attack reads without the guard: every role's SCRAM verifier.
      expect((await adminQuery(url, "SELECT table_to_xml('pg_authid', true, false, '')::text AS x")).rows[0]?.x).toContain('SCRAM-SHA-256$');

      const root = await tempEvidenceRoot();
      const result = await collect({
        checklist: defineChecklist({
          id: 'read-all-data',
          version: '1.0.0',
          title: 'x',
          sections: [{ number: '1', title: 'x' }],
          checks: [
            sqlCheck('authid-xml', "SELECT table_to_xml('pg_authid', true, false, '') AS x"),
            sqlCheck('authid-xml-cast', "SELECT table_to_xml('pg_catalog.pg_authid'::regclass, true, false, '') AS x"),
            sqlCheck('authid-table', 'SELECT rolname, rolpassword FROM pg_catalog.pg_authid'),
            sqlCheck('authid-view', 'SELECT * FROM role_secrets'),
            sqlCheck('shadow', 'SELECT usename, passwd FROM pg_shadow'),
            sqlCheck('control', 'SELECT count(*) AS n FROM pg_roles'),
          ],
        }),
        environment: 'staging',
        evidenceRoot: root,
        target: resolveConnection({ databaseUrl: url }),
        appDir: '.',
      });
      for (const s of result.snapshots.filter((s) => s.id !== 'control')) expect(s, s.id).toMatchObject({ status: 'error', error: { kind: 'refused' } });
      expect(result.snapshots.find((s) => s.id === 'control')?.status).toBe('pass');
      expect(await evidenceText(root)).not.toContain('SCRAM-SHA-256$');
    } finally {
      await db.drop();
      await adminQuery(serverUrl('postgres'), `DROP ROLE IF EXISTS ${role}`);
    }
  });
});

/** Every checklist this project ships or tests with: none may be refused by the new guard. */
const CHECKLISTS = [
  'attempt-view-lock',
  ...['../../examples/checklists/billing.json', '../fixtures/checklists/echo-url.json', '../fixtures/checklists/invoices.json', '../fixtures/checklists/lossless.json', '../fixtures/checklists/module-checklist.mjs', '../fixtures/checklists/slow.json', '../fixtures/checklists/faults.json', '../fixtures/site-checklists/approved.json', '../fixtures/site-checklists/blocked.json', '../fixtures/site-checklists/xss.json'].map((f) => new URL(f, import.meta.url).pathname),
];
/** faults.json is refused on purpose: these, and only these. */
const REFUSED_ON_PURPOSE = ['write-insert', 'write-create', 'write-nextval', 'smuggled-write', 'copy-to-program', 'copy-to-file', 'replication-slot', 'stats-reset', 'read-write-again', 'explain-delete'];

describe.each(engines)('every shipped checklist against the guard on $name', ({ available, real }) => {
  it.skipIf(!available)('passes every sql and explain check and parameter query, except the faults refused on purpose', async () => {
    const db = real ? await cloneRealDatabase() : await embeddedDatabase();
    const session = await DatabaseSession.open(db.target, 'guard-test');
    try {
      const refused: string[] = [];
      for (const file of CHECKLISTS) {
        const checklist = await loadChecklist(file);
        const statements = [
          ...checklist.checks.flatMap((c) => (c.kind === 'sql' || c.kind === 'explain' ? [{ id: c.id, sql: c.sql, allow: c.allowFunctions ?? [] }] : [])),
          ...checklist.parameters.flatMap((p) => (p.resolveSql ? [{ id: `parameter ${p.name}`, sql: p.resolveSql, allow: [] }] : [])),
          // The built-in columns check counts NULLs on the attempt view, through its definition.
          ...(checklist.id === 'attempt-view-lock' ? [{ id: 'view-columns NULL count', sql: 'SELECT count(*) FILTER (WHERE "id" IS NULL) AS id FROM "public"."attempt"', allow: [] }] : []),
        ];
        for (const { id, sql, allow } of statements) {
          const refusal = await assertSingleSelect(sql, 'a sql check').then(
            (names) => session.readOnly({ statementTimeoutMs: 10_000, lockTimeoutMs: 5_000 }, (tx) => catalogVerdict(tx, names, allow)).then((v) => v.refusal),
            (error: Error) => error.message,
          );
          if (refusal) refused.push(`${checklist.id}/${id}: ${refusal}`);
        }
      }
      expect(refused.map((r) => r.split(':')[0]!.replace(/^faults\//, ''))).toEqual(REFUSED_ON_PURPOSE);
    } finally {
      await session.close();
      await db.drop();
    }
  });
});
