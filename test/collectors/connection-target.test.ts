/**
 * A database URL the collector and the commands it runs read alike: libpq (alembic, psql, pytest
 * through psycopg2) follows a `dbname`, `hostaddr` or `service` option in the query, node-pg does
 * not — the evidence would describe one database while the migration changed another.
 */
import { describe, expect, it } from 'vitest';
import { ConnectionConfigError, resolveConnection } from '../../collectors/db/connection.ts';

const resolve = (databaseUrl: string) => resolveConnection({ databaseUrl, env: {} });

describe('resolveConnection', () => {
  it('takes options both read alike, and a dbname that repeats the path', () => {
    for (const url of ['postgresql://app:pw@127.0.0.1:5432/ledger?sslmode=disable&application_name=x', 'postgresql://app@127.0.0.1/ledger?dbname=ledger', 'postgresql:///ledger?host=/var/run/postgresql']) {
      expect(resolve(url).database, url).toBe('ledger');
    }
    // libpq keeps a `+` as a plus (URLSearchParams would read a space), and a repeated dbname that repeats the path is the path.
    expect(resolve('postgresql://app@127.0.0.1/a+b?dbname=a+b').database).toBe('a+b');
    expect(resolve('postgresql://app@127.0.0.1/ledger?dbname=ledger&dbname=ledger').database).toBe('ledger');
  });

  it('refuses a URL whose clients would reach different databases or servers, never echoing its password', () => {
    for (const [url, message] of [
      ['postgresql://app:s3cret-pw@127.0.0.1/staging?dbname=production', 'the database URL names two databases, staging in its path and production in its dbname option'],
      ['postgresql://app:s3cret-pw@127.0.0.1/?dbname=production', 'the database URL names two databases, app in its path and production in its dbname option'],
      ['postgresql://app:s3cret-pw@db.internal/staging?hostaddr=127.0.0.1', 'the database URL has a hostaddr option'],
      ['postgresql://app:s3cret-pw@127.0.0.1/staging?service=prod', 'the database URL has a service option'],
      // Read as libpq reads the query: of several dbname options the last (either order is refused), a
      // percent-encoded key, a `#` that is no fragment for libpq, an empty one (libpq's default database).
      ['postgresql://app:s3cret-pw@127.0.0.1/staging?dbname=staging&dbname=production', 'the database URL names two databases, staging in its path and production in one of its 2 dbname options (libpq follows the last)'],
      ['postgresql://app:s3cret-pw@127.0.0.1/staging?dbname=production&dbname=staging', 'the database URL names two databases, staging in its path and production in one of its 2 dbname options'],
      ['postgresql://app:s3cret-pw@127.0.0.1/staging?%64bname=production', 'the database URL names two databases, staging in its path and production in its dbname option'],
      ['postgresql://app:s3cret-pw@127.0.0.1/staging#x?dbname=production', 'the database URL names two databases, staging in its path and production in its dbname option'],
      ['postgresql://app:s3cret-pw@127.0.0.1/staging?sslmode=disable#&dbname=production', 'the database URL names two databases, staging in its path and production in its dbname option'],
      ['postgresql://app:s3cret-pw@127.0.0.1/a+b?dbname=a%20b', 'the database URL names two databases, a+b in its path and a b in its dbname option'],
      ['postgresql://app:s3cret-pw@127.0.0.1/staging?dbname=', 'the database URL has an empty dbname option, which libpq (alembic, psql, pytest) reads as its default database'],
      ['postgresql://app:s3cret-pw@127.0.0.1/staging?sslmode=disable&dbname', 'the database URL has an empty dbname option'],
      ['postgresql://app:s3cret-pw@db.internal/staging?%68ostaddr=127.0.0.1', 'the database URL has a hostaddr option'],
    ] as const) {
      let error: unknown;
      try {
        resolve(url);
      } catch (caught) {
        error = caught;
      }
      expect(error, url).toBeInstanceOf(ConnectionConfigError);
      expect((error as Error).message).toContain(message);
      expect((error as Error).message).not.toContain('s3cret');
    }
  });
});
