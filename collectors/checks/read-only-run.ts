/**
 * The skeleton every SQL-backed check kind shares: the SQL guard (when the checklist wrote the
 * SQL), one READ ONLY transaction with the check's timeouts, the measured work, and any failure
 * recorded as the check's error rather than thrown. A kind writes only its queries.
 *
 * The guard has two halves (issue 25): the parse tree, before any session is used
 * (single-select.ts), then the target server's catalog, inside the transaction that will run the
 * statement and before it is sent (catalog-guard.ts). Either refusal is the check's `refused` error.
 */
import type { CheckResult, CheckSnapshot } from '../../src/format/index.ts';
import { roundMs } from '../../src/core/numbers.ts';
import { QueryError, type ReadOnlyTransaction } from '../db/session.ts';
import { catalogVerdict } from './catalog-guard.ts';
import { errorFrom, sessionRecord, sessionSettingsFor, type CheckContext, type CheckRun } from './check-context.ts';
import { assertSingleSelect, RefusedStatementError, type NamedObjects } from './single-select.ts';

export interface ReadOnlySpec {
  check: { statementTimeoutMs?: number | undefined; lockTimeoutMs?: number | undefined };
  source: CheckSnapshot['source'];
  /**
   * Checklist-written SQL: refused before sending unless it is one SELECT that only reads.
   * `allow`: the check's `allowFunctions`.
   */
  guard?: { sql: string; purpose: string; hint: string; allow?: readonly string[] | undefined };
}

export interface ReadOnlyWork<R extends CheckResult> {
  result: R;
  /** The measured work, when it is not the whole transaction body (a sql check: its first read). */
  measuredMs?: number;
}

export async function readOnlyRun<R extends CheckResult>(
  spec: ReadOnlySpec,
  ctx: CheckContext,
  work: (tx: ReadOnlyTransaction, run: CheckRun) => Promise<ReadOnlyWork<R>>,
): Promise<CheckRun> {
  const settings = sessionSettingsFor(spec.check, ctx);
  const run: CheckRun = { source: spec.source, session: sessionRecord(settings, ctx), result: null, error: null, skipReason: null, truncation: null, measuredMs: 0 };
  let names: NamedObjects | null = null;
  if (spec.guard) {
    try {
      names = await assertSingleSelect(spec.guard.sql, spec.guard.purpose);
    } catch (error) {
      if (!(error instanceof RefusedStatementError)) throw error;
      // Never sent: no session was used.
      return { ...run, session: null, error: { kind: 'refused', message: error.message, code: null, hint: spec.guard.hint, detail: null } };
    }
  }
  try {
    let started = performance.now();
    const done = await ctx.session.readOnly(settings, async (tx) => {
      if (names) {
        // Not sent when refused: the transaction only read the catalog, and is rolled back.
        const verdict = await catalogVerdict(tx, names, spec.guard?.allow ?? []);
        if (verdict.refusal) throw new QueryError(verdict.refusal, 'refused', null, spec.guard?.hint ?? null, null);
        if (verdict.allowedByCheck.length > 0) run.source = { ...run.source, allowedFunctions: verdict.allowedByCheck };
        // The guard's catalog reads are not the check's work.
        started = performance.now();
      }
      return work(tx, run);
    });
    run.measuredMs = done.measuredMs ?? roundMs(performance.now() - started);
    run.result = done.result;
  } catch (error) {
    run.error = errorFrom(error);
  }
  return run;
}
