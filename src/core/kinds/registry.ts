/** Every check kind the core knows, keyed by the kind union of the format. */
import type { AssertionOutcome, CheckDefinition, CheckKind, CheckResult, ResultOf } from '../../format/index.ts';
import type { CheckKindCore, Metric } from './check-kind.ts';
import { columnsKind } from './columns.ts';
import { commandKind } from './command.ts';
import { dependentsKind } from './dependents.ts';
import { explainKind } from './explain.ts';
import { roundTripKind } from './round-trip.ts';
import { schemaKind } from './schema.ts';
import { sqlKind } from './sql.ts';

export const CHECK_KINDS: { [K in CheckKind]: CheckKindCore<K> } = {
  sql: sqlKind,
  columns: columnsKind,
  explain: explainKind,
  command: commandKind,
  dependents: dependentsKind,
  schema: schemaKind,
  'round-trip': roundTripKind,
};

/** The kind's module, for a value whose kind is only known at run time. */
export function kindOf<K extends CheckKind>(kind: K): CheckKindCore<CheckKind> {
  return CHECK_KINDS[kind] as unknown as CheckKindCore<CheckKind>;
}

/** What a check runs, in words. */
export function describeCheck(check: CheckDefinition): string {
  return kindOf(check.kind).describe(check as never);
}

/** Parameters a check cannot run without (`sqlParam` is optional: the check's own SQL is the default). */
export function paramsNeeded(check: CheckDefinition): string[] {
  return kindOf(check.kind).paramsNeeded(check as never);
}

/** What the check itself expects besides its assertions, in words (`checklist show`). */
export function checkExpectations(check: CheckDefinition): string[] {
  return kindOf(check.kind).expectations(check as never);
}

/** The check's own expectations judged on its result (none when the result is of another kind). */
export function judgeCheckExpectations(check: CheckDefinition, result: CheckResult): AssertionOutcome[] {
  return result.kind === check.kind ? kindOf(check.kind).judgeExpectations(check as never, result as never) : [];
}

export function metricOfResult(result: ResultOf<CheckKind>): Metric | null {
  return kindOf(result.kind).metric(result as never);
}
