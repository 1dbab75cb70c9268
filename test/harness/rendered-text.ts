/**
 * What a reader sees of rendered HTML, and whether template source leaked into it (issue 26: an
 * expression outside `{ }` in an .astro file is printed as text, `result.exists ? ( …`, and every
 * branch with it).
 */

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/**
 * The text of an HTML fragment as a reader sees it, words separated by single spaces: no tags,
 * no scripts or styles, nothing marked `hidden`, entities decoded. (A component's HTML, not a
 * page's: what CSS hides is not known here; pages are read in the browser, as `innerText`.)
 */
export function visibleText(html: string): string {
  let text = html.replace(/<(script|style|template)\b[\s\S]*?<\/\1>/gi, ' ');
  // Elements marked hidden (the copy buttons before their script runs), none of which nest here.
  text = text.replace(/<(button|span|div|p)\b[^>]*\shidden(?:=""|\b)[^>]*>[\s\S]*?<\/\1>/gi, ' ');
  // The column type under a result column's name is a block (site.css `.type`).
  text = text.replace(/<span class="type"[^>]*>/g, ' ');
  // Inline elements join their text to the words around them (`<code>x</code>.` reads `x.`); any other tag separates.
  text = text.replace(/<\/?(?:a|abbr|b|code|em|i|mark|small|span|strong|sub|sup|time)\b[^>]*>/gi, '');
  text = text.replace(/<[^>]+>/g, ' ');
  text = text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, name: string) => {
    if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number.parseInt(name.slice(1), 10));
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * Pieces of template source in visible text: a conditional's `? (` and `) : (`, an arrow
 * function, a `.map(`, `&&` before markup, a property read of a props object (`result.exists`,
 * `view.source`, `Astro.props`), a JSX comment, a declaration. Each is reported with the text around it.
 */
const TEMPLATE_SOURCE: RegExp[] = [
  /\?\s*\(/,
  /\)\s*:\s*\(/,
  /=>/,
  /\.map\(/,
  /&&\s*[(<]/,
  // …but not a file's name (`_schemas/v2/check.schema.json`, `checks/long-result.json`).
  /(?<![\w/.-])(?:result|view|row|entry|report|block|table|parsed|source|check|node|props|Astro)\.(?!(?:json|mdx?|ts|js|sql|py|csv)\b)[A-Za-z_]+\b(?!\.(?:json|mdx?|ts|js|sql|py|csv)\b)/,
  /\{\s*\/\*/,
  /\b(?:const|import|interface)\s+[A-Za-z_{]/,
];

export function templateLeaks(text: string): string[] {
  const found: string[] = [];
  for (const pattern of TEMPLATE_SOURCE) {
    const match = pattern.exec(text);
    if (match) found.push(`${pattern}: …${text.slice(Math.max(0, match.index - 40), match.index + match[0].length + 40)}…`);
  }
  return found;
}
