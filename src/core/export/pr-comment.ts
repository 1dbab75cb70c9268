/**
 * The one pull request comment `deploy-evidence comment` keeps up to date (issue 27, point 4):
 * its body — a hidden marker line, then the deployment's PR Markdown, cut to what the forge
 * accepts — and which existing comment is ours. Pure.
 *
 * Anyone who can comment can paste the marker, so a comment is ours only when it carries the
 * marker *and* is written by the token's own user; the sticky-comment actions decide the same way
 * (marocchino/sticky-pull-request-comment compares the author with GraphQL's `viewer`;
 * peter-evans/find-comment takes a `comment-author`).
 */
import { mdLink } from './markdown-text.ts';

/** The first line of our comment: an HTML comment, which neither forge renders. */
export const COMMENT_MARKER = '<!-- deploy-evidence:comment -->';

export type Forge = 'github' | 'gitlab';

/**
 * What each forge accepts in one comment: GitHub rejects a body over 65,536 characters (422),
 * GitLab a note over 1,000,000 (400). Counted here in UTF-16 units (`string.length`), never fewer
 * than the code points the forges count, so a body that fits here fits there.
 */
export const COMMENT_LIMIT: Record<Forge, number> = { github: 65_536, gitlab: 1_000_000 };

const FORGE_NAME: Record<Forge, string> = { github: 'GitHub', gitlab: 'GitLab' };

export interface CommentBody {
  /** The whole body to send, marker first. */
  body: string;
  /** The Markdown without the marker (what the job summary gets). */
  markdown: string;
  /** Whether the report was cut to fit. */
  cut: boolean;
}

/**
 * The comment for a report: the marker, then the report, whole when it fits in `limit` characters;
 * otherwise cut at the last section boundary (a heading or a `<details>` block) that leaves room
 * for a line saying so and linking the full report (`fullReport`: its URL on the site, or a path
 * when the site's address is not known). When that boundary would keep less than half of what
 * fits, the section is cut at a line instead, closing a `<details>` left open.
 */
export function commentBody(report: string, options: { limit: number; forge: Forge; fullReport: string; siteKnown: boolean }): CommentBody {
  const head = `${COMMENT_MARKER}\n`;
  const whole = report.endsWith('\n') ? report : `${report}\n`;
  if (head.length + whole.length <= options.limit) return { body: head + whole, markdown: whole, cut: false };
  const note = [
    '',
    '---',
    `_This report is cut here: it is longer than the ${options.limit.toLocaleString('en-US')} characters ${FORGE_NAME[options.forge]} takes in one comment. ` +
      (options.siteKnown ? `The whole report: ${mdLink('the deployment on the audit site', options.fullReport)}._` : `The whole report is the deployment's page on the audit site (\`${options.fullReport}\`; give \`--site\` for a link) and \`deploy-evidence export\`._`),
    '',
  ].join('\n');
  const room = options.limit - head.length - note.length;
  const lines = whole.split('\n');
  // The length of the first i lines, each with its newline.
  const prefix: number[] = [0];
  for (const line of lines) prefix.push(prefix[prefix.length - 1]! + line.length + 1);
  const isBoundary = (line: string) => /^#{1,6} /.test(line) || line.startsWith('<details>');
  let cutAt = -1;
  for (let i = 1; i < lines.length; i++) if (isBoundary(lines[i]!) && prefix[i]! <= room) cutAt = i;
  let kept: string[];
  // A section boundary, unless it would throw away more than half the room (one huge section, as a
  // checks table of long titles): then as many whole lines of that section as fit (a table cut
  // between rows is still a table).
  if (cutAt > 0 && prefix[cutAt]! >= room / 2) {
    kept = lines.slice(0, cutAt);
  } else {
    // No whole section fits: as many whole lines as fit, leaving room to close an open <details>.
    const closing = '</details>\n';
    let end = 0;
    while (end < lines.length && prefix[end + 1]! <= room - closing.length) end++;
    kept = lines.slice(0, end);
    const open = kept.filter((l) => l.startsWith('<details>')).length - kept.filter((l) => l.startsWith('</details>')).length;
    if (open > 0) kept.push('', '</details>');
  }
  while (kept.length > 0 && kept[kept.length - 1] === '') kept.pop();
  const markdown = `${kept.join('\n')}\n${note}`;
  return { body: head + markdown, markdown, cut: true };
}

/** A comment as a forge lists it, reduced to what deciding needs. */
export interface ForgeComment {
  id: number;
  body: string;
  author: string;
}

/**
 * Our comments on the thread, oldest first: those carrying the marker *and* written by `author`,
 * the token's own user (logins compared as the forges do, without case). The REST APIs name a
 * bot `name[bot]` (GitHub) and this compares that whole login: `name` alone may be someone else.
 */
export function ourComments(comments: readonly ForgeComment[], author: string): ForgeComment[] {
  const same = author.toLowerCase();
  return comments.filter((c) => c.author.toLowerCase() === same && c.body.startsWith(COMMENT_MARKER)).sort((a, b) => a.id - b.id);
}
