/**
 * The runner of every check kind, keyed by the kind union of the format: a kind without a
 * runner is a compile error. Runners do the I/O (queries, processes) and return what ran;
 * the core judges it.
 */
import type { CheckDefinition, CheckKind, CheckOf } from '../../src/format/index.ts';
import type { CheckContext, CheckRun } from './check-context.ts';
import { runColumnsCheck } from './columns-check.ts';
import { runCommandCheck } from './command-check.ts';
import { runDependentsCheck } from './dependents-check.ts';
import { runExplainCheck } from './explain-check.ts';
import { runRoundTripCheck } from './round-trip-check.ts';
import { runSchemaCheck } from './schema-check.ts';
import { runSqlCheck } from './sql-check.ts';

export type CheckRunner<K extends CheckKind> = (check: CheckOf<K>, ctx: CheckContext) => Promise<CheckRun>;

export const CHECK_RUNNERS: { [K in CheckKind]: CheckRunner<K> } = {
  sql: runSqlCheck,
  columns: runColumnsCheck,
  explain: runExplainCheck,
  command: runCommandCheck,
  dependents: runDependentsCheck,
  schema: runSchemaCheck,
  'round-trip': runRoundTripCheck,
};

export function runnerOf(check: CheckDefinition): (check: CheckDefinition, ctx: CheckContext) => Promise<CheckRun> {
  return CHECK_RUNNERS[check.kind] as (check: CheckDefinition, ctx: CheckContext) => Promise<CheckRun>;
}
