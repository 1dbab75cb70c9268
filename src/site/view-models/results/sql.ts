/** A sql result as pages show it: the kept rows as a table model, and each read's time and digest. */
import { formatMs } from '../../format.ts';
import { tableModel, type TableModel } from '../result-table.ts';
import type { ResultViewBuilder } from './result-view.ts';

export interface SqlResultView {
  kind: 'sql';
  table: TableModel;
  rowCount: number;
  reads: { duration: string; sha256: string }[];
}

export const sqlResultView: ResultViewBuilder<'sql', SqlResultView> = (result, { truncation, tableLimit }) => ({
  kind: 'sql',
  table: tableModel(result, truncation, tableLimit),
  rowCount: result.rowCount,
  reads: result.reads.map((r) => ({ duration: formatMs(r.durationMs), sha256: r.rowsSha256 })),
});
