/**
 * Assertions turn a check's result into pass / warn / fail. Pure functions of the check
 * definition and its result, so the same evidence always gives the same verdict.
 */
import { judges, type Assertion, type AssertionOutcome, type CheckDefinition } from '../../format/index.ts';
import { notApplicable, type AssertionModule, type JudgeInput, type Verdict } from './assertion-type.ts';
import { judgeCheckExpectations } from '../kinds/registry.ts';
import { ASSERTION_TYPES } from './registry.ts';
import { foldRows } from './row-folds.ts';

export type { Attested } from './assertion-type.ts';

export interface EvaluationInput extends JudgeInput {
  check: CheckDefinition;
  /**
   * Verdicts of the row assertions, folded over every row while the result streamed. Without
   * them (a stored result, a unit test) they are folded over the rows the result holds.
   */
  rowVerdicts?: ReadonlyMap<number, Verdict>;
}

export function evaluateAssertions(input: EvaluationInput): AssertionOutcome[] {
  const outcomes: AssertionOutcome[] = [];
  const { check, result } = input;
  outcomes.push(...judgeCheckExpectations(check, result));
  const ids = assertionIds(check);
  const rowVerdicts = result.kind === 'sql' ? (input.rowVerdicts ?? foldRows(check, result.columns.map((c) => c.name), result.rows)) : new Map<number, Verdict>();
  for (const [i, assertion] of check.assertions.entries()) {
    const module = ASSERTION_TYPES[assertion.type] as AssertionModule<Assertion>;
    // The kinds each type judges are ASSERTION_KINDS's: any other result is refused here, once.
    const verdict = !judges(assertion.type, result.kind)
      ? notApplicable(result.kind)
      : module.over === 'rows'
        ? (rowVerdicts.get(i) ?? notApplicable(result.kind))
        : module.judge(assertion, input);
    outcomes.push({
      id: ids[i]!,
      type: assertion.type,
      description: assertion.description ?? verdict.description,
      expected: verdict.expected,
      actual: verdict.actual,
      status: verdict.status,
    });
  }
  return outcomes;
}

/** Outcomes for a check that produced nothing to judge: every assertion `skipped`, never pass. */
export function unjudgedAssertions(check: CheckDefinition, reason: string): AssertionOutcome[] {
  const ids = assertionIds(check);
  return check.assertions.map((assertion, i) => ({
    id: ids[i]!,
    type: assertion.type,
    description: assertion.description ?? assertion.type,
    expected: null,
    actual: reason,
    status: 'skipped' as const,
  }));
}

/** Each assertion's id: its own, or its type with -2, -3… for repeats. */
export function assertionIds(check: Pick<CheckDefinition, 'assertions'>): string[] {
  const used = new Map<string, number>();
  return check.assertions.map((assertion) => {
    const base = assertion.id ?? assertion.type;
    const n = (used.get(base) ?? 0) + 1;
    used.set(base, n);
    return assertion.id ?? (n === 1 ? base : `${base}-${n}`);
  });
}
