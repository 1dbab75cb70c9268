/**
 * Comparing evidence values without losing precision: int8 and numeric arrive as strings, and
 * neither 9007199254740993 vs 9007199254740992 nor 12345678901234567890.5 vs …890.4 may
 * compare equal (issue 9). Numbers are compared as exact decimals — digits and exponent, never
 * through a float — with PostgreSQL's order for the specials: -Infinity < every number <
 * Infinity < NaN, and NaN equals NaN. Anything else compares as text.
 */
import type { Cell } from '../../format/index.ts';
import type { CompareOp } from '../../format/index.ts';

type Decimal =
  | { kind: 'finite'; negative: boolean; digits: string; exponent: number }
  | { kind: 'infinity'; negative: boolean }
  | { kind: 'nan' };

const DECIMAL = /^([+-])?(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i;

/** `0.d1d2… × 10^exponent`, digits without leading or trailing zeros; zero is the empty digit string. */
function parseDecimal(value: Cell | string | number): Decimal | null {
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return { kind: 'nan' };
    if (!Number.isFinite(value)) return { kind: 'infinity', negative: value < 0 };
    value = String(value);
  }
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (/^nan$/i.test(text)) return { kind: 'nan' };
  const inf = /^([+-])?inf(inity)?$/i.exec(text);
  if (inf) return { kind: 'infinity', negative: inf[1] === '-' };
  const m = DECIMAL.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return null;
  const whole = m[2] ?? '';
  const fraction = m[3] ?? '';
  let digits = whole + fraction;
  let exponent = whole.length + Number(m[4] ?? 0);
  const leading = digits.length - digits.replace(/^0+/, '').length;
  digits = digits.slice(leading);
  exponent -= leading;
  digits = digits.replace(/0+$/, '');
  return { kind: 'finite', negative: m[1] === '-' && digits !== '', digits, exponent: digits === '' ? 0 : exponent };
}

function compareMagnitude(a: { digits: string; exponent: number }, b: { digits: string; exponent: number }): number {
  if (a.digits === '' || b.digits === '') return a.digits === b.digits ? 0 : a.digits === '' ? -1 : 1;
  if (a.exponent !== b.exponent) return a.exponent < b.exponent ? -1 : 1;
  const width = Math.max(a.digits.length, b.digits.length);
  const x = a.digits.padEnd(width, '0');
  const y = b.digits.padEnd(width, '0');
  return x < y ? -1 : x > y ? 1 : 0;
}

function compareDecimals(a: Decimal, b: Decimal): number {
  const rank = (d: Decimal) => (d.kind === 'nan' ? 3 : d.kind === 'infinity' ? (d.negative ? 0 : 2) : 1);
  if (rank(a) !== rank(b)) return rank(a) < rank(b) ? -1 : 1;
  if (a.kind !== 'finite' || b.kind !== 'finite') return 0;
  if (a.negative !== b.negative) return a.negative ? -1 : 1;
  const c = compareMagnitude(a, b);
  return a.negative ? -c : c;
}

/** -1, 0 or 1; null when the two cannot be ordered (NULL on either side). */
export function compareCells(a: Cell | string | number, b: Cell | string | number): number | null {
  if (a === null || b === null) return null;
  const x = parseDecimal(a);
  const y = parseDecimal(b);
  if (x && y) return compareDecimals(x, y);
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

export function satisfies(op: CompareOp, a: Cell, b: string | number): boolean {
  const c = compareCells(a, b);
  if (c === null) return false;
  switch (op) {
    case 'eq':
      return c === 0;
    case 'ne':
      return c !== 0;
    case 'gt':
      return c > 0;
    case 'gte':
      return c >= 0;
    case 'lt':
      return c < 0;
    case 'lte':
      return c <= 0;
  }
}

export const opSymbols: Record<CompareOp, string> = { eq: '=', ne: '≠', gt: '>', gte: '≥', lt: '<', lte: '≤' };
