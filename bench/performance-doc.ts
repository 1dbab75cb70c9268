/**
 * The figures of docs/performance.md, written from what the bench measured (bench/results.json),
 * so the doc shows the last run and not a copy typed by hand. bench/site-build.ts calls
 * `updatePerformanceDoc` after it writes its results; the doc's table sits between
 * `<!-- bench:site-build:start -->` and `<!-- bench:site-build:end -->`, and the prose around the
 * markers is written by hand.
 */
import { readFile, writeFile } from 'node:fs/promises';

/** One figure over several runs. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

/** One history size, as bench/site-build.ts records it. */
export interface SiteBuildRow {
  deployments: number;
  pages: number;
  evidenceMiB: number;
  siteSeconds: Spread;
  floorSeconds: Spread;
  ratio: Spread;
  emitSeconds: Spread;
  emitRatio: Spread;
  siteCpuSeconds: Spread;
  floorCpuSeconds: Spread;
  siteSystemSeconds: Spread;
  floorSystemSeconds: Spread;
  sitePeakRssMiB: Spread;
  floorPeakRssMiB: Spread;
  sitePeakRssByProcessMiB: Record<string, Spread>;
  floorPeakRssByProcessMiB: Record<string, Spread>;
  /**
   * One new deployment on this history, the previous output kept (issue 29): the build's wall time,
   * its share of the full build's (run by run), its peak memory, and whether its output was the
   * same bytes as a build of the same evidence with --no-cache.
   */
  incremental?: { seconds: Spread; ofFull: Spread; peakRssMiB: Spread; kept: number; identical: boolean };
}

/** bench/results.json. */
export interface BenchResults {
  measuredAt: string;
  machine: { cpus: number; cpuModel: string | null; memoryGiB: number };
  versions: { node: string; astro: string };
  runs: number;
  siteBuild: SiteBuildRow[];
  /** bench/lock-sampler.ts's figures (kept when the site build's are written again). */
  lockSampler?: LockSamplerResults;
}

/** The process name pagefind's indexer runs under, in the per-process peaks. */
const PAGEFIND_PROCESS = 'pagefind_extend';

/** 19767 → "19,767", whatever the locale. */
const count = (n: number) => String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
const seconds = (s: Spread) => `${s.median.toFixed(1)} [${s.min.toFixed(1)}–${s.max.toFixed(1)}] s`;
const mib = (n: number) => `${Math.round(n)} MiB`;
const times = (n: number) => `${n.toFixed(2)}×`;

/**
 * The site build's figures as Markdown: one sentence saying where and how they were measured, then
 * one table row per history size, each figure the median of the runs (wall times with [min–max]).
 */
export function siteBuildTable(results: BenchResults): string {
  const { machine, versions } = results;
  const where = `${machine.cpus} cores${machine.cpuModel ? ` (${machine.cpuModel})` : ''} and ${machine.memoryGiB} GiB of memory`;
  const lines = [
    `Measured ${results.measuredAt.slice(0, 10)} on ${where}, Node ${versions.node}, Astro ${versions.astro}; ${results.runs} runs each, median [min–max]. CPU is user + system time of the whole process tree, system (kernel) time in parentheses.`,
    '',
    '| deployments | pages | evidence | site build | floor | ratio | emit (diagnostic) | CPU site / floor | peak RSS site (tree) | of which pagefind | floor |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const row of results.siteBuild) {
    const pagefind = row.sitePeakRssByProcessMiB[PAGEFIND_PROCESS];
    lines.push(
      `| ${[
        count(row.deployments),
        count(row.pages),
        mib(row.evidenceMiB),
        seconds(row.siteSeconds),
        seconds(row.floorSeconds),
        times(row.ratio.median),
        `${row.emitSeconds.median.toFixed(1)} s, ${times(row.emitRatio.median)}`,
        `${row.siteCpuSeconds.median.toFixed(1)} (${row.siteSystemSeconds.median.toFixed(1)}) / ${row.floorCpuSeconds.median.toFixed(1)} (${row.floorSystemSeconds.median.toFixed(1)}) s`,
        mib(row.sitePeakRssMiB.median),
        pagefind ? mib(pagefind.median) : '—',
        mib(row.floorPeakRssMiB.median),
      ].join(' | ')} |`,
    );
  }
  return lines.join('\n');
}

/** The incremental builds' figures as Markdown: one row per history size that measured them. */
export function incrementalTable(results: BenchResults): string {
  const lines = [
    '| deployments | full build | one new deployment, previous output kept | of the full build | deployments kept | peak RSS (tree) | same bytes as --no-cache |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const row of results.siteBuild) {
    const inc = row.incremental;
    if (!inc) continue;
    lines.push(`| ${[count(row.deployments), seconds(row.siteSeconds), seconds(inc.seconds), `${(inc.ofFull.median * 100).toFixed(0)} %`, `${count(inc.kept)} of ${count(row.deployments + 1)}`, mib(inc.peakRssMiB.median), inc.identical ? 'yes' : '**no**'].join(' | ')} |`);
  }
  return lines.join('\n');
}

/** `<!-- bench:<name>:start -->` and its end marker. */
export const markers = (name: string) => ({ start: `<!-- bench:${name}:start -->`, end: `<!-- bench:${name}:end -->` });

/**
 * `text` with what stands between the two markers named `name` replaced by `content`. The markers
 * must each appear once, start before end: a doc that lost one is an error, never a table appended
 * somewhere.
 */
export function replaceBetweenMarkers(text: string, name: string, content: string): string {
  const { start, end } = markers(name);
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from === -1 || to === -1) throw new Error(`the markers ${start} and ${end} are not both there`);
  if (text.indexOf(start, from + 1) !== -1 || text.indexOf(end, to + 1) !== -1) throw new Error(`the markers of "${name}" appear more than once`);
  if (to < from) throw new Error(`${end} comes before ${start}`);
  return `${text.slice(0, from + start.length)}\n${content}\n${text.slice(to)}`;
}

/** Rewrites the site build's tables in the performance doc from `results`. */
export async function updatePerformanceDoc(file: string, results: BenchResults): Promise<void> {
  const text = await readFile(file, 'utf8');
  await writeFile(file, replaceBetweenMarkers(replaceBetweenMarkers(text, 'site-build', siteBuildTable(results)), 'incremental', incrementalTable(results)));
}

/** The lock sampler's overhead on one migration (issue 28), as bench/lock-sampler.ts records it. */
export interface LockSamplerRow {
  /** `off`, or the sampling interval in ms. */
  sampling: string;
  migrationMs: Spread;
  /** Median over the median without sampling. */
  ratio: number;
  samples: number | null;
}

export interface LockSamplerResults {
  measuredAt: string;
  migration: string;
  runs: number;
  rows: LockSamplerRow[];
}

/** The sampler's overhead as Markdown: what ran, then one row per interval against no sampling. */
export function lockSamplerTable(results: LockSamplerResults): string {
  const ms = (s: Spread) => `${Math.round(s.median)} [${Math.round(s.min)}–${Math.round(s.max)}] ms`;
  return [
    `Measured ${results.measuredAt.slice(0, 10)}: ${results.migration}; ${results.runs} runs each, alternating, median [min–max].`,
    '',
    '| sampling | migration | ratio | samples taken (median) |',
    '|---|---|---|---|',
    ...results.rows.map((r) => `| ${r.sampling} | ${ms(r.migrationMs)} | ${times(r.ratio)} | ${r.samples === null ? '—' : count(r.samples)} |`),
  ].join('\n');
}

/** Rewrites the lock sampler's table in the performance doc. */
export async function updateLockSamplerDoc(file: string, results: LockSamplerResults): Promise<void> {
  const text = await readFile(file, 'utf8');
  await writeFile(file, replaceBetweenMarkers(text, 'lock-sampler', lockSamplerTable(results)));
}
