/** Runs the parser a command check names over its (already redacted) output. */
import type { CheckOf, ParsedOutput } from '../../format/index.ts';
import { parseAlembicHistory, parseAlembicSql, parseAlembicUpgrade } from './alembic-output.ts';
import { parsePytestJunit } from './pytest-junit.ts';

export function parseOutput(
  parser: NonNullable<CheckOf<'command'>['parser']>,
  output: { stdout: string; stderr: string; junitXml: string | null },
): ParsedOutput | null {
  switch (parser) {
    case 'alembic-history':
      return parseAlembicHistory(output.stdout);
    case 'alembic-upgrade':
      return parseAlembicUpgrade(output.stdout, output.stderr);
    case 'alembic-sql':
      return parseAlembicSql(output.stdout, output.stderr);
    case 'pytest-junit':
      // No report at all (pytest could not start, or was killed): nothing to read, never a pass.
      return output.junitXml === null ? null : parsePytestJunit(output.junitXml);
  }
}

/**
 * For parsers of a migration tool: the read-only query whose answer, before and after the
 * command, says which migration the database is at (issue 9: the log may be silent).
 */
export const DATABASE_WITNESS: Partial<Record<NonNullable<CheckOf<'command'>['parser']>, string>> = {
  'alembic-upgrade': 'SELECT version_num FROM alembic_version ORDER BY version_num',
};
