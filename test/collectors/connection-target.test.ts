/**
 * A database URL the collector and the commands it runs read alike: libpq (alembic, psql, pytest
 * through psycopg2) follows a `dbname`, `hostaddr` or `service` option in the query, node-pg does
 * not — the evidence would describe one database while the migration changed another.
 */
import { readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ConnectionConfigError, resolveConnection } from '../../collectors/db/connection.ts';
import { runCli } from '../harness/cli.ts';
import { tempEvidenceRoot } from '../harness/evidence.ts';

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

// libpq reads PGHOSTADDR (the address, whatever the host says) and PGSERVICE (host and database
// from pg_service.conf); node-pg reads neither: with one set, the collector and psql or alembic
// could reach different servers — or, with only PGSERVICE, the collector localhost's defaults.
describe('variables only libpq reads', () => {
  it('reads the path\'s database name as both clients do: escapes node-pg decodes pass, those it leaves (or a "#") are refused', () => {
    expect(resolve('postgresql://app@127.0.0.1/my%20ledger').database).toBe('my ledger');
    expect(resolve('postgresql://app@127.0.0.1/led%C3%A9ger').database).toBe('ledéger');
    for (const [url, libpq, nodePg] of [
      ['postgresql://app@127.0.0.1/a%2Bb', 'a+b', 'a%2Bb'],
      ['postgresql://app@127.0.0.1/db%23x', 'db#x', 'db%23x'],
      ['postgresql://app@127.0.0.1/db#x', 'db#x', 'db'],
    ] as const) {
      expect(() => resolve(url), url).toThrow(`the database name in the URL's path reads as ${JSON.stringify(libpq)} to libpq (alembic, psql, pytest) and ${JSON.stringify(nodePg)} to the collector (node-postgres)`);
    }
  });

  it('refuses PGHOSTADDR and PGSERVICE, with a URL or without, never echoing their values', () => {
    for (const [env, databaseUrl, message] of [
      [{ PGHOSTADDR: '127.0.0.3' }, 'postgresql://app:s3cret-pw@db.internal/ledger', 'PGHOSTADDR is set: libpq (alembic, psql, pytest, pg_dump) connects to that address whatever the host says'],
      [{ PGSERVICE: 'prod-primary' }, 'postgresql://app:s3cret-pw@127.0.0.1/ledger', 'PGSERVICE is set: libpq (alembic, psql, pytest, pg_dump) reads the host and database from that service'],
      [{ PGSERVICE: 'prod-primary' }, undefined, 'PGSERVICE is set'],
      [{ PGHOSTADDR: '127.0.0.3', PGHOST: 'db.internal', PGDATABASE: 'ledger' }, undefined, 'PGHOSTADDR is set'],
    ] as const) {
      let error: unknown;
      try {
        resolveConnection({ databaseUrl, env });
      } catch (caught) {
        error = caught;
      }
      expect(error, JSON.stringify(env)).toBeInstanceOf(ConnectionConfigError);
      expect((error as Error).message).toContain(message);
      expect((error as Error).message).toContain('name the host and database in --database-url, or in PGHOST and PGDATABASE');
      for (const secret of ['s3cret', '127.0.0.3', 'prod-primary']) expect((error as Error).message).not.toContain(secret);
    }
    // Empty is unset, for libpq as well.
    expect(resolveConnection({ databaseUrl: 'postgresql://app@127.0.0.1/ledger', env: { PGHOSTADDR: '', PGSERVICE: '' } }).database).toBe('ledger');
  });

  it('collect exits 2 with the reason before writing anything, the URL given or not', async () => {
    for (const [env, args] of [
      [{ PGSERVICE: 'prod-primary' }, []],
      [{ PGHOSTADDR: '127.0.0.2' }, ['--database-url', 'postgresql://app@127.0.0.1:1/ledger']],
    ] as const) {
      const root = await tempEvidenceRoot();
      const before = await readdir(root);
      const run = await runCli(['collect', '--checklist', 'examples/checklists/billing.json', '--env', 'staging', '--id', 'libpq-only', '--evidence-dir', root, ...args], env);
      expect(run.exitCode, run.stderr).toBe(2);
      expect(run.stderr).toContain(`${Object.keys(env)[0]} is set`);
      expect(await readdir(root)).toEqual(before);
    }
  });
});
