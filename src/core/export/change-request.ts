/**
 * `deploy-evidence export <id> --format cr`: a production change request drafted from a staging
 * deployment — what changes, the staging decision and its reasons, the evidence's permanent links,
 * the rollback plan from the rollback checks, the timings to expect from the staging timeline, and
 * the sign-off roles to fill in. Markdown, pure.
 */
import { signoffRoles, type CheckKind, type CheckSnapshot, type Deployment, type ResultOf } from '../../format/index.ts';
import { checkProblem, problemUnlessPass } from '../decision/check-problem.ts';
import { reasonsInWords } from '../decision/reasons.ts';
import { permalink, routes } from '../routes.ts';
import { targetRevisionOf } from '../target-revision.ts';
import { formatMs, formatUtc } from '../text-format.ts';
import type { ExportInput } from './markdown.ts';
import { decisionShown, integrityLines } from './integrity-note.ts';
import { schemaSections } from './schema-changes.ts';
import { roundTripSentence } from './round-trip-lines.ts';
import { lockSections } from './lock-sections.ts';
import { forwardSqlSections, sqlDirection } from './forward-sql.ts';
import { stagingLines } from './staging-lines.ts';
import { mdCode, mdInline, mdLink, mdTable, mdText } from './markdown-text.ts';

const ROLLBACK = /rollback|roll back|downgrade/i;

interface RollbackEvidence<K extends CheckKind> {
  /** Every check of this kind belongs to the rollback plan, whatever its result (or without one). */
  always: boolean;
  /** What its result says for the plan, as Markdown lines; null: the result alone does not bring the check into the plan. */
  lines(result: ResultOf<K>): string[] | null;
}

/**
 * What each kind of check brings to the rollback plan, keyed by the kind union: a new kind must
 * say whether it belongs there (issue 23). A check of any kind is also in the plan when its phase
 * or section says rollback.
 */
export const ROLLBACK_EVIDENCE: { [K in CheckKind]: RollbackEvidence<K> } = {
  sql: { always: false, lines: () => null },
  columns: { always: false, lines: () => null },
  explain: { always: false, lines: () => null },
  // A downgrade previewed as SQL (`alembic-sql`): the SQL itself. An upgrade's preview is the
  // forward SQL, shown under "What changes" (forward-sql.ts), not a rollback step.
  command: {
    always: false,
    lines: (result) =>
      result.parsed?.kind === 'alembic-sql' && sqlDirection(result.parsed) !== 'upgrade' ? ['', '  <details><summary>The rollback SQL, as previewed</summary>', '', mdCode(result.parsed.sql, 'sql').replace(/^/gm, '  '), '', '  </details>', ''] : null,
  },
  // What would break if the relation went: a rollback check by nature.
  // The schema change report is shown under "What changes"; a snapshot alone is no rollback step.
  schema: { always: false, lines: () => null },
  // Whether the way back was rehearsed, and what it did not give back: a rollback check by nature.
  'round-trip': { always: true, lines: (result) => [`  - ${mdInline(roundTripSentence(result))}`] },
  dependents: {
    always: true,
    lines: (result) => [`  - ${result.dependents.length === 0 ? 'nothing depends on it' : `depends on it: ${result.dependents.map((d) => mdInline(`${d.type} ${d.schema ? `${d.schema}.` : ''}${d.name}`)).join(', ')}`}`],
  },
};

function rollbackLines(result: CheckSnapshot['result'] | undefined): string[] | null {
  return result ? (ROLLBACK_EVIDENCE[result.kind] as RollbackEvidence<CheckKind>).lines(result as never) : null;
}

/**
 * Why no change request is drafted from this deployment without `--force` (null: nothing stops it):
 * a BLOCKED deployment is the evidence that the change must not go ahead (issue 26).
 */
export function changeRequestRefusal(deployment: Pick<Deployment, 'id' | 'checklist' | 'decision' | 'collection'>, snapshots: ExportInput['snapshots']): string | null {
  if (deployment.decision.status !== 'BLOCKED') return null;
  const reasons = reasonsInWords(deployment, snapshots).map((r) => `  - ${r}`);
  return [`${deployment.id} is BLOCKED: refusing to draft a production change request from it (--force drafts one, saying at its top that the source is BLOCKED)`, ...reasons].join('\n');
}

/** The "Target revision" line: always there, saying where the revision came from, or that none is known. */
function targetRevisionLine(deployment: Deployment): string {
  const target = targetRevisionOf(deployment);
  if (!target) return '- Target revision: not recorded — the checklist declares no `revisionParam`, and its migration checks name no single revision';
  return `- Target revision: \`${target.revision}\`${target.from === 'expected' ? ' (the revision the checklist\'s migration checks expect; the deployment records none)' : ''}`;
}

/** `forced`: drafted with `--force` from a deployment `changeRequestRefusal` refuses; the draft says so at its top. */
export function changeRequest(input: ExportInput, { forced = false }: { forced?: boolean } = {}): string {
  const { deployment, snapshots, digest, where } = input;
  const link = (path: string) => permalink(path, where);
  const definition = deployment.checklist.definition;
  const phaseLabel = new Map(definition.phases.map((p) => [p.id, p.label]));
  const sectionTitle = new Map(definition.sections.map((s) => [s.number, s.title]));
  const pr = deployment.pr;
  const lines = [
    `# Change request: ${mdInline(pr.title ?? deployment.change.targetRevision ?? deployment.checklist.id)}`,
    '',
    ...(forced && changeRequestRefusal(deployment, snapshots)
      ? [`> **Drafted with \`--force\` from a ${deployment.decision.status} deployment.** The ${mdInline(deployment.environment)} evidence says this change must not go ahead as it stands: read its reasons below before anything else.`, '']
      : []),
    '## What changes',
    '',
    ...(pr.number ? [`- Pull request: #${pr.number}${pr.title ? ` ${mdInline(pr.title)}` : ''}`] : []),
    targetRevisionLine(deployment),
    ...stagingLines(input.staging, link),
    `- Checklist: ${mdInline(`${deployment.checklist.id} ${deployment.checklist.version}`)} — ${mdInline(definition.title)}`,
    ...schemaSections(deployment, snapshots, link),
    ...lockSections(deployment, snapshots, link),
    ...forwardSqlSections(deployment, snapshots, link),
    '',
    `## Evidence from ${mdInline(deployment.environment)}`,
    '',
    `${mdLink(deployment.id, link(routes.deployment(deployment.id)))}, collected ${formatUtc(deployment.startedAt)}: **${decisionShown(input)}**.`,
    '',
    ...integrityLines(input),
    ...reasonsInWords(deployment, snapshots).map((r) => `- ${mdText(r)}`),
    '',
    mdTable(['Criterion', 'Status'], deployment.criteria.map((c) => [mdInline(c.label), c.status])),
    '',
    digest
      ? `Digest (sha256 of ${mdLink('manifest.json', link(routes.rawFile(deployment.id, 'manifest.json')))}): \`${digest}\`. Verify with \`deploy-evidence verify ${deployment.id}\`.`
      : `The ${mdInline(deployment.environment)} collection did not finish: it has no manifest and vouches for nothing.`,
  ];

  // A check belongs to the rollback plan when its kind says so (ROLLBACK_EVIDENCE), or its phase or section says rollback.
  const rollback = deployment.checks.filter((entry) => {
    const def = definition.checks.find((c) => c.id === entry.id);
    return ROLLBACK_EVIDENCE[entry.kind].always || rollbackLines(snapshots.get(entry.id)?.result) !== null || ROLLBACK.test(`${def?.phase ?? ''} ${phaseLabel.get(def?.phase ?? '') ?? ''} ${sectionTitle.get(entry.section) ?? ''}`);
  });
  lines.push('', '## Rollback plan', '');
  if (rollback.length === 0) lines.push(`_The checklist has no rollback checks: write the plan here._`);
  for (const entry of rollback) {
    const snapshot = snapshots.get(entry.id);
    const problem = snapshot ? problemUnlessPass(snapshot, definition.checks.find((c) => c.id === entry.id)) : checkProblem(undefined);
    lines.push(`- ${mdLink(entry.title, link(routes.check(deployment.id, entry.id)))}: ${snapshot?.status ?? 'missing'}${problem ? ` — ${mdInline(problem)}` : ''}`);
    lines.push(...(rollbackLines(snapshot?.result) ?? []));
  }

  lines.push('', `## Timings to expect (from ${mdInline(deployment.environment)})`, '');
  lines.push(mdTable(['Phase', 'Took'], deployment.timeline.map((t) => [mdInline(t.label), formatMs(t.durationMs)])));
  lines.push('', `_Production may hold more data than ${mdInline(deployment.environment)}: these are a floor, not a promise._`);

  const roles = signoffRoles(definition);
  if (roles.length > 0) lines.push('', '## Sign-off', '', ...roles.map((r) => `- [ ] ${mdInline(r.label)} (\`deploy-evidence sign <production deployment> --role ${r.id}\`)`));
  if (!where.site) lines.push('', '_Links are paths from the audit site\'s root: give `--site` (and `--base`) for absolute links._');
  return `${lines.join('\n')}\n`;
}
