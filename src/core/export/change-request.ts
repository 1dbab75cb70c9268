/**
 * `deploy-evidence export <id> --format cr`: a production change request drafted from a staging
 * deployment — what changes, the staging decision and its reasons, the evidence's permanent links,
 * the rollback plan from the rollback checks, the timings to expect from the staging timeline, and
 * the sign-off roles to fill in. Markdown, pure.
 */
import { signoffRoles } from '../../format/index.ts';
import { checkProblem, problemUnlessPass } from '../decision/check-problem.ts';
import { permalink, routes } from '../routes.ts';
import { formatMs, formatUtc } from '../text-format.ts';
import type { ExportInput } from './markdown.ts';
import { mdCode, mdInline, mdLink, mdTable, mdText } from './markdown-text.ts';

const ROLLBACK = /rollback|roll back|downgrade/i;

export function changeRequest({ deployment, snapshots, digest, where }: ExportInput): string {
  const link = (path: string) => permalink(path, where);
  const definition = deployment.checklist.definition;
  const phaseLabel = new Map(definition.phases.map((p) => [p.id, p.label]));
  const sectionTitle = new Map(definition.sections.map((s) => [s.number, s.title]));
  const pr = deployment.pr;
  const lines = [
    `# Change request: ${mdInline(pr.title ?? deployment.change.targetRevision ?? deployment.checklist.id)}`,
    '',
    '## What changes',
    '',
    ...(pr.number ? [`- Pull request: #${pr.number}${pr.title ? ` ${mdInline(pr.title)}` : ''}`] : []),
    ...(deployment.change.targetRevision ? [`- Target revision: \`${deployment.change.targetRevision}\``] : []),
    `- Checklist: ${mdInline(`${deployment.checklist.id} ${deployment.checklist.version}`)} — ${mdInline(definition.title)}`,
    '',
    `## Evidence from ${mdInline(deployment.environment)}`,
    '',
    `${mdLink(deployment.id, link(routes.deployment(deployment.id)))}, collected ${formatUtc(deployment.startedAt)}: **${deployment.decision.status}**.`,
    '',
    ...deployment.decision.reasons.map((r) => `- ${mdText(r)}`),
    '',
    mdTable(['Criterion', 'Status'], deployment.criteria.map((c) => [mdInline(c.label), c.status])),
    '',
    digest
      ? `Digest (sha256 of ${mdLink('manifest.json', link(routes.rawFile(deployment.id, 'manifest.json')))}): \`${digest}\`. Verify with \`deploy-evidence verify ${deployment.id}\`.`
      : `The ${mdInline(deployment.environment)} collection did not finish: it has no manifest and vouches for nothing.`,
  ];

  // A check belongs to the rollback plan when it previews a downgrade, lists dependents, or its phase or section says rollback.
  const rollback = deployment.checks.filter((entry) => {
    const def = definition.checks.find((c) => c.id === entry.id);
    const parsed = snapshots.get(entry.id)?.result;
    return entry.kind === 'dependents' || (parsed?.kind === 'command' && parsed.parsed?.kind === 'alembic-sql') || ROLLBACK.test(`${def?.phase ?? ''} ${phaseLabel.get(def?.phase ?? '') ?? ''} ${sectionTitle.get(entry.section) ?? ''}`);
  });
  lines.push('', '## Rollback plan', '');
  if (rollback.length === 0) lines.push(`_The checklist has no rollback checks: write the plan here._`);
  for (const entry of rollback) {
    const snapshot = snapshots.get(entry.id);
    const problem = snapshot ? problemUnlessPass(snapshot) : checkProblem(undefined);
    lines.push(`- ${mdLink(entry.title, link(routes.check(deployment.id, entry.id)))}: ${snapshot?.status ?? 'missing'}${problem ? ` — ${mdInline(problem)}` : ''}`);
    const result = snapshot?.result;
    if (result?.kind === 'command' && result.parsed?.kind === 'alembic-sql') lines.push('', '  <details><summary>The rollback SQL, as previewed</summary>', '', mdCode(result.parsed.sql, 'sql').replace(/^/gm, '  '), '', '  </details>', '');
    if (result?.kind === 'dependents') lines.push(`  - ${result.dependents.length === 0 ? 'nothing depends on it' : `depends on it: ${result.dependents.map((d) => mdInline(`${d.type} ${d.schema ? `${d.schema}.` : ''}${d.name}`)).join(', ')}`}`);
  }

  lines.push('', `## Timings to expect (from ${mdInline(deployment.environment)})`, '');
  lines.push(mdTable(['Phase', 'Took'], deployment.timeline.map((t) => [mdInline(t.label), formatMs(t.durationMs)])));
  lines.push('', `_Production may hold more data than ${mdInline(deployment.environment)}: these are a floor, not a promise._`);

  const roles = signoffRoles(definition);
  if (roles.length > 0) lines.push('', '## Sign-off', '', ...roles.map((r) => `- [ ] ${mdInline(r.label)} (\`deploy-evidence sign <production deployment> --role ${r.id}\`)`));
  if (!where.site) lines.push('', '_Links are paths from the audit site\'s root: give `--site` (and `--base`) for absolute links._');
  return `${lines.join('\n')}\n`;
}
