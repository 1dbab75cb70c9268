/**
 * An attacker's look at the round trip's collector (issue 28): the copy's URL for every form of
 * DATABASE_URL (options, a unix socket, a `dbname` in the query, which libpq and SQLAlchemy read
 * before the path), the refusal of anything that would reach the target instead of the copy, and
 * the cleanup of a killed collector's copies — which drops only this check's own scratch names
 * whose lock nobody holds. The refusals and the cleanup on the real server.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { collect } from '../../collectors/collect.ts';
import { resolveConnection, type ConnectionTarget } from '../../collectors/db/connection.ts';
import { databaseOfUrl, dropLeftovers, isScratchName, namesTarget, ROUND_TRIP_LOCK_CLASS, SCRATCH_PREFIX, urlForDatabase } from '../../collectors/checks/round-trip-check.ts';
import { checklistSchema, type CheckDefinitionInput } from '../../src/format/index.ts';
import { realServer, serverUrl } from '../harness/databases.ts';
import { readDeployment, tempEvidenceRoot } from '../harness/evidence.ts';
import { adminQuery } from '../harness/seed-database.ts';

const COPY = 'deploy_evidence_rt_0000abcd';

describe('the copy\'s URL', () => {
  it('keeps credentials, host, port, socket and options, and names only the copy', () => {
    expect(urlForDatabase('postgresql://app:p%40ss@db.internal:6432/ledger?sslmode=require&options=-c%20search_path%3Dledger', COPY)).toBe(`postgresql://app:p%40ss@db.internal:6432/${COPY}?sslmode=require&options=-c%20search_path%3Dledger`);
    expect(urlForDatabase('postgresql:///ledger?host=/var/run/postgresql&user=app', COPY)).toBe(`postgresql:///${COPY}?host=/var/run/postgresql&user=app`);
    expect(urlForDatabase('postgresql://app@%2Fvar%2Frun%2Fpostgresql/ledger', COPY)).toBe(`postgresql://app@%2Fvar%2Frun%2Fpostgresql/${COPY}`);
    expect(urlForDatabase('postgres://app@[::1]:5432', COPY)).toBe(`postgres://app@[::1]:5432/${COPY}`);
  });

  it('takes out a dbname in the query, which libpq, psycopg and SQLAlchemy would follow to the target', () => {
    const url = urlForDatabase('postgresql://app@db/ledger?dbname=ledger&sslmode=require', COPY);
    expect(url).toBe(`postgresql://app@db/${COPY}?sslmode=require`);
    expect(urlForDatabase('postgresql://app@db/?DBNAME=ledger&options=-c%20x%3Dy&database=ledger', COPY)).toBe(`postgresql://app@db/${COPY}?options=-c%20x%3Dy`);
    expect(databaseOfUrl(url)).toBe(COPY);
    // As libpq reads a URL: the query's dbname first, then the path, then the user's name.
    expect(databaseOfUrl('postgresql://app@db/other?dbname=ledger')).toBe('ledger');
    expect(databaseOfUrl('postgresql://app@db')).toBe('app');
    expect(databaseOfUrl('postgresql+psycopg2://app:x@db/le%64ger')).toBe('ledger');
    expect(databaseOfUrl('postgresql://db1:5432,db2:5433/ledger')).toBeNull();
  });

  it('reads the query as libpq does: the last dbname, keys percent-decoded, a plus kept, no fragment', () => {
    // Every dbname goes, however spelled, and what libpq would still read after a `#` (its fragment is none).
    for (const url of ['postgresql://app@db/ledger?dbname=ledger&dbname=ledger&sslmode=require', 'postgresql://app@db/ledger?%64bname=ledger&sslmode=require', 'postgresql://app@db/ledger?sslmode=require#&dbname=ledger']) {
      const copy = urlForDatabase(url, COPY);
      expect(copy, url).toMatch(new RegExp(`^postgresql://app@db/${COPY}\\?sslmode=require`));
      expect(copy, url).not.toMatch(/dbname|#/);
      expect(databaseOfUrl(copy), url).toBe(COPY);
    }
    expect(urlForDatabase('postgresql://app@db/ledger?application_name=a+b&options=-c%20x%3Dy', COPY)).toBe(`postgresql://app@db/${COPY}?application_name=a+b&options=-c%20x%3Dy`);
    expect(databaseOfUrl('postgresql://app@db/other?dbname=staging&dbname=ledger')).toBe('ledger');
    expect(databaseOfUrl('postgresql://app@db/other?dbname=ledger&dbname=staging')).toBe('staging');
    expect(databaseOfUrl('postgresql://app@db/other?%64bname=ledger')).toBe('ledger');
    expect(databaseOfUrl('postgresql://app@db/other#x?dbname=ledger')).toBe('ledger');
    expect(databaseOfUrl('postgresql://app@db/other?dbname=a+b')).toBe('a+b');
    // An empty dbname is libpq's default: the user's name, never the path.
    expect(databaseOfUrl('postgresql://app@db/other?dbname=')).toBe('app');
  });
});

describe('what would reach the target', () => {
  const target = { url: 'postgresql://app:s3cret@127.0.0.1:5432/ledger', database: 'ledger' };
  it('refuses the target in any spelling, and a URL it cannot read', () => {
    const refused = [
      target.url,
      `--url=${target.url}`,
      'sqlalchemy.url=postgresql+psycopg2://app:s%33cret@localhost/ledger',
      'postgres://app@127.0.0.1/ledger?sslmode=disable',
      'postgresql://app@127.0.0.1/other?dbname=ledger',
      'dbname=ledger host=127.0.0.1',
      "host=x dbname='ledger'",
      'postgresql://h1,h2/ledger',
      'postgresql://h1:5432,h2:5433/anything',
    ];
    for (const value of refused) expect(namesTarget(value, target), value).not.toBeNull();
    expect(namesTarget('ledger', target, 'PGDATABASE')).toBe('names the target database');
  });

  it('lets through what names another database, or none', () => {
    for (const value of ['upgrade', 'head', '-1', 'ledger', 'postgresql://app@127.0.0.1/ledger_archive', 'dbname=ledger_test', `postgresql://app@127.0.0.1/${COPY}`]) expect(namesTarget(value, target), value).toBeNull();
    expect(namesTarget('ledger', target, 'TENANT')).toBeNull();
  });

  it('knows its own scratch names: the prefix and exactly eight hex digits', () => {
    expect(isScratchName(COPY)).toBe(true);
    for (const name of ['deploy_evidence_rt_archive', 'deploy_evidence_rt_1_keep', 'deploy_evidence_rt_0000ABCD', `${COPY}0`, `${COPY}_prod`, 'deploy_evidence_rt_', 'xdeploy_evidence_rt_0000abcd']) expect(isScratchName(name), name).toBe(false);
  });
});

describe.skipIf(realServer() === null)('the round trip on the real server, refusing and cleaning up', () => {
  const made: string[] = [];
  afterAll(async () => {
    for (const name of made) await adminQuery(serverUrl('postgres'), `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });
  const scratchDatabases = async () => (await adminQuery(serverUrl('postgres'), `SELECT datname FROM pg_database WHERE starts_with(datname, $1)`, [SCRATCH_PREFIX])).rows.map((r) => String(r.datname));

  const runCheck = async (url: string | ConnectionTarget, check: Partial<CheckDefinitionInput>, commandEnv: Record<string, string> = {}) => {
    const root = await tempEvidenceRoot();
    const definition = { id: 'rt', kind: 'round-trip', section: '1', title: 'round trip', upgrade: ['true'], downgrade: ['true'], copy: 'template', ...check } as CheckDefinitionInput;
    const saved = { ...process.env };
    Object.assign(process.env, commandEnv);
    try {
      await collect({
        checklist: checklistSchema.parse({ id: 'rt', version: '1.0.0', title: 'rt', sections: [{ number: '1', title: 'x' }], checks: [definition] }),
        environment: 'staging',
        deploymentId: 'd',
        evidenceRoot: root,
        target: typeof url === 'string' ? resolveConnection({ databaseUrl: url }) : url,
        appDir: '.',
        params: {},
        allowMutating: { by: 'test', via: 'test' },
      });
    } finally {
      for (const key of Object.keys(commandEnv)) if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
    return (await readDeployment(join(root, 'd'))).snapshots.get('rt')!;
  };

  it('refuses, before making any copy, an argument, a variable or a URL that would reach the target', async () => {
    const name = `rtr_${randomBytes(5).toString('hex')}`;
    made.push(name);
    await adminQuery(serverUrl('postgres'), `CREATE DATABASE ${name}`);
    const url = serverUrl(name);
    const before = await scratchDatabases();
    const sqlalchemy = url.replace(/^postgresql:/, 'postgresql+psycopg2:').replace(/:[^:@/]+@/, '@');
    const cases: [string, Parameters<typeof runCheck>, RegExp][] = [
      ['the URL in another spelling', [url, { upgrade: ['alembic', '-x', `url=${sqlalchemy}`, 'upgrade', 'head'] }], /^a command argument holds a URL of the target database: the round trip runs only on the copy/],
      ['dbname= in an argument', [url, { downgrade: ['psql', `dbname=${name}`, '-c', 'SELECT 1'] }], /^a command argument names the target database \(dbname=\)/],
      ['PGDATABASE passed through', [url, { env: ['PGDATABASE'] }, { PGDATABASE: name }], /^PGDATABASE names the target database: /],
      ['a variable holding the URL', [url, { env: ['APP_DB'] }, { APP_DB: url }], /^APP_DB holds the target database's URL: /],
      // resolveConnection refuses such a URL for every check (test/collectors/connection-target.test.ts); the round trip refuses it again on its own.
      ['a URL naming two databases', [{ ...resolveConnection({ databaseUrl: serverUrl('postgres') }), url: `${serverUrl('postgres')}?dbname=${name}` }, {}], /^the database URL names two databases \(postgres in its path, another in its dbname option\)/],
    ];
    expect(() => resolveConnection({ databaseUrl: `${serverUrl('postgres')}?dbname=${name}` })).toThrow(/the database URL names two databases, postgres in its path and rtr_/);
    for (const [what, args, message] of cases) {
      const snapshot = await runCheck(...args);
      expect(snapshot.error?.kind, what).toBe('refused');
      expect(snapshot.error?.message, what).toMatch(message);
      expect(snapshot.status, what).not.toBe('pass');
    }
    expect(await scratchDatabases()).toEqual(before);
  });

  it('drops only its own scratch names whose lock nobody holds, never the target or a look-alike', async () => {
    const key = () => randomBytes(4).readUInt32BE() & 0x7fffffff;
    const name = (k: number) => `${SCRATCH_PREFIX}${k.toString(16).padStart(8, '0')}`;
    const orphanKey = key();
    const heldKey = key();
    const orphan = name(orphanKey);
    const held = name(heldKey);
    const targetLike = name(key());
    const lookalikes = [`${SCRATCH_PREFIX}archive`, `${SCRATCH_PREFIX}${orphanKey.toString(16).padStart(8, '0')}_prod`, `${SCRATCH_PREFIX}${orphanKey.toString(16).padStart(8, '0').toUpperCase()}X`];
    for (const db of [orphan, held, targetLike, ...lookalikes]) {
      made.push(db);
      await adminQuery(serverUrl('postgres'), `CREATE DATABASE "${db}"`);
    }
    // A running collector's lock on `held`, from another session, as the collector holds it.
    const holder = new pg.Client({ connectionString: serverUrl('postgres') });
    await holder.connect();
    const admin = new pg.Client({ connectionString: serverUrl('postgres') });
    await admin.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1, $2)', [ROUND_TRIP_LOCK_CLASS, heldKey]);
      const dropped = await dropLeftovers(admin, [targetLike, 'postgres']);
      expect(dropped).toContain(orphan);
      for (const kept of [held, targetLike, ...lookalikes]) expect(dropped, kept).not.toContain(kept);
      const left = await scratchDatabases();
      expect(left).not.toContain(orphan);
      for (const kept of [held, targetLike, ...lookalikes]) expect(left, kept).toContain(kept);
    } finally {
      await holder.end();
      await admin.end();
    }
  });
});
