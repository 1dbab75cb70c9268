/**
 * What each parsed shape says in tool-neutral terms, keyed by the union of shapes (a forgotten one
 * is a compile error). Kept apart from the parsers themselves: judging stored output needs only
 * this, so the browser's "Verify this report" carries no XML parser (issue 24).
 */
import type { ParsedOutput } from '../../format/index.ts';
import type { ParsedFacts, ParsedOf } from './output-parser.ts';

const FACTS: { [K in ParsedOutput['kind']]: (parsed: ParsedOf<K>) => ParsedFacts } = {
  'alembic-history': (p) => ({ heads: p.heads, revisions: p.revisions.map((r) => r.revision) }),
  'alembic-upgrade': (p) => ({ migrations: p.migrations }),
  'alembic-sql': (p) => ({ migrations: p.migrations }),
  pytest: (p) => ({ tests: new Map(p.tests.map((t) => [t.name, t.outcome.toUpperCase()])) }),
};

/** What parsed output says, in the terms assertions and comparisons use. */
export function parsedFacts(parsed: ParsedOutput | null): ParsedFacts {
  if (!parsed) return {};
  return (FACTS[parsed.kind] as (p: ParsedOutput) => ParsedFacts)(parsed);
}
