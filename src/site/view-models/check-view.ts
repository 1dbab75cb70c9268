/**
 * Everything a page shows of one check, computed once: the report and the check's own page
 * render the same view. Components only render these fields.
 */
import type { CheckDefinition, CheckSnapshot, Deployment, JsonValue, ParsedOutput } from '../../format/index.ts';
import { formatBytes, formatMs, formatUtc, type AnyStatus } from '../format.ts';
import { routes } from '../routes.ts';
import { planTree, type PlanNodeView } from './plan-tree.ts';
import { tableModel, type TableModel } from './result-table.ts';

export interface AssertionView {
  id: string;
  description: string;
  expected: string;
  actual: string;
  status: AnyStatus;
}

export type ResultView =
  | { kind: 'sql'; table: TableModel; rowCount: number; reads: { duration: string; sha256: string }[] }
  | { kind: 'command'; exitCode: string; timedOut: boolean; stdout: string; stderr: string; redactions: number; cap: string; parsed: ParsedView | null }
  | {
      kind: 'explain';
      executionMs: string;
      planningMs: string;
      medianExecutionMs: string;
      medianPlanningMs: string;
      runs: { n: number; execution: string; planning: string }[];
      rowsScanned: string;
      buffers: string;
      nodeTypes: string[];
      tree: PlanNodeView | null;
    }
  | {
      kind: 'columns';
      relation: string;
      relkind: string;
      columns: { position: number; name: string; type: string; nullable: string }[];
      note: string | null;
      nullCheckSql: string | null;
    }
  | { kind: 'dependents'; relation: string; exists: boolean; dependents: { type: string; name: string; dependencyType: string }[] };

/** A tool's parsed output, shaped for display beside the raw output. */
export type ParsedView =
  | { kind: 'alembic-history'; revisions: { revision: string; parents: string; message: string; markers: string }[]; head: string }
  | { kind: 'alembic-migrations'; title: string; steps: string[]; errors: string[]; sql: string | null }
  | { kind: 'pytest'; summary: string; tests: { name: string; status: AnyStatus; duration: string; message: string | null }[] };

const PYTEST_STATUS: Record<string, AnyStatus> = { passed: 'pass', failed: 'fail', error: 'error', skipped: 'skipped' };

function parsedView(parsed: ParsedOutput | null): ParsedView | null {
  if (!parsed) return null;
  switch (parsed.kind) {
    case 'alembic-history':
      return {
        kind: 'alembic-history',
        revisions: parsed.revisions.map((r) => ({ revision: r.revision, parents: r.downRevisions.length > 0 ? r.downRevisions.join(', ') : '<base>', message: r.message ?? '', markers: r.markers.join(', ') })),
        head: parsed.head ?? (parsed.heads.length > 1 ? `several heads: ${parsed.heads.join(', ')}` : 'no head'),
      };
    case 'alembic-upgrade':
    case 'alembic-sql':
      return {
        kind: 'alembic-migrations',
        title: parsed.kind === 'alembic-upgrade' ? 'Migrations that ran' : 'Migrations the SQL would run',
        steps: parsed.migrations.map((m) => `${m.direction} ${m.from ?? '<base>'} → ${m.to ?? '<base>'}${m.message ? `: ${m.message}` : ''}`),
        errors: parsed.errors,
        sql: parsed.kind === 'alembic-sql' ? parsed.sql : null,
      };
    case 'pytest':
      return {
        kind: 'pytest',
        summary: `${parsed.summary.tests} tests: ${parsed.summary.passed} passed, ${parsed.summary.failed} failed, ${parsed.summary.errors} errors, ${parsed.summary.skipped} skipped`,
        tests: parsed.tests.map((t) => ({ name: t.name, status: PYTEST_STATUS[t.outcome] ?? 'error', duration: formatMs(t.durationMs), message: t.message })),
      };
  }
}

export interface CheckView {
  id: string;
  href: string;
  reportHref: string;
  section: string;
  title: string;
  description: string | null;
  kind: CheckSnapshot['kind'];
  required: boolean;
  status: AnyStatus;
  /** One line on why it is not a plain pass; null when it passed. */
  problem: string | null;
  source: {
    sql: string | null;
    params: { name: string; value: string }[];
    command: string | null;
    cwd: string | null;
    env: string[];
    relation: string | null;
    timeout: string | null;
    note: string | null;
  };
  session: { label: string; value: string }[];
  timings: { label: string; value: string }[];
  durationMs: number | null;
  assertions: AssertionView[];
  error: { kind: string; message: string; code: string | null; hint: string | null; detail: string | null } | null;
  skipReason: string | null;
  result: ResultView | null;
  truncation: string | null;
  raw: { href: string; sha256: string; bytes: string } | null;
}

export function showJson(value: JsonValue): string {
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** A shell-style rendering of argv, quoting what needs it, for display only. */
export function commandLine(argv: readonly string[]): string {
  return argv.map((arg) => (/^[\w@%+=:,./{}-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`)).join(' ');
}

function problemOf(snapshot: CheckSnapshot): string | null {
  if (snapshot.skipReason) return `Skipped: ${snapshot.skipReason}`;
  if (snapshot.error) return `${snapshot.error.kind === 'timeout' ? 'Timed out' : 'Could not run'}: ${snapshot.error.message}`;
  const unmet = snapshot.assertions.filter((a) => a.status !== 'pass');
  if (unmet.length === 0) return null;
  return unmet.map((a) => `${a.description} — expected ${showJson(a.expected)}, got ${showJson(a.actual)}`).join('; ');
}

/** Rows a check's own page shows (the report shows fewer); the raw file has the rest. */
export const CHECK_PAGE_ROWS = 500;

function resultView(snapshot: CheckSnapshot, tableLimit: number): ResultView | null {
  const result = snapshot.result;
  if (!result) return null;
  switch (result.kind) {
    case 'sql':
      return {
        kind: 'sql',
        table: tableModel(result, snapshot.truncation, tableLimit),
        rowCount: result.rowCount,
        reads: result.reads.map((r) => ({ duration: formatMs(r.durationMs), sha256: r.rowsSha256 })),
      };
    case 'command':
      return {
        kind: 'command',
        exitCode: result.exitCode === null ? (result.signal ? `killed by ${result.signal}` : 'none') : String(result.exitCode),
        timedOut: result.timedOut,
        stdout: withTail(result.stdout, result.streams?.stdout),
        stderr: withTail(result.stderr, result.streams?.stderr),
        redactions: result.redactions,
        cap: formatBytes(result.outputCapBytes),
        parsed: parsedView(result.parsed),
      };
    case 'explain':
      return {
        kind: 'explain',
        executionMs: formatMs(result.executionMs),
        planningMs: formatMs(result.planningMs),
        medianExecutionMs: formatMs(result.medianExecutionMs),
        medianPlanningMs: formatMs(result.medianPlanningMs),
        runs: result.runs.map((r, i) => ({ n: i + 1, execution: formatMs(r.executionMs), planning: formatMs(r.planningMs) })),
        rowsScanned: result.rowsScanned.toLocaleString('en-US'),
        buffers: `${result.sharedHitBlocks.toLocaleString('en-US')} hit, ${result.sharedReadBlocks.toLocaleString('en-US')} read`,
        nodeTypes: result.nodeTypes,
        tree: planTree(result.plan),
      };
    case 'columns':
      return {
        kind: 'columns',
        relation: `${result.relation.schema}.${result.relation.name}`,
        relkind: result.relation.relkind,
        columns: result.columns.map((c) => ({ position: c.position, name: c.name, type: c.type, nullable: c.nullable ? 'YES' : 'NO' })),
        note: result.note,
        nullCheckSql: result.nullCheckOnData?.sql ?? null,
      };
    case 'dependents':
      return {
        kind: 'dependents',
        relation: `${result.relation.schema}.${result.relation.name}`,
        exists: result.relation.exists,
        dependents: result.dependents.map((d) => ({ type: d.type, name: d.schema ? `${d.schema}.${d.name}` : d.name, dependencyType: d.dependencyType })),
      };
  }
}

export interface CheckViewInput {
  deployment: Deployment;
  definition: CheckDefinition | undefined;
  entry: Deployment['checks'][number];
  snapshot: CheckSnapshot | undefined;
  raw: { sha256: string; bytes: number } | undefined;
  /** Rows shown in a result table (the report shows fewer than the check's page). */
  tableLimit?: number;
}

export function checkView({ deployment, definition, entry, snapshot, raw, tableLimit = CHECK_PAGE_ROWS }: CheckViewInput): CheckView {
  const base = {
    id: entry.id,
    href: routes.check(deployment.id, entry.id),
    reportHref: routes.checkAnchor(deployment.id, entry.id),
    section: entry.section,
    title: entry.title,
    description: definition?.description ?? null,
    kind: entry.kind,
    required: entry.required,
  };
  if (!snapshot) {
    return {
      ...base,
      status: 'missing',
      problem: deployment.collection === 'complete' ? 'No snapshot was written for this check.' : 'Not collected: the collection did not finish.',
      source: { sql: null, params: [], command: null, cwd: null, env: [], relation: null, timeout: null, note: null },
      session: [],
      timings: [],
      durationMs: null,
      assertions: [],
      error: null,
      skipReason: null,
      result: null,
      truncation: null,
      raw: null,
    };
  }
  const { source } = snapshot;
  const truncation = snapshot.truncation;
  return {
    ...base,
    status: snapshot.status,
    problem: problemOf(snapshot),
    source: {
      sql: source.sql ?? null,
      params: (source.params ?? []).map((p) => ({ name: p.name, value: p.value ?? 'NULL' })),
      command: source.argv ? commandLine(source.argv) : null,
      cwd: source.cwd ?? null,
      env: source.env ?? [],
      relation: source.relation ? `${source.relation.schema}.${source.relation.name}` : null,
      timeout: source.timeoutMs ? formatMs(source.timeoutMs) : null,
      note: source.note ?? null,
    },
    session: snapshot.session
      ? [
          { label: 'transaction', value: snapshot.session.readOnly ? 'READ ONLY' : 'read-write' },
          { label: 'statement_timeout', value: formatMs(snapshot.session.statementTimeoutMs) },
          { label: 'lock_timeout', value: formatMs(snapshot.session.lockTimeoutMs) },
          { label: 'application_name', value: snapshot.session.applicationName },
        ]
      : [],
    timings: [
      { label: 'started', value: formatUtc(snapshot.startedAt) },
      { label: 'finished', value: formatUtc(snapshot.finishedAt) },
      { label: 'duration', value: formatMs(snapshot.durationMs) },
    ],
    durationMs: snapshot.durationMs,
    assertions: snapshot.assertions.map((a) => ({ id: a.id, description: a.description, expected: showJson(a.expected), actual: showJson(a.actual), status: a.status })),
    error: snapshot.error,
    skipReason: snapshot.skipReason,
    result: resultView(snapshot, tableLimit),
    truncation:
      truncation && truncation.bytesOmitted > 0
        ? `Output capped: ${formatBytes(truncation.bytesOmitted)} beyond the ${snapshot.result?.kind === 'command' ? formatBytes(snapshot.result.outputCapBytes) : ''} cap per stream were left out.`
        : null,
    raw: raw ? { href: routes.rawFile(deployment.id, `checks/${entry.id}.json`), sha256: raw.sha256, bytes: formatBytes(raw.bytes) } : null,
  };
}

/** A capped stream as shown: its head, a line saying what was left out of the middle, its tail. */
function withTail(head: string, stream: { bytes: number; sha256: string; tail: string | null } | undefined): string {
  if (!stream || stream.tail === null) return head;
  const omitted = stream.bytes - Buffer.byteLength(head) - Buffer.byteLength(stream.tail);
  return `${head}\n… ${formatBytes(omitted)} left out here (the whole stream: ${formatBytes(stream.bytes)}, sha256 ${stream.sha256}) …\n${stream.tail}`;
}
