/**
 * `deploy-evidence export <id> --format junit`: each check as a JUnit test case, so any CI system
 * shows the evidence in its own test view. fail → <failure>, error → <error>, skipped or missing
 * → <skipped>, each with the same reasons the decision gives; a warning passes with its note in
 * <system-out>. Built with fast-xml-parser's builder (escaping is the library's, not ours).
 */
import { XMLBuilder } from 'fast-xml-parser';
import { checkProblem, problemUnlessPass } from '../decision/check-problem.ts';
import { permalink, routes } from '../routes.ts';
import type { ExportInput } from './markdown.ts';
import { decisionShown, INTEGRITY_FAILED } from './integrity-note.ts';

export function junitReport(input: ExportInput): string {
  const { deployment, snapshots, digest, where } = input;
  const definitions = new Map(deployment.checklist.definition.checks.map((c) => [c.id, c]));
  const cases = deployment.checks.map((entry) => {
    const snapshot = snapshots.get(entry.id);
    const problem = snapshot ? problemUnlessPass(snapshot, definitions.get(entry.id)) : checkProblem(undefined);
    const url = permalink(routes.check(deployment.id, entry.id), where);
    const testcase: Record<string, unknown> = {
      '@_classname': `${deployment.checklist.id}.§${entry.section}`,
      '@_name': `${entry.id}: ${entry.title}`,
      '@_time': ((snapshot?.durationMs ?? 0) / 1000).toFixed(3),
    };
    const state = snapshot?.status ?? 'missing';
    if (state === 'fail') testcase.failure = { '@_message': problem ?? 'failed', '@_type': 'fail', '#text': `${problem}\n${url}` };
    else if (state === 'error') testcase.error = { '@_message': problem ?? 'error', '@_type': snapshot?.error?.kind ?? 'error', '#text': `${problem}\n${url}` };
    else if (state === 'skipped' || state === 'missing') testcase.skipped = { '@_message': problem ?? state };
    testcase['system-out'] = `${state === 'warn' && problem ? `${problem}\n` : ''}evidence: ${url}`;
    return { state, testcase };
  });
  // Evidence that does not verify is one failing test of its own, first: a CI view never shows it green.
  if (input.unverified) {
    const url = permalink(routes.deployment(deployment.id), where);
    cases.unshift({ state: 'fail', testcase: { '@_classname': `${deployment.checklist.id}.integrity`, '@_name': 'the evidence verifies', '@_time': '0.000', failure: { '@_message': `${INTEGRITY_FAILED}: the evidence does not verify`, '@_type': 'integrity', '#text': `${input.unverified.join('\n')}\n${url}` }, 'system-out': `evidence: ${url}` } });
  }
  const count = (...states: string[]) => String(cases.filter((c) => states.includes(c.state)).length);
  const total = deployment.checks.reduce((ms, entry) => ms + (snapshots.get(entry.id)?.durationMs ?? 0), 0);
  const suite = {
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    testsuites: {
      '@_name': `deploy-evidence ${deployment.id}`,
      testsuite: {
        '@_name': `${deployment.id} (${deployment.environment}): ${decisionShown(input)}`,
        '@_tests': String(cases.length),
        '@_failures': count('fail'),
        '@_errors': count('error'),
        '@_skipped': count('skipped', 'missing'),
        '@_time': (total / 1000).toFixed(3),
        '@_timestamp': deployment.startedAt,
        properties: {
          property: [
            { '@_name': 'decision', '@_value': decisionShown(input) },
            { '@_name': 'checklist', '@_value': `${deployment.checklist.id} ${deployment.checklist.version}` },
            { '@_name': 'digest', '@_value': digest ?? 'none (the collection did not finish)' },
            { '@_name': 'report', '@_value': permalink(routes.deployment(deployment.id), where) },
          ],
        },
        testcase: cases.map((c) => c.testcase),
      },
    },
  };
  const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: true, indentBy: '  ', suppressEmptyNode: true });
  return builder.build(suite) as string;
}
