/**
 * What the pure core knows of each check kind: the parameters it needs, how two of its results
 * differ, and the number it is charted by. One module per kind, listed once in `registry.ts`
 * (keyed by the kind union: a kind without them is a compile error). The runner of each kind
 * lives with the I/O in `collectors/checks/`, its result view in `src/site/`.
 */
import type { AssertionOutcome, CheckDefinition, CheckKind, CheckOf, ResultOf } from '../../format/index.ts';
import type { Difference, TimingComparison } from '../compare/difference.ts';

/** A query on one line, shortened for a listing. */
export function oneLine(sql: string): string {
  const line = sql.replace(/\s+/g, ' ').trim();
  return line.length > 100 ? `${line.slice(0, 99)}…` : line;
}

export interface Metric {
  /** What the number is: "execution time (ms, median)", "total_attempts", "duration (ms)". */
  name: string;
  value: number | null;
}

export interface CompareOptions {
  /** The check's key columns from the current checklist (sql checks), for row-by-row comparison. */
  key?: readonly string[];
  /** The check as the current deployment's checklist defines it: an assertion that got worse is said in its sentence. */
  definition?: Pick<CheckDefinition, 'kind' | 'assertions'>;
}

export interface CheckKindCore<K extends CheckKind> {
  /** What the check runs, in words, before it ran (`checklist show`). */
  describe(check: CheckOf<K>): string;
  /** Parameters the check cannot run without. */
  paramsNeeded(check: CheckOf<K>): string[];
  /**
   * What the check itself expects besides its assertions (a columns check's `expect`), in words
   * for `checklist show`, and judged on its result before the assertions. None: `[]`.
   */
  expectations(check: CheckOf<K>): string[];
  judgeExpectations(check: CheckOf<K>, result: ResultOf<K>): AssertionOutcome[];
  /** One of those expectations' stored outcomes in a plain sentence (issue 26), as assertion types `say` theirs. */
  sayExpectation(outcome: AssertionOutcome, result: ResultOf<K> | null): string;
  /** What meaningfully differs between two results of this kind (never a text diff of JSON). */
  compare(base: ResultOf<K>, current: ResultOf<K>, options: CompareOptions): { differences: Difference[]; timings?: TimingComparison[] };
  /** The number a result is charted by, when it is a measurement; null: chart the check's duration. */
  metric(result: ResultOf<K>): Metric | null;
}
