import { describe, expect, it } from 'vitest';
import { allowedByCheck, refusedCategory } from '../../collectors/checks/function-rules.ts';
import { assertSingleSelect, RefusedStatementError } from '../../collectors/checks/single-select.ts';

describe('the sql and explain guard: a single SELECT that only reads', () => {
  it.each([
    'SELECT * FROM attempt WHERE student_id = $1::uuid',
    'WITH x AS (SELECT 1 AS a) SELECT a FROM x',
    "SELECT count(*) FROM attempt WHERE completed_at >= CURRENT_DATE - INTERVAL '30 days';",
  ])('accepts %s', async (sql) => {
    await expect(assertSingleSelect(sql)).resolves.toBeDefined();
  });

  it.each([
    ['DELETE FROM attempt', /only a SELECT, this is DeleteStmt/],
    ['INSERT INTO items VALUES (1)', /InsertStmt/],
    ['UPDATE items SET subject = 1', /UpdateStmt/],
    ['CREATE TABLE x (a int)', /CreateStmt/],
    ['SELECT 1; DROP TABLE items', /exactly one statement, found 2/],
    ['WITH gone AS (DELETE FROM items RETURNING *) SELECT * FROM gone', /data-modifying statement \(DeleteStmt\)/],
    ['SELECT * INTO copy FROM items', /SELECT … INTO/],
    ['SELECT * FROM items FOR UPDATE', /FOR UPDATE/],
    ['SELEC 1', /does not parse/],
    ["COPY (SELECT 1) TO '/tmp/x'", /only a SELECT, this is CopyStmt/],
    ["COPY (SELECT 1) TO PROGRAM 'touch /tmp/pwned'", /CopyStmt/],
    ["SELECT * FROM pg_create_physical_replication_slot('evil', true)", /pg_create_physical_replication_slot\(\), which acts outside/],
    ['SELECT pg_stat_reset()', /pg_stat_reset\(\)/],
    ['SELECT pg_catalog.pg_stat_reset_shared($1)', /pg_stat_reset_shared\(\)/],
    ['SELECT pg_advisory_lock(42)', /pg_advisory_lock\(\)/],
    ["SELECT lo_import('/etc/passwd')", /lo_import\(\)/],
    ["SELECT * FROM dblink('host=x', 'DELETE FROM t') AS t(a int)", /dblink\(\)/],
    ['SELECT pg_terminate_backend(pid) FROM pg_stat_activity', /pg_terminate_backend\(\)/],
    ["SELECT set_config('transaction_read_only', 'off', true)", /set_config\(\)/],
    ["SELECT (SELECT PG_READ_FILE('/etc/passwd'))", /pg_read_file\(\)/],
    ['SHOW server_version', /VariableShowStmt/],
  ])('refuses %s', async (sql, message) => {
    const error = await assertSingleSelect(sql).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RefusedStatementError);
    expect((error as Error).message).toMatch(message);
  });
});

describe('the string door (issue 25): SQL given to a function as text, index writes, password hashes', () => {
  it.each([
    ["SELECT query_to_xml('SELECT pg_read_file(''/etc/passwd'')', true, false, '')", /query_to_xml\(\), which runs SQL given to it as text/],
    ["SELECT query_to_xml('SELECT pg_create_physical_replication_slot(''evil'', true)', true, false, '')", /query_to_xml\(\)/],
    ["SELECT * FROM ts_stat('SELECT to_tsvector(pg_read_file(''/etc/passwd''))')", /ts_stat\(\), which runs SQL given to it as text/],
    ["SELECT ts_rewrite('a & b'::tsquery, 'SELECT t, s FROM aliases')", /ts_rewrite\(\)/],
    ["SELECT pg_catalog.cursor_to_xml('c', 10, true, false, '')", /cursor_to_xml\(\)/],
    ["SELECT query_to_xmlschema('SELECT 1', true, false, '')", /query_to_xmlschema\(\)/],
    ["SELECT table_to_xml('items', true, false, '')", /table_to_xml\(\), which runs SQL given to it as text \(or built from the relation/],
    ["SELECT schema_to_xml('public', true, false, '')", /schema_to_xml\(\)/],
    ['SELECT database_to_xml(true, false, \'\')', /database_to_xml\(\)/],
    ["SELECT * FROM crosstab('SELECT 1, 2, 3') AS t(a int, b int)", /crosstab\(\)/],
    ["SELECT * FROM public.dblink_exec('host=127.0.0.2', 'DROP TABLE t')", /dblink_exec\(\)/],
    ["SELECT xpath_table('id', 'doc', 'docs', '/a', 'true')", /xpath_table\(\)/],
    ["SELECT brin_summarize_new_values('items_brin'::regclass)", /brin_summarize_new_values\(\), which writes an index/],
    ["SELECT gin_clean_pending_list('items_gin'::regclass)", /gin_clean_pending_list\(\), which writes an index/],
    ['SELECT setseed(0.5)', /setseed\(\), which acts outside a read-only transaction/],
    ['SELECT rolname FROM pg_authid', /a read of pg_authid, where PostgreSQL keeps password hashes/],
    ['SELECT rolname, rolpassword FROM pg_authid', /the column rolpassword, which holds password hashes/],
    ['SELECT * FROM pg_catalog.pg_shadow', /pg_shadow/],
    ['SELECT "PG_AUTHID".x FROM (SELECT 1 AS x) AS "PG_AUTHID" JOIN pg_authid ON true', /pg_authid/],
    ['SELECT r.rolpassword FROM pg_roles r', /the column rolpassword/],
    ["SELECT table_to_xml('pg_authid', true, false, '')", /table_to_xml\(\)/],
    ["SELECT 'pg_catalog.PG_AUTHID'::regclass::oid", /a string naming pg_authid/],
    ["SELECT pg_relation_filepath(E'pg_\\x61uthid')", /a string naming pg_authid/],
    ['SELECT srvname FROM pg_user_mappings', /a read of pg_user_mappings/],
    ['SELECT x FROM (SELECT 1 AS x) s WHERE EXISTS (SELECT 1 FROM (SELECT query_to_xml($1, true, false, \'\')) q)', /query_to_xml\(\)/],
  ])('refuses %s', async (sql, message) => {
    const error = await assertSingleSelect(sql, 'a sql check').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RefusedStatementError);
    expect((error as Error).message).toMatch(message);
  });

  it('names what the catalog must resolve: functions (qualified or not), operators, relations, cast targets', async () => {
    const names = await assertSingleSelect("SELECT s.f(a) OPERATOR(s.===) b, x::s.mood, random() FROM s.t JOIN u ON true WHERE c BETWEEN 1 AND 2 AND d = ANY (SELECT 1) ORDER BY e USING <");
    expect(names.functions).toEqual([{ schema: 's', name: 'f' }, { schema: null, name: 'random' }]);
    expect(names.operators).toEqual(expect.arrayContaining([{ schema: 's', name: '===' }, { schema: null, name: '>=' }, { schema: null, name: '<=' }, { schema: null, name: '=' }, { schema: null, name: '<' }]));
    expect(names.relations).toEqual([{ schema: 's', name: 't' }, { schema: null, name: 'u' }]);
    expect(names.castTargets).toEqual([{ schema: 's', name: 'mood' }]);
  });

  it('walks a deeply nested expression without overflowing the stack', async () => {
    const sql = `SELECT ${'('.repeat(900)}1${')'.repeat(900)} + length(query_to_xml('x', true, false, '')::text)`;
    await expect(assertSingleSelect(sql)).rejects.toThrow(/query_to_xml/);
  });
});

describe('allowFunctions entries', () => {
  it.each([
    [['pg_relation_size'], 'pg_catalog', 'pg_relation_size', true],
    [['pg_catalog.pg_relation_size'], 'pg_catalog', 'pg_relation_size', true],
    [['public.pg_relation_size'], 'pg_catalog', 'pg_relation_size', false],
    [['pg_relation'], 'pg_catalog', 'pg_relation_size', false],
    [[], 'public', 'f', false],
  ] as const)('%j allows %s.%s: %s', (allow, schema, name, expected) => {
    expect(allowedByCheck(allow, schema, name)).toBe(expected);
  });

  it('cannot lift a refusal by name: the categories are decided before the allow-list is read', () => {
    expect(refusedCategory('QUERY_TO_XML')).toBe('string-sql');
    expect(refusedCategory('dblink_connect_u')).toBe('string-sql');
    expect(refusedCategory('gin_clean_pending_list')).toBe('writes');
    expect(refusedCategory('pg_read_file')).toBe('outside-transaction');
    expect(refusedCategory('random')).toBeNull();
  });
});
