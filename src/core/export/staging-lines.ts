/**
 * The change request's line on staging (issue 28): whether the schema production was left with is
 * staging's for the same change (compare/staging-match.ts), the differences object by object when
 * it is not, or that no staging deployment of the change was found.
 */
import type { StagingMatch } from '../compare/staging-match.ts';
import { matchesStaging } from '../compare/staging-match.ts';
import { routes } from '../routes.ts';
import { changeTable } from './schema-changes.ts';
import { mdInline, mdLink } from './markdown-text.ts';

export function stagingLines(match: StagingMatch | undefined, link: (path: string) => string): string[] {
  if (!match || match.kind === 'not-production') return [];
  if (match.kind === 'none') {
    return [`- Staging: no staging deployment of this change found (a finished ${mdInline(match.environment)} deployment of the same checklist${match.revision ? ` at revision \`${mdInline(match.revision)}\`` : ''}, before this one)`];
  }
  const staging = mdLink(match.stagingId, link(routes.deployment(match.stagingId)));
  if (match.kind === 'unverified') return [`- Staging: ${staging} does not verify, so it was not compared: ${mdInline(match.problems.slice(0, 3).join('; '))}`];
  if (match.checks.length === 0) return [`- Staging: ${staging} is the same change, but the checklist takes no schema snapshot after the change (\`changesFrom\`): nothing to compare`];
  if (matchesStaging(match.checks)) return [`- Staging: the schema matches staging's ${staging} (${match.checks.map((c) => mdInline(c.checkId)).join(', ')}, object by object, storage aside)`];
  const lines = [`- Staging: the schema **differs** from staging's ${staging}:`, ''];
  for (const check of match.checks) {
    if (check.differences === null) lines.push(`  - ${mdInline(check.checkId)}: not compared — ${check.missing === 'staging' ? 'staging' : 'this deployment'} recorded no snapshot`, '');
    else if (check.differences.length === 0) lines.push(`  - ${mdInline(check.checkId)}: matches`, '');
    else lines.push(`  - ${mdInline(check.checkId)}: ${check.differences.length} object${check.differences.length === 1 ? '' : 's'} differ (staging → production):`, '', ...changeTable(check.differences).map((l) => (l ? `    ${l}` : l)));
  }
  while (lines.at(-1) === '') lines.pop();
  return lines;
}
