/**
 * The forward SQL read for `lock-timeout-set` (issue 28): statements split where PostgreSQL splits
 * them, and the first strong lock judged against the lock_timeout in force.
 */
import { describe, expect, it } from 'vitest';
import { findLockTimeout, strongLockOf } from '../../src/core/sql-script/lock-timeout.ts';
import { splitStatements } from '../../src/core/sql-script/statements.ts';

describe('splitStatements', () => {
  it('splits on semicolons outside comments, strings, quoted names and dollar quotes, with each first line', () => {
    const script = [
      "BEGIN; -- a comment; DROP TABLE x;",
      "/* outer /* nested; */ still a comment; */ INSERT INTO note (t) VALUES ('a;b', E'it\\'s; fine', 'O''Neil;');",
      'SELECT "odd;name" FROM "drop";',
      'CREATE FUNCTION f() RETURNS int AS $body$ BEGIN; ALTER TABLE t ADD c int; RETURN 1; END $body$ LANGUAGE plpgsql;',
      'SELECT $$;$$, $1;;',
      'COMMIT',
    ].join('\n');
    const statements = splitStatements(script);
    expect(statements.map((s) => [s.line, s.text.split(/\s+/)[0]])).toEqual([
      [1, 'BEGIN'],
      [2, 'INSERT'],
      [3, 'SELECT'],
      [4, 'CREATE'],
      [5, 'SELECT'],
      [6, 'COMMIT'],
    ]);
    expect(statements[1]!.tokens.filter((t) => t.type === 'string').map((t) => t.text)).toEqual(['a;b', "it's; fine", "O'Neil;"]);
    expect(statements[2]!.tokens.filter((t) => t.type === 'ident').map((t) => t.text)).toEqual(['odd;name', 'drop']);
    // The function's body is one string: its ALTER TABLE is not a statement of the script.
    expect(statements[3]!.tokens.filter((t) => t.type === 'word').map((t) => t.text)).toEqual(['CREATE', 'FUNCTION', 'F', 'RETURNS', 'INT', 'AS', 'LANGUAGE', 'PLPGSQL']);
  });

  it('keeps an unclosed string, comment or dollar quote to the end of the script, in one pass', () => {
    expect(splitStatements("SELECT 'open; DROP TABLE x;").map((s) => s.tokens.length)).toEqual([2]);
    expect(splitStatements('SELECT 1; /* open; DROP TABLE x;')).toHaveLength(1);
    expect(splitStatements('SELECT $a$ open; DROP TABLE x;')).toHaveLength(1);
    // Linear: a megabyte of openers and separators.
    const big = "$x$ ' \" /* -- ;\n".repeat(70_000);
    const t0 = performance.now();
    splitStatements(big);
    splitStatements(';'.repeat(1_000_000));
    expect(performance.now() - t0).toBeLessThan(3_000);
  });
});

const strong = (sql: string) => strongLockOf(splitStatements(sql)[0]!);

describe('strongLockOf', () => {
  it('names the statements that block readers or writers of an existing relation', () => {
    expect(strong('ALTER TABLE invoice ADD COLUMN note text')).toBe('ALTER TABLE');
    expect(strong('alter materialized view m rename to n')).toBe('ALTER MATERIALIZED VIEW');
    expect(strong('DROP VIEW IF EXISTS invoice_totals')).toBe('DROP VIEW');
    expect(strong('CREATE UNIQUE INDEX i ON invoice (number)')).toBe('CREATE INDEX (without CONCURRENTLY)');
    expect(strong('CREATE OR REPLACE VIEW v AS SELECT 1')).toBe('CREATE OR REPLACE VIEW');
    expect(strong('CREATE TABLE line (invoice_id bigint REFERENCES invoice (id))')).toBe('CREATE TABLE … REFERENCES (locks the referenced table)');
    expect(strong('TRUNCATE invoice')).toBe('TRUNCATE');
    expect(strong('VACUUM (FULL) invoice')).toBe('VACUUM FULL');
    expect(strong('REFRESH MATERIALIZED VIEW m')).toBe('REFRESH MATERIALIZED VIEW');
    expect(strong('CREATE TRIGGER t AFTER INSERT ON invoice FOR EACH ROW EXECUTE FUNCTION f()')).toBe('CREATE TRIGGER');
  });

  it('leaves out what takes no strong lock, and the concurrent forms', () => {
    for (const sql of [
      'CREATE INDEX CONCURRENTLY i ON invoice (number)',
      'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS i ON invoice (number)',
      'DROP INDEX CONCURRENTLY i',
      'REINDEX INDEX CONCURRENTLY i',
      'REFRESH MATERIALIZED VIEW CONCURRENTLY m',
      'CREATE TABLE customer (id bigint PRIMARY KEY, name text)',
      'CREATE VIEW invoice_totals AS SELECT 1',
      "INSERT INTO alembic_version (version_num) VALUES ('drop table')",
      'UPDATE "alter" SET "table" = 1',
      'VACUUM invoice',
    ]) {
      expect(strong(sql), sql).toBeNull();
    }
  });
});

describe('findLockTimeout', () => {
  it('finds the lock_timeout in force at the first strong lock: SET, SET LOCAL, SET … TO, set_config', () => {
    for (const set of ["SET lock_timeout = '5s'", "SET LOCAL lock_timeout TO '2000ms'", 'SET SESSION "lock_timeout" = 3000', "SELECT set_config('lock_timeout', '1min', true)"]) {
      const finding = findLockTimeout(`BEGIN;\n${set};\nALTER TABLE invoice ADD COLUMN note text;\nCOMMIT;`);
      expect(finding.firstStrong, set).toMatchObject({ line: 3, what: 'ALTER TABLE' });
      expect(finding.setBy?.line, set).toBe(2);
    }
  });

  it('does not count a zero, a reset, a comment, a string, a SET LOCAL whose transaction ended, or one set after the strong lock', () => {
    const scripts = [
      "SET lock_timeout = '0';\nALTER TABLE t ADD c int;",
      "SET lock_timeout = '5s';\nRESET lock_timeout;\nALTER TABLE t ADD c int;",
      "SET lock_timeout = '5s';\nSET lock_timeout TO DEFAULT;\nALTER TABLE t ADD c int;",
      "-- SET lock_timeout = '5s';\nALTER TABLE t ADD c int;",
      "/* SET lock_timeout = '5s'; */ ALTER TABLE t ADD c int;",
      "SELECT 'SET lock_timeout = 5s';\nALTER TABLE t ADD c int;",
      "BEGIN;\nSET LOCAL lock_timeout = '5s';\nCOMMIT;\nBEGIN;\nALTER TABLE t ADD c int;",
      "ALTER TABLE t ADD c int;\nSET lock_timeout = '5s';",
      "SELECT set_config('statement_timeout', '5s', false);\nDROP TABLE t;",
    ];
    for (const script of scripts) {
      const finding = findLockTimeout(script);
      expect(finding.firstStrong, script).not.toBeNull();
      expect(finding.setBy, script).toBeNull();
    }
  });

  it('keeps a session SET across transactions, and reports no strong lock when none is taken', () => {
    expect(findLockTimeout("SET lock_timeout = '5s';\nBEGIN;\nCOMMIT;\nBEGIN;\nDROP TABLE t;").setBy?.value).toBe('5s');
    expect(findLockTimeout("BEGIN;\nCREATE TABLE t (id int);\nCREATE VIEW v AS SELECT * FROM t;\nCOMMIT;")).toEqual({ firstStrong: null, setBy: null });
  });

  it('reads alembic\'s offline output, where percent signs are doubled', () => {
    const finding = findLockTimeout("BEGIN;\n\nSET lock_timeout = '5s';\n\n-- Running upgrade a -> b\n\nUPDATE t SET n = n %% 12;\n\nALTER TABLE \"Invoice\" ADD COLUMN note text;\n\nCOMMIT;\n");
    expect(finding).toEqual({ firstStrong: { line: 9, text: 'ALTER TABLE "Invoice" ADD COLUMN note text', what: 'ALTER TABLE' }, setBy: { line: 3, text: "SET lock_timeout = '5s'", value: '5s' } });
  });
});
