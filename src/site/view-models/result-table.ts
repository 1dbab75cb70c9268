/**
 * Result tables show values exactly as stored: 64-bit ids and timestamps as the database
 * wrote them, NULL visibly distinct from an empty string, and the truncation said out loud.
 */
import { isNumericType } from '../../core/numbers.ts';
import type { Cell, CheckSnapshot, ResultOf } from '../../format/index.ts';
import { SHOWN_CELL_CHARS, cutForPage } from '../format.ts';

export interface CellView {
  text: string;
  kind: 'null' | 'empty' | 'number' | 'bool' | 'text';
}

export function cellView(cell: Cell): CellView {
  if (cell === null) return { text: 'NULL', kind: 'null' };
  if (cell === '') return { text: '(empty string)', kind: 'empty' };
  if (typeof cell === 'number') return { text: String(cell), kind: 'number' };
  if (typeof cell === 'boolean') return { text: String(cell), kind: 'bool' };
  return { text: cutForPage(cell, SHOWN_CELL_CHARS), kind: 'text' };
}

export interface TableModel {
  columns: { name: string; type: string; numeric: boolean }[];
  rows: CellView[][];
  /** Said whenever not every row is shown: by the collector's cap or by this page. */
  note: string | null;
  empty: boolean;
}



export function tableModel(result: ResultOf<'sql'>, truncation: CheckSnapshot['truncation'], limit = Number.POSITIVE_INFINITY): TableModel {
  const shown = result.rows.slice(0, limit);
  const notes: string[] = [];
  if (truncation?.rowsTotal != null && truncation.rowsKept != null) {
    notes.push(`The query returned ${truncation.rowsTotal.toLocaleString('en-US')} rows; the evidence keeps the first ${truncation.rowsKept.toLocaleString('en-US')}.`);
  }
  // The rows the evidence file keeps (the site's loader may hold fewer: SITE_MAX_ROWS).
  const kept = truncation?.rowsKept ?? result.rowCount;
  if (shown.length < kept) {
    notes.push(`Showing ${shown.length.toLocaleString('en-US')} of the ${kept.toLocaleString('en-US')} rows kept; the raw evidence file has them all.`);
  }
  return {
    columns: result.columns.map((c) => ({ name: c.name, type: c.type, numeric: isNumericType(c.type) })),
    rows: shown.map((row) => row.map(cellView)),
    note: notes.length > 0 ? notes.join(' ') : null,
    empty: result.rows.length === 0,
  };
}
