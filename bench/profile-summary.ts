/**
 * A CPU profile (`node --cpu-prof`) summed by what each sample was doing: the first rule that
 * matches a frame of its stack, from the leaf up, names it (bench/profile-incremental.ts).
 * Idle samples are the main thread waiting (on the file system, on pagefind's processes).
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** What a stack is doing, judged from its frames (url, function): the first rule any frame matches, rules in order. */
const RULES: [string, (url: string, fn: string) => boolean][] = [
  ['idle (waiting)', (_u, fn) => fn === '(idle)'],
  ['garbage collection', (_u, fn) => fn === '(garbage collector)'],
  ['search index (records, pagefind I/O)', (u) => /src\/integrations\/search-index|node_modules\/pagefind|src\/site\/search-records|deflated-text/.test(u)],
  ['reuse: keys, reading and checking kept pages', (u) => /src\/site\/reuse-plan|page-inputs|deployment-pages|site-outputs/.test(u)],
  ['publishing the raw evidence', (u) => /publish-evidence/.test(u)],
  ['loading and verifying the evidence', (u) => /src\/site\/data\/evidence|src\/site\/load-evidence|src\/format\/|src\/core\/integrity|src\/core\/signoff|snapshot-store|history\.ts|zod/.test(u)],
  ['Vite/Rollup bundling', (u) => /node_modules\/(vite|rollup|@rollup|esbuild|@astrojs\/compiler|postcss|lightningcss|@babel)/.test(u)],
  ['rendering pages (Astro runtime, our components)', (u) => /node_modules\/astro\/dist\/(runtime|core\/render)|\.astro|\/chunks\/|\/pages\/|src\/site\/(view-models|components)/.test(u)],
  ['Astro build orchestration (writing files, routes)', (u) => /node_modules\/astro/.test(u)],
  ['other Node internals (fs, streams, module loading)', (u) => u.startsWith('node:') || u === ''],
];

export function summarizeProfile(file: string): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const category = new Map<number, string>();
  const classify = (id: number): string => {
    const known = category.get(id);
    if (known) return known;
    const frames: Node['callFrame'][] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) frames.push(byId.get(at)!.callFrame);
    let found = 'other';
    for (const [name, rule] of RULES) if (frames.some((f) => rule(f.url, f.functionName))) { found = name; break; }
    category.set(id, found);
    return found;
  };
  const totals = new Map<string, number>();
  const self = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    totals.set(classify(id), (totals.get(classify(id)) ?? 0) + ms);
    const f = byId.get(id)!.callFrame;
    const name = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(node_modules|src)\//, '$1/')}`;
    self.set(name, (self.get(name) ?? 0) + ms);
  });
  const wall = (profile.endTime - profile.startTime) / 1000;
  const lines = [`Astro process main thread: ${(wall / 1000).toFixed(1)} s profiled`];
  for (const [name, ms] of [...totals].sort((a, b) => b[1] - a[1])) lines.push(`  ${(ms / 1000).toFixed(2).padStart(6)} s  ${((ms / wall) * 100).toFixed(0).padStart(3)} %  ${name}`);
  lines.push('top functions by self time:');
  for (const [name, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) lines.push(`  ${(ms / 1000).toFixed(2).padStart(6)} s  ${name}`);
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) console.log(summarizeProfile(process.argv[2]!));
