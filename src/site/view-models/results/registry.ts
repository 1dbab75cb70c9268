/** Every kind's result view, keyed by the kind union of the format: a kind without one is a compile error. */
import type { CheckKind, CheckResult } from '../../../format/index.ts';
import { columnsResultView } from './columns.ts';
import { commandResultView } from './command.ts';
import { dependentsResultView } from './dependents.ts';
import { explainResultView } from './explain.ts';
import type { ResultViewBuilder, ResultViewContext } from './result-view.ts';
import { roundTripResultView } from './round-trip.ts';
import { schemaResultView } from './schema.ts';
import { sqlResultView } from './sql.ts';

export const RESULT_VIEWS = {
  sql: sqlResultView,
  columns: columnsResultView,
  explain: explainResultView,
  command: commandResultView,
  dependents: dependentsResultView,
  schema: schemaResultView,
  'round-trip': roundTripResultView,
} satisfies { [K in CheckKind]: ResultViewBuilder<K, { kind: K }> };

export type ResultViewOf<K extends CheckKind> = ReturnType<(typeof RESULT_VIEWS)[K]>;
export type ResultView = ResultViewOf<CheckKind>;
export type { ParsedView } from './command.ts';

export function resultView(result: CheckResult, context: ResultViewContext): ResultView {
  return (RESULT_VIEWS[result.kind] as ResultViewBuilder<CheckKind, ResultView>)(result, context);
}
