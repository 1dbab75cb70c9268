/**
 * Every output parser, by the name a checklist gives it (keyed by a union, so the compiler names a
 * forgotten entry). What each parsed shape says is in parsed-facts.ts, which needs no parser.
 */
import { alembicHistoryParser, alembicSqlParser, alembicUpgradeParser } from './alembic-output.ts';
import type { OutputParser, ParserName } from './output-parser.ts';
import { pytestJunitParser } from './pytest-junit.ts';

export const OUTPUT_PARSERS: Record<ParserName, OutputParser> = {
  'alembic-history': alembicHistoryParser,
  'alembic-upgrade': alembicUpgradeParser,
  'alembic-sql': alembicSqlParser,
  'pytest-junit': pytestJunitParser,
};
