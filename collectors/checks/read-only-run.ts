/**
 * The skeleton every SQL-backed check kind shares: the SQL guard (when the checklist wrote the
 * SQL), one READ ONLY transaction with the check's timeouts, the measured work, and any failure
 * recorded as the check's error rather than thrown. A kind writes only its queries.
 */
import type { CheckResult, CheckSnapshot } from '../../src/format/index.ts';
import { roundMs } from '../../src/core/numbers.ts';
import type { ReadOnlyTransaction } from '../db/session.ts';
import { errorFrom, sessionRecord, sessionSettingsFor, type CheckContext, type CheckRun } from './check-context.ts';
import { assertSingleSelect, RefusedStatementError } from './single-select.ts';

export interface ReadOnlySpec {
  check: { statementTimeoutMs?: number | undefined; lockTimeoutMs?: number | undefined };
  source: CheckSnapshot['source'];
  /** Checklist-written SQL: refused before sending unless it is one SELECT that only reads. */
  guard?: { sql: string; purpose: string; hint: string };
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
  if (spec.guard) {
    try {
      await assertSingleSelect(spec.guard.sql, spec.guard.purpose);
    } catch (error) {
      if (!(error instanceof RefusedStatementError)) throw error;
      // Never sent: no session was used.
      return { ...run, session: null, error: { kind: 'refused', message: error.message, code: null, hint: spec.guard.hint, detail: null } };
    }
  }
  try {
    const started = performance.now();
    const done = await ctx.session.readOnly(settings, (tx) => work(tx, run));
    run.measuredMs = done.measuredMs ?? roundMs(performance.now() - started);
    run.result = done.result;
  } catch (error) {
    run.error = errorFrom(error);
  }
  return run;
}
