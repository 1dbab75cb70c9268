/**
 * Each stored outcome as one plain sentence (issue 26): the assertion type's `say`, given the
 * assertion as the deployment's own checklist defines it, the stored outcome and the stored
 * result. Made when shown, never stored, so evidence of every format version reads in the same
 * words; the report, the check page, the decision's reasons, the CLI and every export read them
 * from here.
 */
import { judges, type Assertion, type AssertionOutcome, type CheckDefinition, type CheckResult, type CheckSnapshot } from '../../format/index.ts';
import type { AssertionModule, Said } from './assertion-type.ts';
import { assertionIds } from './evaluate.ts';
import { ASSERTION_TYPES } from './registry.ts';
import { kindOf } from '../kinds/registry.ts';
import { plainOutcome, plainValue } from './words.ts';

/** What a sentence reads of the check besides the outcome. */
export interface SayContext {
  /** The check as the deployment's checklist defines it; without it an outcome is said from what it recorded alone. */
  check?: Pick<CheckDefinition, 'kind' | 'assertions'> | undefined;
  result: CheckResult | null | undefined;
  /** What the command ran (`source.argv`), to name the program. */
  argv?: readonly string[] | undefined;
}

/** `pytest`, `alembic`, `python -m pytest`: the program, without the directory it was found in. */
export function programOf(argv: readonly string[] | undefined): string | null {
  if (!argv || argv.length === 0) return null;
  const base = (path: string) => path.slice(path.lastIndexOf('/') + 1);
  return argv[1] === '-m' && argv[2] ? `${base(argv[0]!)} -m ${argv[2]}` : base(argv[0]!);
}

const isType = (type: string): type is Assertion['type'] => Object.hasOwn(ASSERTION_TYPES, type);

/** One stored outcome in a sentence. */
export function sayOutcome(outcome: AssertionOutcome, context: SayContext): string {
  // Not judged (the check errored or was skipped): the stored reason is the sentence.
  if (outcome.status === 'skipped') return `not judged: ${plainValue(outcome.actual)}`;
  const judged = { ...outcome, status: outcome.status };
  const result = context.result ?? null;
  const ids = context.check ? assertionIds(context.check) : [];
  const assertion = context.check?.assertions[ids.indexOf(outcome.id)];
  if (assertion && assertion.type === outcome.type && isType(outcome.type)) {
    if (result && !judges(assertion.type, result.kind)) return `cannot judge a ${result.kind} result`;
    const module = ASSERTION_TYPES[assertion.type] as AssertionModule<Assertion>;
    const said: Said = { outcome: judged, result, program: programOf(context.argv) };
    return module.say(assertion, said as never);
  }
  // The check kind's own expectations (a columns check's `expect`) carry the kind as their type.
  const kind = context.check?.kind ?? result?.kind;
  if (kind && outcome.type === kind) return kindOf(kind).sayExpectation(outcome, result && result.kind === kind ? result : null);
  return plainOutcome(outcome);
}

/** Every outcome of a snapshot, in order, with its sentence. */
export function outcomesInWords(
  snapshot: Pick<CheckSnapshot, 'assertions'> & Partial<Pick<CheckSnapshot, 'result' | 'source'>>,
  check?: SayContext['check'],
): { outcome: AssertionOutcome; sentence: string }[] {
  const context: SayContext = { check, result: snapshot.result ?? null, argv: snapshot.source?.argv };
  return snapshot.assertions.map((outcome) => ({ outcome, sentence: sayOutcome(outcome, context) }));
}
