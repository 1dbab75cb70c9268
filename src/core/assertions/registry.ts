/**
 * Every assertion type, once. Keyed by the type union of the checklist format: an assertion
 * type the format knows but no module judges is a compile error, never a silent pass.
 */
import type { Assertion, AssertionType } from '../../format/index.ts';
import type { AssertionModule, AssertionOf } from './assertion-type.ts';
import { attestations } from './types/attestations.ts';
import { columnTypes } from './types/column-types.ts';
import { dependents } from './types/dependents.ts';
import { exitCode } from './types/exit-code.ts';
import { expectedChanges } from './types/expected-changes.ts';
import { noUnexpectedDrops } from './types/no-unexpected-drops.ts';
import { fieldCompare } from './types/field-compare.ts';
import { fieldsEqual } from './types/fields-equal.ts';
import { maxDuration } from './types/max-duration.ts';
import { maxLockHold } from './types/max-lock-hold.ts';
import { noRewriteAboveRows } from './types/no-rewrite-above-rows.ts';
import { lockTimeoutSet } from './types/lock-timeout-set.ts';
import { migrationRan } from './types/migration-ran.ts';
import { noDependents } from './types/no-dependents.ts';
import { noNulls } from './types/no-nulls.ts';
import { orderedWithinGroups } from './types/ordered-within-groups.ts';
import { revisionIsHead } from './types/revision-is-head.ts';
import { rowCount } from './types/row-count.ts';
import { sameOnReread } from './types/same-on-reread.ts';
import { testsPassed } from './types/tests-passed.ts';
import { textContains } from './types/text-contains.ts';
import { textNotContains } from './types/text-not-contains.ts';

export const ASSERTION_TYPES: { [T in AssertionType]: AssertionModule<AssertionOf<T>> } = {
  'row-count': rowCount,
  'field-compare': fieldCompare,
  'column-types': columnTypes,
  'fields-equal': fieldsEqual,
  'no-nulls': noNulls,
  'ordered-within-groups': orderedWithinGroups,
  'same-on-reread': sameOnReread,
  'max-duration': maxDuration,
  'text-contains': textContains,
  'text-not-contains': textNotContains,
  'exit-code': exitCode,
  'tests-passed': testsPassed,
  'revision-is-head': revisionIsHead,
  'migration-ran': migrationRan,
  'lock-timeout-set': lockTimeoutSet,
  'no-dependents': noDependents,
  dependents,
  'expected-changes': expectedChanges,
  'no-unexpected-drops': noUnexpectedDrops,
  'max-lock-hold': maxLockHold,
  'no-rewrite-above-rows': noRewriteAboveRows,
  attestations,
};

/** An assertion in words, as the checklist states it (its own description, else its type's). */
export function describeAssertion(assertion: Assertion): string {
  const module = ASSERTION_TYPES[assertion.type] as AssertionModule<typeof assertion>;
  return assertion.description ?? module.describe(assertion);
}
