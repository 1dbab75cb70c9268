/** Single definitions of the numbers every layer shows the same way. */

/** Milliseconds rounded to the microsecond, as every duration in the evidence is stored. */
export function roundMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A column type (as format_type names it) holding numbers: charted, compared as a measurement. */
export function isNumericType(type: string): boolean {
  return /^(smallint|integer|bigint|numeric|real|double precision)\b/.test(type);
}
