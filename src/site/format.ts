/** Display formatting shared by view models. Pure functions, so pages show the same text everywhere. */
import type { CheckStatus, CriterionStatus, DecisionStatus } from '../format/index.ts';

// Durations and times read the same in exports (the core) and on pages.
export { formatMs, formatUtc } from '../core/text-format.ts';

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
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
