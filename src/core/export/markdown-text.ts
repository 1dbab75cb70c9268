/** Text that came from evidence, made safe to put into Markdown: it stays text, whatever it holds. */

/**
 * Inline text, on one line: the characters that open emphasis, code, links, HTML or a table cell
 * escaped everywhere, and those that open a block (`#`, `-`, `+`, `>`, `1.`) escaped at the start.
 */
export function mdText(text: string): string {
  return mdInline(text).replace(/^(\s*)([#+-]|\d+\.)/, (_, space: string, opener: string) => `${space}${opener.replace(/([#+.-])/, '\\$1')}`);
}

/** Text inside a table cell or after other text on its line: no block can start there. */
export function mdInline(text: string): string {
  return text
    .replace(/\r?\n/g, ' ')
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
    .replace(/[<>&]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&amp;'));
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
