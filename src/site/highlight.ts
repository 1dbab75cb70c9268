/**
 * Syntax highlighting with shiki at build time, as tokens (not HTML): components render each
 * token's text through Astro's escaping, so evidence text is never injected as HTML.
 * Light and dark themes as classes (highlight-classes.ts: the Content-Security-Policy allows no
 * style attribute), no client JS. Each distinct (language, text) is highlighted once per build:
 * the same checklist SQL repeats across hundreds of deployments.
 */
import { createHighlighter, type Highlighter } from 'shiki';
import { SHOWN_TEXT_CHARS, cutForPage } from './format.ts';
import { HIGHLIGHT_THEMES, highlightClasses } from './highlight-classes.ts';

export type CodeLanguage = 'sql' | 'log' | 'shellscript' | 'text';

export interface HighlightedCode {
  /** Each token's classes ('' for text in the block's own colour). */
  lines: { text: string; classes: string }[][];
  /** The classes of the theme's colours for the block itself, light and dark. */
  classes: string;
}

/** Beyond this, text is shown plain: tokenizing megabytes of log buys nothing. */
const MAX_HIGHLIGHT_CHARS = 64 * 1024;

let highlighter: Promise<Highlighter> | undefined;
const cache = new Map<string, Promise<HighlightedCode>>();
export const highlightStats = { requests: 0, tokenized: 0 };

function getHighlighter(): Promise<Highlighter> {
  highlighter ??= createHighlighter({ themes: Object.values(HIGHLIGHT_THEMES), langs: ['sql', 'log', 'shellscript'] });
  return highlighter;
}

function styleOf(style: Record<string, string> | undefined): string {
  return style ? Object.entries(style).map(([k, v]) => `${k}:${v}`).join(';') : '';
}

/**
 * A line's tokens as few spans as shows the same colours: neighbours of one colour are joined, and
 * text in the block's own colour (identifiers, spaces) needs no span, it inherits it. Every check
 * page and report renders its SQL this way (issue 14): about half the spans of shiki's tokens.
 */
function fewestSpans(tokens: { content: string; htmlStyle?: Record<string, string> }[], blockColor: string): { text: string; classes: string }[] {
  const line: { text: string; style: string }[] = [];
  for (const token of tokens) {
    const style = styleOf(token.htmlStyle);
    const own = style.toLowerCase() === blockColor ? '' : style;
    const last = line.at(-1);
    if (last && last.style === own) last.text += token.content;
    else line.push({ text: token.content, style: own });
  }
  return line.map(({ text, style }) => ({ text, classes: highlightClasses(style).join(' ') }));
}

async function tokenize(code: string, lang: CodeLanguage): Promise<HighlightedCode> {
  highlightStats.tokenized += 1;
  if (lang === 'text' || code.length > MAX_HIGHLIGHT_CHARS) {
    return { lines: code.split('\n').map((line) => [{ text: line, classes: '' }]), classes: '' };
  }
  const h = await getHighlighter();
  const result = h.codeToTokens(code, { lang, themes: HIGHLIGHT_THEMES });
  const blockColor = result.fg ? `color:${result.fg}`.toLowerCase() : '';
  return {
    lines: result.tokens.map((line) => fewestSpans(line, blockColor)),
    classes: highlightClasses([result.fg ? `color:${result.fg}` : '', result.bg ? `background-color:${result.bg}` : ''].join(';')).join(' '),
  };
}

export function highlight(full: string, lang: CodeLanguage): Promise<HighlightedCode> {
  highlightStats.requests += 1;
  // A page shows a bounded part of any text; the raw file has all of it.
  const code = cutForPage(full, SHOWN_TEXT_CHARS);
  const key = `${lang}\u0000${code}`;
  let entry = cache.get(key);
  if (!entry) {
    entry = tokenize(code, lang);
    cache.set(key, entry);
  }
  return entry;
}
