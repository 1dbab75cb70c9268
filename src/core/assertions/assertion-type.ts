/**
 * The one interface every assertion type implements. An assertion judges either every row of
 * a query's result as it streams (a fold: O(1) state, the first offending rows named), or a
 * check's whole result (exit code, parsed output, timings, attestations). Each type is one
 * module under `types/`, listed once in `registry.ts`.
 */
import type { ASSERTION_KINDS, Assertion, AssertionOutcome, AssertionType, Cell, CheckResult, JsonValue, ResultOf } from '../../format/index.ts';

export type Verdict = { status: AssertionOutcome['status']; expected: JsonValue; actual: JsonValue; description: string };

/** An attestation given for the deployment (`--attest ci-green`), with who and when. */
export interface Attested {
  id: string;
  label: string;
  by: string;
  at: string;
}

export interface JudgeInput<R extends CheckResult = CheckResult> {
  result: R;
  /** The measured work (query, command), without transaction setup. */
  measuredMs: number;
  attestations: readonly Attested[];
}

export interface RowFold {
  push(row: readonly Cell[], rowNumber: number): void;
  verdict(rowsJudged: number): Verdict;
}

export type AssertionOf<T extends AssertionType> = Extract<Assertion, { type: T }>;

/**
 * The results an assertion type is given to judge: those of the kinds `ASSERTION_KINDS` lists for
 * it. Any other result is refused before its module is called (evaluate.ts), so a module never
 * checks the kind itself.
 */
export type JudgedResult<T extends AssertionType> = ResultOf<(typeof ASSERTION_KINDS)[T][number]>;

export type AssertionModule<A extends Assertion> = {
  /** What the assertion expects, in words, before anything ran (`checklist show`, the reference). */
  describe(assertion: A): string;
} & (
  /** Folded over every row of a sql result while it streams. */
  | { over: 'rows'; fold(assertion: A, columns: readonly string[]): RowFold }
  /** Judged once on the check's whole result. */
  | { over: 'result'; judge(assertion: A, input: JudgeInput<JudgedResult<A['type']>>): Verdict }
);

/** A result this assertion cannot judge (a row assertion on command output…): unmet, never a pass. */
export function notApplicable(kind: string): Verdict {
  return { status: 'fail', expected: null, actual: `this assertion cannot judge a ${kind} result`, description: 'not applicable' };
}
