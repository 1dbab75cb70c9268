/**
 * Decisions re-derived (issue 24). A deployment's verdicts are computed, never typed: so `verify`
 * computes them again from what the evidence kept, with the same pure core the collector used, and
 * any difference is an integrity failure. Without this, a rewritten deployment whose manifests were
 * re-hashed up to the head showed "Decision: APPROVED" beside its own check that still said fail.
 *
 * What is computed again:
 * - each assertion's verdict, from the check's kept result where the result allows it (a row
 *   assertion needs every row it judged: a result whose rows were capped keeps its verdicts; a
 *   duration limit is judged again on the duration the outcome recorded when the result itself
 *   does not hold one);
 * - each check's status from its assertions, its error and its skip;
 * - the deployment's index of statuses, every criterion, the decision, and which checks its
 *   reasons name with which verdicts;
 * - a schema snapshot's change report, from the two snapshots it compares;
 * - a schema snapshot's drift, from the snapshot the previous deployment of its environment (the
 *   one its manifest follows) recorded, when the evidence root is at hand (`previous`); without it
 *   (one deployment's folder) drift is not re-derived, and `driftNotRederived` says so;
 * - a round trip's two comparisons, from the copy's snapshots it kept, and its verdicts judged on
 *   those comparisons, not on the ones it stored.
 * Verdicts and statuses are compared, not the words around them (descriptions, the figures shown):
 * those may be worded differently by another version of the tool, the verdicts may not.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { AssertionOutcome, CheckDefinition, CheckSnapshot, Deployment } from '../../format/index.ts';
import type { AssertionModule } from '../assertions/assertion-type.ts';
import { evaluateAssertions, unjudgedAssertions } from '../assertions/evaluate.ts';
import { ASSERTION_TYPES } from '../assertions/registry.ts';
import { checkStatusOf } from '../decision/check-status.ts';
import { decide } from '../decision/decide.ts';
import { changeLabel, diffCatalogs } from '../schema-diff/diff.ts';
import { driftAgainst, type Drift } from '../schema-diff/drift.ts';
import { roundTripComparisons } from '../schema-diff/round-trip.ts';

type Outcome = AssertionOutcome;

/** The duration the collector judged, where the result holds it (a query's first read). */
function measuredMsOf(result: NonNullable<CheckSnapshot['result']>): number | null {
  return result.kind === 'sql' ? (result.reads[0]?.durationMs ?? null) : null;
}

/** The check's assertion outcomes as its kept result gives them (stored ones where it cannot). */
function outcomesAgain(check: CheckDefinition, snapshot: CheckSnapshot, attestations: Deployment['attestations']): Outcome[] {
  if (snapshot.skipReason) return unjudgedAssertions(check, `not run: ${snapshot.skipReason}`);
  const result = resultAgain(snapshot.result);
  if (snapshot.error || !result) return unjudgedAssertions(check, `not judged: ${snapshot.error?.message ?? 'no result'}`);
  const measured = measuredMsOf(result);
  const again = evaluateAssertions({ check, result, measuredMs: measured ?? Number.NaN, attestations });
  // Columns expectations come first in the outcomes, then one per assertion, in order.
  const offset = again.length - check.assertions.length;
  const rowsComplete = result.kind !== 'sql' || result.rows.length === (result.rowsJudged ?? result.rowCount);
  return again.map((outcome, i) => {
    const assertion = i >= offset ? check.assertions[i - offset] : undefined;
    if (!assertion) return outcome;
    const stored = snapshot.assertions[i];
    const module = ASSERTION_TYPES[assertion.type] as AssertionModule<typeof assertion>;
    // Rows beyond those kept were judged while the result streamed: the stored verdict stands.
    if (module.over === 'rows' && !rowsComplete) return stored ?? outcome;
    if (assertion.type === 'max-duration' && assertion.metric === 'duration' && measured === null) {
      // The result holds no duration of its own: the limit is judged again on the one recorded.
      if (typeof stored?.actual !== 'number' || module.over !== 'result') return stored ?? outcome;
      return { ...outcome, ...module.judge(assertion, { result, measuredMs: stored.actual, attestations }), id: outcome.id, type: outcome.type, description: outcome.description };
    }
    return outcome;
  });
}

const list = (values: readonly string[]) => values.join(', ') || 'none';

/**
 * A query's kept rows against the digest the collector took of every row as it streamed (its last
 * read's `rowsSha256`, over `JSON.stringify` of the whole result): when every row was kept, they
 * must be that result, byte for byte; when fewer were kept, the result must say how many and
 * why (`truncation`), or the stored verdicts of its row assertions would rest on rows nobody can see.
 * Hashed synchronously (@noble/hashes), in the browser as on the command line.
 */
function rowsProblem(snapshot: CheckSnapshot): string | null {
  const result = snapshot.result;
  if (result?.kind !== 'sql') return null;
  const judged = result.rowsJudged ?? result.rowCount;
  if (result.rows.length < judged) {
    const said = snapshot.truncation;
    return said && said.rowsKept === result.rows.length && said.rowsTotal === result.rowCount
      ? null
      : `${result.rows.length} rows kept of ${judged} judged, and the truncation does not say so`;
  }
  if (result.rows.length > judged) return `${result.rows.length} rows kept, more than the ${judged} judged`;
  const digest = result.reads.at(-1)?.rowsSha256;
  const actual = bytesToHex(sha256(utf8ToBytes(JSON.stringify(result.rows))));
  return digest === actual ? null : `its rows are not the ones the query returned (their sha256 is ${actual}; the query's was ${digest})`;
}

/** JSON with every object's keys sorted: two values equal as data, whatever order their keys were built or read in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/**
 * A schema snapshot's change report against the snapshot it names (`changes.from`, in this
 * deployment): computed again from the two snapshots' objects (issue 28), as the collector computed
 * it. The assertions on it (`expected-changes`, `no-unexpected-drops`) are re-judged on the report:
 * a report rewritten to hide a drop would otherwise carry its green verdict with it.
 */
const changes = (n: number) => `${n} change${n === 1 ? '' : 's'}`;

function schemaChangesProblem(snapshot: CheckSnapshot, snapshots: ReadonlyMap<string, CheckSnapshot>): string | null {
  const result = snapshot.result;
  if (result?.kind !== 'schema' || !result.changes) return null;
  const before = snapshots.get(result.changes.from)?.result;
  if (before?.kind !== 'schema') return `its change report is against ${result.changes.from}, which holds no schema snapshot`;
  const again = diffCatalogs(before.objects, result.objects, { storage: true });
  return canonical(again) === canonical(result.changes.entries)
    ? null
    : `its change report (${changes(result.changes.entries.length)}) is not what its snapshot and ${result.changes.from}'s give (${changes(again.length)})`;
}

/**
 * The result as its own evidence gives it: a round trip's comparisons made again from the copy's
 * snapshots and its ignore list (the rest as kept). Its verdicts are judged on these, so a
 * comparison emptied with its verdicts turned green is named twice: the comparison and the verdict.
 */
function resultAgain(result: CheckSnapshot['result']): CheckSnapshot['result'] {
  if (result?.kind !== 'round-trip') return result;
  return { ...result, ...roundTripComparisons(result.snapshots, result.ignored) };
}

const differences = (n: number) => `${n} difference${n === 1 ? '' : 's'}`;

/** A round trip's stored comparisons against the ones its snapshots give (issue 28). */
function roundTripProblems(snapshot: CheckSnapshot): string[] {
  const result = snapshot.result;
  if (result?.kind !== 'round-trip') return [];
  const again = roundTripComparisons(result.snapshots, result.ignored);
  const said = { downgradeRestores: 'after the downgrade against before', upgradeRepeats: 'after the second upgrade against after the first' } as const;
  const problems: string[] = [];
  for (const key of ['downgradeRestores', 'upgradeRepeats'] as const) {
    const stored = result[key];
    const given = again[key];
    if (canonical(stored) === canonical(given)) continue;
    const count = (c: typeof stored) => (c === null ? 'none' : differences(c.entries.length));
    problems.push(`its round trip's comparison ${said[key]} (${count(stored)}) is not what its snapshots give (${count(given)})`);
  }
  return problems;
}

/**
 * The deployment before this one in its environment, from the evidence root: the one its manifest
 * follows (`id`, null for the environment's first), and the snapshots it recorded.
 */
export interface PreviousDeployment {
  id: string | null;
  /** Its snapshot of a check, null when it has none. */
  check(checkId: string): CheckSnapshot | null;
  /** When its collection finished (null or absent: not known): one that finished after this one started overlapped it. */
  finishedAt?: string | null;
}

const driftAgainstText = (d: Drift) => (d.against ? `${d.against.deploymentId} (${d.against.checkId})` : 'no baseline');

/**
 * A schema snapshot's recorded drift against the drift its previous deployment's snapshot gives
 * (issue 28): a drift entry rewritten away, or one added, or a baseline that is not the deployment
 * the manifest follows. The words of a missing baseline are not compared (another version may word
 * them otherwise), whether there is one is.
 */
function driftProblem(check: CheckDefinition, snapshot: CheckSnapshot, previous: PreviousDeployment, startedAt: string): string | null {
  const result = snapshot.result;
  if (check.kind !== 'schema' || !check.drift || result?.kind !== 'schema' || !result.drift) return null;
  const against = check.drift.against;
  const again = driftAgainst(against, previous.id === null ? null : { deploymentId: previous.id, snapshot: previous.check(against) }, result);
  const recorded = result.drift;
  if (canonical(recorded.against) !== canonical(again.against)) {
    // Two overlapping collections of one environment both measure against the chain's end as they find it; the one linked
    // second then follows the other. Never accepted (its own timestamps are all a forger needs to claim it), but said.
    const overlapped = previous.id !== null && previous.finishedAt && Date.parse(previous.finishedAt) > Date.parse(startedAt) ? ` (${previous.id} finished after this collection started: collections of one environment that overlap cannot both measure drift against its chain's end — collect one at a time, as \`deploy-evidence ci lock\` does)` : '';
    return `its drift is against ${driftAgainstText(recorded)}; the deployment before it in its environment gives ${driftAgainstText(again)}${again.against === null ? ` (${again.noBaseline})` : ''}${overlapped}`;
  }
  if (canonical(recorded.entries) === canonical(again.entries)) return null;
  const labels = (d: Drift) => new Set(d.entries.map((c) => `${c.change} ${changeLabel(c)}`));
  const was = labels(recorded);
  const is = labels(again);
  const missing = [...is].filter((l) => !was.has(l));
  const extra = [...was].filter((l) => !is.has(l));
  const parts = [
    ...(missing.length > 0 ? [`missing from it: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}`] : []),
    ...(extra.length > 0 ? [`not there: ${extra.slice(0, 5).join(', ')}${extra.length > 5 ? ', …' : ''}`] : []),
  ];
  return `its drift (${changes(recorded.entries.length)}) is not what its snapshot and ${driftAgainstText(again)} give (${changes(again.entries.length)})${parts.length > 0 ? `: ${parts.join('; ')}` : ': the objects differ in what changed'}`;
}

/**
 * Each schema snapshot's drift re-derived against the deployment before it, alone: for a reader
 * that re-derived the rest before the previous deployment was at hand (the site's loader reads
 * deployments one by one). `rederivationProblems` with `previous` says the same among the rest.
 */
export function driftRederivationProblems(deployment: Deployment, snapshots: ReadonlyMap<string, CheckSnapshot>, previous: PreviousDeployment): string[] {
  const problems: string[] = [];
  for (const check of deployment.checklist.definition.checks) {
    const snapshot = snapshots.get(check.id);
    const drift = snapshot ? driftProblem(check, snapshot, previous, deployment.startedAt) : null;
    if (drift) problems.push(`checks/${check.id}.json: ${drift}`);
  }
  return problems;
}

/** The schema snapshots whose drift could not be re-derived because the evidence root is not at hand, in words (empty: none). */
export function driftNotRederived(snapshots: ReadonlyMap<string, CheckSnapshot>): string[] {
  return [...snapshots.values()]
    .filter((s) => s.result?.kind === 'schema' && s.result.drift?.against)
    .map((s) => `checks/${s.id}.json: its drift against the previous deployment was not re-derived (the previous deployment's evidence is not here: verify it inside its evidence root)`);
}

/**
 * What a reason says, without the words it quotes: the check, its section and its verdict
 * (`optional row-count (§4.3): warn`), or the whole line when it is about no check. The quoted
 * words are the outcomes' own, which the snapshots hold; a JSON value among them was quoted in the
 * order the collector built it, not the order it was written in, so the words cannot be made
 * again byte for byte — the checks and their verdicts can.
 */
export function reasonKey(reason: string): string {
  const check = /^((?:optional )?[a-z0-9][a-z0-9-]* \(§[^)]*\)): ([a-z]+)/.exec(reason);
  return check ? `${check[1]}: ${check[2]}` : reason;
}

/**
 * Every difference between what the deployment records and what its evidence gives, in words.
 * `snapshots`: by the check id their file is named after. `listed`: the files its manifest lists.
 * A snapshot the manifest lists but whose file is not there is the manifest check's finding (the
 * file is missing); nothing is re-derived over the hole it leaves. `previous`: the deployment
 * before it in its environment, when the evidence root is at hand (drift is re-derived against it).
 */
export function rederivationProblems(deployment: Deployment, snapshots: ReadonlyMap<string, CheckSnapshot>, listed: readonly string[] = [], previous?: PreviousDeployment): string[] {
  const problems: string[] = [];
  // `snapshots` is keyed by each file's name: what a file says of itself must agree with where it is.
  for (const [file, snapshot] of snapshots) {
    if (snapshot.id !== file) problems.push(`checks/${file}.json: its id is "${snapshot.id}", not its file's name`);
    if (snapshot.deploymentId !== deployment.id) problems.push(`checks/${file}.json: it belongs to deployment "${snapshot.deploymentId}", not "${deployment.id}"`);
  }
  const checklist = deployment.checklist.definition;
  const judged = new Map<string, CheckSnapshot>();
  const indexed = new Map(deployment.checks.map((c) => [c.id, c]));
  let holes = false;
  const aheadOfRecord: string[] = [];
  for (const check of checklist.checks) {
    const snapshot = snapshots.get(check.id);
    if (!snapshot) {
      if (listed.includes(`checks/${check.id}.json`)) holes = true;
      else if ((indexed.get(check.id)?.status ?? null) !== null) problems.push(`deployment.json: lists check ${check.id} as ${indexed.get(check.id)!.status}; it has no snapshot, and its manifest lists none`);
      continue;
    }
    const where = `checks/${check.id}.json`;
    if (snapshot.kind !== check.kind) problems.push(`${where}: a ${snapshot.kind} result, but the checklist's check ${check.id} is a ${check.kind} check`);
    const rows = rowsProblem(snapshot);
    if (rows) problems.push(`${where}: ${rows}`);
    const changes = schemaChangesProblem(snapshot, snapshots);
    if (changes) problems.push(`${where}: ${changes}`);
    for (const problem of roundTripProblems(snapshot)) problems.push(`${where}: ${problem}`);
    const drift = previous ? driftProblem(check, snapshot, previous, deployment.startedAt) : null;
    if (drift) problems.push(`${where}: ${drift}`);
    const stored = snapshot.assertions;
    const again = outcomesAgain(check, snapshot, deployment.attestations);
    if (stored.map((o) => o.id).join('\n') !== again.map((o) => o.id).join('\n')) {
      problems.push(`${where}: its assertions are ${list(stored.map((o) => o.id))}; the checklist's check has ${list(again.map((o) => o.id))}`);
    } else {
      again.forEach((outcome, i) => {
        if (stored[i]!.status !== outcome.status) problems.push(`${where}: assertion ${outcome.id} says ${stored[i]!.status}; the check's result gives ${outcome.status}`);
      });
    }
    const status = checkStatusOf(check, snapshot, again);
    if (snapshot.status !== status) problems.push(`${where}: status ${snapshot.status}; its assertions${snapshot.error ? ' and its error' : ''} give ${status}`);
    // A collection writes each check's snapshot, then deployment.json: one stopped between the two
    // (killed, the machine lost) leaves one snapshot its deployment.json has not recorded yet. Its
    // decision was made without it, so it is judged without it; more than one is not that.
    if (deployment.collection === 'in-progress' && (indexed.get(check.id)?.status ?? null) === null) {
      aheadOfRecord.push(check.id);
      continue;
    }
    judged.set(check.id, { ...snapshot, assertions: again, status });
  }
  if (aheadOfRecord.length > 1) problems.push(`deployment.json: records none of ${list(aheadOfRecord)}, whose snapshots are there (a collection stopped between a snapshot and its record leaves one)`);

  if (holes) return problems;
  for (const [id, snapshot] of judged) {
    const entry = indexed.get(id);
    if (entry && entry.status !== null && entry.status !== snapshot.status) problems.push(`deployment.json: lists check ${id} as ${entry.status}; its snapshot gives ${snapshot.status}`);
  }

  const { criteria, decision } = decide({ checklist, snapshots: judged, complete: deployment.collection === 'complete' });
  const recorded = new Map(deployment.criteria.map((c) => [c.id, c]));
  for (const criterion of criteria) {
    const was = recorded.get(criterion.id);
    if (!was) problems.push(`deployment.json: criterion ${criterion.id} is missing`);
    else if (was.status !== criterion.status) problems.push(`deployment.json: criterion ${criterion.id} says ${was.status}; its checks give ${criterion.status}`);
  }
  for (const id of recorded.keys()) if (!criteria.some((c) => c.id === id)) problems.push(`deployment.json: criterion ${id} is not the checklist's`);
  if (deployment.decision.status !== decision.status) {
    problems.push(`deployment.json: the decision says ${deployment.decision.status}; its checks give ${decision.status}`);
  } else {
    const reasons = decision.reasons.map(reasonKey);
    const given = deployment.decision.reasons.map(reasonKey);
    if (given.join('\n') !== reasons.join('\n')) {
      problems.push(`deployment.json: the decision's reasons are ${list(given)}; its checks give ${list(reasons)}`);
    }
  }
  return problems;
}
