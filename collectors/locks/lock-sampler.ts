/**
 * The lock sampler (issue 28): while a mutating step runs, a second session reads pg_locks with
 * pg_stat_activity every `intervalMs` and keeps the relation locks of the sessions that may be
 * the migration's, and of any session waiting for a lock. What the samples mean is decided in
 * src/core/locks/lock-holds.ts; this module only reads, on a session that cannot get in the way:
 *
 * - READ ONLY, with a tiny lock_timeout and statement_timeout: a sample that would wait, or take
 *   long, fails and is recorded as a gap, never an error of the check;
 * - pg_locks and pg_stat_activity only (views over functions of shared memory): no application
 *   relation is ever opened, so the sampler holds no lock on one. pg_class is read once, after
 *   the step, to name the relations seen; one dropped during the step is named as such;
 * - each sample is its own statement in autocommit: no snapshot or transaction is held between
 *   samples, and samples never overlap (the next is scheduled when the last has answered).
 *
 * Used by the command check (`observeLocks`) and by any step that wants the same record (the
 * rehearsed round trip): `startLockSampler(...)` before the step, `stop()` after it.
 */
import pg from 'pg';
import { performance } from 'node:perf_hooks';
import type { LockObservation } from '../../src/format/index.ts';
import { summarizeLocks, type LockSample, type LockSampleRow, type RelationName } from '../../src/core/locks/lock-holds.ts';

/** What the sampler reads with: a connected client it owns and ends. */
export interface SamplerClient {
  query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  end(): Promise<void>;
}

export interface LockSamplerOptions {
  /** Opens the sampler's own session (never the collector's: that one must stay free for the checks). */
  connect: () => Promise<SamplerClient>;
  /** How the migration's sessions are found: their application_name; else the sessions that appear during the step. */
  match: { applicationName: string | null; excludeApplicationNames: readonly string[] };
  intervalMs: number;
  /** Redacts a session's statement before it is kept (secrets of the collection). */
  redact: (text: string) => string;
}

export interface LockSampler {
  /** Ends sampling, names the relations, closes the session; never throws: a failure is in the observation. */
  stop(): Promise<LockObservation>;
}

/** A sample may not take longer than this (statement_timeout): a slow pg_locks read is a gap, not a delay. */
const SAMPLE_TIMEOUT_MS = 1_000;
/** The sampler never waits for a lock (it takes none on application relations; this bounds catalog ones). */
const SAMPLER_LOCK_TIMEOUT_MS = 10;
/** A session's statement as kept with a waiter: the first characters, after redaction. */
const QUERY_CHARS = 500;
/** Rows kept over the whole step (a ceiling on memory for a long migration on a busy server). */
const MAX_STORED_ROWS = 500_000;
/** The first relation oid of user objects (FirstNormalObjectId): catalogs are not the migration's subject. */
const FIRST_NORMAL_OID = 16384;

/**
 * One row per relation lock of a candidate session (its application_name, or begun after the step
 * started) and per lock anyone waits for; a candidate session holding no relation lock gives one
 * row without a relation, so its presence is seen. pg_blocking_pids only for locks not granted.
 * Ages and the clock are the server's.
 */
const SAMPLE_SQL = `SELECT (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS now, coalesce((SELECT json_agg(json_build_object(
    'pid', a.pid, 'app', a.application_name, 'start', (extract(epoch FROM a.backend_start) * 1000)::float8,
    'rel', coalesce(l.relation::text, ''), 'mode', coalesce(l.mode, ''), 'granted', coalesce(l.granted, true),
    'blockedBy', CASE WHEN l.granted = false THEN pg_catalog.pg_blocking_pids(a.pid) END,
    'query', CASE WHEN l.granted = false THEN left(a.query, ${QUERY_CHARS * 2}) ELSE '' END))
  FROM pg_catalog.pg_stat_activity a
  LEFT JOIN pg_catalog.pg_locks l ON l.pid = a.pid AND l.locktype = 'relation' AND l.database = $1::oid AND l.relation >= ${FIRST_NORMAL_OID}
  WHERE a.datid = $1::oid AND a.pid <> pg_catalog.pg_backend_pid()
    AND (a.application_name = $2 OR a.backend_start >= to_timestamp($3::float8 / 1000) OR l.granted = false)), '[]'::json)::text AS rows`;

/** Opens a plain pg client for the sampler on the collector's target, read-only from its first statement. */
export function samplerConnection(config: pg.ClientConfig): () => Promise<SamplerClient> {
  return async () => {
    const client = new pg.Client({ ...config, application_name: 'deploy-evidence lock sampler', connectionTimeoutMillis: 5_000 });
    client.on('error', () => {
      // A lost connection surfaces as the next sample's error: a gap.
    });
    await client.connect();
    return client as unknown as SamplerClient;
  };
}

export async function startLockSampler(options: LockSamplerOptions): Promise<LockSampler> {
  const t0 = performance.now();
  const samples: LockSample[] = [];
  let client: SamplerClient | null = null;
  let setupProblem: string | null = null;
  let samplerPid: number | null = null;
  let database = '';
  let stepStartServerMs = Number.POSITIVE_INFINITY;
  let storedRows = 0;
  let samplerNote: string | null = null;
  const applicationName = options.match.applicationName;
  try {
    client = await options.connect();
    // Session-level settings, before anything is read: every sample is READ ONLY and bounded.
    await client.query(`SET default_transaction_read_only = on; SET statement_timeout = ${SAMPLE_TIMEOUT_MS}; SET lock_timeout = ${SAMPLER_LOCK_TIMEOUT_MS}; SET idle_in_transaction_session_timeout = ${SAMPLE_TIMEOUT_MS}`);
    const who = await client.query(`SELECT pg_catalog.pg_backend_pid() AS pid, (SELECT oid::text FROM pg_catalog.pg_database WHERE datname = current_database()) AS db, (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS now`);
    samplerPid = Number(who.rows[0]!.pid);
    database = String(who.rows[0]!.db);
    stepStartServerMs = Number(who.rows[0]!.now);
  } catch (error) {
    setupProblem = `the sampler could not open its session: ${options.redact((error as Error).message || String(error))}`;
    await client?.end().catch(() => {});
    client = null;
  }

  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let inFlight: Promise<void> | null = null;

  const sampleOnce = async (c: SamplerClient) => {
    const sent = performance.now();
    try {
      const result = await c.query(SAMPLE_SQL, [database, applicationName ?? '', stepStartServerMs]);
      // The sample's instant: halfway between asking and answering, on the sampler's clock.
      const atMs = Math.max(0, (sent + performance.now()) / 2 - t0);
      const raw = JSON.parse(String(result.rows[0]!.rows)) as { pid: number; app: string | null; start: number | null; rel: string; mode: string; granted: boolean; blockedBy: number[] | null; query: string | null }[];
      const rows: LockSampleRow[] = raw.map((r) => ({
        pid: r.pid,
        applicationName: r.app ?? '',
        backendStartMs: r.start ?? 0,
        relation: r.rel,
        mode: r.mode,
        granted: r.granted,
        blockedBy: r.blockedBy,
        query: r.query ? options.redact(r.query).slice(0, QUERY_CHARS) : '',
      }));
      if (storedRows + rows.length > MAX_STORED_ROWS) {
        samplerNote = `sampling stopped at ${Math.round(atMs)} ms: the ${MAX_STORED_ROWS} rows an observation keeps were reached`;
        stopped = true;
        return;
      }
      storedRows += rows.length;
      samples.push({ atMs, rows });
    } catch (error) {
      samples.push({ atMs: Math.max(0, (sent + performance.now()) / 2 - t0), failed: options.redact((error as Error).message || String(error)).slice(0, 300) });
    }
  };

  const schedule = (c: SamplerClient) => {
    if (stopped) return;
    const started = performance.now();
    inFlight = sampleOnce(c).then(() => {
      inFlight = null;
      if (stopped) return;
      // The next sample `intervalMs` after this one began, never overlapping it.
      timer = setTimeout(() => schedule(c), Math.max(0, options.intervalMs - (performance.now() - started)));
    });
  };
  if (client) schedule(client);

  return {
    async stop(): Promise<LockObservation> {
      const stepMs = performance.now() - t0;
      stopped = true;
      if (timer) clearTimeout(timer);
      await inFlight;
      const relationNames = new Map<string, RelationName>();
      if (client) {
        const oids = [...new Set(samples.flatMap((s) => ('rows' in s ? s.rows.map((r) => r.relation).filter((r) => r !== '') : [])))];
        if (oids.length > 0) {
          // Named once, after the step: pg_class is never read while the migration runs.
          await client
            .query(
              `SELECT c.oid::text AS oid, n.nspname AS schema, c.relname AS name, c.relkind::text AS relkind FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = ANY($1::oid[])`,
              [oids],
            )
            .then((r) => {
              for (const row of r.rows) relationNames.set(String(row.oid), { schema: String(row.schema), name: String(row.name), relkind: String(row.relkind) });
            })
            .catch((error: Error) => {
              samplerNote = [samplerNote, `the relations could not be named after the step: ${options.redact(error.message)}`].filter(Boolean).join('; ');
            });
        }
        await client.end().catch(() => {});
      }
      if (setupProblem !== null) {
        return {
          status: 'failed',
          note: setupProblem,
          intervalMs: options.intervalMs,
          matchedBy: null,
          applicationName,
          stepMs: Math.round(stepMs * 1000) / 1000,
          samples: { taken: 0, failed: 0, longestSpacingMs: Math.round(stepMs * 1000) / 1000 },
          gaps: [],
          backends: [],
          blockedBySampler: 0,
          relations: [],
          truncated: false,
        };
      }
      return summarizeLocks({
        samples,
        stepMs,
        intervalMs: options.intervalMs,
        applicationName,
        stepStartServerMs,
        samplerPid,
        excludeApplicationNames: options.match.excludeApplicationNames,
        relationNames,
        samplerNote,
      });
    },
  };
}
