/**
 * `npm run bench` (part): the lock sampler's overhead on a migration's duration (issue 28). The
 * same migration — a column retyped (a table rewrite of 300,000 rows) and an index built without
 * CONCURRENTLY, in one transaction — runs on a fresh copy of the same database, alternately
 * without observation and with the sampler at 50 ms (the default) and at 10 ms (the fastest a
 * checklist may ask), against a throwaway PostgreSQL server. The migration's time is measured
 * by its own session, from BEGIN to the end of COMMIT. Writes `lockSampler` into
 * bench/results.json and its table into docs/performance.md.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { samplerConnection, startLockSampler } from '../collectors/locks/lock-sampler.ts';
import { findPostgresBinaries, startPostgres } from '../test/harness/postgres-server.ts';
import { updateLockSamplerDoc, type BenchResults, type LockSamplerResults, type Spread } from './performance-doc.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RUNS = 7;
const ROWS = 300_000;
const MIGRATION = 'ALTER TABLE ledger.entry ALTER COLUMN amount TYPE bigint; CREATE INDEX entry_booked_idx ON ledger.entry (booked_on)';

const spread = (values: number[]): Spread => {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)]!, min: sorted[0]!, max: sorted.at(-1)! };
};

async function admin(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  if (!findPostgresBinaries()) {
    console.log('lock sampler bench skipped: no PostgreSQL server binaries under /usr/lib/postgresql/*/bin');
    return;
  }
  const server = await startPostgres();
  const settings: (number | null)[] = [null, 50, 10];
  const times = new Map<number | null, number[]>(settings.map((s) => [s, []]));
  const taken = new Map<number | null, number[]>(settings.map((s) => [s, []]));
  try {
    await admin(server.url('postgres'), 'CREATE DATABASE bench_template');
    await admin(
      server.url('bench_template'),
      `CREATE SCHEMA ledger; CREATE TABLE ledger.entry (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, amount integer NOT NULL, booked_on date NOT NULL);
       INSERT INTO ledger.entry (amount, booked_on) SELECT g % 1000, DATE '2026-01-01' + (g % 365) FROM generate_series(1, ${ROWS}) g; ANALYZE ledger.entry;`,
    );
    for (let run = 0; run < RUNS; run++) {
      for (const interval of settings) {
        const db = `bench_${run}_${interval ?? 'off'}`;
        await admin(server.url('postgres'), `CREATE DATABASE ${db} TEMPLATE bench_template`);
        const url = server.url(db);
        const migration = new pg.Client({ connectionString: url, application_name: 'bench-migration' });
        await migration.connect();
        const sampler = interval === null ? null : await startLockSampler({ connect: samplerConnection({ connectionString: url }), match: { applicationName: 'bench-migration', excludeApplicationNames: [] }, intervalMs: interval, redact: (t) => t });
        const started = performance.now();
        await migration.query(`BEGIN; ${MIGRATION}; COMMIT`);
        times.get(interval)!.push(performance.now() - started);
        await migration.end();
        if (sampler) {
          const locks = await sampler.stop();
          if (locks.status !== 'observed') throw new Error(`the sampler did not observe the migration: ${locks.status} ${locks.note ?? ''}`);
          taken.get(interval)!.push(locks.samples.taken);
        }
        await admin(server.url('postgres'), `DROP DATABASE ${db}`);
      }
    }
  } finally {
    await server.stop();
  }
  const base = spread(times.get(null)!).median;
  const results: LockSamplerResults = {
    measuredAt: new Date().toISOString(),
    migration: `ALTER COLUMN TYPE (a rewrite of ${ROWS.toLocaleString('en-US')} rows) and CREATE INDEX in one transaction, each run on a fresh copy of the database`,
    runs: RUNS,
    rows: settings.map((s) => ({
      sampling: s === null ? 'off' : `every ${s} ms`,
      migrationMs: spread(times.get(s)!),
      ratio: spread(times.get(s)!).median / base,
      samples: s === null ? null : spread(taken.get(s)!).median,
    })),
  };
  const file = join(ROOT, 'bench', 'results.json');
  const existing = JSON.parse(await readFile(file, 'utf8')) as BenchResults;
  await writeFile(file, `${JSON.stringify({ ...existing, lockSampler: results }, null, 2)}\n`);
  await updateLockSamplerDoc(join(ROOT, 'docs', 'performance.md'), results);
  console.log('\nlock sampler overhead on a migration:\n');
  for (const r of results.rows) console.log(`  ${r.sampling}: ${Math.round(r.migrationMs.median)} ms (${r.ratio.toFixed(2)}×)${r.samples === null ? '' : `, ${r.samples} samples`}`);
}

await main();
