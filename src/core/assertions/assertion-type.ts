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

/**
 * What a sentence about a stored outcome reads besides the assertion's definition: the stored
 * outcome (its status, its recorded values), the check's result when the type judges its kind
 * (null: it errored, was skipped, or is of another kind), and the program a command ran.
 */
export interface Said<R extends CheckResult = CheckResult> {
  outcome: AssertionOutcome & { status: 'pass' | 'warn' | 'fail' };
  result: R | null;
  /** `pytest`, `alembic`, `python -m pytest`; null when the check ran no command. */
  program: string | null;
}

export type AssertionModule<A extends Assertion> = {
  /** What the assertion expects, in words, before anything ran (`checklist show`, the reference). */
  describe(assertion: A): string;
  /**
   * What happened, in one plain sentence for a reader (issue 26): `pytest exited with code 1
   * (expected 0); failed: test_x — AssertionError: …`. Values formatted for reading, never JSON.
   * Made when shown, from the stored outcome and result, so older evidence reads the same way.
   */
  say(assertion: A, said: Said<JudgedResult<A['type']>>): string;
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
