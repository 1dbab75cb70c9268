/**
 * alembic's terminal output, read into data. Formats as the installed alembic prints them
 * (test/fixtures/alembic-branches has a branch and a merge):
 *   history:        `0003_scores, 0004_tags -> 0005_merge (mergepoint), merge scores and tags`
 *   heads, current: `0006_view (head)`
 *   upgrade:        `INFO  [alembic.runtime.migration] Running upgrade A -> B, message`
 *   --sql:          `-- Running downgrade B -> A` in the SQL it prints
 */
import type { ParsedOutput } from '../../format/index.ts';
import type { OutputParser } from './output-parser.ts';

type Revision = Extract<ParsedOutput, { kind: 'alembic-history' }>['revisions'][number];
type Migration = Extract<ParsedOutput, { kind: 'alembic-upgrade' }>['migrations'][number];

const MARKERS = /((?:\s\((?:head|branchpoint|mergepoint|current|effective head)\))*)/;
const HISTORY_LINE = new RegExp(`^(.+?) -> (\\S+?)${MARKERS.source}(?:, (.*))?$`);
const BARE_LINE = new RegExp(`^([\\w.-]+)${MARKERS.source}$`);
const RUNNING = /Running (upgrade|downgrade) (\S*) -> (\S*?)(?:, (.*))?$/;
const ERROR_LINE = /^(FAILED: .*|ERROR \[.*|[\w.]*(?:Error|Exception): .*)$/;

function markersOf(text: string | undefined): string[] {
  return [...(text ?? '').matchAll(/\(([^)]+)\)/g)].map((m) => m[1]!);
}

/** `alembic history`, `alembic heads`, `alembic current`: one revision a line. */
export function parseAlembicHistory(stdout: string): Extract<ParsedOutput, { kind: 'alembic-history' }> {
  const revisions: Revision[] = [];
  for (const raw of stdout.split('\n')) {
    const line = raw.trimEnd();
    const history = HISTORY_LINE.exec(line);
    if (history) {
      const [, down, revision, markers, message] = history;
      revisions.push({
        revision: revision!,
        downRevisions: down === '<base>' ? [] : down!.split(',').map((d) => d.trim()).filter(Boolean),
        message: message ?? null,
        markers: markersOf(markers),
      });
      continue;
    }
    const bare = BARE_LINE.exec(line.trim());
    if (bare && !line.startsWith('INFO') && !line.startsWith(' ')) {
      revisions.push({ revision: bare[1]!, downRevisions: [], message: null, markers: markersOf(bare[2]) });
    }
  }
  const heads = revisions.filter((r) => r.markers.includes('head')).map((r) => r.revision);
  return { kind: 'alembic-history', revisions, heads, head: heads.length === 1 ? heads[0]! : null };
}

function migrationsIn(text: string): Migration[] {
  const migrations: Migration[] = [];
  for (const line of text.split('\n')) {
    const m = RUNNING.exec(line);
    if (m) migrations.push({ direction: m[1] as Migration['direction'], from: m[2] || null, to: m[3] || null, message: m[4]?.trim() || null });
  }
  return migrations;
}

function errorsIn(text: string): string[] {
  return text.split('\n').map((l) => l.trim()).filter((l) => ERROR_LINE.test(l) && !l.startsWith('INFO'));
}

/** `alembic upgrade …`: the steps that ran (alembic logs them on stderr) and any error. */
export function parseAlembicUpgrade(stdout: string, stderr: string): Extract<ParsedOutput, { kind: 'alembic-upgrade' }> {
  const both = `${stdout}\n${stderr}`;
  const migrations = migrationsIn(both);
  return { kind: 'alembic-upgrade', migrations, reached: migrations.at(-1)?.to ?? null, errors: errorsIn(both) };
}

/** `alembic upgrade|downgrade A:B --sql`: the SQL preview on stdout. */
export function parseAlembicSql(stdout: string, stderr: string): Extract<ParsedOutput, { kind: 'alembic-sql' }> {
  return { kind: 'alembic-sql', migrations: migrationsIn(stdout).length > 0 ? migrationsIn(stdout) : migrationsIn(stderr), sql: stdout, errors: errorsIn(`${stdout}\n${stderr}`) };
}

/** `alembic history` / `heads` / `current`. */
export const alembicHistoryParser: OutputParser = { parse: ({ stdout }) => parseAlembicHistory(stdout) };

/** `alembic upgrade <rev>`: the database's alembic_version table, read before and after, is the first witness. */
export const alembicUpgradeParser: OutputParser = {
  parse: ({ stdout, stderr }) => parseAlembicUpgrade(stdout, stderr),
  databaseWitness: 'SELECT version_num FROM alembic_version ORDER BY version_num',
};

/** `alembic upgrade|downgrade A:B --sql`. */
export const alembicSqlParser: OutputParser = { parse: ({ stdout, stderr }) => parseAlembicSql(stdout, stderr) };
