/**
 * The one interface of an output parser: a command check names one (`"parser"`), and its
 * tool's output is read into data kept beside the raw output. Parsers are listed once in
 * `registry.ts`, keyed by the checklist's parser names, so a parser named there but not
 * written is a compile error. Interfaces speak of "a migration tool" and "a test runner", not
 * of one tool: a Flyway or Liquibase parser fills the same roles.
 */
import type { CheckOf, ParsedOutput } from '../../format/index.ts';

export type ParserName = NonNullable<CheckOf<'command'>['parser']>;
export type ParsedOf<K extends ParsedOutput['kind']> = Extract<ParsedOutput, { kind: K }>;

/** A migration step as a migration tool reports it. */
interface MigrationStep {
  direction: 'upgrade' | 'downgrade';
  from: string | null;
  to: string | null;
  message: string | null;
}

/** What the assertions and the comparison read from parsed output, whichever tool produced it. */
export interface ParsedFacts {
  /** A migration tool's history: the revisions it marks as head. */
  heads?: readonly string[];
  /**
   * The revisions the listing printed, heads or not: all of them for a history, the database's own
   * for `alembic current` — which marks no head when the database is behind it.
   */
  revisions?: readonly string[];
  /** Migration steps the tool ran (or, for a preview, would run). */
  migrations?: readonly MigrationStep[];
  /** A test runner's outcomes by test name: PASSED, FAILED, ERROR, SKIPPED. */
  tests?: ReadonlyMap<string, string>;
}

interface CommandOutput {
  stdout: string;
  stderr: string;
  /** The report file the parser asked for (`reportArgument`), as written, or null when none was written. */
  report: string | null;
}

export interface OutputParser {
  /** Reads the output; null when there is nothing to read (no report was written). Throws `OutputParseError` on unreadable output. */
  parse(output: CommandOutput): ParsedOutput | null;
  /** The argument that makes the tool write a report file for us (pytest's `--junitxml=<file>`). */
  reportArgument?: (file: string) => string;
  /**
   * For a migration tool: the read-only query whose answer, before and after the command, says
   * which migration the database is at (issue 9: the log may be silent).
   */
  databaseWitness?: string;
}

/** Output the parser could not read: the check ends as `error`, the raw output is kept. */
export class OutputParseError extends Error {}
