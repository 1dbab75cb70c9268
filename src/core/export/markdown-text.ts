/** Text that came from evidence, made safe to put into Markdown: it stays text, whatever it holds. */

/**
 * Inline text, on one line: the characters that open emphasis, code, links, HTML or a table cell
 * escaped everywhere, and those that open a block (`#`, `-`, `+`, `>`, `1.`) escaped at the start.
 */
export function mdText(text: string): string {
  return mdInline(text).replace(/^(\s*)([#+-]|\d+\.)/, (_, space: string, opener: string) => `${space}${opener.replace(/([#+.-])/, '\\$1')}`);
}

/**
 * Text inside a table cell or after other text on its line: no block can start there. An `@` before
 * a name gets a zero-width space after it (`&#8203;`, as Renovate writes release notes): a PR title
 * or check title saying `@org/team` or `@all` stays readable but mentions nobody when the Markdown
 * is posted as a comment (issue 27) — GitHub and GitLab notify everyone a comment mentions, and
 * both look for mentions in the rendered text, where a backslash escape or `&#64;` is already `@`.
 */
export function mdInline(text: string): string {
  return text
    // Every line ending Markdown knows: a lone CR ends a line too (CommonMark), and would start a block.
    .replace(/\r\n?|\n/g, ' ')
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
    .replace(/[<>&]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&amp;'))
    .replace(/@(?=[A-Za-z0-9_])/g, '@&#8203;');
}

/** A fenced code block whose fence is longer than any run of backticks inside it. */
export function mdCode(text: string, lang = ''): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${lang}\n${text.replace(/\n$/, '')}\n${fence}`;
}

export function mdLink(text: string, href: string): string {
  return `[${mdInline(text)}](${encodeURI(decodeURI(href))})`;
}

export function mdTable(header: string[], rows: string[][]): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}
