/** Offending rows of a row assertion: the first few named with what was wrong, the rest counted. */
import type { Cell, JsonValue } from '../../format/index.ts';
import type { RowFold } from './assertion-type.ts';

/** How many offending rows a verdict names. */
const NAMED = 5;

export class Offenders {
  readonly first: string[] = [];
  count = 0;
  add(rowNumber: number, what: string): void {
    this.count += 1;
    if (this.first.length < NAMED) this.first.push(`row ${rowNumber}: ${what}`);
  }
  text(): string {
    const more = this.count - this.first.length;
    return `${this.first.join('; ')}${more > 0 ? `; and ${more} more row${more > 1 ? 's' : ''}` : ''}`;
  }
}

export const shownCell = (value: Cell | undefined) => (value === null || value === undefined ? 'NULL' : String(value));

export function missingColumns(names: readonly string[], columns: readonly string[]): string | null {
  const missing = names.filter((n) => !columns.includes(n));
  return missing.length > 0 ? `no column ${missing.map((m) => `"${m}"`).join(', ')}` : null;
}

/** A fold that cannot judge (a missing column): unmet whatever the rows say. */
export function unjudgeable(status: 'fail' | 'warn', expected: JsonValue, actual: string, description: string): RowFold {
  return { push: () => {}, verdict: () => ({ status, expected, actual, description }) };
}
