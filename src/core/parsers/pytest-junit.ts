/** pytest's JUnit XML report (`--junitxml`), read with fast-xml-parser. */
import { roundMs } from '../numbers.ts';
import { OutputParseError, type OutputParser } from './output-parser.ts';
import { XMLParser } from 'fast-xml-parser';
import type { ParsedOutput } from '../../format/index.ts';

type PytestCase = Extract<ParsedOutput, { kind: 'pytest' }>['tests'][number];

interface XmlCase {
  name?: string;
  classname?: string;
  time?: string;
  failure?: XmlMessage | XmlMessage[];
  error?: XmlMessage | XmlMessage[];
  skipped?: XmlMessage | XmlMessage[];
}
type XmlMessage = string | { message?: string; '#text'?: string };

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  textNodeName: '#text',
  parseAttributeValue: false,
  parseTagValue: false,
  // Character references (`&#10;` in a failure message) decoded once, like the named ones (issue 9).
  htmlEntities: true,
  // A report with one suite or one case must read the same as one with many.
  isArray: (name) => name === 'testsuite' || name === 'testcase',
});

function first(value: XmlMessage | XmlMessage[] | undefined): { message: string | null; details: string | null } | null {
  if (value === undefined) return null;
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined) return null;
  if (typeof v === 'string') return { message: v || null, details: null };
  return { message: v.message ?? null, details: v['#text']?.trim() || null };
}

export class JunitParseError extends OutputParseError {}

export function parsePytestJunit(xml: string): Extract<ParsedOutput, { kind: 'pytest' }> {
  let doc: { testsuites?: { testsuite?: { testcase?: XmlCase[] }[] }; testsuite?: { testcase?: XmlCase[] }[] };
  try {
    doc = parser.parse(xml, true) as typeof doc;
  } catch (error) {
    throw new JunitParseError(`the JUnit XML report could not be read: ${(error as Error).message}`);
  }
  const suites = doc.testsuites?.testsuite ?? doc.testsuite ?? [];
  const tests: PytestCase[] = suites.flatMap((suite) =>
    (suite.testcase ?? []).map((c) => {
      const failure = first(c.failure);
      const error = first(c.error);
      const skipped = first(c.skipped);
      const outcome: PytestCase['outcome'] = failure ? 'failed' : error ? 'error' : skipped ? 'skipped' : 'passed';
      const detail = failure ?? error ?? skipped;
      return {
        name: c.name ?? '',
        classname: c.classname ?? '',
        outcome,
        durationMs: roundMs(Number(c.time ?? 0) * 1000),
        message: detail?.message ?? null,
        details: detail?.details ?? null,
      };
    }),
  );
  const count = (o: PytestCase['outcome']) => tests.filter((t) => t.outcome === o).length;
  return {
    kind: 'pytest',
    tests,
    summary: {
      tests: tests.length,
      passed: count('passed'),
      failed: count('failed'),
      errors: count('error'),
      skipped: count('skipped'),
      durationMs: roundMs(tests.reduce((n, t) => n + t.durationMs, 0)),
    },
    junitXml: xml,
  };
}

/** pytest, run with `--junitxml=<our file>`: the report is read after the run. */
export const pytestJunitParser: OutputParser = {
  // No report at all (pytest could not start, or was killed): nothing to read, never a pass.
  parse: ({ report }) => (report === null ? null : parsePytestJunit(report)),
  reportArgument: (file) => `--junitxml=${file}`,
};
