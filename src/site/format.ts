/** Display formatting shared by view models. Pure functions, so pages show the same text everywhere. */
import type { CheckStatus, CriterionStatus, DecisionStatus } from '../format/index.ts';

// Durations and times read the same in exports (the core) and on pages.
export { formatMs, formatUtc } from '../core/text-format.ts';

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * How much of one value a page shows (issue 25): a cell, and a block of text (SQL, a command's
 * output). Evidence may hold far more — a single cell of 300 MB once made a 300 MB page — and the
 * raw file, published byte for byte, has all of it.
 */
export const SHOWN_CELL_CHARS = 2_000;
export const SHOWN_TEXT_CHARS = 200_000;

/** The text as a page shows it: whole, or its start and how long it really is. */
export function cutForPage(text: string, limit: number): string {
  if (text.length <= limit) return text;
  // Never half a surrogate pair.
  const end = /[\uD800-\uDBFF]/.test(text.charAt(limit - 1)) ? limit - 1 : limit;
  return `${text.slice(0, end)}… (${text.length.toLocaleString('en-US')} characters in all; the raw evidence file has the rest)`;
}

export type AnyStatus = CheckStatus | CriterionStatus | 'missing' | 'skipped';

/** Every status as a word and a symbol: colour is never the only signal. */
export const statusLabels: Record<AnyStatus, { symbol: string; word: string }> = {
  pass: { symbol: '✓', word: 'Pass' },
  warn: { symbol: '!', word: 'Warn' },
  fail: { symbol: '✗', word: 'Fail' },
  error: { symbol: '⚠', word: 'Error' },
  skipped: { symbol: '–', word: 'Skipped' },
  incomplete: { symbol: '…', word: 'Incomplete' },
  missing: { symbol: '?', word: 'Not collected' },
};

export const decisionLabels: Record<DecisionStatus, { symbol: string; tone: 'pass' | 'warn' | 'fail' | 'incomplete' }> = {
  APPROVED: { symbol: '✓', tone: 'pass' },
  'APPROVED WITH NOTES': { symbol: '!', tone: 'warn' },
  BLOCKED: { symbol: '✗', tone: 'fail' },
  INCOMPLETE: { symbol: '…', tone: 'incomplete' },
};
