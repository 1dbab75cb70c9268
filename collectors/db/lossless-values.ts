/**
 * The edge where driver output becomes evidence. node-pg's default parsers are lossy for
 * evidence: int8 beyond 2^53 would become a wrong JS number, `timestamp without time zone`
 * would be shifted into the collector's local time zone. So every value is received as the
 * server's text (identity parsers) and normalized here once, by type OID.
 * The session runs with TimeZone=UTC, DateStyle=ISO, bytea_output=hex (see session.ts),
 * so the text itself does not depend on where the collector runs.
 */
import type { Cell } from '../../src/format/index.ts';

// pg_type OIDs (src/include/catalog/pg_type.dat): stable across PostgreSQL versions.
const BOOL = 16;
const INT2 = 21;
const INT4 = 23;
const FLOAT4 = 700;
const FLOAT8 = 701;
const TIMESTAMPTZ = 1184;

/** Floats JSON cannot hold as numbers: NaN and the infinities, and -0 (JSON writes it as 0). */
const FLOAT_SPECIALS = new Set(['NaN', 'Infinity', '-Infinity', '-0']);

/** `2025-11-01 09:00:00.123456+00` → `2025-11-01T09:00:00.123456Z`, keeping every microsecond. */
const UTC_TIMESTAMPTZ = /^(\d{4,}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?)\+00$/;

export function normalizeCell(text: string | null, typeOid: number): Cell {
  if (text === null) return null;
  switch (typeOid) {
    case BOOL:
      return text === 't';
    case INT2:
    case INT4:
      return Number(text);
    case FLOAT4:
    case FLOAT8:
      // A string in a float column is the tag for NaN, ±Infinity or -0, which JSON cannot hold as numbers.
      return FLOAT_SPECIALS.has(text) ? text : Number(text);
    case TIMESTAMPTZ: {
      const m = UTC_TIMESTAMPTZ.exec(text);
      // infinity, BC dates and anything unexpected stay as the server's text: lossless either way.
      return m ? `${m[1]}T${m[2]}Z` : text;
    }
    default:
      // int8, numeric, timestamp, date, uuid, json(b), bytea (\x…), arrays, intervals…: the server's text.
      return text;
  }
}

/** Identity parsers for node-pg: every value arrives as the server's text. */
export const rawTextTypes = {
  getTypeParser: () => (value: string) => value,
};
