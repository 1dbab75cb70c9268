/**
 * `deploy-evidence export <id> --format markdown`: the filled template as GitHub-flavoured
 * Markdown for the pull request — decision and reasons, criteria, every check with its status,
 * time and permanent link, the key figures, and why each check that is not a pass is not —
 * and `--check <id>`: one check as an excerpt for a change request comment. Pure.
 */
import type { CheckKind, CheckResult, CheckSnapshot, Deployment, ResultOf } from '../../format/index.ts';
import { outcomesInWords } from '../assertions/say.ts';
import { checkProblem, problemUnlessPass } from '../decision/check-problem.ts';
import { reasonsInWords } from '../decision/reasons.ts';
import { metricOfResult } from '../kinds/registry.ts';
import { permalink, routes, type SiteLocation } from '../routes.ts';
import { formatMs, formatUtc } from '../text-format.ts';
import { mdCode, mdInline, mdLink, mdTable, mdText } from './markdown-text.ts';
import { decisionShown, integrityLines, INTEGRITY_FAILED } from './integrity-note.ts';
import { schemaExcerpt, schemaSections } from './schema-changes.ts';
import { roundTripLines } from './round-trip-lines.ts';
import { lockLines, lockSections } from './lock-sections.ts';
import { forwardSqlSections } from './forward-sql.ts';
import type { StagingMatch } from '../compare/staging-match.ts';

export interface ExportInput {
  deployment: Deployment;
  snapshots: ReadonlyMap<string, CheckSnapshot>;
  /** sha256 of manifest.json (null: the collection did not finish). */
  digest: string | null;
  /** sha256 of each raw file, by its path in the deployment (`checks/<id>.json`). */
  fileDigests: ReadonlyMap<string, string>;
  where: SiteLocation;
  /** Why the deployment does not verify, when it is exported anyway (`--allow-unverified`); absent when it verifies. */
  unverified?: readonly string[];
  /** For a production deployment's change request: its schema against staging's for the same change (absent: not looked for). */
  staging?: StagingMatch;
}

const SYMBOL: Record<string, string> = { pass: '✓', warn: '!', fail: '✗', error: '⚠', skipped: '–', missing: '?', incomplete: '…' };
const status = (s: string) => `${SYMBOL[s] ?? ''} ${s}`.trim();

/** Said once under every export whose links are not absolute. */
function relativeNote(where: SiteLocation): string[] {
  return where.site ? [] : ['', '_Links are paths from the audit site\'s root: give `--site` (and `--base`) for absolute links._'];
}

export function markdownReport(input: ExportInput): string {
  const { deployment, snapshots, digest, where } = input;
  const link = (path: string) => permalink(path, where);
  const pr = deployment.pr.number ? ` · PR #${deployment.pr.number}${deployment.pr.title ? ` ${mdInline(deployment.pr.title)}` : ''}` : '';
  const lines = [
    `## Deployment evidence: ${mdLink(deployment.id, link(routes.deployment(deployment.id)))} (${mdInline(deployment.environment)})`,
    '',
    `**Decision: ${decisionShown(input)}**${pr}`,
    '',
    ...integrityLines(input),
    ...reasonsInWords(deployment, snapshots).map((r) => `- ${mdText(r)}`),
    '',
    mdTable(['Criterion', 'Status', 'Decided by'], deployment.criteria.map((c) => [mdInline(c.label), status(c.status), c.checks.map((id) => mdLink(id, link(routes.check(deployment.id, id)))).join(', ')])),
    '',
    '### Checks',
    '',
    mdTable(
      ['§', 'Check', 'Status', 'Time'],
      deployment.checks.map((entry) => {
        const snapshot = snapshots.get(entry.id);
        return [mdInline(entry.section), mdLink(`${entry.id}: ${entry.title}`, link(routes.check(deployment.id, entry.id))), status(snapshot?.status ?? 'missing'), snapshot ? formatMs(snapshot.durationMs) : '—'];
      }),
    ),
  ];
  const figures = deployment.checks.flatMap((entry) => {
    const result = snapshots.get(entry.id)?.result;
    const metric = result ? metricOfResult(result) : null;
    return metric && metric.value !== null && result?.kind !== 'command' ? [[mdInline(entry.id), mdInline(metric.name), String(metric.value)]] : [];
  });
  if (figures.length > 0) lines.push('', '### Key figures', '', mdTable(['Check', 'Figure', 'Value'], figures));
  lines.push(...schemaSections(deployment, snapshots, link));
  lines.push(...lockSections(deployment, snapshots, link));
  lines.push(...forwardSqlSections(deployment, snapshots, link));
  const definitions = new Map(deployment.checklist.definition.checks.map((c) => [c.id, c]));
  const problems = deployment.checks.flatMap((entry) => {
    const snapshot = snapshots.get(entry.id);
    const problem = snapshot ? problemUnlessPass(snapshot, definitions.get(entry.id)) : checkProblem(undefined);
    return problem ? [`- ${mdLink(entry.id, link(routes.check(deployment.id, entry.id)))}: ${mdInline(problem)}`] : [];
  });
  if (problems.length > 0) lines.push('', `<details><summary>Not a plain pass: ${problems.length} check${problems.length === 1 ? '' : 's'}</summary>`, '', ...problems, '', '</details>');
  lines.push(
    '',
    `Collected ${formatUtc(deployment.startedAt)} with checklist ${mdInline(`${deployment.checklist.id} ${deployment.checklist.version}`)}. ` +
      (digest ? `Digest (sha256 of ${mdLink('manifest.json', link(routes.rawFile(deployment.id, 'manifest.json')))}): \`${digest}\`; verify with \`deploy-evidence verify ${deployment.id}\`.` : 'The collection did not finish: there is no manifest, nothing is vouched for.'),
    ...relativeNote(where),
  );
  return `${lines.join('\n')}\n`;
}

/** One check, for a change request comment: what ran, what it asserted against what it found, its permalink and the sha256 of its raw file. */
export function markdownCheck(input: ExportInput, checkId: string): string {
  const { deployment, snapshots, fileDigests, where } = input;
  const entry = deployment.checks.find((c) => c.id === checkId);
  if (!entry) throw new Error(`${deployment.id} has no check "${checkId}" (it has: ${deployment.checks.map((c) => c.id).join(', ')})`);
  const snapshot = snapshots.get(checkId);
  const link = (path: string) => permalink(path, where);
  const shownStatus = input.unverified ? `${INTEGRITY_FAILED} (it records ${snapshot?.status ?? 'missing'})` : status(snapshot?.status ?? 'missing');
  const lines = [`#### §${mdInline(entry.section)} ${mdLink(`${entry.id}: ${entry.title}`, link(routes.check(deployment.id, entry.id)))} — ${shownStatus}`, '', ...integrityLines(input)];
  const source = snapshot?.source;
  if (source?.sql) lines.push(mdCode(source.sql, 'sql'), '');
  else if (source?.argv) lines.push(mdCode(source.argv.join(' '), 'sh'), '');
  const definition = deployment.checklist.definition.checks.find((c) => c.id === checkId);
  if (snapshot && snapshot.assertions.length > 0) {
    // What each assertion asked and what happened, in the sentences every view shows; the values as recorded are in the raw file linked below.
    lines.push(mdTable(['Assertion', 'What happened', 'Status'], outcomesInWords(snapshot, definition).map(({ outcome, sentence }) => [mdInline(outcome.description), mdInline(sentence), status(outcome.status)])), '');
  }
  lines.push(...resultExcerpt(snapshot?.result ?? null));
  const problem = snapshot ? problemUnlessPass(snapshot, definition) : checkProblem(undefined);
  if (problem) lines.push(`**Not a plain pass:** ${mdInline(problem)}`, '');
  const sha = fileDigests.get(`checks/${checkId}.json`);
  lines.push(`Deployment ${mdLink(deployment.id, link(routes.deployment(deployment.id)))} (${mdInline(deployment.environment)}), ${formatUtc(snapshot?.startedAt ?? null)}. Raw evidence: ${mdLink(`checks/${checkId}.json`, link(routes.rawFile(deployment.id, `checks/${checkId}.json`)))}${sha ? `, sha256 \`${sha}\`` : ''}.`, ...relativeNote(where));
  return `${lines.join('\n')}\n`;
}

const EXCERPT_ROWS = 10;
const EXCERPT_LINES = 20;

/**
 * What `export --check` quotes of each kind of result, keyed by the kind union (a new kind must
 * say, if only "nothing"): the first rows of a query, or the last lines of a command's output —
 * enough to quote, with the count of the rest. The other kinds' results are in the assertions table.
 */
export const RESULT_EXCERPTS: { [K in CheckKind]: (result: ResultOf<K>) => string[] } = {
  sql(result) {
    if (result.columns.length === 0) return [];
    const shown = result.rows.slice(0, EXCERPT_ROWS).map((row) => row.map((cell) => (cell === null ? '_NULL_' : mdInline(typeof cell === 'string' ? cell : JSON.stringify(cell)))));
    const more = result.rowCount - shown.length;
    return [mdTable(result.columns.map((c) => mdInline(c.name)), shown), '', ...(more > 0 ? [`_…and ${more.toLocaleString('en-US')} more rows in the raw evidence._`, ''] : [])];
  },
  columns: () => [],
  explain: () => [],
  command(result) {
    const output = result.stdout.trimEnd().split('\n');
    const tail = output.slice(-EXCERPT_LINES).join('\n');
    return [
      `<details><summary>Exit code ${result.exitCode ?? `none (${result.signal ?? 'killed'})`}; the last ${Math.min(output.length, EXCERPT_LINES)} lines of its output</summary>`, '', mdCode(tail), '', '</details>', '',
      ...(result.locks ? ['Locks taken:', '', ...lockLines(result.locks)] : []),
    ];
  },
  dependents: () => [],
  schema: schemaExcerpt,
  'round-trip': roundTripLines,
};

function resultExcerpt(result: CheckSnapshot['result']): string[] {
  return result ? (RESULT_EXCERPTS[result.kind] as (r: CheckResult) => string[])(result) : [];
}
