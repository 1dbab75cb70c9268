/** Parsers over real output of the installed alembic and pytest (a branch, a merge, every outcome). */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { parseAlembicHistory, parseAlembicSql, parseAlembicUpgrade } from '../../src/core/parsers/alembic-output.ts';
import { JunitParseError, parsePytestJunit } from '../../src/core/parsers/pytest-junit.ts';
import { toolingProblem } from '../harness/databases.ts';

const branches = new URL('../fixtures/alembic-branches/', import.meta.url).pathname;
const outcomes = new URL('../fixtures/pytest-outcomes/', import.meta.url).pathname;

async function alembic(...args: string[]): Promise<string> {
  const result = await execa('alembic', args, { cwd: branches });
  return String(result.stdout);
}

describe('alembic output', () => {
  it.skipIf(toolingProblem !== null)('reads a real history with a branch and a merge', async () => {
    const history = parseAlembicHistory(await alembic('history'));
    const byRev = new Map(history.revisions.map((r) => [r.revision, r]));
    expect(history.revisions.map((r) => r.revision)).toEqual(['0006_view', '0005_merge', '0007_hotfix', '0003_scores', '0004_tags', '0002_items', '0001_base']);
    expect(byRev.get('0005_merge')).toEqual({ revision: '0005_merge', downRevisions: ['0003_scores', '0004_tags'], message: 'merge scores and tags', markers: ['mergepoint'] });
    expect(byRev.get('0003_scores')?.markers).toEqual(['branchpoint']);
    expect(byRev.get('0006_view')).toEqual({ revision: '0006_view', downRevisions: ['0005_merge'], message: 'attempt view, with a comma, in the message', markers: ['head'] });
    expect(byRev.get('0001_base')?.downRevisions).toEqual([]);
    expect(history.heads).toEqual(['0006_view', '0007_hotfix']);
    expect(history.head).toBeNull();

    const heads = parseAlembicHistory(await alembic('heads'));
    expect(heads.heads).toEqual(['0006_view', '0007_hotfix']);
  });

  it('reads `current` (no marker) and a single head', () => {
    expect(parseAlembicHistory('INFO  [alembic.runtime.migration] Context impl PostgresqlImpl.\n20251020_1200_base_tables\n')).toMatchObject({ revisions: [{ revision: '20251020_1200_base_tables', markers: [] }], head: null });
    expect(parseAlembicHistory('20251101_0900_attempt_view_lock (head)\n').head).toBe('20251101_0900_attempt_view_lock');
  });

  it('reads the migrations an upgrade ran, from the base, and its errors', () => {
    const stderr = [
      'INFO  [alembic.runtime.migration] Context impl PostgresqlImpl.',
      'INFO  [alembic.runtime.migration] Running upgrade  -> 20251020_1200_base_tables, base tables',
      'INFO  [alembic.runtime.migration] Running upgrade 20251020_1200_base_tables -> 20251101_0900_attempt_view_lock, attempt VIEW V1 schema lock',
      'sqlalchemy.exc.ProgrammingError: (psycopg2.errors.UndefinedColumn) column "question_idd" does not exist',
    ].join('\n');
    expect(parseAlembicUpgrade('', stderr)).toEqual({
      kind: 'alembic-upgrade',
      migrations: [
        { direction: 'upgrade', from: null, to: '20251020_1200_base_tables', message: 'base tables' },
        { direction: 'upgrade', from: '20251020_1200_base_tables', to: '20251101_0900_attempt_view_lock', message: 'attempt VIEW V1 schema lock' },
      ],
      reached: '20251101_0900_attempt_view_lock',
      errors: ['sqlalchemy.exc.ProgrammingError: (psycopg2.errors.UndefinedColumn) column "question_idd" does not exist'],
    });
    expect(parseAlembicUpgrade('', 'INFO  [alembic.runtime.migration] Will assume transactional DDL.\n')).toMatchObject({ migrations: [], reached: null });
  });

  it('reads the --sql preview', () => {
    const stdout = 'BEGIN;\n\n-- Running downgrade 20251101_0900_attempt_view_lock -> 20251020_1200_base_tables\n\nDROP VIEW IF EXISTS attempt;\n\nCOMMIT;\n';
    expect(parseAlembicSql(stdout, 'FAILED: nothing')).toMatchObject({
      migrations: [{ direction: 'downgrade', from: '20251101_0900_attempt_view_lock', to: '20251020_1200_base_tables', message: null }],
      sql: stdout,
      errors: ['FAILED: nothing'],
    });
  });
});

describe('pytest JUnit XML', () => {
  it.skipIf(toolingProblem !== null)('reads every outcome from a real report', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'junit-'));
    const report = join(dir, 'junit.xml');
    const run = await execa('pytest', ['test_outcomes.py', '-p', 'no:cacheprovider', `--junitxml=${report}`], { cwd: outcomes, reject: false });
    expect(run.exitCode).toBe(1);
    const parsed = parsePytestJunit(await readFile(report, 'utf8'));
    expect(parsed.tests.map((t) => [t.name, t.outcome])).toEqual([
      ['test_passes', 'passed'],
      ['test_fails', 'failed'],
      ['test_errors', 'error'],
      ['test_skipped', 'skipped'],
      ['test_param[1]', 'passed'],
      ['test_param[2]', 'passed'],
    ]);
    expect(parsed.summary).toMatchObject({ tests: 6, passed: 3, failed: 1, errors: 1, skipped: 1 });
    expect(parsed.tests[1]?.message).toMatch(/lists differ/);
    expect(parsed.tests[2]?.message).toMatch(/fixture exploded|error in test setup/);
    expect(parsed.tests[3]?.message).toMatch(/not on this database/);
    expect(parsed.junitXml).toContain('<testsuites');
  });

  it('reads a report with a single test case, and an empty one', () => {
    const one = '<?xml version="1.0"?><testsuites><testsuite name="pytest" tests="1"><testcase classname="tests.t" name="test_one" time="0.25"/></testsuite></testsuites>';
    expect(parsePytestJunit(one).tests).toEqual([{ name: 'test_one', classname: 'tests.t', outcome: 'passed', durationMs: 250, message: null, details: null }]);
    expect(parsePytestJunit('<testsuites><testsuite name="pytest" tests="0"/></testsuites>').summary.tests).toBe(0);
  });

  it('decodes character references once: a failure message keeps its newline, an escaped entity stays escaped', () => {
    const xml = '<testsuites><testsuite name="pytest"><testcase classname="tests.t" name="test_x" time="0.1"><failure message="assert 1 == 2&#10;where 1 = f() &amp;lt;x&amp;gt;">line1&#10;line2</failure></testcase></testsuite></testsuites>';
    const [test] = parsePytestJunit(xml).tests;
    expect(test).toMatchObject({ outcome: 'failed', message: 'assert 1 == 2\nwhere 1 = f() &lt;x&gt;', details: 'line1\nline2' });
  });

  it('refuses a report that is not XML, by name', () => {
    expect(() => parsePytestJunit('<testsuites><testsuite')).toThrow(JunitParseError);
  });
});
