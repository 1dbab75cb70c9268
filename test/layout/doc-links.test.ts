/**
 * Every relative link in README.md and docs/*.md points at a file or folder that exists, and every
 * `#anchor` at a heading of the page it names (GitHub's heading ids): documentation that moved
 * leaves no link behind.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = resolve(new URL('../../', import.meta.url).pathname);
const pages = ['README.md', ...readdirSync(join(repo, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

const FENCED = /^```[^\n]*\n[\s\S]*?^```$/gm;

/** The text outside fenced code blocks and inline code, where a link is a link (line breaks kept, so lines keep their numbers). */
function prose(markdown: string): string {
  return markdown.replace(FENCED, (block) => block.replace(/[^\n]/g, '')).replace(/`[^`\n]*`/g, '``');
}

/** GitHub's id for each heading of a page: lower case, punctuation dropped, spaces as hyphens; repeats numbered. */
function headingIds(markdown: string): Set<string> {
  const ids = new Set<string>();
  const seen = new Map<string, number>();
  for (const [, text] of markdown.replace(FENCED, '').matchAll(/^#{1,6}\s+(.+?)\s*$/gm)) {
    const base = text!
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    ids.add(n === 0 ? base : `${base}-${n}`);
  }
  return ids;
}

function links(page: string): { target: string; line: number }[] {
  const text = prose(readFileSync(join(repo, page), 'utf8'));
  const found: { target: string; line: number }[] = [];
  for (const match of text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
    const target = match[1]!;
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:…
    found.push({ target, line: text.slice(0, match.index).split('\n').length });
  }
  return found;
}

describe('links in the README and docs/', () => {
  it('finds the pages and their links', () => {
    expect(pages).toContain('docs/architecture.md');
    expect(links('README.md').length).toBeGreaterThan(10);
  });

  it.each(pages)('every relative link in %s resolves, anchors included', (page) => {
    const broken: string[] = [];
    for (const { target, line } of links(page)) {
      const [path, anchor] = target.split('#') as [string, string | undefined];
      const file = path === '' ? join(repo, page) : resolve(dirname(join(repo, page)), decodeURIComponent(path));
      if (!existsSync(file)) {
        broken.push(`${page}:${line}: ${target} (no ${relative(repo, file)})`);
        continue;
      }
      if (anchor !== undefined && statSync(file).isFile() && file.endsWith('.md') && !headingIds(readFileSync(file, 'utf8')).has(anchor)) {
        broken.push(`${page}:${line}: ${target} (no heading #${anchor} in ${relative(repo, file)})`);
      }
    }
    expect(broken).toEqual([]);
  });
});
