/**
 * Highlighted code as classes, never `style` attributes: the Content-Security-Policy allows the
 * site's own stylesheet only (src/site/content-security-policy.ts), and a style attribute would
 * need 'unsafe-inline'. shiki colours each token with inline declarations (`color:#D73A49;
 * --shiki-dark:#F97583`); each declaration becomes a class (`hl-c-d73a49 hl-dc-f97583`), and the
 * stylesheet giving every class its colour is derived from the two themes themselves, served as
 * one virtual CSS module bundled into the site's stylesheet.
 *
 * Used by the site's own highlighter (highlight.ts, for SQL, argv and output) and by Markdown
 * pages (docs/checklists.md on the checklist reference; about.mdx) through a shiki transformer.
 */
import type { Element, Root } from 'hast';
import { createHighlighter, type ShikiTransformer } from 'shiki';
import type { ViteUserConfig } from 'astro';

/** Light first, dark second: the site follows the reader's colour scheme. */
export const HIGHLIGHT_THEMES = { light: 'github-light', dark: 'github-dark' } as const;

/** shiki's declarations for a token or a block, and what each becomes: a class prefix, the CSS property it sets, in which scheme. */
const DECLARATIONS = {
  color: { prefix: 'c', property: 'color', dark: false },
  'background-color': { prefix: 'bg', property: 'background-color', dark: false },
  'font-style': { prefix: 'fs', property: 'font-style', dark: false },
  'font-weight': { prefix: 'fw', property: 'font-weight', dark: false },
  'text-decoration': { prefix: 'td', property: 'text-decoration', dark: false },
  '--shiki-dark': { prefix: 'dc', property: 'color', dark: true },
  '--shiki-dark-bg': { prefix: 'dbg', property: 'background-color', dark: true },
  '--shiki-dark-font-style': { prefix: 'dfs', property: 'font-style', dark: true },
  '--shiki-dark-font-weight': { prefix: 'dfw', property: 'font-weight', dark: true },
  '--shiki-dark-text-decoration': { prefix: 'dtd', property: 'text-decoration', dark: true },
} as const satisfies Record<string, { prefix: string; property: string; dark: boolean }>;

type Declaration = keyof typeof DECLARATIONS;

/** What shiki writes for a theme's font styles (bold, italic, underline, strikethrough), in its own combinations. */
const FONT_VALUES: Record<string, string[]> = {
  'font-style': ['italic'],
  'font-weight': ['bold'],
  'text-decoration': ['underline', 'line-through', 'underline line-through'],
};

const HEX = /^#[0-9a-f]{3,8}$/;
const KEYWORDS = /^[a-z]+(?: [a-z]+)*$/;

const isDeclaration = (name: string): name is Declaration => Object.hasOwn(DECLARATIONS, name);
const classOf = (name: Declaration, value: string) => `hl-${DECLARATIONS[name].prefix}-${value.replace('#', '').replaceAll(' ', '_')}`;

/**
 * The classes for one inline style (`color:#D73A49;--shiki-dark:#F97583`), in its order. A
 * declaration shiki does not colour with (Astro's `overflow-x: auto` on a Markdown block: the
 * stylesheet sets it) or a value that is not a colour or a keyword is left out.
 */
export function highlightClasses(style: string): string[] {
  const classes: string[] = [];
  for (const declaration of style.split(';')) {
    const colon = declaration.indexOf(':');
    if (colon < 0) continue;
    const name = declaration.slice(0, colon).trim().toLowerCase();
    const value = declaration.slice(colon + 1).trim().toLowerCase();
    if (!isDeclaration(name)) continue;
    const colour = DECLARATIONS[name].property.endsWith('color');
    if (colour ? HEX.test(value) : KEYWORDS.test(value)) classes.push(classOf(name, value));
  }
  return classes;
}

/** Every colour the themes can give a token or a block: their foreground, background and token rules. */
async function themeColours(): Promise<string[]> {
  const highlighter = await createHighlighter({ themes: Object.values(HIGHLIGHT_THEMES), langs: [] });
  const colours = new Set<string>();
  for (const name of Object.values(HIGHLIGHT_THEMES)) {
    const theme = highlighter.getTheme(name);
    for (const colour of [theme.fg, theme.bg, ...theme.settings.flatMap((s) => [s.settings.foreground, s.settings.background])]) {
      if (colour && HEX.test(colour.toLowerCase())) colours.add(colour.toLowerCase());
    }
  }
  highlighter.dispose();
  return [...colours].sort();
}

/** The stylesheet: a rule for each class either theme can produce, the dark ones for a reader who prefers dark. */
export async function highlightStylesheet(): Promise<string> {
  const colours = await themeColours();
  const rules = { light: [] as string[], dark: [] as string[] };
  for (const name of Object.keys(DECLARATIONS) as Declaration[]) {
    const { property, dark } = DECLARATIONS[name];
    const values = property.endsWith('color') ? colours : (FONT_VALUES[property] ?? []);
    for (const value of values) rules[dark ? 'dark' : 'light'].push(`.${classOf(name, value)} { ${property}: ${value}; }`);
  }
  return [
    '/* Highlighted code (src/site/highlight-classes.ts): generated from the themes at build time. */',
    ...rules.light,
    '@media (prefers-color-scheme: dark) {',
    ...rules.dark.map((rule) => `  ${rule}`),
    '}',
    '',
  ].join('\n');
}

/** Markdown code blocks (Astro's shiki): every `style` in the block becomes classes. */
export const styleToClasses: ShikiTransformer = {
  name: 'deploy-evidence:style-to-classes',
  root(root: Root) {
    const visit = (node: Root | Element) => {
      for (const child of node.children) {
        if (child.type !== 'element') continue;
        const style = child.properties.style;
        if (typeof style === 'string') {
          // Astro's own transformer sets `class` (astro-code), shiki's `className`: both are kept.
          const before = [child.properties.class, child.properties.className].flat().filter((c) => c !== undefined && c !== null).flatMap((c) => String(c).split(' '));
          delete child.properties.class;
          delete child.properties.style;
          child.properties.className = [...before.filter(Boolean), ...highlightClasses(style)];
        }
        visit(child);
      }
    };
    visit(root);
  },
};

const HIGHLIGHT_STYLESHEET = 'virtual:deploy-evidence/highlight.css';
/** Without a leading NUL, so Vite's CSS pipeline takes it as a stylesheet. */
const RESOLVED = '/__deploy-evidence-highlight.css';

type VitePlugin = NonNullable<ViteUserConfig['plugins']>[number];

/** The Vite plugin that serves the stylesheet to `import 'virtual:deploy-evidence/highlight.css'` (Layout.astro). */
export function highlightStylesheetPlugin(): VitePlugin {
  return {
    name: 'deploy-evidence:highlight-stylesheet',
    resolveId: (id) => (id === HIGHLIGHT_STYLESHEET ? RESOLVED : undefined),
    load: (id) => (id === RESOLVED ? highlightStylesheet() : undefined),
  };
}
