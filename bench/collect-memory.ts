/**
 * `npm run bench` (part): peak memory and time of `collect` on large results (issue 9), against
 * a throwaway PostgreSQL server from the machine's binaries. Each case is one real CLI run
 * (`/usr/bin/time -f '%M %e'` gives the collector's peak RSS and wall time), beside
 * `psql -c "\copy (…) to /dev/null"` on the same query: the floor of reading those rows.
 * Targets: ≤ 250 MB peak RSS for 2,000,000 rows and for 300,000 rows × 2,000 characters.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findPostgresBinaries, startPostgres } from '../test/harness/postgres-server.ts';

const BIN = fileURLToPath(new URL('../bin/deploy-evidence.js', import.meta.url));

interface Case {
  name: string;
  rows: number | null;
  check: Record<string, unknown>;
}

const cases: Case[] = [
  {
    name: '2,000,000 rows × 5 columns',
    rows: 2_000_000,
    check: {
      kind: 'sql',
      sql: 'SELECT g AS id, g::bigint * 7 AS big, md5(g::text) AS hash, (g % 1000)::numeric / 7 AS ratio, timestamp \'2025-01-01\' + g * interval \'1 second\' AS at FROM generate_series(1, 2000000) g',
      assertions: [{ type: 'no-nulls', fields: ['id', 'hash'] }, { type: 'field-compare', field: 'big', op: 'gte', value: 7, rows: 'all' }],
    },
  },
  {
    name: '300,000 rows × 2,000 characters',
    rows: 300_000,
    check: {
      kind: 'sql',
      sql: 'SELECT g AS id, repeat(md5(g::text), 62) || \'abcdefghijklmnop\' AS text FROM generate_series(1, 300000) g',
      assertions: [{ type: 'no-nulls', fields: ['text'] }, { type: 'row-count', min: 300000 }],
    },
  },
  {
    name: 'a command printing 50 MB',
    rows: null,
    check: { kind: 'command', argv: ['sh', '-c', "head -c 50000000 /dev/zero | tr '\\0' a"], assertions: [{ type: 'exit-code', equals: 0 }] },
  },
];

async function main(): Promise<void> {
  if (!findPostgresBinaries()) {
    console.log('collect bench skipped: no PostgreSQL server binaries under /usr/lib/postgresql/*/bin');
    return;
  }
  const server = await startPostgres();
  const dir = await mkdtemp(join(tmpdir(), 'collect-bench-'));
  const psql = join(findPostgresBinaries()!, 'psql');
  const results: { name: string; peakMb: number; seconds: number; status: string; copySeconds: number | null; perMillion: string }[] = [];
  try {
    for (const c of cases) {
      const checklist = join(dir, `${results.length}.json`);
      await writeFile(checklist, JSON.stringify({ id: 'bench', version: '1.0.0', title: 'bench', sections: [{ number: '1', title: 'bench' }], checks: [{ id: 'big', section: '1', title: c.name, ...c.check }] }));
      const evidence = join(dir, `evidence-${results.length}`);
      const stderrFile = join(dir, 'time.txt');
      // /usr/bin/time writes to stderr after the command's own stderr: read its last line.
      try {
        execFileSync('sh', ['-c', `/usr/bin/time -f 'BENCH %M %e' "$0" "$@" >/dev/null 2>${stderrFile}`, process.execPath, BIN, 'collect', '--checklist', checklist, '--env', 'bench', '--id', 'run', '--evidence-dir', evidence, '--database-url', server.url('postgres')], { stdio: 'ignore' });
      } catch {
        // exit 1 (a failing check) still measured
      }
      const line = (await readFile(stderrFile, 'utf8')).trim().split('\n').filter((l) => l.startsWith('BENCH ')).at(-1) ?? 'BENCH 0 0';
      const [, kb, secs] = line.split(' ');
      const snapshot = JSON.parse(await readFile(join(evidence, 'run', 'checks', 'big.json'), 'utf8')) as { status: string };
      let copySeconds: number | null = null;
      if (c.check.kind === 'sql') {
        const started = performance.now();
        execFileSync(psql, [server.url('postgres'), '-q', '-c', `\\copy (${String(c.check.sql)}) to /dev/null`], { stdio: 'ignore' });
        copySeconds = (performance.now() - started) / 1000;
      }
      const seconds = Number(secs);
      results.push({
        name: c.name,
        peakMb: Math.round(Number(kb) / 1024),
        seconds,
        status: snapshot.status,
        copySeconds,
        perMillion: c.rows ? `${((seconds / c.rows) * 1e6).toFixed(1)} s (psql \\copy ${((copySeconds! / c.rows) * 1e6).toFixed(1)} s)` : '—',
      });
    }
  } finally {
    await server.stop();
  }
  console.log('\ncollect on large results (one CLI run each; peak RSS of the collector process):\n');
  console.log('| case | peak RSS | wall | check | per million rows |');
  console.log('|---|---|---|---|---|');
  for (const r of results) console.log(`| ${r.name} | ${r.peakMb} MB | ${r.seconds.toFixed(1)} s | ${r.status} | ${r.perMillion} |`);
  const over = results.filter((r) => r.peakMb > 250);
  if (over.length) console.log(`\nover the 250 MB target: ${over.map((r) => r.name).join(', ')}`);
}

await main();
