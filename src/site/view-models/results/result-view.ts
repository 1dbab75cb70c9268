/** What every kind's result view gets besides its result. */
import type { CheckKind, CheckSnapshot, ResultOf } from '../../../format/index.ts';

export interface ResultViewContext {
  truncation: CheckSnapshot['truncation'];
  /** Rows shown in a result table (the report shows fewer than the check's page). */
  tableLimit: number;
  /** The check's id: names a chart drawn from the result (a lock timeline). */
  checkId: string;
}

export type ResultViewBuilder<K extends CheckKind, V extends { kind: K }> = (result: ResultOf<K>, context: ResultViewContext) => V;
