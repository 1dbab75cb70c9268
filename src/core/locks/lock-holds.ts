/**
 * Turning the lock sampler's samples into the lock observation the evidence records (issue 28):
 * which sessions were the migration's, each relation's holds as runs of consecutive samples with
 * the bounds sampling gives them, and the sessions that waited behind the migration. Pure: the
 * sampler (collectors/locks/lock-sampler.ts) only reads pg_locks and hands its samples here, so
 * what a sample means is decided, and tested, in one place.
 *
 * A sample is an instant. A lock seen from sample i to sample j (every successful sample between
 * seeing it) was held at least t[j] − t[i] and at most t[j+1] − t[i−1], the samples around it that
 * did not see it (the step's start and end when there are none). A failed sample is a gap: it is
 * skipped, so the bounds around it widen rather than a lock being split or invented.
 */
import type { LockHold, LockObservation, LockWaiter, LockedRelation } from '../../format/index.ts';
import { roundMs } from '../numbers.ts';

/** One row of pg_locks ⋈ pg_stat_activity, as the sampler read it (a relation lock). */
export interface LockSampleRow {
  pid: number;
  applicationName: string;
  /** pg_stat_activity.backend_start on the server's clock, ms since the epoch. */
  backendStartMs: number;
  /** pg_locks.relation as text. */
  relation: string;
  mode: string;
  granted: boolean;
  /** pg_blocking_pids for a lock not granted; null for a granted one. */
  blockedBy: number[] | null;
  /** The session's current statement, already redacted and capped by the sampler. */
  query: string;
}

/** A sample at `atMs` from the step's start: the rows it read, or why it failed. */
export type LockSample = { atMs: number; rows: readonly LockSampleRow[] } | { atMs: number; failed: string };

/** A relation's name, resolved once after the step. */
export interface RelationName {
  schema: string;
  name: string;
  relkind: string;
}

export interface LockSummaryInput {
  samples: readonly LockSample[];
  /** The step's duration on the sampler's clock. */
  stepMs: number;
  intervalMs: number;
  /** The application_name the migration's sessions were given; null when none was. */
  applicationName: string | null;
  /** The step's start on the server's clock (ms since the epoch): sessions that began after it are new. */
  stepStartServerMs: number;
  /** The sampler's own backend: never the migration's, and a migration waiting behind it is counted. */
  samplerPid: number | null;
  /** Sessions that are never the migration's: the collector's own. */
  excludeApplicationNames: readonly string[];
  /** Relations by oid, as they were after the step; an oid missing here was dropped during it. */
  relationNames: ReadonlyMap<string, RelationName>;
  /** What the sampler had to leave out (a ceiling reached), said in the note. */
  samplerNote?: string | null;
}

/** Ceilings of the lists an observation keeps (STYLE 17): what is cut is said, never silently dropped. */
const LOCK_LIMITS = { relations: 200, holdsPerRelation: 100, waitersPerRelation: 50, backends: 50, gaps: 20 } as const;

/** The table-level lock modes, weakest first (PostgreSQL's explicit-locking table). */
const LOCK_MODES = [
  'AccessShareLock',
  'RowShareLock',
  'RowExclusiveLock',
  'ShareUpdateExclusiveLock',
  'ShareLock',
  'ShareRowExclusiveLock',
  'ExclusiveLock',
  'AccessExclusiveLock',
] as const;

/** A mode's rank in LOCK_MODES (−1 for one it does not know: an advisory or a page lock). */
export const modeStrength = (mode: string) => (LOCK_MODES as readonly string[]).indexOf(mode);

/** `ACCESS EXCLUSIVE` for `AccessExclusiveLock`: how the documentation and LOCK TABLE spell it. */
export function modeLabel(mode: string): string {
  if (modeStrength(mode) < 0) return mode;
  return mode
    .replace(/Lock$/, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toUpperCase();
}

/** `public.invoice`, or `relation 16423 (dropped during the step)`. */
export function relationLabel(r: Pick<LockedRelation, 'schema' | 'name' | 'oid'>): string {
  return r.name === null ? `relation ${r.oid} (dropped during the step)` : `${r.schema}.${r.name}`;
}

interface Run {
  first: number;
  last: number;
  samples: number;
}

/** Runs of consecutive successful-sample indices. */
function addIndex(runs: Run[], index: number): void {
  const run = runs.at(-1);
  if (run && run.last === index - 1) {
    run.last = index;
    run.samples += 1;
  } else if (!run || run.last !== index) runs.push({ first: index, last: index, samples: 1 });
}

export function summarizeLocks(input: LockSummaryInput): LockObservation {
  const ok = input.samples.filter((s): s is Extract<LockSample, { rows: readonly LockSampleRow[] }> => 'rows' in s);
  const failed = input.samples.filter((s): s is Extract<LockSample, { failed: string }> => 'failed' in s);
  const times = ok.map((s) => s.atMs);
  const edges = [0, ...times, input.stepMs];
  let longestSpacingMs = 0;
  for (let i = 1; i < edges.length; i++) longestSpacingMs = Math.max(longestSpacingMs, edges[i]! - edges[i - 1]!);

  const excluded = new Set(input.excludeApplicationNames);
  const candidate = (row: LockSampleRow) => row.pid !== input.samplerPid && !excluded.has(row.applicationName);
  const named = input.applicationName !== null && ok.some((s) => s.rows.some((r) => candidate(r) && r.applicationName === input.applicationName));
  const isBackend = named
    ? (row: LockSampleRow) => candidate(row) && row.applicationName === input.applicationName
    : (row: LockSampleRow) => candidate(row) && row.backendStartMs >= input.stepStartServerMs;
  const matchedBy: LockObservation['matchedBy'] = named ? 'application-name' : 'new-sessions';

  const backends = new Map<number, { pid: number; applicationName: string; firstSeenMs: number; lastSeenMs: number }>();
  const holdRuns = new Map<string, { relation: string; pid: number; mode: string; granted: boolean; runs: Run[] }>();
  let blockedBySampler = 0;
  ok.forEach((sample, index) => {
    let samplerInTheWay = false;
    for (const row of sample.rows) {
      if (!isBackend(row)) continue;
      const seen = backends.get(row.pid);
      if (seen) seen.lastSeenMs = sample.atMs;
      else backends.set(row.pid, { pid: row.pid, applicationName: row.applicationName, firstSeenMs: sample.atMs, lastSeenMs: sample.atMs });
      if (row.relation === '') continue;
      const key = `${row.relation}\u0000${row.pid}\u0000${row.mode}\u0000${row.granted}`;
      const entry = holdRuns.get(key) ?? { relation: row.relation, pid: row.pid, mode: row.mode, granted: row.granted, runs: [] };
      holdRuns.set(key, entry);
      addIndex(entry.runs, index);
      if (input.samplerPid !== null && row.blockedBy?.includes(input.samplerPid)) samplerInTheWay = true;
    }
    if (samplerInTheWay) blockedBySampler += 1;
  });

  const backendPids = new Set(backends.keys());
  const waiterRuns = new Map<string, { relation: string; pid: number; mode: string; applicationName: string; query: string; blockedBy: Set<number>; firstSeenMs: number; lastSeenMs: number; samples: number }>();
  for (const sample of ok) {
    for (const row of sample.rows) {
      if (row.granted || backendPids.has(row.pid) || row.pid === input.samplerPid || row.relation === '') continue;
      const behind = (row.blockedBy ?? []).filter((pid) => backendPids.has(pid));
      if (behind.length === 0) continue;
      const key = `${row.relation}\u0000${row.pid}\u0000${row.mode}`;
      const w = waiterRuns.get(key);
      if (w) {
        w.lastSeenMs = sample.atMs;
        w.samples += 1;
        w.query = row.query;
        for (const pid of behind) w.blockedBy.add(pid);
      } else {
        waiterRuns.set(key, { relation: row.relation, pid: row.pid, mode: row.mode, applicationName: row.applicationName, query: row.query, blockedBy: new Set(behind), firstSeenMs: sample.atMs, lastSeenMs: sample.atMs, samples: 1 });
      }
    }
  }

  const at = (i: number) => times[i]!;
  const relations = new Map<string, { holds: LockHold[]; waiters: LockWaiter[] }>();
  const relationOf = (oid: string) => {
    const known = relations.get(oid);
    if (known) return known;
    const made = { holds: [] as LockHold[], waiters: [] as LockWaiter[] };
    relations.set(oid, made);
    return made;
  };
  for (const entry of holdRuns.values()) {
    for (const run of entry.runs) {
      const before = run.first > 0 ? at(run.first - 1) : 0;
      const after = run.last + 1 < times.length ? at(run.last + 1) : input.stepMs;
      relationOf(entry.relation).holds.push({
        mode: entry.mode,
        granted: entry.granted,
        pid: entry.pid,
        firstSeenMs: roundMs(at(run.first)),
        lastSeenMs: roundMs(at(run.last)),
        samples: run.samples,
        minMs: roundMs(at(run.last) - at(run.first)),
        maxMs: roundMs(Math.max(0, after - before)),
      });
    }
  }
  for (const w of waiterRuns.values()) {
    relationOf(w.relation).waiters.push({
      pid: w.pid,
      applicationName: w.applicationName,
      query: w.query,
      mode: w.mode,
      firstSeenMs: roundMs(w.firstSeenMs),
      lastSeenMs: roundMs(w.lastSeenMs),
      samples: w.samples,
      blockedBy: [...w.blockedBy].sort((a, b) => a - b),
    });
  }

  let truncated = false;
  const cut = <T>(list: T[], max: number): T[] => {
    if (list.length <= max) return list;
    truncated = true;
    return list.slice(0, max);
  };
  const byStrength = (a: LockHold, b: LockHold) => modeStrength(b.mode) - modeStrength(a.mode) || b.maxMs - a.maxMs || a.firstSeenMs - b.firstSeenMs || a.pid - b.pid;
  const inTime = (a: LockHold, b: LockHold) => modeStrength(b.mode) - modeStrength(a.mode) || a.firstSeenMs - b.firstSeenMs || a.pid - b.pid;
  const all: LockedRelation[] = [...relations].map(([oid, { holds, waiters }]) => {
    const name = input.relationNames.get(oid);
    return {
      oid,
      schema: name?.schema ?? null,
      name: name?.name ?? null,
      relkind: name?.relkind ?? null,
      // Cut keeping the strongest and longest (what the assertions judge), then shown in time order.
      holds: cut(holds.sort(byStrength), LOCK_LIMITS.holdsPerRelation).sort(inTime),
      waiters: cut(waiters.sort((a, b) => a.firstSeenMs - b.firstSeenMs || a.pid - b.pid), LOCK_LIMITS.waitersPerRelation),
    };
  });
  const relationKey = (r: LockedRelation) => (r.name === null ? `\uffff${r.oid.padStart(12, '0')}` : `${r.schema}\u0000${r.name}`);
  all.sort((a, b) => (relationKey(a) < relationKey(b) ? -1 : relationKey(a) > relationKey(b) ? 1 : 0));
  const keptRelations = cut(all, LOCK_LIMITS.relations);
  const keptBackends = cut([...backends.values()].sort((a, b) => a.firstSeenMs - b.firstSeenMs || a.pid - b.pid), LOCK_LIMITS.backends).map((b) => ({ ...b, firstSeenMs: roundMs(b.firstSeenMs), lastSeenMs: roundMs(b.lastSeenMs) }));

  const status: LockObservation['status'] = ok.length === 0 ? 'failed' : backends.size === 0 ? 'no-backends' : 'observed';
  const notes = [
    status === 'failed' ? (failed.length === 0 ? 'no sample was taken: the step ended before the first one' : `every sample failed (${failed[0]!.failed})`) : null,
    status === 'no-backends'
      ? named || input.applicationName === null
        ? 'no session of the migration was seen: none appeared in the database during the step'
        : `no session of the migration was seen: none carried the application_name ${input.applicationName}, and none appeared in the database during the step`
      : null,
    status === 'observed' && matchedBy === 'new-sessions' && input.applicationName !== null
      ? `no session carried the application_name ${input.applicationName}: the sessions that appeared in the database during the step are taken as the migration's`
      : null,
    failed.length > 0 && status !== 'failed' ? `${failed.length} of ${input.samples.length} samples failed: the bounds of a hold span them` : null,
    blockedBySampler > 0 ? `in ${blockedBySampler} sample${blockedBySampler === 1 ? '' : 's'} a session of the migration waited behind the sampler` : null,
    input.samplerNote ?? null,
    truncated ? `lists cut at their ceilings (${LOCK_LIMITS.relations} relations, ${LOCK_LIMITS.holdsPerRelation} holds and ${LOCK_LIMITS.waitersPerRelation} waiters a relation, ${LOCK_LIMITS.backends} backends)` : null,
  ].filter((n): n is string => n !== null);

  return {
    status,
    note: notes.length > 0 ? notes.join('; ') : null,
    intervalMs: input.intervalMs,
    matchedBy: status === 'failed' ? null : matchedBy,
    applicationName: input.applicationName,
    stepMs: roundMs(input.stepMs),
    samples: { taken: input.samples.length, failed: failed.length, longestSpacingMs: roundMs(longestSpacingMs) },
    gaps: failed.slice(0, LOCK_LIMITS.gaps).map((f) => ({ atMs: roundMs(f.atMs), message: f.failed })),
    backends: keptBackends,
    blockedBySampler,
    relations: keptRelations,
    truncated: truncated || Boolean(input.samplerNote),
  };
}

/** The observation says nothing a lock assertion may rest on: it failed, saw no migration, or took no sample. */
export function unjudgeableLocks(locks: LockObservation | undefined): string | null {
  if (!locks) return 'the step recorded no lock observation (observeLocks)';
  if (locks.status === 'unsupported' || locks.status === 'failed') return `the lock observation ${locks.status === 'failed' ? 'failed' : 'could not run'}: ${locks.note ?? 'no reason given'}`;
  if (locks.samples.taken - locks.samples.failed === 0) return 'the lock observation took no sample';
  if (locks.status === 'no-backends') return `the lock observation saw no session of the migration${locks.note ? ` (${locks.note})` : ''}`;
  return null;
}

/** The longest a relation may have been held in `mode` or a stronger one (granted holds; the upper bound), with the hold. */
export function longestHold(relation: LockedRelation, mode: string): LockHold | null {
  const floor = modeStrength(mode);
  let best: LockHold | null = null;
  for (const hold of relation.holds) {
    if (!hold.granted || modeStrength(hold.mode) < floor) continue;
    if (!best || hold.maxMs > best.maxMs) best = hold;
  }
  return best;
}

/** Per relation: the strongest mode held, the longest hold of it (bounds), the waiters. For the exports and the report. */
export interface LockSummaryLine {
  relation: string;
  strongestMode: string;
  minMs: number;
  maxMs: number;
  waiters: number;
}

export function lockSummaryLines(locks: LockObservation): LockSummaryLine[] {
  return locks.relations.flatMap((r) => {
    const granted = r.holds.filter((h) => h.granted);
    if (granted.length === 0 && r.waiters.length === 0) return [];
    const strongest = granted.reduce<string | null>((m, h) => (m === null || modeStrength(h.mode) > modeStrength(m) ? h.mode : m), null);
    const longest = strongest ? longestHold(r, strongest) : null;
    return [{ relation: relationLabel(r), strongestMode: strongest ?? 'none granted', minMs: longest?.minMs ?? 0, maxMs: longest?.maxMs ?? 0, waiters: new Set(r.waiters.map((w) => w.pid)).size }];
  });
}

/** `between 120 ms and 180 ms`, or `under 50 ms` when seen once at most: what a sampled duration can say. */
export function holdBounds(minMs: number, maxMs: number): string {
  const ms = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(n >= 10_000 ? 0 : 1)} s` : `${Math.round(n)} ms`);
  return minMs === 0 ? `at most ${ms(maxMs)}` : `${ms(minMs)} to ${ms(maxMs)}`;
}
