/**
 * The forward SQL (issue 28): an upgrade previewed as SQL (`alembic upgrade {{current}}:head --sql`,
 * parser `alembic-sql`) before it ran, in the PR Markdown and the change request as a folded SQL
 * block, capped, with a link to its check page where it is shown whole and highlighted. A preview
 * whose steps are downgrades is the rollback SQL, which the change request's rollback plan shows.
 */
import type { CheckSnapshot, Deployment, ParsedOutput } from '../../format/index.ts';
import { routes } from '../routes.ts';
import { mdCode, mdInline, mdLink } from './markdown-text.ts';

/** Lines of the forward SQL shown in Markdown; the rest is on the check page. */
const FORWARD_SQL_LINES = 120;
/** Characters of the forward SQL shown in Markdown, whatever its lines. */
const FORWARD_SQL_CHARS = 12_000;

/** Which way a previewed SQL script goes: every step an upgrade, every step a downgrade, or neither said (no step, or both). */
export function sqlDirection(parsed: ParsedOutput | null | undefined): 'upgrade' | 'downgrade' | null {
  if (parsed?.kind !== 'alembic-sql' || parsed.migrations.length === 0) return null;
  if (parsed.migrations.every((m) => m.direction === 'upgrade')) return 'upgrade';
  if (parsed.migrations.every((m) => m.direction === 'downgrade')) return 'downgrade';
  return null;
}

/** The SQL cut to what a comment shows: at most FORWARD_SQL_LINES lines and FORWARD_SQL_CHARS characters; `left` counts the lines left out. */
function cappedSql(sql: string): { shown: string; left: number } {
  const lines = sql.replace(/\n+$/, '').split('\n');
  let shown = lines.slice(0, FORWARD_SQL_LINES);
  while (shown.length > 1 && shown.join('\n').length > FORWARD_SQL_CHARS) shown = shown.slice(0, -1);
  let text = shown.join('\n');
  if (text.length > FORWARD_SQL_CHARS) text = text.slice(0, FORWARD_SQL_CHARS);
  return { shown: text, left: lines.length - shown.length };
}

/** Every forward SQL preview of a deployment, each a folded SQL block under its own heading. */
export function forwardSqlSections(deployment: Deployment, snapshots: ReadonlyMap<string, CheckSnapshot>, link: (path: string) => string, heading = '###'): string[] {
  const lines: string[] = [];
  for (const entry of deployment.checks) {
    const result = snapshots.get(entry.id)?.result;
    if (result?.kind !== 'command' || result.parsed?.kind !== 'alembic-sql' || sqlDirection(result.parsed) !== 'upgrade') continue;
    const page = link(routes.check(deployment.id, entry.id));
    const steps = result.parsed.migrations.map((m) => `${m.from ?? 'base'} → ${m.to ?? 'base'}`).join(', ');
    const { shown, left } = cappedSql(result.parsed.sql);
    const cut = (result.streams?.stdout.tail ?? null) !== null;
    lines.push('', `${heading} Forward SQL: ${mdLink(`${entry.id}: ${entry.title}`, page)}`, '');
    lines.push(`What the upgrade would run (${mdInline(steps)}), previewed before it ran:`, '');
    lines.push('<details><summary>The forward SQL</summary>', '', mdCode(shown, 'sql'), '');
    if (left > 0 || shown.length < result.parsed.sql.replace(/\n+$/, '').length) lines.push(`_Cut here${left > 0 ? `: ${left} more line${left === 1 ? '' : 's'}` : ''} — the whole script is on ${mdLink('its check page', page)}._`, '');
    if (cut) lines.push('_alembic printed more than the check keeps: the output was capped when it was recorded._', '');
    lines.push('</details>');
  }
  return lines;
}
