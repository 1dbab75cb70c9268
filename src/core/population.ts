/**
 * The population of a period (issue 26): every deployment collected in it, one row each, as a SOC 2
 * or SOX auditor samples from — who changed what, what was decided, who signed off, and whether the
 * evidence verifies. Pure: deployments and their verdicts in (the CLI reads and verifies the
 * evidence root as `verify` does; the site's build has them loaded), rows, CSV and JSON out.
 *
 * The period is whole days in UTC, both ends included, and a deployment belongs to the day its
 * collection started (`startedAt`): every deployment has one, an unfinished collection too, and it
 * is the date the default deployment id carries. A deployment whose deployment.json does not read
 * has no start to place it by: it is listed apart (`unplaced`), never dropped.
 */
import type { DecisionStatus, Deployment } from '../format/index.ts';
import type { IntegrityStatus } from './integrity/verify.ts';
import type { RoleVerdict, SignoffState } from './signoffs/verify-signoffs.ts';
import { chronological } from './order.ts';
import { targetRevisionOf, type TargetRevision } from './target-revision.ts';
import { csvDocument } from './csv.ts';
import { permalink, routes, type SiteLocation } from './routes.ts';

/** A deployment as the population reads it: what it records, and what verifying it found. */
export interface PopulationEntry {
  id: string;
  /** Null: its deployment.json does not read (the integrity problems say why). */
  deployment: Pick<Deployment, 'environment' | 'pr' | 'change' | 'checklist' | 'decision' | 'collection' | 'startedAt' | 'finishedAt' | 'collectedBy'> | null;
  integrity: {
    status: IntegrityStatus;
    digest: string | null;
    problems: readonly string[];
    /** Sign-offs that do not hold: the deployment does not verify (as `verify` judges it). */
    signoffProblems: readonly string[];
    signoffs: readonly RoleVerdict[];
  };
}

/**
 * `verified`: its files are what its manifest lists, its verdicts re-derive, its link in the chain
 * holds and every sign-off on it holds. `failed`: any of that does not. `incomplete`: no manifest,
 * its collection did not finish — nothing in it is vouched for.
 */
type PopulationIntegrity = 'verified' | 'failed' | 'incomplete';

interface PopulationSignoff {
  role: string;
  label: string;
  /** signed, stale, unverified or unsigned (src/core/signoffs/verify-signoffs.ts). */
  state: SignoffState;
  /** The name the signers list binds to the key (or, for an unknown key, the name it claims). */
  signer: string | null;
  signedAt: string | null;
  /** Signed over a BLOCKED or INCOMPLETE decision with `sign --force`: the decision it overrode. */
  forcedOver: DecisionStatus | null;
  /** Signed with a sample key committed with the examples: never to be trusted for a real deployment. */
  sampleKey: boolean;
}

export interface PopulationRow {
  id: string;
  environment: string;
  pr: number | null;
  prTitle: string | null;
  /** The revision the deployment brings (src/core/target-revision.ts), null when none is known. */
  targetRevision: string | null;
  /** `recorded` in the deployment, or `expected` by its checklist's migration checks. */
  targetRevisionFrom: TargetRevision['from'] | null;
  decision: DecisionStatus;
  /** `in-progress`: the collection never finished. */
  collection: 'complete' | 'in-progress';
  startedAt: string;
  finishedAt: string | null;
  /** Who ran the collection (null: not recorded, as before format v3). */
  collectedBy: string | null;
  /** Every role its checklist declares, in the checklist's order. */
  signoffs: PopulationSignoff[];
  integrity: PopulationIntegrity;
  /** Why it is not `verified`. */
  integrityProblems: string[];
  /** sha256 of its manifest.json (null without one). */
  digest: string | null;
  /** Its report: absolute when the site's address is known, else the path from the site's root. */
  reportUrl: string;
}

/** Deployments whose deployment.json does not read: no date to place them in a period by. */
export interface UnplacedDeployment {
  id: string;
  integrity: PopulationIntegrity;
  integrityProblems: string[];
}

/** Whole UTC days, both included, by the day each deployment's collection started. */
export interface Period {
  from: string;
  to: string;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar day `YYYY-MM-DD` (a real one: no 2026-02-30), or null. */
function dayStart(day: string): Date | null {
  const m = DAY.exec(day);
  if (!m) return null;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return date.toISOString().slice(0, 10) === day ? date : null;
}

export class PeriodError extends Error {}

/** The period's bounds as instants: from the start of `from` (included) to the end of `to` (the start of the day after, excluded). */
export function periodBounds(period: Period): { start: string; end: string } {
  const from = dayStart(period.from);
  const to = dayStart(period.to);
  if (!from) throw new PeriodError(`--from "${period.from}" is not a date (YYYY-MM-DD, a day in UTC)`);
  if (!to) throw new PeriodError(`--to "${period.to}" is not a date (YYYY-MM-DD, a day in UTC)`);
  if (from > to) throw new PeriodError(`the period ends (--to ${period.to}) before it starts (--from ${period.from})`);
  return { start: from.toISOString(), end: new Date(to.getTime() + 86_400_000).toISOString() };
}

function integrityOf(entry: PopulationEntry): { integrity: PopulationIntegrity; integrityProblems: string[] } {
  const problems = [...entry.integrity.problems, ...entry.integrity.signoffProblems];
  // As `verify` judges it: the evidence, then its sign-offs (src/cli/verify-evidence-root.ts, verdictOf).
  if (entry.integrity.status === 'FAILED' || entry.integrity.signoffProblems.length > 0) return { integrity: 'failed', integrityProblems: problems };
  if (entry.integrity.status === 'INCOMPLETE') return { integrity: 'incomplete', integrityProblems: problems };
  return { integrity: 'verified', integrityProblems: [] };
}

function signoffOf(role: RoleVerdict): PopulationSignoff {
  const signoff = role.signoff;
  return {
    role: role.role,
    label: role.label,
    state: role.state,
    signer: signoff?.name ?? null,
    signedAt: signoff?.predicate?.signedAt ?? null,
    forcedOver: signoff?.predicate?.forced?.decision ?? null,
    sampleKey: signoff?.sampleKey ?? false,
  };
}

/** Every entry as a row (and those that cannot be placed apart), newest first. */
export function populationRows(entries: readonly PopulationEntry[], where: SiteLocation = {}): { rows: PopulationRow[]; unplaced: UnplacedDeployment[] } {
  const rows: PopulationRow[] = [];
  const unplaced: UnplacedDeployment[] = [];
  for (const entry of entries) {
    const d = entry.deployment;
    if (!d) {
      unplaced.push({ id: entry.id, ...integrityOf(entry) });
      continue;
    }
    const target = targetRevisionOf(d);
    rows.push({
      id: entry.id,
      environment: d.environment,
      pr: d.pr.number,
      prTitle: d.pr.title,
      targetRevision: target?.revision ?? null,
      targetRevisionFrom: target?.from ?? null,
      decision: d.decision.status,
      collection: d.collection,
      startedAt: d.startedAt,
      finishedAt: d.finishedAt,
      collectedBy: d.collectedBy,
      signoffs: entry.integrity.signoffs.map(signoffOf),
      ...integrityOf(entry),
      digest: entry.integrity.digest,
      reportUrl: permalink(routes.deployment(entry.id), where),
    });
  }
  rows.sort((a, b) => chronological(b, a));
  unplaced.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { rows, unplaced };
}

export interface PopulationQuery {
  period: Period;
  /** Only this environment (null: all). */
  environment: string | null;
}

/** The population of a period: the rows whose collection started in it (and of the environment asked for). */
export function populationOf(entries: readonly PopulationEntry[], query: PopulationQuery, where: SiteLocation = {}): { rows: PopulationRow[]; unplaced: UnplacedDeployment[] } {
  const { start, end } = periodBounds(query.period);
  const { rows, unplaced } = populationRows(entries, where);
  // Compared as instants: a recorded timestamp is ISO-8601 UTC, but not always with milliseconds.
  const inPeriod = (row: PopulationRow) => {
    const t = Date.parse(row.startedAt);
    return t >= Date.parse(start) && t < Date.parse(end);
  };
  return { rows: rows.filter((row) => inPeriod(row) && (query.environment === null || row.environment === query.environment)), unplaced };
}

/** The roles of the rows, each once, in the order they first appear (the CSV's sign-off columns). */
function populationRoles(rows: readonly PopulationRow[]): string[] {
  return [...new Set(rows.flatMap((row) => row.signoffs.map((s) => s.role)))];
}

const FIXED_COLUMNS = ['id', 'environment', 'pr', 'pr_title', 'target_revision', 'decision', 'collection', 'started_at', 'finished_at', 'collected_by', 'integrity', 'integrity_problems', 'digest_sha256', 'report_url'] as const;

/**
 * The rows as CSV: the fixed columns, then per sign-off role (every role any row's checklist
 * declares) its state, signer, time and the decision a forced sign-off overrode. A row whose
 * checklist does not declare a role leaves its cells empty.
 */
export function populationCsv(rows: readonly PopulationRow[]): string {
  const roles = populationRoles(rows);
  const header = [...FIXED_COLUMNS, ...roles.flatMap((role) => [`signoff:${role}:state`, `signoff:${role}:signer`, `signoff:${role}:signed_at`, `signoff:${role}:forced_over`])];
  const records = rows.map((row) => [
    row.id,
    row.environment,
    row.pr,
    row.prTitle,
    row.targetRevision,
    row.decision,
    row.collection,
    row.startedAt,
    row.finishedAt,
    row.collectedBy,
    row.integrity,
    row.integrityProblems.join('; '),
    row.digest,
    row.reportUrl,
    ...roles.flatMap((role) => {
      const s = row.signoffs.find((x) => x.role === role);
      return s ? [s.state, s.signer, s.signedAt, s.forcedOver] : [null, null, null, null];
    }),
  ]);
  return csvDocument(header, records);
}

/** The JSON document `population --format json` prints (docs/cli.md describes it). */
export function populationJson(query: PopulationQuery, population: { rows: readonly PopulationRow[]; unplaced: readonly UnplacedDeployment[] }): string {
  const document = {
    period: { from: query.period.from, to: query.period.to, by: 'startedAt', timeZone: 'UTC', inclusive: true },
    environment: query.environment,
    count: population.rows.length,
    deployments: population.rows,
    unplaced: population.unplaced,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
