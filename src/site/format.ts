/** Display formatting shared by view models. Pure functions, so pages show the same text everywhere. */
import type { CheckStatus, CriterionStatus, DecisionStatus } from '../format/index.ts';

export function formatMs(ms: number): string {
  if (ms < 1) return `${ms.toFixed(3)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** `2026-11-24T12:16:34.427Z` → `2026-11-24 12:16:34 UTC`: evidence is UTC, and says so. */
export function formatUtc(iso: string | null): string {
  if (!iso) return '—';
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

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
