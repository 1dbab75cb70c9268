/**
 * Comparing evidence values without losing precision: int8 and numeric arrive as strings,
 * and 9007199254740993 must not equal 9007199254740992. Integers compare as BigInt,
 * other numbers as decimals, everything else as text.
 */
import type { Cell } from '../../src/format/index.ts';
import type { CompareOp } from '../../src/format/index.ts';

const INTEGER = /^-?\d+$/;
const DECIMAL = /^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

function asNumeric(value: Cell | string | number): { int: bigint } | { num: number } | null {
  if (typeof value === 'number') return Number.isInteger(value) ? { int: BigInt(value) } : { num: value };
  if (typeof value !== 'string') return null;
  if (INTEGER.test(value)) return { int: BigInt(value) };
  if (DECIMAL.test(value)) return { num: Number(value) };
  return null;
}

/** -1, 0 or 1; null when the two cannot be ordered (NULL on either side). */
export function compareCells(a: Cell | string | number, b: Cell | string | number): number | null {
  if (a === null || b === null) return null;
  const x = asNumeric(a);
  const y = asNumeric(b);
  if (x && y) {
    if ('int' in x && 'int' in y) return x.int < y.int ? -1 : x.int > y.int ? 1 : 0;
    const fx = 'int' in x ? Number(x.int) : x.num;
    const fy = 'int' in y ? Number(y.int) : y.num;
    return fx < fy ? -1 : fx > fy ? 1 : 0;
  }
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
