/**
 * The same plain sentences over real evidence (issue 26): the committed samples (format v2), the
 * frozen v1 fixture, and the site fixtures' BLOCKED deployments — a smoke test failing
 * (staging-pr76-smoke-failing) and a checklist not the example's (staging-pr74-blocked). The
 * report's reasons, its checks' problems and assertion sentences, the PR Markdown, one check's
 * excerpt, the change request and JUnit all say the same words, name the failing test with its
 * message, and carry no JSON value where a reader reads why.
 */
import { describe, expect, it } from 'vitest';
import { XMLParser } from 'fast-xml-parser';
import { reasonsInWords } from '../../src/core/decision/reasons.ts';
import { changeRequest } from '../../src/core/export/change-request.ts';
import { junitReport } from '../../src/core/export/junit.ts';
import { markdownCheck, markdownReport, type ExportInput } from '../../src/core/export/markdown.ts';
import { mdText } from '../../src/core/export/markdown-text.ts';
import { readDeploymentDir, type DeploymentDir } from '../../src/format/read-deployment-dir.ts';
import { reportModel } from '../../src/site/view-models/report.ts';
import { committedEvidence, evidenceFixture } from '../harness/committed-evidence.ts';

/** What a JSON value looks like in text: an object or a list of strings, a quoted key. */
const JSON_BLOB = /\{"|\["|":|\{&quot;|&quot;:/;

async function read(root: Promise<string>, id: string): Promise<DeploymentDir> {
  const dir = await readDeploymentDir(await root, id);
  if (!dir) throw new Error(`no deployment ${id}`);
  return dir;
}

function exportInput(dir: DeploymentDir): ExportInput {
  return { deployment: dir.deployment, snapshots: dir.snapshots, digest: null, fileDigests: new Map(), where: { site: 'https://audit.example.com' } };
}

/** Every text the report shows of why: the reasons, each check's problem line and each assertion's sentence. */
function reportWords(dir: DeploymentDir) {
  const report = reportModel(dir.deployment, dir.snapshots, [], dir.manifest);
  const views = [...(report.preDeployment?.checks ?? []), ...report.sections.flatMap(function all(s): typeof s.checks {
    return [...s.checks, ...s.children.flatMap(all)];
  })];
  return { report, views, sentences: views.flatMap((v) => v.assertions.map((a) => a.sentence)), problems: views.flatMap((v) => (v.problem ? [v.problem] : [])) };
}

const CASES = [
  { root: () => committedEvidence(), id: 'sample-staging-pr73', says: ['preflight (§pre): warn: 1 of 3 attestations missing: guide-reviewed (given: ci-green, pr-approved)'] },
  { root: () => committedEvidence(), id: 'sample-staging-pr73-rerun', says: ['alembic-upgrade (§2): warn: already applied: the database stayed at 20251101_0900_attempt_view_lock'] },
  { root: () => evidenceFixture('evidence'), id: '2026-11-24-staging-pr73', says: ['preflight (§pre): warn: 1 of 3 attestations missing: guide-reviewed (given: ci-green, pr-approved)'] },
  {
    root: () => evidenceFixture('site-evidence'),
    id: 'staging-pr76-smoke-failing',
    says: [
      'smoke-tests (§7): fail: 1 of 5 named tests failed: test_attempt_view_types — AssertionError: response_time_ms must be a float here; 1 did not run: test_attempt_view_no_nulls_in_required_fields · fail: pytest exited with code 1 (expected 0); failed: test_attempt_view_types — AssertionError: response_time_ms must be a float here',
      'preflight (§pre): warn: 3 of 3 attestations missing: ci-green, pr-approved, guide-reviewed',
    ],
  },
  {
    root: () => evidenceFixture('site-evidence'),
    id: 'staging-pr74-blocked',
    says: [
      'columns-mismatch (§1): fail: 13 columns (expected 2) · fail: column student_id is uuid, 0 NULL rows (view: checked on the data) (expected text, NOT NULL) · fail: 11 columns beyond the expected ones: exam_result_id, item_id, question_id, question_text, correct_answer, student_answer, is_correct, response_time_ms and 3 more',
      'too-many-rows (§2): fail: n = 500 (expected < 10)',
      'missing-table (§2): error: the database refused the query: relation "attempt_v2" does not exist (SQLSTATE 42P01)',
    ],
  },
] as const;

describe('the same sentences over real evidence, in every view', () => {
  it.each(CASES.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    const dir = await read(c.root(), c.id);
    const reasons = reasonsInWords(dir.deployment, dir.snapshots);
    expect(reasons).toEqual(c.says);
    const input = exportInput(dir);
    const markdown = markdownReport(input);
    const cr = changeRequest(input);
    const junit = junitReport(input);
    const { report, sentences, problems } = reportWords(dir);
    expect(report.decision.reasons).toEqual(reasons);
    for (const reason of reasons) {
      expect(cr).toContain(reasonsLine(reason));
      expect(markdown).toContain(reasonsLine(reason));
      expect(report.postDeployment.prMarkdown ?? `- ${reason}`).toContain(`- ${reason}`);
    }
    // Where a reader reads why, nothing is JSON.
    for (const text of [...reasons, ...sentences, ...problems]) expect(text, text).not.toMatch(JSON_BLOB);
    for (const [name, text] of [['markdown', markdown], ['cr', cr], ['junit', junit]] as const) expect(text, name).not.toMatch(JSON_BLOB);
    for (const id of dir.deployment.checks.map((e) => e.id).filter((id) => dir.snapshots.get(id)?.status !== 'pass')) {
      const one = markdownCheck(input, id);
      if (dir.snapshots.get(id)!.assertions.length > 0) expect(one).toContain('| Assertion | What happened | Status |');
      // The assertions table and the problem line; the result excerpt below may quote the tool's own output.
      const words = one.split('\n').filter((line) => line.startsWith('| ') || line.startsWith('**Not a plain pass:**'));
      for (const line of words) expect(line, `${id}: ${line}`).not.toMatch(JSON_BLOB);
    }
  });

  it('names the failing pytest test with its message in the report, the check page, the PR Markdown, the change request and JUnit', async () => {
    const dir = await read(evidenceFixture('site-evidence'), 'staging-pr76-smoke-failing');
    const failing = 'test_attempt_view_types — AssertionError: response_time_ms must be a float here';
    const input = exportInput(dir);
    const { views } = reportWords(dir);
    const smoke = views.find((v) => v.id === 'smoke-tests')!;
    expect(smoke.problem).toContain(failing);
    expect(smoke.assertions.map((a) => [a.status, a.sentence])).toEqual([
      ['fail', `1 of 5 named tests failed: ${failing}; 1 did not run: test_attempt_view_no_nulls_in_required_fields`],
      ['fail', `pytest exited with code 1 (expected 0); failed: ${failing}`],
    ]);
    // The values as recorded stay available to the raw view.
    expect(smoke.assertions[1]!.actual).toBe('1');
    expect(smoke.assertions[0]!.actual).toContain('"test_attempt_view_types":"FAILED"');
    const markdownFailing = failing.replaceAll('_', '\\_');
    expect(markdownReport(input)).toContain(markdownFailing);
    expect(markdownCheck(input, 'smoke-tests')).toContain(`| fail: 1 of 5 named tests failed: ${markdownFailing}`.replace('| fail: ', '| '));
    expect(changeRequest(input)).toContain(markdownFailing);
    const junit = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_' }).parse(junitReport(input)) as { testsuites: { testsuite: { testcase: { '@_name': string; failure?: { '@_message': string } }[] } } };
    const failure = junit.testsuites.testsuite.testcase.find((t) => t['@_name'].startsWith('smoke-tests:'))!.failure!;
    expect(failure['@_message']).toContain(failing);
    expect(failure['@_message']).toMatch(/^fail: 1 of 5 named tests failed: /);
  });
});

/** A reason as the Markdown exports write it: a list item, its text escaped as mdText escapes evidence. */
function reasonsLine(reason: string): string {
  return `- ${mdText(reason)}`;
}
