/**
 * A command result as pages show it: exit code, output (head, what was left out, tail), and
 * what its parser read — each parsed shape through its own entry of `PARSED_VIEWS`.
 */
import type { ParsedOutput } from '../../../format/index.ts';
import type { ParsedOf } from '../../../core/parsers/output-parser.ts';
import { SHOWN_TEXT_CHARS, cutForPage, formatBytes, formatMs, type AnyStatus } from '../../format.ts';
import type { ResultViewBuilder } from './result-view.ts';
import { lockTimelineView, type LockTimelineView } from '../lock-timeline.ts';

/** A tool's parsed output, shaped for display beside the raw output. */
export type ParsedView =
  | { kind: 'migration-history'; revisions: { revision: string; parents: string; message: string; markers: string }[]; head: string }
  | { kind: 'migrations'; title: string; steps: string[]; errors: string[]; sql: string | null }
  | { kind: 'tests'; summary: string; tests: { name: string; status: AnyStatus; duration: string; message: string | null }[] };

export interface CommandResultView {
  kind: 'command';
  exitCode: string;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  redactions: number;
  cap: string;
  parsed: ParsedView | null;
  /** The locks the step took, when it was observed (`observeLocks`). */
  locks: LockTimelineView | null;
}

const PYTEST_STATUS: Record<string, AnyStatus> = { passed: 'pass', failed: 'fail', error: 'error', skipped: 'skipped' };

const step = (m: { direction: string; from: string | null; to: string | null; message: string | null }) => `${m.direction} ${m.from ?? '<base>'} → ${m.to ?? '<base>'}${m.message ? `: ${m.message}` : ''}`;

/** One view per parsed shape, keyed by its kind: a parser without a view is a compile error. */
const PARSED_VIEWS: { [K in ParsedOutput['kind']]: (parsed: ParsedOf<K>) => ParsedView } = {
  'alembic-history': (parsed) => ({
    kind: 'migration-history',
    revisions: parsed.revisions.map((r) => ({ revision: r.revision, parents: r.downRevisions.length > 0 ? r.downRevisions.join(', ') : '<base>', message: r.message ?? '', markers: r.markers.join(', ') })),
    head: parsed.head ?? (parsed.heads.length > 1 ? `several heads: ${parsed.heads.join(', ')}` : 'no head'),
  }),
  'alembic-upgrade': (parsed) => ({ kind: 'migrations', title: 'Migrations that ran', steps: parsed.migrations.map(step), errors: parsed.errors, sql: null }),
  'alembic-sql': (parsed) => ({ kind: 'migrations', title: 'Migrations the SQL would run', steps: parsed.migrations.map(step), errors: parsed.errors, sql: parsed.sql }),
  pytest: (parsed) => ({
    kind: 'tests',
    summary: `${parsed.summary.tests} tests: ${parsed.summary.passed} passed, ${parsed.summary.failed} failed, ${parsed.summary.errors} errors, ${parsed.summary.skipped} skipped`,
    tests: parsed.tests.map((t) => ({ name: t.name, status: PYTEST_STATUS[t.outcome] ?? 'error', duration: formatMs(t.durationMs), message: t.message })),
  }),
};

function parsedView(parsed: ParsedOutput | null): ParsedView | null {
  return parsed ? (PARSED_VIEWS[parsed.kind] as (p: ParsedOutput) => ParsedView)(parsed) : null;
}

/** A capped stream as shown: its head, a line saying what was left out of the middle, its tail. */
function withTail(head: string, stream: { bytes: number; sha256: string; tail: string | null } | undefined): string {
  if (!stream || stream.tail === null) return head;
  const omitted = stream.bytes - Buffer.byteLength(head) - Buffer.byteLength(stream.tail);
  return `${head}\n… ${formatBytes(omitted)} left out here (the whole stream: ${formatBytes(stream.bytes)}, sha256 ${stream.sha256}) …\n${stream.tail}`;
}

export const commandResultView: ResultViewBuilder<'command', CommandResultView> = (result, { checkId }) => ({
  kind: 'command',
  exitCode: result.exitCode === null ? (result.signal ? `killed by ${result.signal}` : 'none') : String(result.exitCode),
  timedOut: result.timedOut,
  stdout: cutForPage(withTail(result.stdout, result.streams?.stdout), SHOWN_TEXT_CHARS),
  stderr: cutForPage(withTail(result.stderr, result.streams?.stderr), SHOWN_TEXT_CHARS),
  redactions: result.redactions,
  cap: formatBytes(result.outputCapBytes),
  parsed: parsedView(result.parsed),
  locks: result.locks ? lockTimelineView(result.locks, checkId) : null,
});
