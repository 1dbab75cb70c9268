/**
 * Assertions turn a check's result into pass / warn / fail. Pure functions of the check
 * definition and its result, so the same evidence always gives the same verdict.
 */
import type {
  Assertion,
  AssertionOutcome,
  CheckDefinition,
  CheckResult,
  JsonValue,
} from '../../format/index.ts';
import { foldRows, isRowAssertion, type Verdict } from './row-folds.ts';
import { evaluateColumnExpectations } from './columns-expectations.ts';
import { parsePytestVerbose } from '../parsers/pytest-verbose.ts';

export interface Attested {
  id: string;
  label: string;
  by: string;
  at: string;
}

export interface EvaluationInput {
  check: CheckDefinition;
  result: CheckResult;
  /** The measured work (query, command), without transaction setup. */
  measuredMs: number;
  attestations: readonly Attested[];
  /**
   * Verdicts of the row assertions, folded over every row while the result streamed. Without
   * them (a stored result, a unit test) they are folded over the rows the result holds.
   */
  rowVerdicts?: ReadonlyMap<number, Verdict>;
}


export function evaluateAssertions(input: EvaluationInput): AssertionOutcome[] {
  const outcomes: AssertionOutcome[] = [];
  if (input.check.kind === 'columns' && input.result.kind === 'columns') {
    outcomes.push(...evaluateColumnExpectations(input.check.expect, input.result));
  }
  const ids = assertionIds(input.check);
  const { result } = input;
  const rowVerdicts = result.kind === 'sql' ? (input.rowVerdicts ?? foldRows(input.check, result.columns.map((c) => c.name), result.rows)) : new Map<number, Verdict>();
  for (const [i, assertion] of input.check.assertions.entries()) {
    const id = ids[i]!;
    const verdict = (isRowAssertion(assertion) ? rowVerdicts.get(i) : undefined) ?? judge(assertion, input);
    outcomes.push({
      id,
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
  return check.assertions.map((assertion, i) => {
    return {
      id: ids[i]!,
      type: assertion.type,
      description: assertion.description ?? assertion.type,
      expected: null,
      actual: reason,
      status: 'skipped' as const,
    };
  });
}

/** Each assertion's id: its own, or its type with -2, -3… for repeats. */
function assertionIds(check: CheckDefinition): string[] {
  const used = new Map<string, number>();
  return check.assertions.map((assertion) => {
    const base = assertion.id ?? assertion.type;
    const n = (used.get(base) ?? 0) + 1;
    used.set(base, n);
    return assertion.id ?? (n === 1 ? base : `${base}-${n}`);
  });
}

function unmet(assertion: Assertion): 'fail' | 'warn' {
  return assertion.severity;
}

function mismatch(kind: string): Verdict {
  return { status: 'fail', expected: null, actual: `this assertion cannot judge a ${kind} result`, description: 'not applicable' };
}

function judge(assertion: Assertion, input: EvaluationInput): Verdict {
  const { result } = input;
  switch (assertion.type) {
    case 'row-count': {
      if (result.kind !== 'sql') return mismatch(result.kind);
      const { min, max } = assertion;
      const ok = (min === undefined || result.rowCount >= min) && (max === undefined || result.rowCount <= max);
      const description =
        min !== undefined && max !== undefined
          ? `between ${min} and ${max} rows`
          : min !== undefined
            ? `at least ${min} row${min === 1 ? '' : 's'}`
            : `at most ${max} row${max === 1 ? '' : 's'}`;
      return { status: ok ? 'pass' : unmet(assertion), expected: { min: min ?? null, max: max ?? null }, actual: result.rowCount, description };
    }
    case 'column-types': {
      if (result.kind !== 'sql') return mismatch(result.kind);
      const actual: Record<string, JsonValue> = {};
      let ok = true;
      for (const want of assertion.columns) {
        const got = result.columns.find((c) => c.name === want.name)?.type ?? 'missing';
        actual[want.name] = got;
        if (got !== want.type) ok = false;
      }
      return {
        status: ok ? 'pass' : unmet(assertion),
        expected: Object.fromEntries(assertion.columns.map((c) => [c.name, c.type])),
        actual,
        description: assertion.columns.map((c) => `${c.name} is ${c.type}`).join('; '),
      };
    }
    case 'field-compare':
    case 'fields-equal':
    case 'no-nulls':
    case 'ordered-within-groups':
      // Folded over every row while the result streamed (row-folds.ts); see evaluateAssertions.
      return mismatch(result.kind);
    case 'same-on-reread': {
      if (result.kind !== 'sql') return mismatch(result.kind);
      const hashes = result.reads.map((r) => r.rowsSha256);
      const description = 'identical rows on every read';
      if (hashes.length < 2) return { status: unmet(assertion), expected: 'at least 2 reads', actual: `${hashes.length} read`, description };
      const same = hashes.every((h) => h === hashes[0]);
      return { status: same ? 'pass' : unmet(assertion), expected: 'identical', actual: hashes, description };
    }
    case 'max-duration': {
      const value = durationMetric(assertion.metric, result, input.measuredMs);
      const label = assertion.metric === 'duration' ? 'duration' : `${assertion.metric} time`;
      const parts = [
        assertion.warnAboveMs !== undefined ? `warn above ${assertion.warnAboveMs} ms` : null,
        assertion.failAboveMs !== undefined ? `fail above ${assertion.failAboveMs} ms` : null,
      ].filter(Boolean);
      const description = `${label}: ${parts.join(', ')}`;
      if (value === null) return { status: 'fail', expected: parts.join(', '), actual: `no ${label} in a ${result.kind} result`, description };
      const rounded = Math.round(value * 1000) / 1000;
      const status = assertion.failAboveMs !== undefined && value > assertion.failAboveMs ? 'fail' : assertion.warnAboveMs !== undefined && value > assertion.warnAboveMs ? 'warn' : 'pass';
      return { status, expected: { warnAboveMs: assertion.warnAboveMs ?? null, failAboveMs: assertion.failAboveMs ?? null }, actual: rounded, description };
    }
    case 'text-contains':
    case 'text-not-contains': {
      if (result.kind !== 'command') return mismatch(result.kind);
      const text = assertion.stream === 'stdout' ? result.stdout : assertion.stream === 'stderr' ? result.stderr : `${result.stdout}\n${result.stderr}`;
      const found = text.includes(assertion.text);
      const wanted = assertion.type === 'text-contains';
      const where = assertion.stream === 'output' ? 'the output' : assertion.stream;
      return {
        status: found === wanted ? 'pass' : unmet(assertion),
        expected: assertion.text,
        actual: found ? 'found' : 'not found',
        description: `${where} ${wanted ? 'contains' : 'does not contain'} "${assertion.text}"`,
      };
    }
    case 'exit-code': {
      if (result.kind !== 'command') return mismatch(result.kind);
      return {
        status: result.exitCode === assertion.equals ? 'pass' : unmet(assertion),
        expected: assertion.equals,
        actual: result.exitCode ?? (result.signal ? `killed by ${result.signal}` : null),
        description: `exit code ${assertion.equals}`,
      };
    }
    case 'tests-passed': {
      if (result.kind !== 'command') return mismatch(result.kind);
      // The JUnit report when the checklist asked for it; the -v lines otherwise.
      const outcomes =
        result.parsed?.kind === 'pytest'
          ? new Map(result.parsed.tests.map((t) => [t.name, t.outcome.toUpperCase()]))
          : parsePytestVerbose(result.stdout);
      const actual: Record<string, JsonValue> = {};
      for (const name of assertion.tests) actual[name] = outcomes.get(name) ?? 'not run';
      const ok = assertion.tests.every((name) => actual[name] === 'PASSED');
      return { status: ok ? 'pass' : unmet(assertion), expected: Object.fromEntries(assertion.tests.map((t) => [t, 'PASSED'])), actual, description: `${assertion.tests.length} named tests passed` };
    }
    case 'revision-is-head': {
      if (result.kind !== 'command') return mismatch(result.kind);
      if (result.parsed?.kind === 'alembic-history') {
        const heads = result.parsed.heads;
        const match = heads.find((h) => h.startsWith(assertion.revision));
        return {
          status: match && heads.length === 1 ? 'pass' : unmet(assertion),
          expected: `${assertion.revision} (head)`,
          actual: heads.length === 0 ? 'no (head) marker in the output' : heads.length === 1 ? `${heads[0]} (head)` : `several heads: ${heads.join(', ')}`,
          description: `${assertion.revision} is head`,
        };
      }
      const heads = result.stdout.split('\n').filter((line) => /\(head\)/.test(line));
      const match = heads.find((line) => revisionOfLine(line).startsWith(assertion.revision));
      return {
        status: match ? 'pass' : unmet(assertion),
        expected: `${assertion.revision} (head)`,
        actual: match?.trim() ?? (heads.length > 0 ? heads.map((h) => h.trim()).join('\n') : 'no (head) marker in the output'),
        description: `${assertion.revision} is head`,
      };
    }
    case 'migration-ran': {
      if (result.kind !== 'command') return mismatch(result.kind);
      const ran = result.parsed && result.parsed.kind !== 'pytest' && result.parsed.kind !== 'alembic-history' ? result.parsed.migrations : [];
      const match = ran.find((m) => m.to?.startsWith(assertion.revision));
      const state = result.databaseState;
      if (state) {
        // The database is the first witness, the log the second (an env.py without logging prints nothing).
        const at = (versions: string[] | null) => versions?.some((v) => v.startsWith(assertion.revision)) ?? false;
        const moved = at(state.after) && !at(state.before);
        const shown = (versions: string[] | null) => (versions === null ? '(no version table)' : versions.length === 0 ? '(empty)' : versions.join(', '));
        return {
          status: moved ? 'pass' : unmet(assertion),
          expected: `the database moves to ${assertion.revision}`,
          actual: `database: ${shown(state.before)} → ${shown(state.after)}; log: ${match ? `ran ${match.from ?? '<base>'} -> ${match.to}` : ran.length === 0 ? 'no migration reported' : ran.map((m) => `${m.from ?? '<base>'} -> ${m.to ?? '<base>'}`).join(', ')}`,
          description: `migration ${assertion.revision} ran`,
        };
      }
      return {
        status: match ? 'pass' : unmet(assertion),
        expected: `Running … -> ${assertion.revision}`,
        actual: ran.length === 0 ? 'no migration ran' : ran.map((m) => `${m.from ?? '<base>'} -> ${m.to ?? '<base>'}`),
        description: `migration ${assertion.revision} ran`,
      };
    }
    case 'no-dependents': {
      if (result.kind !== 'dependents') return mismatch(result.kind);
      const name = `${result.relation.schema}.${result.relation.name}`;
      if (!result.relation.exists) return { status: unmet(assertion), expected: 'exists, no dependents', actual: `${name} does not exist`, description: `nothing depends on ${name}` };
      return {
        status: result.dependents.length === 0 ? 'pass' : unmet(assertion),
        expected: [],
        actual: result.dependents.map((d) => `${d.type} ${d.schema ? `${d.schema}.` : ''}${d.name}`),
        description: `nothing depends on ${name}`,
      };
    }
    case 'attestations': {
      const given = new Map(input.attestations.map((a) => [a.id, a]));
      const actual: Record<string, JsonValue> = {};
      for (const id of assertion.required) {
        const a = given.get(id);
        actual[id] = a ? `${a.by} at ${a.at}` : 'not attested';
      }
      const missing = assertion.required.filter((id) => !given.has(id));
      return {
        status: missing.length === 0 ? 'pass' : unmet(assertion),
        expected: assertion.required,
        actual,
        description: missing.length === 0 ? 'every required attestation given' : `every required attestation given (missing: ${missing.join(', ')})`,
      };
    }
  }
}

function durationMetric(metric: 'duration' | 'execution' | 'planning', result: CheckResult, measuredMs: number): number | null {
  if (metric === 'duration') return measuredMs;
  if (result.kind !== 'explain') return null;
  return metric === 'execution' ? result.medianExecutionMs : result.medianPlanningMs;
}

/**
 * The revision a line of alembic output names: `down -> rev (head), message` in `history`,
 * `rev (head)` in `heads` and `current`.
 */
function revisionOfLine(line: string): string {
  const arrow = line.indexOf('->');
  const rest = (arrow >= 0 ? line.slice(arrow + 2) : line).trim();
  return rest.split(/[\s,]/)[0] ?? '';
}
