/**
 * Every output parser, by the name a checklist gives it, and what each parsed shape says in
 * tool-neutral terms. Both tables are keyed by a union, so the compiler names a forgotten entry.
 */
import type { ParsedOutput } from '../../format/index.ts';
import { alembicHistoryParser, alembicSqlParser, alembicUpgradeParser } from './alembic-output.ts';
import type { OutputParser, ParsedFacts, ParsedOf, ParserName } from './output-parser.ts';
import { pytestJunitParser } from './pytest-junit.ts';

export const OUTPUT_PARSERS: Record<ParserName, OutputParser> = {
  'alembic-history': alembicHistoryParser,
  'alembic-upgrade': alembicUpgradeParser,
  'alembic-sql': alembicSqlParser,
  'pytest-junit': pytestJunitParser,
};

const FACTS: { [K in ParsedOutput['kind']]: (parsed: ParsedOf<K>) => ParsedFacts } = {
  'alembic-history': (p) => ({ heads: p.heads }),
  'alembic-upgrade': (p) => ({ migrations: p.migrations }),
  'alembic-sql': (p) => ({ migrations: p.migrations }),
  pytest: (p) => ({ tests: new Map(p.tests.map((t) => [t.name, t.outcome.toUpperCase()])) }),
};

/** What parsed output says, in the terms assertions and comparisons use. */
export function parsedFacts(parsed: ParsedOutput | null): ParsedFacts {
  if (!parsed) return {};
  return (FACTS[parsed.kind] as (p: ParsedOutput) => ParsedFacts)(parsed);
}
