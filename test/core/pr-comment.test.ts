/**
 * The PR comment's body and which comments are ours (src/core/export/pr-comment.ts): cut at a
 * section when over the forge's limit, at a line (closing a collapsed block) when one section is
 * itself too long; ours only by marker and author together.
 */
import { describe, expect, it } from 'vitest';
import { COMMENT_MARKER, commentBody, ourComments } from '../../src/core/export/pr-comment.ts';

const where = { forge: 'github' as const, fullReport: 'https://audit.example.com/deployments/d/', siteKnown: true };

describe('commentBody', () => {
  it('keeps a report that fits whole, marker first', () => {
    const report = '## Deployment evidence\n\nAll good.\n';
    expect(commentBody(report, { ...where, limit: 1000 })).toEqual({ body: `${COMMENT_MARKER}\n${report}`, markdown: report, cut: false });
  });

  it('cuts at the last section that fits, never over the limit, and links the whole report', () => {
    const section = (name: string, size: number) => `### ${name}\n\n${'x'.repeat(size)}\n`;
    const report = `## Head\n\nDecision\n\n${section('One', 400)}\n${section('Two', 400)}\n${section('Three', 400)}`;
    const cut = commentBody(report, { ...where, limit: 1150 });
    expect(cut.cut).toBe(true);
    expect(cut.body.length).toBeLessThanOrEqual(1100);
    expect(cut.markdown).toContain('### Two');
    expect(cut.markdown).not.toContain('### Three');
    expect(cut.markdown).toMatch(/The whole report: \[the deployment on the audit site\]\(https:\/\/audit\.example\.com\/deployments\/d\/\)\._\n$/);
    const noSite = commentBody(report, { ...where, limit: 1150, fullReport: '/deployments/d/', siteKnown: false });
    expect(noSite.markdown).toContain('(`/deployments/d/`; give `--site` for a link)');
  });

  it('cuts one over-long section at a line, rather than keep less than half, and closes a collapsed block left open', () => {
    const report = `## Head\n\n<details><summary>Not a plain pass</summary>\n\n${Array.from({ length: 200 }, (_, i) => `- check-${i}: a reason that is long enough`).join('\n')}\n\n</details>\n`;
    const cut = commentBody(report, { ...where, limit: 2000 });
    expect(cut.body.length).toBeLessThanOrEqual(2000);
    expect(cut.markdown).toContain('- check-0:');
    expect(cut.markdown).not.toContain('- check-199:');
    expect(cut.markdown.match(/<details>/g)).toHaveLength(1);
    expect(cut.markdown.match(/<\/details>/g)).toHaveLength(1);
    expect(cut.markdown.indexOf('</details>')).toBeLessThan(cut.markdown.indexOf('This report is cut here'));
  });
});

describe('ourComments', () => {
  it('takes only comments that carry the marker first and are by the author (the whole login, any case), oldest first', () => {
    const marked = `${COMMENT_MARKER}\nreport`;
    const comments = [
      { id: 9, body: marked, author: 'github-actions[bot]' },
      { id: 3, body: marked, author: 'GitHub-Actions[bot]' },
      { id: 4, body: marked, author: 'github-actions' },
      { id: 5, body: marked, author: 'mallory' },
      { id: 6, body: `quoting you: ${marked}`, author: 'github-actions[bot]' },
    ];
    expect(ourComments(comments, 'github-actions[bot]').map((c) => c.id)).toEqual([3, 9]);
  });
});
