/**
 * `npm run bench` (hostile part, issue 25): the site build's peak memory and time over evidence
 * that holds what no collector writes — a check whose one cell is 300 MB, a 2 GB sparse file the
 * deployment does not name — beside the same build over the committed samples alone. Before the
 * ceiling on evidence files, the 300 MB cell took 94 s and 12.6 GB; a file over the ceiling is now
 * refused by path and never read, so the build should cost what the samples cost.
 *
 *   npx tsx bench/hostile-evidence.ts
 *
 * Adds `hostileEvidence` to bench/results.json.
 */
import { execa } from 'execa';
import { cp, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sampleTreeMemory } from './process-tree-memory.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BIN = join(ROOT, 'bin', 'deploy-evidence.js');
const ID = 'sample-staging-pr73';

async function build(evidence: string): Promise<{ seconds: number; peakRssMiB: number; warnings: number }> {
  const out = join(await mkdtemp(join(tmpdir(), 'bench-hostile-site-')), 'site');
  const started = performance.now();
  const child = execa(process.execPath, [BIN, 'build', '--no-git', '--evidence-dir', evidence, '--out-dir', out], { reject: false, all: true, env: { ASTRO_TELEMETRY_DISABLED: '1' } });
  const memory = sampleTreeMemory(child.pid!);
  const result = await child;
  const { peakTotalMiB } = await memory.stop();
  if (result.exitCode !== 0) throw new Error(`the build failed:\n${result.all.slice(-4000)}`);
  await rm(join(out, '..'), { recursive: true, force: true });
  return { seconds: (performance.now() - started) / 1000, peakRssMiB: Math.round(peakTotalMiB), warnings: result.all.split('\n').filter((l) => l.startsWith('warning: ')).length };
}

await execa(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT });
const samples = await mkdtemp(join(tmpdir(), 'bench-hostile-'));
await cp(join(ROOT, 'evidence'), join(samples, 'plain'), { recursive: true });
await cp(join(ROOT, 'evidence'), join(samples, 'hostile'), { recursive: true });
try {
  // A real 300 MB cell in a snapshot the deployment names (written, not sparse: its bytes are there to read).
  const file = join(samples, 'hostile', ID, 'checks', 'sample-rows.json');
  const snapshot = JSON.parse(await readFile(file, 'utf8'));
  snapshot.result.rows[0][0] = '__CELL__';
  const [before, after] = JSON.stringify(snapshot, null, 2).split('"__CELL__"') as [string, string];
  const handle = await open(file, 'w');
  await handle.write(`${before}"`);
  const chunk = 'x'.repeat(1024 * 1024);
  for (let i = 0; i < 300; i += 1) await handle.write(chunk);
  await handle.write(`"${after}`);
  await handle.close();
  // And 2 GB of nothing under a name the deployment does not give.
  const sparse = await open(join(samples, 'hostile', ID, 'checks', 'sparse.json'), 'w');
  await sparse.truncate(2 * 1024 ** 3);
  await sparse.close();

  const plain = await build(join(samples, 'plain'));
  const hostile = await build(join(samples, 'hostile'));
  console.log('evidence                               build (s)  peak RSS (MiB, tree)  warnings');
  console.log(`committed samples                      ${plain.seconds.toFixed(1).padStart(9)}  ${String(plain.peakRssMiB).padStart(20)}  ${String(plain.warnings).padStart(8)}`);
  console.log(`+ a 300 MB cell, a 2 GB unnamed file   ${hostile.seconds.toFixed(1).padStart(9)}  ${String(hostile.peakRssMiB).padStart(20)}  ${String(hostile.warnings).padStart(8)}`);
  const resultsFile = join(ROOT, 'bench', 'results.json');
  const results = JSON.parse(await readFile(resultsFile, 'utf8').catch(() => '{}')) as Record<string, unknown>;
  results.hostileEvidence = { measuredAt: new Date().toISOString(), plain, hostile };
  await writeFile(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
} finally {
  await rm(samples, { recursive: true, force: true });
}
