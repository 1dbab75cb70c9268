/**
 * Collect: run every check of a checklist against one target and write the deployment's
 * evidence as it goes. Each snapshot is written the moment its check ends, and
 * deployment.json is rewritten after each one, so a run that dies keeps everything it
 * collected and stays visibly `in-progress` / INCOMPLETE.
 */
import { stat } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import {
  SCHEMA_VERSION,
  checklistSchema,
  describeZodIssues,
  schemaFiles,
  type CheckDefinition,
  type Checklist,
  type CheckSnapshot,
  type Deployment,
  secretEnvNames,
} from '../src/format/index.ts';
import { commandEnvValue } from './checks/check-context.ts';
import { Redactor } from './db/secrets.ts';
import { redactStrings } from './redacted-values.ts';
import { httpUrl } from '../src/format/http-url.ts';
import type { Attested } from '../src/core/assertions/evaluate.ts';
import { runCheck } from './checks/run-check.ts';
import { ParameterValues } from './parameter-values.ts';
import type { CheckContext } from './checks/check-context.ts';
import type { ConnectionTarget } from './db/connection.ts';
import { DatabaseSession, privilegeWarning } from './db/session.ts';
import { buildTimeline } from '../src/core/decision/timeline.ts';
import { decide } from '../src/core/decision/decide.ts';
import { claimDeploymentDir, defaultDeploymentId, validateDeploymentId } from './evidence/deployment-id.ts';
import { withChainLock } from './evidence/chain-lock.ts';
import { EvidenceWriter, ensureJsonSchemas } from './evidence/evidence-writer.ts';
import { readChainLinks } from '../src/format/read-chain-links.ts';
import { previousCheckReader } from './evidence/previous-check.ts';
import { chainTip } from '../src/core/integrity/chain.ts';
import { runCaptured } from './process/child-process.ts';
import { APPLICATION_NAME, TOOL_NAME, TOOL_VERSION } from './tool-info.ts';

/** A problem with what the user asked for: the CLI exits 2. */
export class CollectConfigError extends Error {}

export interface CollectProgress {
  checkStarted(check: CheckDefinition, index: number, total: number): void;
  checkFinished(snapshot: CheckSnapshot, index: number, total: number): void;
}

export interface CollectOptions {
  checklist: Checklist;
  environment: string;
  pr?: { number?: number | null; title?: string | null; url?: string | null };
  /** Explicit id; never overwritten. Without it: `<date>-<env>-pr<n>`, with -2, -3… for re-runs. */
  deploymentId?: string;
  evidenceRoot: string;
  target: ConnectionTarget;
  appDir: string;
  params?: Record<string, string>;
  attest?: string[];
  /**
   * Who runs the collection (`--by`): recorded as `collectedBy`, which the sign-off policy may bar
   * from some roles, and as who gave the attestations. Default: the OS user.
   */
  by?: string;
  baseline?: string | null;
  /** Mark this deployment as the baseline for its environment. */
  markBaseline?: boolean;
  notes?: string | null;
  /**
   * Opt-in for this run to the checks marked `mutating` (a migration): who allowed it and how.
   * Without it they are skipped, never run: asking for evidence never migrates a database.
   */
  allowMutating?: { by: string; via: string } | null;
  progress?: CollectProgress;
  /** Warnings for the user (stderr): a privileged collecting role, a URL to percent-encode… */
  warn?: (message: string) => void;
  now?: () => Date;
}

export interface CollectResult {
  deployment: Deployment;
  snapshots: CheckSnapshot[];
  dir: string;
  /** sha256 of manifest.json: the deployment's digest, what sign-offs sign. */
  manifestSha256: string;
  /** The digest of the manifest this one follows in its environment's chain (null: the first). */
  previousManifestSha256: string | null;
}

/** Everything about the options that can be refused before anything runs (the CLI exits 2). */
export function checkCollectOptions(options: CollectOptions): void {
  const { checklist } = options;
  const env = /^[a-z0-9][a-z0-9-]{0,79}$/;
  if (!env.test(options.environment)) throw new CollectConfigError(`invalid environment "${options.environment}": use a lowercase slug such as staging or production`);
  if (options.deploymentId !== undefined) validateDeploymentId(options.deploymentId);
  if (options.baseline) validateDeploymentId(options.baseline);
  if (options.pr?.url && !httpUrl(options.pr.url)) {
    throw new CollectConfigError('--pr-url must be an http:// or https:// address (the report links it; any other scheme could run script in a reader\'s browser)');
  }
  const known = new Set(checklist.parameters.map((p) => p.name));
  for (const name of Object.keys(options.params ?? {})) {
    if (!known.has(name)) throw new CollectConfigError(`unknown parameter "${name}" for checklist ${checklist.id} (it takes: ${[...known].join(', ') || 'none'})`);
  }
  const attestations = new Set(checklist.attestations.map((a) => a.id));
  for (const id of options.attest ?? []) {
    if (!attestations.has(id)) throw new CollectConfigError(`unknown attestation "${id}" for checklist ${checklist.id} (it takes: ${[...attestations].join(', ') || 'none'})`);
  }
  recordedChecklist(options);
}

/** Every string of a checklist with where it is (`checks[3].sql`) and the check it belongs to. */
function checklistStrings(checklist: Checklist): { path: string; check: string | null; text: string }[] {
  const found: { path: string; check: string | null; text: string }[] = [];
  const visit = (value: unknown, path: string, check: string | null) => {
    if (typeof value === 'string') found.push({ path, check, text: value });
    else if (Array.isArray(value)) value.forEach((item, i) => visit(item, `${path}[${i}]`, check));
    else if (value !== null && typeof value === 'object') for (const [key, child] of Object.entries(value)) visit(child, `${path}.${key}`, check);
  };
  for (const [key, value] of Object.entries(checklist)) {
    if (key === 'checks') checklist.checks.forEach((c, i) => visit(c, `checks[${i}]`, c.id));
    else visit(value, key, null);
  }
  return found;
}

/**
 * The checklist as deployment.json stores it (issue 25). One that holds the connection password
 * — in any form the redactor knows, in any case — is refused, naming where: it would have been
 * published with every deployment, and the fix is a secret parameter or an environment variable.
 * Every other secret (a secret parameter's default, a URL's password, the value of a variable a
 * command gets) is redacted; the checks are judged against this copy, so `verify` re-derives the
 * same verdicts from it. A copy that redaction would make invalid (a secret inside an id) is refused.
 */
function recordedChecklist(options: Pick<CollectOptions, 'checklist' | 'target' | 'params'>): { checklist: Checklist; redactions: number } {
  const { checklist, target } = options;
  const connection = new Redactor(target.secrets);
  const holding = target.secrets.length === 0 ? [] : checklistStrings(checklist).filter((s) => connection.holdsWholeSecret(s.text));
  if (holding.length > 0) {
    const where = [...new Set(holding.map((s) => (s.check ? `check ${s.check} (${s.path})` : s.path)))];
    throw new CollectConfigError(
      `checklist ${checklist.id}: ${where.join(', ')} hold${where.length === 1 ? 's' : ''} the connection password (as written, in another case or encoded); a checklist is stored and published with every deployment — pass the value as a parameter marked "secret": true, or through an environment variable the command gets`,
    );
  }
  const redacted = redactStrings(checklist, collectionRedactor(options));
  if (redacted.count === 0) return { checklist, redactions: 0 };
  const parsed = checklistSchema.safeParse(redacted.value);
  if (!parsed.success) {
    throw new CollectConfigError(
      `checklist ${checklist.id}: with its secrets redacted it is no longer a valid checklist (a secret inside an id or a name?): ${describeZodIssues(parsed.error).join('; ')}`,
    );
  }
  return { checklist: redacted.value, redactions: redacted.count };
}

/** The connection's URL is what a command gets as DATABASE_URL when its checklist passes it. */
const commandEnvOf = (target: ConnectionTarget) => ({ DATABASE_URL: target.url });

function collectionRedactor(options: Pick<CollectOptions, 'checklist' | 'target' | 'params'>): Redactor {
  return new Redactor(collectionSecrets(options.checklist, options.target, commandEnvOf(options.target), options.params ?? {}));
}

/** The OS user running the tool (its account name, else $USER), when no one is named with --by. */
export function osUser(env: NodeJS.ProcessEnv = process.env): string {
  try {
    const { username } = userInfo();
    if (username) return username;
  } catch {
    // No account for this uid (a container started with --user 12345): fall back to the environment.
  }
  return env.USER || env.LOGNAME || env.USERNAME || 'unknown';
}

const checklistParam = (checklist: Checklist, name: string) => checklist.parameters.find((p) => p.name === name);

/**
 * Everything redacted from this collection's output and evidence: the connection password,
 * the value of every environment variable a command gets (unless the checklist marks it
 * public), and the values of parameters the checklist declares secret.
 */
function collectionSecrets(checklist: Checklist, target: ConnectionTarget, commandEnv: Record<string, string>, given: Record<string, string>): string[] {
  const secrets = new Set(target.secrets);
  for (const check of checklist.checks) {
    if (check.kind !== 'command') continue;
    for (const name of secretEnvNames(check)) {
      // DATABASE_URL is the collector's own connection: its secret, the password, is already known.
      if (name in commandEnv) continue;
      const value = commandEnvValue(name, { commandEnv });
      if (value) secrets.add(value);
    }
  }
  for (const p of checklist.parameters) {
    const value = given[p.name] ?? p.default;
    if (p.secret && value) secrets.add(value);
  }
  return [...secrets];
}

async function gitCommit(dir: string): Promise<string | null> {
  const result = await runCaptured(['git', 'rev-parse', 'HEAD'], { cwd: dir, timeoutMs: 5_000 }).catch(() => null);
  return result?.exitCode === 0 ? result.stdout.trim() : null;
}

/**
 * Where the application directory lies in its git repository (`examples/seedtest-api`, `.` at the
 * root), null outside one: the one record of it in the evidence. Its absolute path is the
 * collector's machine's (a CI runner's checkout, a temporary folder) and is never written.
 */
async function appDirInRepository(dir: string): Promise<string | null> {
  const result = await runCaptured(['git', 'rev-parse', '--show-prefix'], { cwd: dir, timeoutMs: 5_000 }).catch(() => null);
  if (result?.exitCode !== 0) return null;
  const prefix = result.stdout.trim().replace(/\/$/, '');
  return prefix === '' ? '.' : prefix;
}

/** Opens the connection first (exit 3 before anything is written), then collects. */
export async function collect(options: CollectOptions): Promise<CollectResult> {
  checkCollectOptions(options);
  const now = options.now ?? (() => new Date());
  const session = await DatabaseSession.open(options.target, APPLICATION_NAME);
  try {
    return await collectWith(session, options, now);
  } finally {
    await session.close();
  }
}

async function collectWith(session: DatabaseSession, options: CollectOptions, now: () => Date): Promise<CollectResult> {
  const { checklist, target } = options;
  const privileged = privilegeWarning(session.privileges);
  if (privileged) options.warn?.(privileged);
  const started = now();
  const id = await claimDeployment(options, started);
  const writer = new EvidenceWriter(options.evidenceRoot, id);

  const recorded = recordedChecklist(options);
  if (recorded.redactions > 0) {
    options.warn?.(`checklist ${checklist.id}: ${recorded.redactions} secret${recorded.redactions === 1 ? '' : 's'} (a secret parameter's default, a URL's password…) redacted from the copy stored in deployment.json`);
  }
  const attestations = attestationsGiven(options, recorded.checklist, started);
  const commandEnv = commandEnvOf(target);
  const redactor = collectionRedactor(options);
  const parameters = new ParameterValues(checklist, options.params ?? {}, redactor);
  const header = await deploymentHeader(session, options, { id, started, parameters: parameters.initial, attestations, recorded: recorded.checklist, redactor });
  const record = new DeploymentRecord(recorded.checklist, header, parameters, now);
  await writer.writeDeployment(record.inProgress());

  const previousCheck = await previousCheckReader(options.evidenceRoot, options.environment, id);
  const ctx: CheckContext = {
    session,
    checklist,
    params: parameters.values,
    appDir: options.appDir,
    commandEnv,
    redactor,
    attestations,
    mutatingAllowed: Boolean(options.allowMutating),
    previousCheck,
  };
  await runChecks(ctx, { id, parameters, record, writer, options, recorded: recorded.checklist });

  const deployment = record.complete(now());
  await writer.writeDeployment(deployment);
  // The chain: read and extended under the root's lock, so that collectors finishing together never fork it.
  const { previous, sha256 } = await withChainLock(options.evidenceRoot, async () => {
    const tip = await chainPredecessor(options, deployment);
    // Drift was measured against the chain's end as a schema check found it: another collection of
    // the environment linked since then stands between (they overlapped), and verify will say so.
    const baseline = previousCheck.tipRead();
    if (baseline !== undefined && baseline !== (tip?.id ?? null)) {
      options.warn?.(`the ${deployment.environment} chain moved during this collection: ${tip?.id ?? 'nothing'} was linked after its drift was measured against ${baseline ?? 'no earlier deployment'}; verify will report the drift as not against the deployment it follows — collect one environment at a time`);
    }
    const previous = tip?.digest ?? null;
    return { previous, ...(await writer.writeManifest(previous)) };
  });
  return { deployment, snapshots: record.snapshots, dir: writer.dir, manifestSha256: sha256, previousManifestSha256: previous };
}

/**
 * Everything checked against the evidence root before the first file is written: the baseline
 * must be a deployment there; then the deployment's folder is claimed (its id, `-2`, `-3`… for a
 * re-run without an explicit id) and the format's JSON Schemas are written once.
 */
async function claimDeployment(options: CollectOptions, started: Date): Promise<string> {
  const requestedId = options.deploymentId ?? defaultDeploymentId(started, options.environment, options.pr?.number ?? null);
  if (options.baseline && !(await stat(join(options.evidenceRoot, options.baseline, 'deployment.json')).catch(() => null))) {
    throw new CollectConfigError(`baseline "${options.baseline}" is not a deployment in ${options.evidenceRoot}`);
  }
  const id = await claimDeploymentDir(options.evidenceRoot, requestedId, options.deploymentId === undefined);
  for (const file of await ensureJsonSchemas(options.evidenceRoot)) {
    options.warn?.(`${file} differs from format v${SCHEMA_VERSION} as this tool writes it; left as it is (committed schema files are never rewritten)`);
  }
  return id;
}

/** Who runs the collection: `--by`, else the OS user. */
const collectorOf = (options: CollectOptions): string => options.by ?? osUser();

/** The attestations given on the command line, each by the person running the collection, at its start. */
function attestationsGiven(options: CollectOptions, recorded: Checklist, started: Date): Attested[] {
  const by = collectorOf(options);
  return (options.attest ?? []).map((aid) => ({
    id: aid,
    label: recorded.attestations.find((a) => a.id === aid)!.label,
    by,
    at: started.toISOString(),
  }));
}

/** What deployment.json says from the start and keeps saying: what, where, by which tool, against which gate. */
type DeploymentHeader = Omit<Deployment, 'collection' | 'finishedAt' | 'checks' | 'timeline' | 'criteria' | 'decision'>;

async function deploymentHeader(
  session: DatabaseSession,
  options: CollectOptions,
  { id, started, parameters, attestations, recorded, redactor }: { id: string; started: Date; parameters: Deployment['parameters']; attestations: Attested[]; recorded: Checklist; redactor: Redactor },
): Promise<DeploymentHeader> {
  const { checklist, target } = options;
  // Text the user handed in is stored like any other: secrets redacted.
  const shown = (text: string | null | undefined) => (text == null ? null : redactor.redact(text).text);
  const revision = parameters.find((p) => p.name === checklist.revisionParam && !checklistParam(checklist, p.name)?.secret)?.value;
  return {
    $schema: schemaFiles.deployment.fromFile,
    schemaVersion: SCHEMA_VERSION,
    id,
    environment: options.environment,
    pr: { number: options.pr?.number ?? null, title: shown(options.pr?.title), url: shown(options.pr?.url) },
    change: { targetRevision: shown(revision) },
    checklist: { id: checklist.id, version: checklist.version, definition: recorded },
    parameters,
    attestations,
    collectedBy: collectorOf(options),
    target: {
      kind: target.kind,
      host: target.host,
      port: target.port,
      database: target.database,
      user: target.user,
      serverVersion: session.serverVersion,
      applicationName: APPLICATION_NAME,
      privileges: session.privileges,
    },
    mutatingSteps: options.allowMutating ? { allowed: true, by: options.allowMutating.by, via: options.allowMutating.via } : { allowed: false, by: null, via: null },
    appDir: await appDirInRepository(options.appDir),
    tool: { name: TOOL_NAME, version: TOOL_VERSION, gitCommit: await gitCommit(options.appDir), node: process.version },
    startedAt: started.toISOString(),
    baseline: options.baseline ?? null,
    markedBaseline: options.markBaseline ?? false,
    notes: shown(options.notes),
  };
}

/** deployment.json as the collection stands: rewritten in progress after every check, complete at the end. */
class DeploymentRecord {
  readonly snapshots: CheckSnapshot[] = [];
  private readonly byId = new Map<string, CheckSnapshot>();

  constructor(
    private readonly checklist: Checklist,
    private readonly header: DeploymentHeader,
    private readonly parameters: ParameterValues,
    private readonly now: () => Date,
  ) {}

  add(snapshot: CheckSnapshot): void {
    this.snapshots.push(snapshot);
    this.byId.set(snapshot.id, snapshot);
  }

  /** So far: the total runs until now, and no evidence-capture step yet. */
  inProgress(): Deployment {
    return this.assemble(false, null, null);
  }

  /** Finished: evidence capture is the time from the last check's end to `finishedAt`. */
  complete(finishedAt: Date): Deployment {
    return this.assemble(true, finishedAt, this.snapshots.at(-1)?.finishedAt ?? this.header.startedAt);
  }

  private assemble(complete: boolean, finishedAt: Date | null, evidenceCaptureFrom: string | null): Deployment {
    const end = (finishedAt ?? this.now()).toISOString();
    return {
      ...this.header,
      parameters: this.parameters.recorded(),
      collection: complete ? 'complete' : 'in-progress',
      finishedAt: finishedAt?.toISOString() ?? null,
      checks: this.checklist.checks.map((c) => ({
        id: c.id,
        section: c.section,
        title: c.title,
        kind: c.kind,
        required: c.required,
        status: this.byId.get(c.id)?.status ?? null,
      })),
      timeline: buildTimeline(this.checklist, this.snapshots, {
        ...(evidenceCaptureFrom ? { evidenceCapture: { startedAt: evidenceCaptureFrom, finishedAt: end } } : {}),
        total: { startedAt: this.header.startedAt, finishedAt: end },
      }),
      ...decide({ checklist: this.checklist, snapshots: this.byId, complete }),
    };
  }
}

/**
 * The checks in the checklist's order. Each snapshot is written the moment its check ends, and
 * deployment.json after it, so a run that dies keeps what it collected.
 */
async function runChecks(
  ctx: CheckContext,
  { id, parameters, record, writer, options, recorded }: { id: string; parameters: ParameterValues; record: DeploymentRecord; writer: EvidenceWriter; options: CollectOptions; recorded: Checklist },
): Promise<void> {
  const { checks } = ctx.checklist;
  const earlier = new Map<string, CheckSnapshot>();
  ctx.earlier = earlier;
  for (const [index, check] of checks.entries()) {
    // Progress names the check as the evidence stores it (a title may have held a secret).
    options.progress?.checkStarted(recorded.checks[index]!, index, checks.length);
    // A refused parameter query is quoted in the warning: redacted like everything else printed.
    await parameters.resolveFor(check, ctx.session, options.warn && ((message) => options.warn!(ctx.redactor.redact(message).text)));
    const snapshot = await runCheck(check, ctx, id);
    await writer.writeCheck(snapshot);
    earlier.set(snapshot.id, snapshot);
    record.add(snapshot);
    await writer.writeDeployment(record.inProgress());
    options.progress?.checkFinished(snapshot, index, checks.length);
  }
}

/** The digest of the manifest this one follows: the end of its environment's chain as it is now. */
async function chainPredecessor(options: CollectOptions, deployment: Deployment): Promise<{ id: string; digest: string } | null> {
  const links = await readChainLinks(options.evidenceRoot, (other, reason) => options.warn?.(`${other}: left out of the ${deployment.environment} chain, its evidence does not read (${reason.split('\n')[0]})`));
  const tip = chainTip(links.filter((l) => l.id !== deployment.id), deployment.environment);
  return tip ? { id: tip.id, digest: tip.digest } : null;
}
