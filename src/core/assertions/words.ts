/**
 * Values as people read them in an outcome's sentence (issue 26): durations in ms or s, counts
 * with their noun, lists with the rest counted, quoted text in typographic quotes — never JSON.
 * Every assertion type's `say` writes with these, so the report, the check page, the CLI and the
 * exports read the same.
 */
import type { AssertionOutcome, JsonValue } from '../../format/index.ts';

/** `0.42 ms`, `7.5 ms`, `512 ms`, `1.2 s`, `14 s`, `2 min 5 s`: a duration at the precision a reader uses. */
export function readableMs(ms: number): string {
  if (!Number.isFinite(ms)) return `${ms} ms`;
  if (ms < 1) return `${trimZeros(ms.toFixed(2))} ms`;
  if (ms < 10) return `${trimZeros(ms.toFixed(1))} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${trimZeros((ms / 1000).toFixed(1))} s`;
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return seconds === 0 ? `${minutes} min` : `${minutes} min ${seconds} s`;
}

function trimZeros(fixed: string): string {
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

/** `1 row`, `3 rows`; `noun` is the singular, `plural` when it is not `noun + s`. */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? noun : plural}`;
}

/** `both reads`, `all 5 reads`: the whole of a count of two or more. */
export function allOf(n: number, noun: string, plural = `${noun}s`): string {
  return n === 2 ? `both ${plural}` : `all ${n.toLocaleString('en-US')} ${plural}`;
}

/** How many items a sentence names before it counts the rest. */
const NAMED = 5;

/** `a, b, c` — or `a, b, c, d, e and 3 more`; `separator` between items that hold commas themselves. */
export function listed(items: readonly string[], named = NAMED, separator = ', '): string {
  if (items.length === 0) return 'none';
  if (items.length <= named) return items.join(separator);
  return `${items.slice(0, named).join(separator)} and ${items.length - named} more`;
}

/** Text a checklist gave (a searched string, a column name), set off in typographic quotes: ASCII ones read as JSON. */
export function quoted(text: string): string {
  return `“${text}”`;
}

/** The first line of a message (a test's assertion error), at most `max` characters. */
export function firstLine(text: string, max = 160): string {
  const line = text.split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** ASCII-quoted names in a stored verdict's text (`no column "n"`), in typographic quotes. */
export function unquoted(text: string): string {
  return text.replace(/"([^"\n]*)"/g, '“$1”');
}

/**
 * Any stored value in words, for outcomes no type module reads (an older or unknown type, a
 * value of an unexpected shape): text as is, lists comma-separated, records as `key: value`
 * pairs, null as `nothing`. Bounded: a long value is cut with an ellipsis.
 */
export function plainValue(value: JsonValue | undefined, max = 200): string {
  const text = plain(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function plain(value: JsonValue | undefined): string {
  if (value === null || value === undefined) return 'nothing';
  if (typeof value === 'string') return unquoted(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.length === 0 ? 'none' : listed(value.map(plain), 10);
  const entries = Object.entries(value);
  return entries.length === 0 ? 'none' : entries.map(([k, v]) => `${k}: ${plain(v)}`).join(', ');
}

/** A stored cell or value shown bare (`500`, not `"500"`). */
export function bare(value: JsonValue | undefined): string {
  return value === null || value === undefined ? 'NULL' : typeof value === 'object' ? plainValue(value) : String(value);
}

/**
 * An outcome no module reads (an assertion the checklist no longer defines, a type this version
 * does not know): its description, and for one not met what was recorded against what was expected.
 */
export function plainOutcome(outcome: Pick<AssertionOutcome, 'description' | 'expected' | 'actual' | 'status'>): string {
  if (outcome.status === 'pass') return unquoted(outcome.description);
  return `${unquoted(outcome.description)} not met: ${plainValue(outcome.actual)}, where ${plainValue(outcome.expected)} was expected`;
}
