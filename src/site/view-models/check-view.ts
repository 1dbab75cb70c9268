/**
 * Everything a page shows of one check, computed once: the report and the check's own page
 * render the same view. Components only render these fields.
 */
import type { CheckDefinition, CheckError, CheckSnapshot, Deployment, JsonValue, ParsedOutput } from '../../format/index.ts';
import { outcomesInWords } from '../../core/assertions/say.ts';
import { problemUnlessPass } from '../../core/decision/check-problem.ts';
import { formatBytes, formatMs, formatUtc, type AnyStatus } from '../format.ts';
import { routes } from '../routes.ts';
import { resultView, type ResultView } from './results/registry.ts';

export interface AssertionView {
  id: string;
  /** What the checklist asked for. */
  description: string;
  /** What happened, in one plain sentence (src/core/assertions/say.ts): what a reader is shown. */
  sentence: string;
  /** The recorded values as stored (JSON for lists and records), for the raw view only. */
  expected: string;
  actual: string;
  status: AnyStatus;
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
    /**
     * Set when `cwd` is relative to the application directory (evidence that records the directory
     * once, deployment.json `appDir`): its place in its repository, null outside one. Null for
     * older evidence, whose cwd is shown as its collector's machine named it.
     */
    appDir: { inRepository: string | null } | null;
    /** The environment variables the command asked for, names only. */
    env: string[];
    /** Which of them were not set when it ran; null when the evidence does not say (before format v3). */
    envMissing: string[] | null;
    /** The placeholders for the machine's directories its command line holds (`$REPORT_DIR`…), with what each stands for. */
    placeholders: { text: string; meaning: string }[];
    relation: string | null;
    timeout: string | null;
    note: string | null;
    /** Functions the guard refuses by default that this check allowed by name and called (issue 25). */
    allowedFunctions: string[];
  };
  session: { label: string; value: string }[];
  timings: { label: string; value: string }[];
  /** The duration as shown beside the status (null: not collected). */
  duration: string | null;
  assertions: AssertionView[];
  error: { heading: string; message: string; code: string | null; hint: string | null; detail: string | null } | null;
  skipReason: string | null;
  result: ResultView | null;
  /** Whether the result starts open where it is folded (the report): always, except a passing command whose output has no parsed view. */
  resultOpen: boolean;
  truncation: string | null;
  /** How many secrets were replaced before writing, said when any were (a command's result says its own). */
  redactions: string | null;
  raw: { href: string; sha256: string; bytes: string } | null;
}

function showJson(value: JsonValue): string {
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** How a collector names its machine's directories in what a command recorded (collectors/process/machine-paths.ts): as written in an argument, what it stands for. */
const MACHINE_PLACEHOLDERS = [
  { text: '$APP_DIR', inArgument: '$APP_DIR', meaning: 'the application directory' },
  { text: '$REPORT_DIR', inArgument: '$REPORT_DIR', meaning: "the folder the collector made for the tool's report" },
  { text: '$TMPDIR', inArgument: '$TMPDIR', meaning: 'the temporary directory' },
  { text: '~', inArgument: '~/', meaning: 'the home directory' },
];

/** A shell-style rendering of argv, quoting what needs it, for display only. */
export function commandLine(argv: readonly string[]): string {
  return argv.map((arg) => (/^[\w@%+=:,./{}-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`)).join(' ');
}

/** What heads a check's error, by its kind: the kinds that are not the database's or the tool's error say what happened instead. */
const ERROR_HEADINGS: Record<CheckError['kind'], string> = {
  sql: 'Error',
  timeout: 'Timed out',
  connection: 'Error',
  refused: 'Refused before sending',
  spawn: 'Error',
  internal: 'Error',
};

function errorView(error: CheckError | null): CheckView['error'] {
  if (!error) return null;
  return { heading: ERROR_HEADINGS[error.kind], message: error.message, code: error.code, hint: error.hint, detail: error.detail };
}

/** Rows a check's own page shows (the report shows fewer); the raw file has the rest. */
export const CHECK_PAGE_ROWS = 500;

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
      source: { sql: null, params: [], command: null, cwd: null, appDir: null, env: [], envMissing: null, placeholders: [], relation: null, timeout: null, note: null, allowedFunctions: [] },
      session: [],
      timings: [],
      duration: null,
      assertions: [],
      error: null,
      skipReason: null,
      result: null,
      resultOpen: false,
      truncation: null,
      redactions: null,
      raw: null,
    };
  }
  const { source } = snapshot;
  const truncation = snapshot.truncation;
  const result = snapshot.result ? resultView(snapshot.result, { truncation: snapshot.truncation, tableLimit, checkId: snapshot.id }) : null;
  return {
    ...base,
    status: snapshot.status,
    problem: problemUnlessPass(snapshot, definition),
    source: {
      sql: source.sql ?? null,
      params: (source.params ?? []).map((p) => ({ name: p.name, value: p.value ?? 'NULL' })),
      command: source.argv ? commandLine(source.argv) : null,
      cwd: source.cwd ?? null,
      appDir: deployment.appDir === undefined || source.cwd === undefined ? null : { inRepository: deployment.appDir },
      env: source.env ?? [],
      envMissing: snapshot.result?.kind === 'command' ? (snapshot.result.environment?.missing ?? null) : null,
      placeholders: deployment.appDir === undefined ? [] : MACHINE_PLACEHOLDERS.filter((p) => (source.argv ?? []).some((arg) => arg.includes(p.inArgument))).map(({ text, meaning }) => ({ text, meaning })),
      relation: source.relation ? `${source.relation.schema}.${source.relation.name}` : null,
      timeout: source.timeoutMs ? formatMs(source.timeoutMs) : null,
      note: source.note ?? null,
      allowedFunctions: source.allowedFunctions ?? [],
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
    duration: formatMs(snapshot.durationMs),
    assertions: outcomesInWords(snapshot, definition).map(({ outcome: a, sentence }) => ({ id: a.id, description: a.description, sentence, expected: showJson(a.expected), actual: showJson(a.actual), status: a.status })),
    error: errorView(snapshot.error),
    skipReason: snapshot.skipReason,
    result,
    resultOpen: snapshot.status !== 'pass' || result?.kind !== 'command' || result.parsed !== null,
    truncation:
      truncation && truncation.bytesOmitted > 0
        ? `Output capped: ${formatBytes(truncation.bytesOmitted)} beyond the ${snapshot.result?.kind === 'command' ? formatBytes(snapshot.result.outputCapBytes) : ''} cap per stream were left out.`
        : null,
    redactions: snapshot.redactions && snapshot.result?.kind !== 'command' ? `${snapshot.redactions} secret${snapshot.redactions === 1 ? '' : 's'} redacted before writing (in what ran, its result or its error).` : null,
    raw: raw ? { href: routes.rawFile(deployment.id, `checks/${entry.id}.json`), sha256: raw.sha256, bytes: formatBytes(raw.bytes) } : null,
  };
}

