/**
 * `npm run bench` (site part): the site build as history grows, against a floor. For each size N
 * it generates N deployments from a real collection (the committed sample evidence: each a valid
 * deployment with its own timings and counts, chained like collected evidence), builds the site
 * with the real CLI (`deploy-evidence build`), and builds the **floor** beside it in the same run:
 * a bare Astro project that emits the same page paths, each rendering an evidence JSON file as
 * escaped text in <pre> (no components, no highlighting, no content collections), and, as a
 * diagnostic, the same bare project emitting the site's own built HTML unchanged ("emit": what
 * Astro alone costs to write these pages). Each build's
 * wall and CPU time come from `/usr/bin/time`; its peak memory is the largest total RSS of its
 * whole process tree, sampled from /proc (bench/process-tree-memory.ts), not this process's heap.
 *
 *   npx tsx bench/site-build.ts [sizes] [runs]      # default: 50,200 and 3 runs; 1000 is opt-in
 *
 * **Incremental** (issue 29): the history is generated with one deployment more, held back for the
 * full builds; each run then adds it back and builds again into a copy of that run's full output
 * (`deploy-evidence build` keeps the pages whose inputs are unchanged), and the first run checks
 * that output against a `--no-cache` build of the same evidence, file for file (`diff -r`).
 *
 * Writes bench/results.json: the machine, the versions, and each figure's median, min and max; and
 * rewrites the figures table of docs/performance.md from them (bench/performance-doc.ts).
 */
import { execa } from 'execa';
import { cp, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateHistory } from './generate-history.ts';
import { updatePerformanceDoc, type BenchResults, type SiteBuildRow } from './performance-doc.ts';
import { sampleTreeMemory } from './process-tree-memory.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const sizes = (process.argv[2] ?? '50,200').split(',').map(Number);
const RUNS = Number(process.argv[3] ?? 3);

/** Every page the site built, as its path (`/deployments/x/`). */
async function pagePaths(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true }))
    .map(String)
    .filter((f) => f.endsWith('index.html') && !f.startsWith('pagefind/'))
    .map((f) => `/${f.slice(0, -'index.html'.length)}`);
}

/** The evidence file a floor page renders: the check's snapshot, else its deployment's deployment.json. */
function floorSource(path: string, firstDeployment: string): string {
  const check = path.match(/^\/deployments\/([^/]+)\/checks\/([^/]+)\/$/);
  if (check) return `${check[1]}/checks/${check[2]}.json`;
  const deployment = path.match(/^\/deployments\/([^/]+)\//);
  return `${deployment?.[1] ?? firstDeployment}/deployment.json`;
}

/**
 * A bare Astro project inside this repository (so it resolves the same astro): one dynamic route
 * emitting every page path, each page a file read as it renders and written out by `body`.
 */
async function writeBareProject(dir: string, pages: { path: string; file: string }[], body: string): Promise<void> {
  await mkdir(join(dir, 'src', 'pages'), { recursive: true });
  await writeFile(join(dir, 'pages.json'), JSON.stringify(pages));
  await writeFile(join(dir, 'astro.config.mjs'), "export default { output: 'static', trailingSlash: 'always', build: { format: 'directory' }, devToolbar: { enabled: false } };\n");
  await writeFile(
    join(dir, 'src', 'pages', '[...path].astro'),
    `---
import { readFileSync } from 'node:fs';
export function getStaticPaths() {
  const pages = JSON.parse(readFileSync(${JSON.stringify(join(dir, 'pages.json'))}, 'utf8'));
  return pages.map(({ path, file }) => ({ params: { path: path === '/' ? undefined : path.slice(1, -1) }, props: { file } }));
}
const { file } = Astro.props;
const text = readFileSync(file, 'utf8');
---
${body}
`,
  );
}

/** The floor: each page its evidence JSON as escaped text. */
async function writeFloorProject(dir: string, evidenceRoot: string, paths: string[]): Promise<void> {
  const first = (await readdir(evidenceRoot)).find((f) => !f.startsWith('_'))!;
  await writeBareProject(dir, paths.map((path) => ({ path, file: join(evidenceRoot, floorSource(path, first)) })), '<html><body><pre>{text}</pre></body></html>');
}

/**
 * Not a target, a diagnostic: the same bare project emitting the site's own pages, each the HTML
 * the site built for that path, unchanged. What Astro costs to write this site's bytes, without
 * any of the site's work (loading, components, highlighting, search, publishing the evidence).
 */
async function writeEmitProject(dir: string, site: string, paths: string[]): Promise<void> {
  await writeBareProject(dir, paths.map((path) => ({ path, file: join(site, path, 'index.html') })), '<Fragment set:html={text} />');
}

interface Measured {
  seconds: number;
  /** The largest total RSS of the build's whole process tree (the CLI, Astro, pagefind's indexer). */
  peakRssMiB: number;
  /** Each process's own peak, by name. */
  peakByProcessMiB: Record<string, number>;
  /** user + system CPU of the whole process tree: on 2 cores, what a build costs beside its wall time. */
  cpuSeconds: number;
  /** Of which system (kernel) time: mostly creating and writing files, which on this machine's disk varies several-fold from run to run. */
  systemSeconds: number;
  /** What the build printed. */
  output: string;
}

/** Wall time and CPU time of one build (GNU time), and the peak memory of its whole process tree (sampled from /proc). */
async function timed(argv: string[], cwd: string, env: Record<string, string> = {}): Promise<Measured> {
  const child = execa('/usr/bin/time', ['-f', 'BENCH %e %U %S', ...argv], { cwd, env: { ASTRO_TELEMETRY_DISABLED: '1', ...env }, reject: false, all: true });
  const memory = sampleTreeMemory(child.pid!);
  const result = await child;
  const { peakTotalMiB, peakByProcessMiB } = await memory.stop();
  const line = result.all.split('\n').reverse().find((l) => l.startsWith('BENCH '));
  if (result.exitCode !== 0 || !line) throw new Error(`${argv.join(' ')} failed:\n${result.all.slice(-4000)}`);
  const [, seconds, user, system] = line.split(' ');
  return { seconds: Number(seconds), peakRssMiB: peakTotalMiB, peakByProcessMiB, cpuSeconds: Number(user) + Number(system), systemSeconds: Number(system), output: result.all };
}

const stats = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)]!, min: sorted[0]!, max: sorted.at(-1)! };
};

const bin = join(ROOT, 'bin', 'deploy-evidence.js');
await execa(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT });
const rows: SiteBuildRow[] = [];
// Nothing the bench writes is deleted until every build has run. On a filesystem without a journal
// (this machine's ext4), creating a file skips every inode freed in the last minutes, scanning
// their on-disk records one by one (ext4's `recently_deleted`): a build right after deleting the
// previous build's 8,000 files spent seconds more in the kernel than the same build on a quiet disk,
// and which of the two builds (site or floor) paid for it depended on the order of deletions.
const leftovers: string[] = [];
console.log(`site build against the floor, ${RUNS} runs each (median [min–max])`);
console.log('deployments  pages  site (s)            floor (s)         ratio   emit (s, ratio)        site CPU (s, of which system)  floor CPU (s, of which system)  site peak RSS (MiB, tree)  floor peak RSS (MiB)');
try {
  for (const n of sizes) {
    const root = await mkdtemp(join(tmpdir(), `bench-evidence-${n}-`));
    const floorDir = await mkdtemp(join(ROOT, '.bench-floor-'));
    const emitDir = await mkdtemp(join(ROOT, '.bench-floor-emit-'));
    leftovers.push(root, floorDir, emitDir);
    const site: Measured[] = [];
    const floor: Measured[] = [];
    const emit: Measured[] = [];
    const held = await mkdtemp(join(tmpdir(), `bench-held-${n}-`));
    leftovers.push(held);
    const incremental: Measured[] = [];
    const incrementalOfFull: number[] = [];
    let kept = 0;
    let identical = false;
    // n deployments for the full builds, and the newest one held back for the incremental ones.
    await generateHistory(root, n + 1);
    const newest = (await readdir(root)).filter((d) => d.startsWith('bench-')).sort().at(-1)!;
    await rename(join(root, newest), join(held, newest));
    const evidenceBytes = Number((await execa('du', ['-sb', root])).stdout.split('\t')[0]);
    let pages = 0;
    for (let run = 0; run < RUNS; run += 1) {
      const out = join(tmpdir(), `bench-site-${n}-${run}`);
      const floorOut = join(tmpdir(), `bench-floor-${n}-${run}`);
      const emitOut = join(tmpdir(), `bench-emit-${n}-${run}`);
      const incrementalOut = join(tmpdir(), `bench-incremental-${n}-${run}`);
      leftovers.push(out, floorOut, emitOut, incrementalOut);
      site.push(await timed([process.execPath, bin, 'build', '--no-cache', '--evidence-dir', root, '--out-dir', out], ROOT, { PATH: process.env.PATH ?? '' }));
      // The previous output, as CI restores it from its cache (not timed), then one new deployment.
      await cp(out, incrementalOut, { recursive: true });
      await rename(join(held, newest), join(root, newest));
      const measured = await timed([process.execPath, bin, 'build', '--evidence-dir', root, '--out-dir', incrementalOut], ROOT, { PATH: process.env.PATH ?? '' });
      incremental.push(measured);
      // BENCH_LOG_DIR: keep each incremental build's own log (Astro's phases, what it kept) to read where its time went.
      if (process.env.BENCH_LOG_DIR) await writeFile(join(process.env.BENCH_LOG_DIR, `incremental-${n}-${run}.log`), measured.output);
      incrementalOfFull.push(measured.seconds / site.at(-1)!.seconds);
      kept = Number(/(\d+) of \d+ deployments' pages kept from the previous output/.exec(measured.output)?.[1] ?? 0);
      if (run === 0) {
        const fullOut = join(tmpdir(), `bench-site-${n}-plus-one`);
        leftovers.push(fullOut);
        await execa(process.execPath, [bin, 'build', '--no-cache', '--evidence-dir', root, '--out-dir', fullOut], { cwd: ROOT });
        identical = (await execa('diff', ['-r', '-q', fullOut, incrementalOut], { reject: false })).exitCode === 0;
      }
      await rename(join(root, newest), join(held, newest));
      if (run === 0) {
        const paths = await pagePaths(out);
        pages = paths.length;
        await writeFloorProject(floorDir, root, paths);
        await writeEmitProject(emitDir, out, paths);
      }
      floor.push(await timed([process.execPath, join(ROOT, 'node_modules/astro/astro.js'), 'build', '--outDir', floorOut], floorDir, { PATH: process.env.PATH ?? '' }));
      emit.push(await timed([process.execPath, join(ROOT, 'node_modules/astro/astro.js'), 'build', '--outDir', emitOut], emitDir, { PATH: process.env.PATH ?? '' }));
    }
    const s = stats(site.map((m) => m.seconds));
    const f = stats(floor.map((m) => m.seconds));
    const ratio = stats(site.map((m, i) => m.seconds / floor[i]!.seconds));
    const e = stats(emit.map((m) => m.seconds));
    const emitRatio = stats(emit.map((m, i) => m.seconds / floor[i]!.seconds));
    const sRss = stats(site.map((m) => m.peakRssMiB));
    const fRss = stats(floor.map((m) => m.peakRssMiB));
    const sCpu = stats(site.map((m) => m.cpuSeconds));
    const fCpu = stats(floor.map((m) => m.cpuSeconds));
    const sSys = stats(site.map((m) => m.systemSeconds));
    const fSys = stats(floor.map((m) => m.systemSeconds));
    const byProcess = (runs: Measured[]) => Object.fromEntries([...new Set(runs.flatMap((m) => Object.keys(m.peakByProcessMiB)))].map((name) => [name, stats(runs.map((m) => m.peakByProcessMiB[name] ?? 0))]));
    rows.push({ deployments: n, pages, evidenceMiB: evidenceBytes / 2 ** 20, siteSeconds: s, floorSeconds: f, ratio, emitSeconds: e, emitRatio, siteCpuSeconds: sCpu, floorCpuSeconds: fCpu, siteSystemSeconds: sSys, floorSystemSeconds: fSys, sitePeakRssMiB: sRss, floorPeakRssMiB: fRss, sitePeakRssByProcessMiB: byProcess(site), floorPeakRssByProcessMiB: byProcess(floor), incremental: { seconds: stats(incremental.map((m) => m.seconds)), ofFull: stats(incrementalOfFull), peakRssMiB: stats(incremental.map((m) => m.peakRssMiB)), kept, identical } });
    const fmt = (x: { median: number; min: number; max: number }, d = 1) => `${x.median.toFixed(d)} [${x.min.toFixed(d)}–${x.max.toFixed(d)}]`;
    console.log(`${' '.repeat(11)}  one new deployment, previous output kept: ${fmt(stats(incremental.map((m) => m.seconds)))} s, ${(stats(incrementalOfFull).median * 100).toFixed(0)} % of the full build, ${kept} of ${n + 1} kept, ${fmt(stats(incremental.map((m) => m.peakRssMiB)), 0)} MiB, ${identical ? 'same bytes as --no-cache' : 'NOT the same bytes as --no-cache'}`);
    console.log(`${String(n).padStart(11)}  ${String(pages).padStart(5)}  ${fmt(s).padEnd(18)}  ${fmt(f).padEnd(16)}  ${ratio.median.toFixed(2)}×   ${`${fmt(e)} ${emitRatio.median.toFixed(2)}×`.padEnd(21)}  ${`${sCpu.median.toFixed(1)} (${sSys.median.toFixed(1)})`.padEnd(29)}  ${`${fCpu.median.toFixed(1)} (${fSys.median.toFixed(1)})`.padEnd(30)}  ${fmt(sRss, 0).padEnd(19)}  ${fmt(fRss, 0)}`);
  }
} finally {
  for (const dir of leftovers) await rm(dir, { recursive: true, force: true });
}

const versions = JSON.parse(await readFile(join(ROOT, 'node_modules/astro/package.json'), 'utf8')) as { version: string };
// The other benches' figures in the same file stay as they were measured.
const earlier = JSON.parse(await readFile(join(ROOT, 'bench', 'results.json'), 'utf8').catch(() => '{}')) as Partial<BenchResults>;
const results: BenchResults = { ...(earlier.lockSampler ? { lockSampler: earlier.lockSampler } : {}), measuredAt: new Date().toISOString(), machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? null, memoryGiB: Math.round(totalmem() / 2 ** 30) }, versions: { node: process.version, astro: versions.version }, runs: RUNS, siteBuild: rows };
await writeFile(join(ROOT, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
await updatePerformanceDoc(join(ROOT, 'docs', 'performance.md'), results);
console.log('\nwritten: bench/results.json, and its table in docs/performance.md');
