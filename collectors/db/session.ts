/**
 * One long-lived connection for the whole collection (PGlite's socket shares one session and
 * a pg.Pool breaks after a query error there). Every check runs inside
 * `BEGIN READ ONLY` with its own statement_timeout and lock_timeout, then ROLLBACK:
 * the server itself refuses writes, whatever the checklist's SQL says.
 */
import pg from 'pg';
import Cursor from 'pg-cursor';
import type { ResultColumn } from '../../src/format/index.ts';
import { describeTarget, type ConnectionTarget } from './connection.ts';
import { rawTextTypes } from './lossless-values.ts';
import { scrub } from './secrets.ts';

export interface SessionSettings {
  statementTimeoutMs: number;
  lockTimeoutMs: number;
}

export interface RawField {
  name: string;
  dataTypeID: number;
  dataTypeModifier: number;
}

export interface RawResult {
  fields: RawField[];
  rows: (string | null)[][];
}

/** Rows fetched per round trip when a result is streamed: bounded memory, few round trips. */
const STREAM_BATCH_ROWS = 500;

/** Could not connect at all: the CLI exits 3 with this one-line message. */
export class DatabaseUnreachableError extends Error {}

/**
 * A database error as evidence: SQLSTATE, message, hint. `refused`: the SQL guard read the catalog
 * in the transaction and did not send the statement (issue 25).
 */
export class QueryError extends Error {
  constructor(
    message: string,
    readonly kind: 'sql' | 'timeout' | 'connection' | 'refused',
    readonly code: string | null,
    readonly hint: string | null,
    readonly detail: string | null,
  ) {
    super(message);
  }
}

// SQLSTATE classes: https://www.postgresql.org/docs/current/errcodes-appendix.html
const TIMEOUT_CODES = new Set(['57014', '55P03']); // query_canceled (statement_timeout), lock_not_available (lock_timeout)
const CONNECTION_CODES = new Set(['57P01', '57P02', '57P03']); // admin_shutdown (pg_terminate_backend), crash_shutdown, cannot_connect_now

interface PgLikeError {
  message?: string;
  code?: string;
  hint?: string;
  detail?: string;
}

function toQueryError(error: unknown, secrets: readonly string[]): QueryError {
  const e = (error ?? {}) as PgLikeError;
  const message = scrub(e.message ?? String(error), secrets);
  const code = typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) ? e.code : null;
  let kind: QueryError['kind'] = 'sql';
  if (code && TIMEOUT_CODES.has(code)) kind = 'timeout';
  else if ((code && (CONNECTION_CODES.has(code) || code.startsWith('08'))) || (!code && /connection|terminated|ECONNRESET|EPIPE|socket/i.test(message))) kind = 'connection';
  return new QueryError(message, kind, code, e.hint ? scrub(e.hint, secrets) : null, e.detail ? scrub(e.detail, secrets) : null);
}

export interface RolePrivileges {
  superuser: boolean;
  /** Predefined roles held that reach past the database: server files and programs. */
  roles: string[];
}

/** Predefined roles that let a read-only transaction touch the server itself. */
const SERVER_ROLES = ['pg_write_server_files', 'pg_execute_server_program', 'pg_read_server_files'];

async function readPrivileges(client: pg.Client): Promise<RolePrivileges> {
  const result = await client.query<{ superuser: boolean; roles: string | null }>(
    `SELECT r.rolsuper AS superuser,
            (SELECT string_agg(b.rolname, ',' ORDER BY b.rolname) FROM pg_roles b
              WHERE b.rolname = ANY($1::text[]) AND pg_has_role(current_user, b.oid, 'MEMBER')) AS roles
       FROM pg_roles r WHERE r.rolname = current_user`,
    [SERVER_ROLES],
  );
  const row = result.rows[0];
  return { superuser: row?.superuser === true, roles: row?.roles ? row.roles.split(',') : [] };
}

/** One line for stderr and the report, or null when the role holds nothing beyond reading. */
export function privilegeWarning(privileges: RolePrivileges | undefined): string | null {
  if (!privileges) return null;
  const held = [...(privileges.superuser ? ['superuser'] : []), ...privileges.roles];
  if (held.length === 0) return null;
  return `collected as a role that is ${held.join(', ')}: read-only transactions do not stop such a role from writing server files or running programs; collect with a read-only role (pg_read_all_data)`;
}

export interface ReadOnlyTransaction {
  query(text: string, values?: readonly (string | null)[]): Promise<RawResult>;
  /**
   * Runs a query through a cursor and hands its rows over in batches, so a result of millions
   * of rows never sits in memory whole (issue 9). Returns the fields (also given with each batch).
   */
  stream(text: string, values: readonly (string | null)[], onBatch: (fields: RawField[], rows: (string | null)[][]) => void): Promise<RawField[]>;
  /** Column names and `format_type` names, asked of the server once per (type, modifier). */
  describe(fields: readonly RawField[]): Promise<ResultColumn[]>;
}

export class DatabaseSession {
  private client: pg.Client | null = null;
  private broken = false;
  private readonly typeNames = new Map<string, string>();
  serverVersion = '';
  /** What the collecting role may do beyond reading (issue 8): recorded in the evidence, warned about. */
  privileges: RolePrivileges = { superuser: false, roles: [] };

  private constructor(
    readonly target: ConnectionTarget,
    readonly applicationName: string,
  ) {}

  static async open(target: ConnectionTarget, applicationName: string): Promise<DatabaseSession> {
    const session = new DatabaseSession(target, applicationName);
    try {
      await session.connect();
    } catch (error) {
      const reason = scrub((error as Error).message || String(error), target.secrets);
      throw new DatabaseUnreachableError(`cannot connect to ${describeTarget(target)}: ${reason}`);
    }
    return session;
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      ...this.target.config,
      application_name: this.applicationName,
      connectionTimeoutMillis: 10_000,
    });
    client.on('error', () => {
      // A lost connection surfaces as the running query's error; remember it so the next
      // check reconnects instead of failing on a dead socket.
      this.broken = true;
    });
    await client.connect();
    try {
      // Startup parameters are ignored by PGlite's shared session, so settings are SET explicitly.
      // These make the server's text output independent of where the collector runs.
      await client.query(
        `SET TimeZone = 'UTC'; SET DateStyle = 'ISO, MDY'; SET IntervalStyle = 'postgres'; SET bytea_output = 'hex'; SET extra_float_digits = 1; SET application_name = '${this.applicationName.replaceAll("'", "''")}'`,
      );
      const version = await client.query<{ server_version: string }>('SHOW server_version');
      this.serverVersion = version.rows[0]?.server_version ?? '';
      this.privileges = await readPrivileges(client);
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
    this.client = client;
    this.broken = false;
  }

  private async ensureConnected(): Promise<pg.Client> {
    if (this.client && !this.broken) return this.client;
    if (this.client) {
      this.client.end().catch(() => {});
      this.client = null;
    }
    try {
      await this.connect();
    } catch (error) {
      throw new QueryError(
        `connection lost and could not be re-established to ${describeTarget(this.target)}: ${scrub((error as Error).message, this.target.secrets)}`,
        'connection',
        null,
        null,
        null,
      );
    }
    return this.client!;
  }

  async readOnly<T>(settings: SessionSettings, work: (tx: ReadOnlyTransaction) => Promise<T>): Promise<T> {
    const client = await this.ensureConnected();
    const secrets = this.target.secrets;
    const run = async (text: string, values?: readonly (string | null)[]): Promise<RawResult> => {
      try {
        // Extended protocol always: the server then refuses a second statement smuggled
        // after a `;` (e.g. "ROLLBACK; DROP …"), which the simple protocol would run.
        const result = await client.query({
          text,
          values: values ? [...values] : [],
          rowMode: 'array',
          types: rawTextTypes,
          queryMode: 'extended',
        } as pg.QueryConfig & { queryMode: 'extended' });
        return { fields: result.fields, rows: result.rows as (string | null)[][] };
      } catch (error) {
        throw toQueryError(error, secrets);
      }
    };
    const stream = async (text: string, values: readonly (string | null)[], onBatch: (fields: RawField[], rows: (string | null)[][]) => void): Promise<RawField[]> => {
      // pg-cursor uses the extended protocol too: one statement, read in portions of a portal.
      const cursor = client.query(new Cursor(text, [...values], { rowMode: 'array', types: rawTextTypes }));
      let fields: RawField[] = [];
      try {
        for (;;) {
          const rows = await new Promise<(string | null)[][]>((resolve, reject) => {
            cursor.read(STREAM_BATCH_ROWS, (error, batch, result) => {
              if (error) return reject(error);
              fields = (result?.fields as RawField[] | undefined) ?? fields;
              resolve(batch as unknown as (string | null)[][]);
            });
          });
          if (rows.length > 0 || fields.length > 0) onBatch(fields, rows);
          if (rows.length < STREAM_BATCH_ROWS) break;
        }
        await cursor.close();
        return fields;
      } catch (error) {
        // No close() here: after an error the portal is gone with the transaction, and on a lost
        // connection close() would wait for an answer that never comes.
        throw toQueryError(error, secrets);
      }
    };
    const tx: ReadOnlyTransaction = {
      query: run,
      stream,
      describe: (fields) => this.describe(run, fields),
    };
    try {
      await run('BEGIN READ ONLY');
      await run(`SET LOCAL statement_timeout = ${Math.trunc(settings.statementTimeoutMs)}`);
      await run(`SET LOCAL lock_timeout = ${Math.trunc(settings.lockTimeoutMs)}`);
      return await work(tx);
    } catch (error) {
      const queryError = error instanceof QueryError ? error : toQueryError(error, secrets);
      if (queryError.kind === 'connection') this.broken = true;
      throw queryError;
    } finally {
      if (!this.broken) {
        await client.query('ROLLBACK').catch(() => {
          this.broken = true;
        });
      }
    }
  }

  private async describe(
    run: (text: string, values?: readonly (string | null)[]) => Promise<RawResult>,
    fields: readonly RawField[],
  ): Promise<ResultColumn[]> {
    const key = (f: RawField) => `${f.dataTypeID}:${f.dataTypeModifier}`;
    const unknown = [...new Set(fields.filter((f) => !this.typeNames.has(key(f))).map(key))];
    if (unknown.length > 0) {
      const oids = unknown.map((k) => k.split(':')[0]!);
      const mods = unknown.map((k) => k.split(':')[1]!);
      const names = await run(
        'SELECT t.oid::text, t.mod::text, format_type(t.oid, t.mod) FROM unnest($1::oid[], $2::int4[]) AS t(oid, mod)',
        [`{${oids.join(',')}}`, `{${mods.join(',')}}`],
      );
      for (const [oid, mod, name] of names.rows) this.typeNames.set(`${oid}:${mod}`, name ?? 'unknown');
    }
    return fields.map((f) => ({ name: f.name, type: this.typeNames.get(key(f)) ?? 'unknown', typeOid: f.dataTypeID }));
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (client) await client.end().catch(() => {});
  }
}
