/**
 * Text from evidence is shown exactly as stored — including what a browser would otherwise
 * hide or act on (issue 9): a right-to-left override makes `gnp.exe` display as `exe.png`,
 * zero-width characters hide differences, control characters vanish. Each such character is
 * shown as a visible marker, `⟨U+202E⟩`. The raw JSON files keep the bytes as they are.
 */
// C0 controls but tab, newline and carriage return; DEL and C1; the Arabic letter mark; zero-width
// space and non-joiner; LRM/RLM; the bidi embeddings, overrides and isolates; word joiner and
// invisible operators; the BOM. (The zero-width joiner is left alone: emoji sequences need it.)
const INVISIBLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u061C\u200B\u200C\u200E\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/g;

export function showInvisible(text: string): string {
  return text.replace(INVISIBLE, (c) => `⟨U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}⟩`);
}
