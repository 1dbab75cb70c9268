/**
 * The tests a command's output says did not pass, in words: `failed: test_x — AssertionError: …`.
 * From the parsed report when the checklist names a parser (it carries each failure's message),
 * from pytest's -v lines otherwise (names only). Shared by `tests-passed` and `exit-code`.
 */
import type { ResultOf } from '../../../format/index.ts';
import { parsedFacts } from '../../parsers/parsed-facts.ts';
import { parsePytestVerbose } from '../../parsers/pytest-verbose.ts';
import { firstLine, listed } from '../words.ts';

/** Each test's outcome (`PASSED`, `FAILED`…), by name; null without output to read. */
export function testOutcomes(result: ResultOf<'command'> | null): ReadonlyMap<string, string> | null {
  if (!result) return null;
  return parsedFacts(result.parsed).tests ?? parsePytestVerbose(result.stdout);
}

/** The first line of a test's failure message, when the parsed report has one. */
export function failureMessage(result: ResultOf<'command'> | null, name: string): string | null {
  if (result?.parsed?.kind !== 'pytest') return null;
  const test = result.parsed.tests.find((t) => t.name === name);
  return test?.message ? firstLine(test.message, 140) : null;
}

/** `test_x — AssertionError: …` or the bare name. */
export function testWithMessage(result: ResultOf<'command'> | null, name: string): string {
  const message = failureMessage(result, name);
  return message ? `${name} — ${message}` : name;
}

/** How many failing tests a sentence names with their message. */
const NAMED = 3;

/** `failed: test_x — AssertionError: …; errors: test_y`, or null when every test that ran passed. */
export function failedTestsText(result: ResultOf<'command'> | null): string | null {
  const outcomes = testOutcomes(result);
  if (!outcomes) return null;
  const failed = [...outcomes].filter(([, o]) => o === 'FAILED').map(([name]) => testWithMessage(result, name));
  const errors = [...outcomes].filter(([, o]) => o === 'ERROR').map(([name]) => testWithMessage(result, name));
  const parts = [failed.length > 0 ? `failed: ${listed(failed, NAMED, '; ')}` : null, errors.length > 0 ? `errors: ${listed(errors, NAMED, '; ')}` : null];
  const text = parts.filter(Boolean).join('; ');
  return text === '' ? null : text;
}
