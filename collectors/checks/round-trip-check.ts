/**
 * `round-trip` (issue 28): upgrade → downgrade → upgrade rehearsed on a throwaway copy of the
 * target database on the same server, never on the target. The commands run as a command check's
 * do (../process/: a process group each, a timeout, output redacted as it streams and capped), with
 * the variables that carry the database's URL (`databaseUrlEnv`) set to the copy's; an argument or
 * any other variable holding the target's URL is refused before anything is created.
 *
 * The copy: `CREATE DATABASE <scratch> TEMPLATE <target>` from another database of the server
 * (`postgres`, else `template1`), with the collector's own session on the target closed first —
 * PostgreSQL refuses a template anyone is connected to, and an application usually is; then
 * `pg_dump` of the target restored with `pg_restore --no-owner` into an empty database (pg_dump not
 * older than the server). Both need CREATEDB.
 *
 * The scratch database is named `deploy_evidence_rt_<key>`, and the collector holds the session
 * advisory lock (ROUND_TRIP_LOCK_CLASS, key) from before it is created until it is dropped. It is
 * dropped when the round trip ends, whatever happened — a failed step, a timeout, SIGINT/SIGTERM
 * (a stop hook, ../process/stop-hooks.ts). After a SIGKILL nothing runs; the next round trip on the
 * server finds the copies whose lock nobody holds (pg_locks is server-wide) and drops them first.
 *
 * Each step's locks are observed, always (issue 28, point 6): the lock sampler
 * (../locks/lock-sampler.ts) opens its own read-only session on the copy before the step and is
 * stopped after it, whatever the step did — a failure, a timeout — so its session never outlives the
 * step. The step's sessions are found by a PGAPPNAME unique to the step (or the one the check passes
 * itself), never the collector's own; the copy is a database of its own, so what is seen are the
 * copy's relations, never the target's. It costs the rehearsal nothing the target would feel.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { randomBytes, randomInt } from 'node:crypto';
import { stat } from 'node:fs/promises';
import pg from 'pg';
import { commandEnvNames, fillPlaceholders, type CatalogObject, type CheckOf, type LockObservation, type RoundTripResult, type RoundTripStep, type RoundTripStepName } from '../../src/format/index.ts';
import { roundMs } from '../../src/core/numbers.ts';
import { roundTripComparisons } from '../../src/core/schema-diff/round-trip.ts';
import { libpqQueryOptions, resolveConnection } from '../db/connection.ts';
import { scrub } from '../db/secrets.ts';
import { DatabaseSession } from '../db/session.ts';
import { samplerConnection, startLockSampler } from '../locks/lock-sampler.ts';
import { CappedOutput, findExecutable, runSupervised } from '../process/child-process.ts';
import { MachinePaths } from '../process/machine-paths.ts';
import { onStop } from '../process/stop-hooks.ts';
import { commandEnvValue, sessionSettingsFor, type CheckContext, type CheckRun } from './check-context.ts';
import { unmetRequirement } from './command-check.ts';
import { redactedObjects } from './redact-run.ts';
import { readCatalog, schemasInScope } from './schema-check.ts';

/** The scratch databases' prefix: recognisable on the server, and how leftovers are found. */
export const SCRATCH_PREFIX = 'deploy_evidence_rt_';
/** The first key of the advisory lock a collector holds while its scratch database exists ('RTRP'). */
export const ROUND_TRIP_LOCK_CLASS = 0x52545250;
const KILL_GRACE_MS = 3_000;
/** How often each step's locks are sampled on the copy: the command check's default (`observeLocks`). */
const ROUND_TRIP_LOCK_INTERVAL_MS = 50;
/** How long a stopped collector waits for its scratch database to be dropped. */
const DROP_BUDGET_MS = 15_000;

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * The same connection URL naming another database (credentials, host, port, a unix socket and the
 * other options kept). A `dbname` in the query string would win over the path for libpq, psycopg
 * and SQLAlchemy (node-pg reads only the path): it is taken out, so every client reaches `database`.
 */
export function urlForDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  // The query as libpq reads it, every dbname out (repeated, or spelled `%64bname`): a `#` is no
  // fragment for libpq, so a `dbname` after one would still count — the fragment goes, its options
  // stay in the query. Not URLSearchParams, which would write a space as `+` (libpq reads a plus).
  const kept = libpqQueryOptions(url).filter((option) => !/^(?:dbname|database)$/i.test(option.key)).map((option) => option.raw);
  u.hash = '';
  u.search = kept.length > 0 ? `?${kept.join('&')}` : '';
  return u.toString();
}

/** Whether a database's name is one of the scratch databases this check makes (`deploy_evidence_rt_` and eight hex digits). */
export function isScratchName(name: string): boolean {
  return /^deploy_evidence_rt_[0-9a-f]{8}$/.test(name);
}

/** Connection URLs in any spelling a tool takes them: `postgres://`, `postgresql://`, SQLAlchemy's `postgresql+psycopg2://`. */
const URL_IN_TEXT = /postgres(?:ql)?(?:\+[a-z0-9_]+)?:\/\/[^\s'"`<>]*/gi;

/**
 * The database a connection URL names, as libpq reads it (a `dbname` in the query wins over the
 * path, the last of several; an empty one, or none and no path: the user's name); null when it
 * cannot be read.
 */
export function databaseOfUrl(url: string): string | null {
  try {
    const u = new URL(url.replace(/^[a-z0-9+]+:/i, 'postgresql:'));
    const path = decodeURIComponent(u.pathname.replace(/^\//, ''));
    const dbname = libpqQueryOptions(url).findLast((option) => option.key === 'dbname');
    return (dbname ? dbname.value : path) || decodeURIComponent(u.username) || null;
  } catch {
    return null;
  }
}

/**
 * Why a command's argument or variable would reach the target rather than the copy, or null: it
 * holds the target's URL, or any connection URL that names the target's database (another
 * spelling, another driver, the password encoded otherwise — or one that cannot be read), or a
 * libpq `dbname=` naming it. `name`: the variable's, for PGDATABASE.
 */
export function namesTarget(value: string, target: { url: string; database: string }, name: string | null = null): string | null {
  if (value.includes(target.url)) return 'holds the target database\'s URL';
  if (name === 'PGDATABASE' && value === target.database) return 'names the target database';
  for (const [url] of value.matchAll(URL_IN_TEXT)) {
    const database = databaseOfUrl(url);
    if (database === null) return 'holds a database URL that cannot be read (it might name the target)';
    if (database === target.database) return 'holds a URL of the target database';
  }
  for (const m of value.matchAll(/\bdbname\s*=\s*(?:'((?:[^'\\]|\\.)*)'|([^\s']+))/g)) {
    const database = m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]!;
    if (database === target.database) return 'names the target database (dbname=)';
  }
  return null;
}

/** The URL without its password, and the password (for PGPASSWORD: never in a child's argv). */
function splitPassword(url: string): { url: string; password: string | null } {
  const u = new URL(url);
  const password = u.password ? decodeURIComponent(u.password) : null;
  u.password = '';
  return { url: u.toString(), password };
}

class RoundTripRefused extends Error {}

interface Admin {
  client: pg.Client;
  /** The database it is connected to: the template can be used only from another one. */
  database: string;
}

async function connectAdmin(targetUrl: string, target: string, applicationName: string): Promise<Admin> {
  let last: unknown = null;
  for (const database of ['postgres', 'template1', target]) {
    const client = new pg.Client({ connectionString: urlForDatabase(targetUrl, database), application_name: applicationName, connectionTimeoutMillis: 10_000 });
    client.on('error', () => {});
    try {
      await client.connect();
      return { client, database };
    } catch (error) {
      last = error;
      await client.end().catch(() => {});
    }
  }
  throw last instanceof Error ? last : new Error(String(last));
}

/**
 * Scratch databases of earlier collections that nobody holds the lock of: left by a killed
 * collector. Only names this check makes (isScratchName: the prefix and exactly eight hex digits —
 * `deploy_evidence_rt_archive` is somebody's, not a copy), never the database named in `keep` (the
 * target, the one connected to), and only when no session holds the lock of its key.
 */
export async function dropLeftovers(admin: pg.Client, keep: readonly string[]): Promise<string[]> {
  const scratch = await admin.query<{ datname: string }>(`SELECT datname FROM pg_catalog.pg_database WHERE starts_with(datname, $1) ORDER BY datname`, [SCRATCH_PREFIX]);
  const candidates = scratch.rows.map((r) => r.datname).filter((name) => isScratchName(name) && !keep.includes(name));
  if (candidates.length === 0) return [];
  const held = await admin.query<{ objid: string }>(`SELECT objid::text FROM pg_catalog.pg_locks WHERE locktype = 'advisory' AND classid = $1::oid AND objsubid = 2 AND granted`, [ROUND_TRIP_LOCK_CLASS]);
  const live = new Set(held.rows.map((r) => Number(r.objid)));
  const dropped: string[] = [];
  for (const datname of candidates) {
    const key = Number.parseInt(datname.slice(SCRATCH_PREFIX.length), 16);
    if (live.has(key)) continue;
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(datname)} WITH (FORCE)`);
      dropped.push(datname);
    } catch {
      // Another role's, or dropped meanwhile by another collector: not ours to insist on.
    }
  }
  return dropped;
}

async function dropScratch(targetUrl: string, admin: Admin, name: string): Promise<void> {
  // A fresh connection: the admin one may be waiting on a statement (a CREATE DATABASE being stopped).
  const client = new pg.Client({ connectionString: urlForDatabase(targetUrl, admin.database), connectionTimeoutMillis: 10_000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
  } finally {
    await client.end().catch(() => {});
  }
}

const MAJOR = (versionNum: number) => Math.floor(versionNum / 10_000);

/** pg_dump and pg_restore from PATH, refused when older than the server (they would refuse to dump it). */
async function dumpTools(serverVersionNum: number): Promise<{ pgDump: string; pgRestore: string }> {
  const pgDump = await findExecutable('pg_dump', process.env.PATH);
  if (!pgDump) throw new RoundTripRefused('pg_dump is not on PATH: install the PostgreSQL client of the server\'s version (e.g. postgresql-client), or let the role copy the database as a template (CREATEDB, and no other session on the target)');
  const pgRestore = (await findExecutable(join(dirname(pgDump), 'pg_restore'), undefined)) ?? (await findExecutable('pg_restore', process.env.PATH));
  if (!pgRestore) throw new RoundTripRefused(`pg_restore is not beside ${pgDump} nor on PATH: install the PostgreSQL client tools`);
  const out: string[] = [];
  await runSupervised({ argv: [pgDump, '--version'], cwd: tmpdir(), env: { PATH: process.env.PATH ?? '' }, timeoutMs: 10_000, graceMs: 1_000 }, (c) => out.push(c.toString()), () => {});
  const match = out.join('').match(/(\d+)(?:\.(\d+))?/);
  const major = match ? Number(match[1]) : 0;
  const serverMajor = MAJOR(serverVersionNum);
  if (major < serverMajor) {
    throw new RoundTripRefused(`pg_dump ${major} is older than the server (PostgreSQL ${serverMajor}) and cannot dump it: put the PostgreSQL ${serverMajor} client first on PATH (e.g. /usr/lib/postgresql/${serverMajor}/bin)`);
  }
  return { pgDump, pgRestore };
}

export async function runRoundTripCheck(check: CheckOf<'round-trip'>, ctx: CheckContext): Promise<CheckRun> {
  const appDir = resolve(ctx.appDir);
  const cwd = resolve(appDir, check.cwd);
  const fill = (argv: readonly string[]) => argv.map((arg) => fillPlaceholders(arg, (name) => ctx.params.get(name)));
  const argvOf: Record<RoundTripStepName, string[]> = { upgrade: fill(check.upgrade), downgrade: fill(check.downgrade), 'upgrade again': fill(check.upgrade) };
  const envNames = [...new Set(['PATH', ...commandEnvNames(check), ...check.databaseUrlEnv].filter((n) => n !== 'PATH'))];
  const paths = await MachinePaths.of({ appDir });
  const shown = (argv: readonly string[]) => argv.map((arg) => paths.rewrite(ctx.redactor.redact(arg).text));
  const run: CheckRun = {
    source: {
      argv: shown(argvOf.upgrade),
      cwd: relative(appDir, cwd) || '.',
      env: ['PATH', ...envNames],
      timeoutMs: check.timeoutMs,
      note: `upgrade, then ${shown(argvOf.downgrade).join(' ')}, then the upgrade again, on a throwaway copy of the database (never the target)`,
    },
    session: null,
    result: null,
    error: null,
    skipReason: null,
    truncation: null,
    measuredMs: 0,
  };
  const target = ctx.session.target;
  if (target.kind === 'embedded') {
    run.skipReason = 'the round trip needs a PostgreSQL server to copy the database on: the embedded database (PGlite) is one database, and a round trip there would run on the target itself';
    return run;
  }
  if (!(await stat(cwd).catch(() => null))?.isDirectory()) {
    run.error = { kind: 'spawn', message: `working directory does not exist: ${run.source.cwd} (in the application directory)`, code: null, hint: 'Point --app-dir at the application directory.', detail: null };
    return run;
  }
  // Never on the target: nothing the commands get may name it.
  const targetUrl = target.url;
  // A URL whose query names another database than its path: node-pg (the copy's source) reads the
  // path, libpq and SQLAlchemy (the commands) the query — the copy would not be of their database.
  const queried = databaseOfUrl(targetUrl);
  if (queried !== null && queried !== target.database) {
    run.error = { kind: 'refused', message: `the database URL names two databases (${target.database} in its path, another in its dbname option): the copy would not be of the database the commands use — name the database once, in the path`, code: null, hint: null, detail: null };
    return run;
  }
  const baseEnv: Record<string, string> = { PATH: commandEnvValue('PATH', ctx) ?? '' };
  for (const name of envNames) {
    if (check.databaseUrlEnv.includes(name)) continue;
    const value = commandEnvValue(name, ctx);
    if (value === undefined) continue;
    const why = namesTarget(value, { url: targetUrl, database: target.database }, name);
    if (why) {
      run.error = { kind: 'refused', message: `${name} ${why}: the round trip runs only on the copy — list the variable in databaseUrlEnv so it gets the copy's URL`, code: null, hint: null, detail: null };
      return run;
    }
    baseEnv[name] = value;
  }
  for (const arg of [...argvOf.upgrade, ...argvOf.downgrade]) {
    const why = namesTarget(arg, { url: targetUrl, database: target.database });
    if (why) {
      run.error = { kind: 'refused', message: `a command argument ${why}: the round trip runs only on the copy — pass the URL through a variable of databaseUrlEnv instead`, code: null, hint: null, detail: null };
      return run;
    }
  }
  const unmet = await unmetRequirement(argvOf.upgrade[0]!, check.requires, baseEnv);
  if (unmet) {
    run.skipReason = paths.rewrite(unmet);
    return run;
  }

  let admin: Admin;
  try {
    admin = await connectAdmin(targetUrl, target.database, ctx.session.applicationName);
  } catch (error) {
    run.error = { kind: 'connection', message: `cannot connect to the server to make the copy: ${scrub((error as Error).message, target.secrets)}`, code: null, hint: null, detail: null };
    return run;
  }
  const key = randomInt(1, 2 ** 31 - 1);
  const scratch = `${SCRATCH_PREFIX}${key.toString(16).padStart(8, '0')}`;
  let unregister: (() => void) | null = null;
  let created = false;
  let copySession: DatabaseSession | null = null;
  try {
    const may = await admin.client.query<{ may: boolean; version: string }>(`SELECT (rolcreatedb OR rolsuper) AS may, current_setting('server_version_num') AS version FROM pg_catalog.pg_roles WHERE rolname = current_user`);
    if (!may.rows[0]?.may) {
      run.skipReason = 'the round trip makes a copy of the database on the server, and the collecting role may not create databases: grant it CREATEDB (ALTER ROLE … CREATEDB) for the rehearsal, or leave the check out';
      return run;
    }
    const serverVersionNum = Number(may.rows[0].version);
    const leftoversDropped = await dropLeftovers(admin.client, [target.database, admin.database]);
    await admin.client.query('SELECT pg_advisory_lock($1, $2)', [ROUND_TRIP_LOCK_CLASS, key]);
    unregister = onStop(() => dropScratch(targetUrl, admin, scratch), DROP_BUDGET_MS);

    const copyUrl = urlForDatabase(targetUrl, scratch);
    const { method, templateRefused } = await makeCopy(check, ctx, admin, scratch, serverVersionNum, (yes) => (created = yes));
    const copyTarget = resolveConnection({ databaseUrl: copyUrl });
    copySession = await DatabaseSession.open(copyTarget, ctx.session.applicationName);
    const schemas = schemasInScope(check, ctx.checklist);
    const settings = sessionSettingsFor({}, ctx);
    const snapshotOf = async (): Promise<CatalogObject[]> => {
      const objects = await copySession!.readOnly(settings, (tx) => readCatalog(tx, schemas));
      if (objects.length > check.maxObjects) throw new RoundTripRefused(`the copy's catalog holds ${objects.length} objects, more than maxObjects (${check.maxObjects}): a cut snapshot cannot be compared — raise maxObjects or narrow schemas`);
      // Stored redacted, and compared as stored: verify derives the same comparisons from them.
      return redactedObjects(objects, ctx.redactor);
    };

    const env = { ...baseEnv, ...Object.fromEntries(check.databaseUrlEnv.map((name) => [name, copyUrl])) };
    const snapshots: RoundTripResult['snapshots'] = { before: await snapshotOf(), afterUpgrade: null, afterDowngrade: null, afterUpgradeAgain: null };
    const steps: RoundTripStep[] = [];
    const after: Record<RoundTripStepName, keyof RoundTripResult['snapshots']> = { upgrade: 'afterUpgrade', downgrade: 'afterDowngrade', 'upgrade again': 'afterUpgradeAgain' };
    for (const step of ['upgrade', 'downgrade', 'upgrade again'] as const) {
      // The step's sessions carry an application_name of their own (libpq and psycopg read PGAPPNAME).
      const applicationName = baseEnv.PGAPPNAME ?? `deploy-evidence-step-${randomBytes(6).toString('hex')}`;
      const sampler = await startLockSampler({
        connect: samplerConnection(copyTarget.config),
        match: { applicationName, excludeApplicationNames: [ctx.session.applicationName] },
        intervalMs: ROUND_TRIP_LOCK_INTERVAL_MS,
        redact: (text) => ctx.redactor.redact(text).text,
      });
      let ran: Omit<RoundTripStep, 'locks'>;
      let locks: LockObservation;
      try {
        ran = await runStep(step, argvOf[step], { cwd, env: { ...env, PGAPPNAME: applicationName }, check, ctx, paths });
      } finally {
        // Stopped, and its session closed, whatever the step did: it never outlives the step.
        locks = await sampler.stop();
      }
      const done: RoundTripStep = { ...ran, locks };
      steps.push(done);
      run.measuredMs = roundMs(run.measuredMs + done.durationMs);
      if (done.exitCode !== 0 || done.timedOut) break;
      snapshots[after[step]] = await snapshotOf();
    }
    const bytesOmitted = steps.reduce((sum, s) => sum + s.bytesOmitted, 0);
    if (bytesOmitted > 0) run.truncation = { rowsTotal: null, rowsKept: null, bytesOmitted };
    run.redactions = steps.reduce((sum, s) => sum + s.redactions, 0);
    run.result = {
      kind: 'round-trip',
      copy: { method, templateRefused, database: scratch, dropped: false, leftoversDropped },
      ignored: check.ignore,
      schemas,
      steps,
      snapshots,
      ...roundTripComparisons(snapshots, check.ignore),
    };
  } catch (error) {
    if (error instanceof RoundTripRefused) run.error = { kind: 'refused', message: error.message, code: null, hint: null, detail: null };
    else run.error = { kind: 'internal', message: scrub(error instanceof Error ? error.message : String(error), target.secrets), code: (error as { code?: string }).code ?? null, hint: null, detail: null };
  } finally {
    await copySession?.close();
    let dropped = !created;
    if (created) {
      dropped = await dropScratch(targetUrl, admin, scratch).then(
        () => true,
        () => false,
      );
    }
    if (run.result?.kind === 'round-trip') run.result.copy.dropped = dropped;
    if (dropped) unregister?.();
    await admin.client.query('SELECT pg_advisory_unlock_all()').catch(() => {});
    await admin.client.end().catch(() => {});
  }
  return run;
}

interface StepContext {
  cwd: string;
  env: Record<string, string>;
  check: CheckOf<'round-trip'>;
  ctx: CheckContext;
  paths: MachinePaths;
}

async function runStep(step: RoundTripStepName, argv: string[], { cwd, env, check, ctx, paths }: StepContext): Promise<Omit<RoundTripStep, 'locks'>> {
  const cap = Math.min(check.maxOutputBytes, 8 * 1024 * 1024);
  const stdout = new CappedOutput(cap, ctx.redactor, paths);
  const stderr = new CappedOutput(cap, ctx.redactor, paths);
  const result = await runSupervised({ argv, cwd, env, timeoutMs: check.timeoutMs, graceMs: KILL_GRACE_MS }, (c) => stdout.push(c), (c) => stderr.push(c));
  const out = stdout.finish();
  const err = stderr.finish();
  const spawnError = result.spawnError ? paths.rewrite(ctx.redactor.redact(`${argv[0]}: ${result.spawnError.message}`).text) : null;
  const withTail = (o: ReturnType<CappedOutput['finish']>) => (o.tail === null ? o.text : `${o.text}\n…\n${o.tail}`);
  return {
    step,
    argv: argv.map((arg) => paths.rewrite(ctx.redactor.redact(arg).text)),
    exitCode: result.exitCode,
    signal: result.signal,
    timedOut: result.timedOut,
    durationMs: roundMs(result.durationMs),
    stdout: withTail(out),
    stderr: spawnError ? `${withTail(err)}${spawnError}` : withTail(err),
    bytesOmitted: out.omitted + err.omitted,
    redactions: out.redactions + err.redactions,
  };
}

/**
 * CREATE DATABASE of the scratch name, counted as created before it is sent (a statement cut off
 * with its connection may still complete on the server, and the copy must then be dropped) — but
 * not when the server says the name is taken: that database is not this collection's to drop.
 */
async function createScratch(admin: Admin, sql: string, markCreated: (created: boolean) => void): Promise<void> {
  markCreated(true);
  try {
    await admin.client.query(sql);
  } catch (error) {
    if ((error as { code?: string }).code === '42P04') markCreated(false);
    throw error;
  }
}

/** Makes the copy: the template when the check allows it and the server agrees, else the dump. */
async function makeCopy(
  check: CheckOf<'round-trip'>,
  ctx: CheckContext,
  admin: Admin,
  scratch: string,
  serverVersionNum: number,
  markCreated: (created: boolean) => void,
): Promise<{ method: 'template' | 'dump'; templateRefused: string | null }> {
  const target = ctx.session.target;
  let templateRefused: string | null = null;
  if (check.copy !== 'dump') {
    if (admin.database === target.database) templateRefused = 'no other database of the server to connect to (postgres, template1): a database cannot be copied from inside itself';
    else {
      // The collector's own session would make the target "being accessed by other users"; it reconnects at the next check.
      await ctx.session.close();
      try {
        await createScratch(admin, `CREATE DATABASE ${quoteIdent(scratch)} TEMPLATE ${quoteIdent(target.database)}`, markCreated);
        return { method: 'template', templateRefused: null };
      } catch (error) {
        templateRefused = scrub((error as Error).message, target.secrets);
        if ((error as { code?: string }).code === '55006') templateRefused += ' (other sessions are connected to it: the application, a pool)';
      }
    }
    if (check.copy === 'template') throw new RoundTripRefused(`the copy could not be made as a template of the target: ${templateRefused}`);
  }
  const { pgDump, pgRestore } = await dumpTools(serverVersionNum);
  await createScratch(admin, `CREATE DATABASE ${quoteIdent(scratch)} TEMPLATE template0`, markCreated);
  const dir = await mkdtemp(join(tmpdir(), 'deploy-evidence-dump-'));
  try {
    const file = join(dir, 'target.dump');
    const from = splitPassword(target.url);
    const to = splitPassword(urlForDatabase(target.url, scratch));
    const env: Record<string, string> = { PATH: process.env.PATH ?? '' };
    for (const name of ['HOME', 'PGPASSFILE', 'PGSSLMODE', 'PGSSLROOTCERT', 'PGSSLCERT', 'PGSSLKEY']) if (process.env[name]) env[name] = process.env[name]!;
    if (from.password !== null) env.PGPASSWORD = from.password;
    const tool = async (argv: string[]) => {
      const err = new CappedOutput(16 * 1024, ctx.redactor, null);
      const result = await runSupervised({ argv, cwd: dir, env, timeoutMs: check.timeoutMs, graceMs: KILL_GRACE_MS }, () => {}, (c) => err.push(c));
      if (result.exitCode !== 0) {
        const name = argv[0]!.split('/').pop();
        throw new Error(`${name} ${result.timedOut ? `timed out after ${check.timeoutMs} ms` : `exited with ${result.exitCode ?? result.signal}`} making the copy: ${err.finish().text.trim() || result.spawnError?.message || 'no message'}`);
      }
    };
    await tool([pgDump, '--format=custom', `--file=${file}`, `--dbname=${from.url}`]);
    await tool([pgRestore, '--no-owner', '--exit-on-error', `--dbname=${to.url}`, file]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return { method: 'dump', templateRefused };
}
