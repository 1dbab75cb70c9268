/**
 * The bench writes docs/performance.md's figures from what it measured: the table function, the
 * markers it writes between, and the committed doc against the committed bench/results.json.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { incrementalTable, markers, replaceBetweenMarkers, siteBuildTable, type BenchResults, type SiteBuildRow } from '../../bench/performance-doc.ts';

const repo = new URL('../../', import.meta.url).pathname;
const spread = (median: number, min = median, max = median) => ({ median, min, max });

function row(overrides: Partial<SiteBuildRow> = {}): SiteBuildRow {
  return {
    deployments: 1000,
    pages: 19767,
    evidenceMiB: 112.7,
    siteSeconds: spread(51.75, 50.58, 56.3),
    floorSeconds: spread(14.68, 14.1, 14.96),
    ratio: spread(3.5872, 3.45, 3.83),
    emitSeconds: spread(14.4, 14.24, 15.53),
    emitRatio: spread(1.0213),
    siteCpuSeconds: spread(75.13),
    floorCpuSeconds: spread(14.12),
    siteSystemSeconds: spread(10.38),
    floorSystemSeconds: spread(4.72),
    sitePeakRssMiB: spread(922.79),
    floorPeakRssMiB: spread(413.54),
    sitePeakRssByProcessMiB: { node: spread(700.85), pagefind_extend: spread(92.66) },
    floorPeakRssByProcessMiB: { node: spread(390.07) },
    ...overrides,
  };
}

function results(rows: SiteBuildRow[]): BenchResults {
  return { measuredAt: '2026-12-04T18:48:20.880Z', machine: { cpus: 2, cpuModel: 'AMD EPYC', memoryGiB: 24 }, versions: { node: 'v20.20.2', astro: '5.18.2' }, runs: 3, siteBuild: rows };
}

describe('siteBuildTable', () => {
  it('says where and how the figures were measured, then one row per history size', () => {
    const lines = siteBuildTable(results([row({ deployments: 50, pages: 1005 }), row()])).split('\n');
    expect(lines[0]).toBe(
      'Measured 2026-12-04 on 2 cores (AMD EPYC) and 24 GiB of memory, Node v20.20.2, Astro 5.18.2; 3 runs each, median [min–max]. CPU is user + system time of the whole process tree, system (kernel) time in parentheses.',
    );
    expect(lines[1]).toBe('');
    expect(lines[2]).toBe('| deployments | pages | evidence | site build | floor | ratio | emit (diagnostic) | CPU site / floor | peak RSS site (tree) | of which pagefind | floor |');
    expect(lines[3]).toBe('|---|---|---|---|---|---|---|---|---|---|---|');
    expect(lines.slice(4)).toEqual([
      '| 50 | 1,005 | 113 MiB | 51.8 [50.6–56.3] s | 14.7 [14.1–15.0] s | 3.59× | 14.4 s, 1.02× | 75.1 (10.4) / 14.1 (4.7) s | 923 MiB | 93 MiB | 414 MiB |',
      '| 1,000 | 19,767 | 113 MiB | 51.8 [50.6–56.3] s | 14.7 [14.1–15.0] s | 3.59× | 14.4 s, 1.02× | 75.1 (10.4) / 14.1 (4.7) s | 923 MiB | 93 MiB | 414 MiB |',
    ]);
  });

  it('writes a dash where the indexer was not seen, and leaves out an unknown processor', () => {
    const table = siteBuildTable({ ...results([row({ sitePeakRssByProcessMiB: { node: spread(700) } })]), machine: { cpus: 4, cpuModel: null, memoryGiB: 8 } });
    expect(table).toMatch(/^Measured 2026-12-04 on 4 cores and 8 GiB of memory,/);
    expect(table.split('\n').at(-1)).toMatch(/\| 923 MiB \| — \| 414 MiB \|$/);
  });

  it('has no row without a measured size', () => {
    expect(siteBuildTable(results([])).split('\n')).toHaveLength(4);
  });
});

describe('incrementalTable', () => {
  it('has one row per size that measured an incremental build, with its share of the full build and whether it was the same bytes', () => {
    const incremental = { seconds: spread(6.2, 6.0, 6.9), ofFull: spread(0.1198), peakRssMiB: spread(611.4), kept: 1000, identical: true };
    const lines = incrementalTable(results([row({ deployments: 50 }), row({ incremental }), row({ deployments: 200, incremental: { ...incremental, kept: 3, identical: false } })])).split('\n');
    expect(lines).toEqual([
      '| deployments | full build | one new deployment, previous output kept | of the full build | deployments kept | peak RSS (tree) | same bytes as --no-cache |',
      '|---|---|---|---|---|---|---|',
      '| 1,000 | 51.8 [50.6–56.3] s | 6.2 [6.0–6.9] s | 12 % | 1,000 of 1,001 | 611 MiB | yes |',
      '| 200 | 51.8 [50.6–56.3] s | 6.2 [6.0–6.9] s | 12 % | 3 of 201 | 611 MiB | **no** |',
    ]);
  });
});

describe('replaceBetweenMarkers', () => {
  const { start, end } = markers('site-build');

  it('replaces only what stands between the markers, keeping the markers and the prose around them', () => {
    const doc = `# Doc\n\nBefore.\n\n${start}\nold table\nold line\n${end}\n\nAfter.\n`;
    expect(replaceBetweenMarkers(doc, 'site-build', 'new table')).toBe(`# Doc\n\nBefore.\n\n${start}\nnew table\n${end}\n\nAfter.\n`);
  });

  it('gives the same text when run twice', () => {
    const doc = `${start}\n${end}\n`;
    const once = replaceBetweenMarkers(doc, 'site-build', 'a\nb');
    expect(replaceBetweenMarkers(once, 'site-build', 'a\nb')).toBe(once);
  });

  it('refuses a doc that lost a marker, repeats one, or has them in the wrong order', () => {
    expect(() => replaceBetweenMarkers(`${start}\n`, 'site-build', 'x')).toThrow(/not both there/);
    expect(() => replaceBetweenMarkers(`${start}\n${end}\n`, 'other', 'x')).toThrow(/not both there/);
    expect(() => replaceBetweenMarkers(`${start}\n${end}\n${start}\n${end}\n`, 'site-build', 'x')).toThrow(/more than once/);
    expect(() => replaceBetweenMarkers(`${end}\n${start}\n`, 'site-build', 'x')).toThrow(/comes before/);
  });
});

describe('docs/performance.md', () => {
  it('shows the figures of the committed bench/results.json, as the bench writes them', async () => {
    const committed = JSON.parse(await readFile(`${repo}bench/results.json`, 'utf8')) as BenchResults;
    const doc = await readFile(`${repo}docs/performance.md`, 'utf8');
    expect(replaceBetweenMarkers(doc, 'site-build', siteBuildTable(committed))).toBe(doc);
    expect(replaceBetweenMarkers(doc, 'incremental', incrementalTable(committed))).toBe(doc);
  });
});
