/** What a check runs with, and what running it yields before assertions judge it. */
import type { Checklist, CheckError, CheckResult, CheckSnapshot, ResultColumn } from '../../src/format/index.ts';
import type { Attested } from '../../src/core/assertions/assertion-type.ts';
import type { DatabaseSession, SessionSettings } from '../db/session.ts';
import { QueryError } from '../db/session.ts';
import type { Redactor } from '../db/secrets.ts';
import type { Verdict } from '../../src/core/assertions/assertion-type.ts';

export interface CheckContext {
  session: DatabaseSession;
  checklist: Checklist;
  /** Resolved checklist parameters; a command check may set more from its parsed output (`captures`). */
  params: Map<string, string | null>;
  /** Commands run relative to this directory. */
  appDir: string;
  /** Values for the names a command check may pass through (DATABASE_URL for alembic…). */
  commandEnv: Readonly<Record<string, string>>;
  /** Redacts every secret of this collection (in all its encodings) from output and messages. */
  redactor: Redactor;
  attestations: readonly Attested[];
  /** The user opted in, for this run, to the checks marked `mutating`. */
  mutatingAllowed: boolean;
  /** The snapshots of the checks that already ran in this collection, by id (a `schema` check's `changesFrom`). */
  earlier?: ReadonlyMap<string, CheckSnapshot>;
  /**
   * A check of the previous deployment in this environment (the end of its chain), read from the
   * evidence: a `schema` check's drift baseline. null: no previous deployment.
   */
  previousCheck?: (checkId: string) => Promise<{ deploymentId: string; snapshot: CheckSnapshot | null } | null>;
}

export interface CheckRun {
  source: CheckSnapshot['source'];
  session: CheckSnapshot['session'];
  result: CheckResult | null;
  error: CheckError | null;
  skipReason: string | null;
  truncation: CheckSnapshot['truncation'];
  /** The measured work (queries, command) in ms, for `max-duration`. */
  measuredMs: number;
  /** Row assertions folded over every streamed row, by assertion index (sql checks). */
  rowVerdicts?: ReadonlyMap<number, Verdict>;
  /** Secrets the runner already replaced while the result streamed (a sql check's cells and column names). */
  redactions?: number;
  /**
   * A sql check's columns and row verdicts as read, before redaction (`result` holds them
   * redacted): to tell whether a verdict rests on a secret (run-check.ts).
   */
  valuesRead?: { columns: ResultColumn[]; rowVerdicts: ReadonlyMap<number, Verdict> };
}

export function sessionSettingsFor(
  check: { statementTimeoutMs?: number | undefined; lockTimeoutMs?: number | undefined },
  ctx: CheckContext,
): SessionSettings {
  return {
    statementTimeoutMs: check.statementTimeoutMs ?? ctx.checklist.defaults.statementTimeoutMs,
    lockTimeoutMs: check.lockTimeoutMs ?? ctx.checklist.defaults.lockTimeoutMs,
  };
}

export function sessionRecord(settings: SessionSettings, ctx: CheckContext): NonNullable<CheckSnapshot['session']> {
  return { readOnly: true, ...settings, applicationName: ctx.session.applicationName };
}

export function errorFrom(error: unknown): CheckError {
  if (error instanceof QueryError) {
    return { kind: error.kind, message: error.message, code: error.code, hint: error.hint, detail: error.detail };
  }
  return { kind: 'internal', message: error instanceof Error ? error.message : String(error), code: null, hint: null, detail: null };
}

export function paramValues(names: readonly string[], ctx: CheckContext): { name: string; value: string | null }[] {
  return names.map((name) => ({ name, value: ctx.params.get(name) ?? null }));
}

/** Parameter values as the evidence records them: a secret parameter's value redacted. */
export function shownParams(params: readonly { name: string; value: string | null }[], ctx: Pick<CheckContext, 'redactor'>): { name: string; value: string | null }[] {
  return params.map((p) => ({ name: p.name, value: p.value === null ? null : ctx.redactor.redact(p.value).text }));
}


/** The value a command gets for an allow-listed variable: the collector's own (DATABASE_URL), else the environment's. */
export function commandEnvValue(name: string, ctx: Pick<CheckContext, 'commandEnv'>): string | undefined {
  return ctx.commandEnv[name] ?? process.env[name];
}
