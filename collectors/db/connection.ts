/**
 * Where to connect: `--database-url`, else `DATABASE_URL`, else the libpq `PG*` variables
 * (node-pg reads those itself). The fingerprint recorded in evidence comes from node-pg's own
 * resolution of the same settings, so it names exactly what was connected to — never the password.
 */
import pg from 'pg';
import { scrub } from './secrets.ts';

export interface ConnectionTarget {
  kind: 'postgresql' | 'embedded';
  config: pg.ClientConfig;
  host: string;
  port: number | null;
  database: string;
  user: string;
  /** Kept only to redact it wherever it might surface, and to hand to allow-listed commands. */
  secrets: string[];
  /** A URL for child processes (alembic, pytest) that need the same database. */
  url: string;
}

export class ConnectionConfigError extends Error {}

/** True when the environment names a database without any flag (DATABASE_URL or PGHOST/PGDATABASE…; PGSERVICE too, which resolveConnection then refuses with the reason). */
export function environmentNamesDatabase(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.DATABASE_URL || env.PGHOST || env.PGDATABASE || env.PGSERVICE || env.PGPORT || env.PGUSER);
}

/**
 * Why the environment would send libpq (psql, pg_dump, alembic and pytest through psycopg2)
 * elsewhere than the collector, or null: `PGHOSTADDR` is the address libpq connects to whatever the
 * host (or the URL) says; `PGSERVICE` fills host, port, database — and hostaddr — from
 * pg_service.conf. node-pg reads neither: the collector and the commands could reach different
 * servers, or the collector none the user meant. A command check may not be given them either
 * (LIBPQ_ONLY_ENV, src/format/checklist-schema.ts). Never echoes a value.
 */
export function libpqOnlyEnvironment(env: NodeJS.ProcessEnv): string | null {
  if (env.PGHOSTADDR) return 'PGHOSTADDR is set: libpq (alembic, psql, pytest, pg_dump) connects to that address whatever the host says, and the collector (node-postgres) does not read it — they could reach different servers; unset it and name the host and database in --database-url, or in PGHOST and PGDATABASE';
  if (env.PGSERVICE) return 'PGSERVICE is set: libpq (alembic, psql, pytest, pg_dump) reads the host and database from that service in pg_service.conf, and the collector (node-postgres) does not read it — they could reach different servers or databases; unset it and name the host and database in --database-url, or in PGHOST and PGDATABASE';
  return null;
}

export function resolveConnection(options: {
  databaseUrl?: string | undefined;
  env?: NodeJS.ProcessEnv;
  kind?: ConnectionTarget['kind'];
}): ConnectionTarget {
  const env = options.env ?? process.env;
  const libpqOnly = libpqOnlyEnvironment(env);
  if (libpqOnly) throw new ConnectionConfigError(libpqOnly);
  const url = options.databaseUrl ?? env.DATABASE_URL;
  let config: pg.ClientConfig;
  if (url) {
    if (!/^postgres(ql)?:\/\//i.test(url)) {
      // Never echo the URL: it may carry a password.
      throw new ConnectionConfigError('the database URL must start with postgres:// or postgresql://');
    }
    config = { connectionString: url };
  } else {
    config = {};
  }
  let client: pg.Client;
  try {
    client = new pg.Client(config);
  } catch (error) {
    throw new ConnectionConfigError(`the database URL could not be read: ${scrub((error as Error).message, url ? [url] : [])}`);
  }
  if (url) {
    const split = splitTarget(url, client.database ?? client.user ?? '');
    if (split) throw new ConnectionConfigError(split);
  }
  const password = typeof client.password === 'string' ? client.password : '';
  const host = client.host || 'localhost';
  const port = client.host?.startsWith('/') ? null : Number(client.port) || 5432;
  const user = client.user ?? '';
  const database = client.database ?? user;
  const auth = `${encodeURIComponent(user)}${password ? `:${encodeURIComponent(password)}` : ''}`;
  const hostPart = host.startsWith('/') ? `localhost` : host.includes(':') ? `[${host}]` : host;
  const socketQuery = host.startsWith('/') ? `?host=${encodeURIComponent(host)}` : '';
  return {
    kind: options.kind ?? 'postgresql',
    config,
    host,
    port,
    database,
    user,
    secrets: password ? [password, encodeURIComponent(password)] : [],
    // The URL the user gave, as given (sslmode and other options included); else one built from PG*.
    url: url ?? `postgresql://${auth}@${hostPart}${port ? `:${port}` : ''}/${encodeURIComponent(database)}${socketQuery}`,
  };
}

/**
 * Options in a URL's query that libpq (psql, pg_dump, and alembic and pytest through psycopg2)
 * follows and node-pg ignores, so the collector's own queries would reach another database or
 * server than the commands it runs: the evidence would describe one database and the migration
 * change another. `dbname` wins over the path for libpq (node-pg reads only the path; of several,
 * libpq keeps the last; an empty one is libpq's default database); `hostaddr` is the address libpq
 * connects to whatever `host` says; `service` reads host and database from pg_service.conf. The
 * query is read as libpq reads it (libpqQueryOptions). Why, in words, or null. Never echoes the
 * URL (it may carry a password).
 */
export function splitTarget(url: string, database: string): string | null {
  const options = libpqQueryOptions(url);
  const dbnames = options.filter((option) => option.key === 'dbname').map((option) => option.value ?? '');
  if (dbnames.includes('')) {
    return `the database URL has an empty dbname option, which libpq (alembic, psql, pytest) reads as its default database (PGDATABASE, else the user's name) and the collector (node-postgres) ignores — take it out and name the database once, in the path`;
  }
  // The last one is libpq's; any other that is not the path's is refused all the same.
  const other = dbnames.findLast((dbname) => dbname !== database);
  if (other !== undefined) {
    const where = dbnames.length > 1 ? `one of its ${dbnames.length} dbname options (libpq follows the last)` : 'its dbname option';
    return `the database URL names two databases, ${database} in its path and ${other} in ${where}: the collector (node-postgres) would query the first and alembic, psql and pytest (libpq) the second — name the database once, in the path`;
  }
  for (const option of ['hostaddr', 'service']) {
    if (options.some((o) => o.key === option)) return `the database URL has a ${option} option, which libpq (alembic, psql, pytest) follows and the collector (node-postgres) ignores: they would reach different servers — name the host and database in the URL itself`;
  }
  // The path itself: node-pg decodes it with decodeURI, which leaves %2B, %23, %2F, %3F… as they are;
  // libpq decodes every escape, and reads a `#` as part of the name. `a%2Bb` is `a+b` to one, `a%2Bb` to the other.
  const path = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*\/([^?]*)/i.exec(url)?.[1];
  if (path) {
    let libpqName: string;
    try {
      libpqName = decodeURIComponent(path);
    } catch {
      return null;
    }
    if (libpqName !== database) return `the database name in the URL's path reads as ${JSON.stringify(libpqName)} to libpq (alembic, psql, pytest) and ${JSON.stringify(database)} to the collector (node-postgres), which leaves escapes such as %2B undecoded and stops at a "#" — name a database whose name needs no such escape, or give it through PGDATABASE`;
  }
  return null;
}

/** One `key=value` of a URL's query: as written, and as libpq decodes it (value null: no `=`). */
export interface QueryOption {
  raw: string;
  key: string;
  value: string | null;
}

/**
 * A connection URL's query options as libpq reads them, in order (a repeated key repeats; libpq
 * keeps the last). Not URLSearchParams: libpq's query starts at the first `?` after the user part
 * and runs to the end — a `#` is no fragment (`/db#x?dbname=other` names `other`, `?dbname=a#b`
 * names `a#b`); keys and values are percent-decoded (`%64bname` is `dbname`) and a `+` stays a plus.
 * A bad escape is kept as written (libpq refuses such a URL). Keys are case-sensitive, as libpq's.
 */
export function libpqQueryOptions(url: string): QueryOption[] {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url);
  if (!scheme) return [];
  // libpq's user part: up to the first `@`, when one comes before the first `/`.
  let start = scheme[0].length;
  const userEnd = url.slice(start).search(/[@/]/);
  if (userEnd >= 0 && url[start + userEnd] === '@') start += userEnd + 1;
  const question = url.indexOf('?', start);
  if (question < 0) return [];
  return url
    .slice(question + 1)
    .split('&')
    .filter((raw) => raw !== '')
    .map((raw) => {
      const equals = raw.indexOf('=');
      return { raw, key: percentDecoded(equals < 0 ? raw : raw.slice(0, equals)), value: equals < 0 ? null : percentDecoded(raw.slice(equals + 1)) };
    });
}

function percentDecoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * node-pg reads `postgres://user:p@ss@host/db` at the last `@`, but libpq (psql, psycopg2) and
 * SQLAlchemy (alembic, pytest) split at the first one and take the rest of the password for the
 * host (measured with psql 15: it tried host `ss@host`). The password is redacted in every fragment either way; the URL
 * should still be percent-encoded. Never echoes the URL.
 */
export function unencodedUrlCharacters(url: string | undefined): string | null {
  const authority = url?.match(/^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i)?.[1];
  if (!authority || authority.split('@').length <= 2) return null;
  return 'the database URL has an unencoded "@" in its user or password: percent-encode it as %40 — tools such as alembic and psycopg2 split the URL at the first "@"';
}

/** `host:port/database as user`, for messages. */
export function describeTarget(target: Pick<ConnectionTarget, 'host' | 'port' | 'database' | 'user'>): string {
  return `${target.host}${target.port ? `:${target.port}` : ''}/${target.database} as ${target.user}`;
}
