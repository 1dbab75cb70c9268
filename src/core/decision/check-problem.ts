/**
 * Why a check is not a plain pass, in plain sentences: the decision's reasons, the site's report,
 * the CLI and the exports say it with the same words, from this one function (issue 26). Each
 * unmet assertion is said by its type (`say`, src/core/assertions/say.ts) from the stored outcome,
 * the stored result and the check's definition, never as JSON.
 *
 * Each line starts with a status word (`fail:`, `warn:`, `skipped:`, `error:`, `failed:`,
 * `missing:`): the decision's reasons are compared by `<id> (§<section>): <word>` (rederive.ts),
 * so evidence written with older wording still verifies.
 */
import type { CheckError, CheckSnapshot } from '../../format/index.ts';
import { outcomesInWords, type SayContext } from '../assertions/say.ts';

export type Judged = Pick<CheckSnapshot, 'id' | 'status' | 'assertions' | 'error' | 'skipReason'> & Partial<Pick<CheckSnapshot, 'result' | 'source'>>;

/** The longest one outcome's sentence runs in a line; the check's page shows everything. */
const SENTENCE_MAX = 500;

const cap = (text: string) => (text.length > SENTENCE_MAX ? `${text.slice(0, SENTENCE_MAX - 1)}…` : text);

/** What went wrong, by the kind of error: keyed by the format's union, so a new kind must say it. */
const ERRORS: Record<CheckError['kind'], (error: CheckError) => string> = {
  sql: (e) => `the database refused the query: ${e.message}${e.code ? ` (SQLSTATE ${e.code})` : ''}`,
  timeout: (e) => `timed out: ${e.message}`,
  connection: (e) => `the connection to the database failed: ${e.message}`,
  refused: (e) => `not sent to the database: ${e.message}`,
  spawn: (e) => `the command could not start: ${e.message}`,
  internal: (e) => `deploy-evidence failed while running it: ${e.message}`,
};

/** A check's error in one sentence, with the server's hint when it gave one. */
export function errorInWords(error: CheckError): string {
  return cap(`${ERRORS[error.kind](error)}${error.hint ? ` (hint: ${error.hint})` : ''}`);
}

/**
 * The line for a check that is not a plain pass (missing, skipped, errored, or with unmet
 * assertions). `check`: its definition in the deployment's checklist, which the sentences read
 * (the limits, the required attestations…); without it each outcome is said from what it recorded.
 */
export function checkProblem(snapshot: Judged | undefined, check?: SayContext['check']): string {
  if (!snapshot) return 'missing: the check did not run';
  if (snapshot.skipReason) return `skipped: ${snapshot.skipReason}`;
  if (snapshot.error) return `${snapshot.status === 'fail' ? 'failed' : 'error'}: ${errorInWords(snapshot.error)}`;
  const unmet = outcomesInWords(snapshot, check).filter(({ outcome }) => outcome.status !== 'pass');
  if (unmet.length === 0) return snapshot.status;
  // ` · ` between outcomes: a sentence may hold semicolons of its own.
  return unmet.map(({ outcome, sentence }) => `${outcome.status}: ${cap(sentence)}`).join(' · ');
}

/** Null for a plain pass; otherwise `checkProblem`. */
export function problemUnlessPass(snapshot: Judged, check?: SayContext['check']): string | null {
  return snapshot.status === 'pass' && !snapshot.error && !snapshot.skipReason && snapshot.assertions.every((a) => a.status === 'pass') ? null : checkProblem(snapshot, check);
}
