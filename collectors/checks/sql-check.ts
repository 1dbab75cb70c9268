/** `sql`: one SELECT (checked by PostgreSQL's parser) in a READ ONLY transaction; columns with type names, lossless rows, capped. */
import { createHash } from 'node:crypto';
import type { Cell, CheckOf } from '../../src/format/index.ts';
import type { RowFold } from '../../src/core/assertions/assertion-type.ts';
import { createRowFolds } from '../../src/core/assertions/row-folds.ts';
import { roundMs } from '../../src/core/numbers.ts';
import { normalizeCell } from '../db/lossless-values.ts';
import { redactRows } from '../redacted-values.ts';
import { recordedCheck } from './redact-run.ts';
import type { RawField } from '../db/session.ts';
import { paramValues, shownParams, type CheckContext, type CheckRun } from './check-context.ts';
import { readOnlyRun } from './read-only-run.ts';

/**
 * The most a result's kept rows may take, as JSON (issue 25): with the rest of its snapshot, well
 * under the 64 MiB an evidence file may hold (MAX_EVIDENCE_FILE_BYTES), so a query returning one
 * 300 MB value is still judged on every row and recorded — its rows not kept, and the cap said —
 * instead of writing a file no reader will open.
 */
export const KEPT_ROWS_BYTES = 32 * 1024 * 1024;

export function runSqlCheck(check: CheckOf<'sql'>, ctx: CheckContext): Promise<CheckRun> {
  const given = check.sqlParam ? ctx.params.get(check.sqlParam) : undefined;
  const sql = given ?? check.sql;
  const params = paramValues(check.params, ctx);
  const source = { sql, params: shownParams(params, ctx), ...(given ? { note: `query given by parameter ${check.sqlParam}` } : {}) };
  const guard = { sql, purpose: 'a sql check', hint: 'A sql check takes one SELECT statement that only reads.', allow: check.allowFunctions };
  // Row assertions judge the stored rows against the check as stored: both redacted (redact-run.ts).
  const judged = recordedCheck(check, ctx.redactor);
  return readOnlyRun({ check, source, guard }, ctx, async (tx, run) => {
    const reads: { durationMs: number; rowsSha256: string }[] = [];
    let kept: Cell[][] = [];
    let rowCount = 0;
    let fields: RawField[] = [];
    let redactions = 0;
    // Filled while the last read streams: every row judged, whatever is kept — as stored (redacted,
    // against the check as stored), and as read, to tell a verdict that rests on a secret (run-check.ts).
    let folds: Map<number, RowFold> | undefined;
    let foldsAsRead: Map<number, RowFold> | undefined;
    for (let i = 0; i < check.reads; i += 1) {
      // Only the last read is kept and judged; every read is digested whole.
      const last = i === check.reads - 1;
      const started = performance.now();
      const digest = createHash('sha256').update('[');
      let count = 0;
      kept = [];
      let keptBytes = 0;
      let keeping = true;
      fields = await tx.stream(sql, params.map((p) => p.value), (batchFields, rows) => {
        if (last && !folds) {
          folds = createRowFolds(judged, ctx.redactor.redactAll(batchFields.map((f) => f.name)).texts);
          foldsAsRead = createRowFolds(check, batchFields.map((f) => f.name));
        }
        // Redacted before the digest, the folds and the cap see a row (issue 25): `rowsSha256` is the
        // digest of the rows as stored, and a row assertion judges what `verify` will judge again.
        const read = rows.map((raw) => raw.map((text, c) => normalizeCell(text, batchFields[c]!.dataTypeID)));
        const batch = redactRows(read, ctx.redactor);
        if (last) redactions += batch.count;
        for (const [r, row] of batch.value.entries()) {
          count += 1;
          // Byte for byte JSON.stringify of the whole result, without holding it.
          const json = JSON.stringify(row);
          digest.update(count === 1 ? json : `,${json}`);
          if (!last) continue;
          // The first rows, up to maxRows and within the byte budget: a row that does not fit ends
          // the keeping, so what is kept is always the result's first rows, none of them cut.
          keeping &&= kept.length < check.maxRows && keptBytes + json.length <= KEPT_ROWS_BYTES;
          if (keeping) {
            kept.push(row);
            keptBytes += json.length;
          }
          for (const fold of folds!.values()) fold.push(row, count);
          for (const fold of foldsAsRead!.values()) fold.push(read[r]!, count);
        }
      });
      reads.push({ durationMs: roundMs(performance.now() - started), rowsSha256: digest.update(']').digest('hex') });
      rowCount = count;
    }
    // A column's name is text the query chose (an alias can be anything), its type name the catalog's.
    const described = await tx.describe(fields);
    const names = ctx.redactor.redactAll(described.flatMap((c) => [c.name, c.type]));
    const columns = described.map((c, i) => ({ ...c, name: names.texts[2 * i]!, type: names.texts[2 * i + 1]! }));
    folds ??= createRowFolds(judged, columns.map((c) => c.name));
    foldsAsRead ??= createRowFolds(check, described.map((c) => c.name));
    run.redactions = redactions + names.count;
    run.valuesRead = { columns: described, rowVerdicts: verdicts(foldsAsRead, rowCount) };
    if (rowCount > kept.length) run.truncation = { rowsTotal: rowCount, rowsKept: kept.length, bytesOmitted: 0 };
    run.rowVerdicts = verdicts(folds, rowCount);
    return { result: { kind: 'sql' as const, columns, rows: kept, rowCount, rowsJudged: rowCount, reads }, measuredMs: reads[0]!.durationMs };
  });
}

const verdicts = (folds: Map<number, RowFold>, rows: number) => new Map([...folds].map(([index, fold]) => [index, fold.verdict(rows)]));
