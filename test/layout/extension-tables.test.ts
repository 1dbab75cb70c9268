/**
 * Extension points are tables keyed by the format's unions. At compile time (`npm test` runs
 * tsc first) a table missing an entry is an error — each `@ts-expect-error` below fails the
 * type check the day a table stops being checked. At run time, each table lists exactly the
 * format's members.
 */
import { describe, expect, it } from 'vitest';
import { ASSERTION_KINDS, assertionSchema, checkDefinitionSchema, checkKindSchema, checkResultSchema, parsedOutputSchema, parserNameSchema } from '../../src/format/index.ts';
import { ASSERTION_TYPES } from '../../src/core/assertions/registry.ts';
import { CHECK_KINDS } from '../../src/core/kinds/registry.ts';
import { OUTPUT_PARSERS } from '../../src/core/parsers/registry.ts';
import { CHECK_RUNNERS } from '../../collectors/checks/runners.ts';
import { RESULT_VIEWS } from '../../src/site/view-models/results/registry.ts';
import { RESULT_COMPONENTS } from '../../src/components/results/index.ts';
import { ROLLBACK_EVIDENCE } from '../../src/core/export/change-request.ts';
import { RESULT_EXCERPTS } from '../../src/core/export/markdown.ts';

const { attestations: _1, ...assertionsWithoutOne } = ASSERTION_TYPES;
// @ts-expect-error an assertion type without its module does not compile
export const incompleteAssertions: typeof ASSERTION_TYPES = assertionsWithoutOne;

const { dependents: _2, ...kindsWithoutOne } = CHECK_KINDS;
// @ts-expect-error a check kind without its core module does not compile
export const incompleteKinds: typeof CHECK_KINDS = kindsWithoutOne;

const { dependents: _3, ...runnersWithoutOne } = CHECK_RUNNERS;
// @ts-expect-error a check kind without its runner does not compile
export const incompleteRunners: typeof CHECK_RUNNERS = runnersWithoutOne;

const { dependents: _4, ...viewsWithoutOne } = RESULT_VIEWS;
// @ts-expect-error a check kind without its result view does not compile
export const incompleteViews: typeof RESULT_VIEWS = viewsWithoutOne;

const { dependents: _6, ...rollbackWithoutOne } = ROLLBACK_EVIDENCE;
// @ts-expect-error a check kind the change request's rollback plan says nothing about does not compile
export const incompleteRollback: typeof ROLLBACK_EVIDENCE = rollbackWithoutOne;

const { dependents: _7, ...excerptsWithoutOne } = RESULT_EXCERPTS;
// @ts-expect-error a check kind export --check cannot quote does not compile
export const incompleteExcerpts: typeof RESULT_EXCERPTS = excerptsWithoutOne;

const { 'pytest-junit': _5, ...parsersWithoutOne } = OUTPUT_PARSERS;
// @ts-expect-error a parser name without its parser does not compile
export const incompleteParsers: typeof OUTPUT_PARSERS = parsersWithoutOne;

const sorted = (keys: Iterable<string>) => [...keys].sort();

describe('extension tables', () => {
  it('judge every assertion type of the format, once, each on the kinds it names', () => {
    const types = sorted(assertionSchema.options.map((o) => o.shape.type.value));
    expect(sorted(Object.keys(ASSERTION_TYPES))).toEqual(types);
    expect(sorted(Object.keys(ASSERTION_KINDS))).toEqual(types);
    for (const kinds of Object.values(ASSERTION_KINDS)) expect(kinds.length).toBeGreaterThan(0);
  });

  it('know every check kind of the format in the core, the collectors and the site', () => {
    const kinds = sorted(checkKindSchema.options);
    // The checklist's definitions and the snapshot's results have exactly these kinds (also held at compile time).
    expect(sorted(checkDefinitionSchema.options.map((o) => o.shape.kind.value))).toEqual(kinds);
    expect(sorted(checkResultSchema.options.map((o) => o.shape.kind.value))).toEqual(kinds);
    expect(sorted(Object.keys(CHECK_KINDS))).toEqual(kinds);
    expect(sorted(Object.keys(CHECK_RUNNERS))).toEqual(kinds);
    expect(sorted(Object.keys(RESULT_VIEWS))).toEqual(kinds);
    expect(sorted(Object.keys(RESULT_COMPONENTS))).toEqual(kinds);
    expect(sorted(Object.keys(ROLLBACK_EVIDENCE))).toEqual(kinds);
    expect(sorted(Object.keys(RESULT_EXCERPTS))).toEqual(kinds);
  });

  it('have a parser for every parser name a checklist may give, and parsed shapes the format knows', () => {
    expect(sorted(Object.keys(OUTPUT_PARSERS))).toEqual(sorted(parserNameSchema.options));
    expect(parsedOutputSchema.options.length).toBeGreaterThan(0);
  });
});
