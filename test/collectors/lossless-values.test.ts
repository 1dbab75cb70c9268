import { describe, expect, it } from 'vitest';
import { normalizeCell } from '../../collectors/db/lossless-values.ts';

describe('lossless values', () => {
  it('keeps int8 and numeric as exact strings', () => {
    expect(normalizeCell('9007199254740993', 20)).toBe('9007199254740993');
    expect(normalizeCell('-9223372036854775808', 20)).toBe('-9223372036854775808');
    expect(normalizeCell('12345678901234567890.000000000001', 1700)).toBe('12345678901234567890.000000000001');
    expect(normalizeCell('NaN', 1700)).toBe('NaN');
  });

  it('gives int2/int4 and finite floats as numbers, and tags float NaN/Infinity as strings', () => {
    expect(normalizeCell('42', 23)).toBe(42);
    expect(normalizeCell('-7', 21)).toBe(-7);
    expect(normalizeCell('0.1', 701)).toBe(0.1);
    expect(normalizeCell('NaN', 701)).toBe('NaN');
    expect(normalizeCell('Infinity', 700)).toBe('Infinity');
    expect(normalizeCell('-Infinity', 701)).toBe('-Infinity');
  });

  it('keeps float -0 as the tag "-0" (JSON would write the number as 0)', () => {
    expect(normalizeCell('-0', 701)).toBe('-0');
    expect(normalizeCell('-0', 700)).toBe('-0');
    expect(normalizeCell('0', 701)).toBe(0);
    expect(JSON.stringify([normalizeCell('-0', 701)])).toBe('["-0"]');
  });

  it('keeps timestamp without time zone as the server text, and timestamptz as UTC ISO to the microsecond', () => {
    expect(normalizeCell('2025-11-01 09:00:00.123456', 1114)).toBe('2025-11-01 09:00:00.123456');
    expect(normalizeCell('2025-11-01 00:00:00.123456+00', 1184)).toBe('2025-11-01T00:00:00.123456Z');
    expect(normalizeCell('2025-11-01 00:00:00+00', 1184)).toBe('2025-11-01T00:00:00Z');
    expect(normalizeCell('infinity', 1184)).toBe('infinity');
  });

  it('keeps bytea hex, json text, uuid and booleans, and NULL apart from the empty string', () => {
    expect(normalizeCell('\\xdeadbeef', 17)).toBe('\\xdeadbeef');
    expect(normalizeCell('{"b": 1, "a": 2}', 3802)).toBe('{"b": 1, "a": 2}');
    expect(normalizeCell('t', 16)).toBe(true);
    expect(normalizeCell('f', 16)).toBe(false);
    expect(normalizeCell(null, 25)).toBeNull();
    expect(normalizeCell('', 25)).toBe('');
  });
});
