/**
 * `npm run bench`: how the site's build time grows with the history. Generates histories of
 * N deployments from a real collection (the committed sample evidence), each a valid format-v1
 * deployment with its own timings and counts, builds the site for each N, and prints the
 * figures. Comparisons are bounded per deployment, so growth should be linear.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSite } from '../src/cli/astro-site.ts';
import { EvidenceWriter, ensureJsonSchemas } from '../collectors/evidence/evidence-writer.ts';
import { readDeploymentDir } from '../src/format/read-deployment-dir.ts';
import type { CheckSnapshot, Deployment } from '../src/format/index.ts';

const evidence = fileURLToPath(new URL('../evidence/', import.meta.url));
const sizes = (process.argv[2] ?? '50,200').split(',').map(Number);

/** A deterministic wobble, so every generated deployment differs like real runs do. */
function wobble(i: number, salt: number): number {
  const x = Math.sin(i * 12.9898 + salt * 78.233) * 43758.5453;
  return x - Math.floor(x);
}

function shiftIso(iso: string, ms: number): string {
  return new Date(Date.parse(iso) + ms).toISOString();
}

async function generate(root: string, n: number): Promise<void> {
  await ensureJsonSchemas(root);
  const templates = {
    staging: (await readDeploymentDir(evidence, 'sample-staging-pr73'))!,
    production: (await readDeploymentDir(evidence, 'sample-production-pr73'))!,
  };
  // Chained like collected evidence: each manifest follows the one before it in its environment.
  const tips: Record<string, string | null> = { staging: null, production: null };
  for (let i = 0; i < n; i += 1) {
    const environment = i % 4 === 3 ? 'production' : 'staging';
    const t = templates[environment];
    const id = `bench-${String(i).padStart(4, '0')}-${environment}`;
    const offset = (i - n) * 3_600_000;
    const slower = 1 + wobble(i, 1) * 0.6;
    const snapshots: CheckSnapshot[] = [...t.snapshots.values()].map((s) => {
      const copy = structuredClone(s);
      copy.deploymentId = id;
      copy.startedAt = shiftIso(s.startedAt, offset);
      copy.finishedAt = shiftIso(s.finishedAt, offset);
      copy.durationMs = Math.round(s.durationMs * slower * 1000) / 1000;
      if (copy.result?.kind === 'explain') {
        copy.result.medianExecutionMs = Math.round(copy.result.medianExecutionMs * slower * 1000) / 1000;
      }
      if (copy.result?.kind === 'sql' && s.id === 'row-count') copy.result.rows = [[String(50_000 + i * 250)]];
      return copy;
    });
    const deployment: Deployment = structuredClone(t.deployment);
    Object.assign(deployment, {
      id,
      startedAt: shiftIso(t.deployment.startedAt, offset),
      finishedAt: t.deployment.finishedAt ? shiftIso(t.deployment.finishedAt, offset) : null,
      markedBaseline: i === 0,
      timeline: deployment.timeline.map((e) => ({ ...e, startedAt: shiftIso(e.startedAt, offset), finishedAt: shiftIso(e.finishedAt, offset), durationMs: Math.round(e.durationMs * slower) })),
    });
    const writer = new EvidenceWriter(root, id);
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(root, id, 'checks'), { recursive: true });
    for (const s of snapshots) await writer.writeCheck(s);
    await writer.writeDeployment(deployment);
    tips[environment] = (await writer.writeManifest(tips[environment] ?? null)).sha256;
  }
}

async function countPages(dir: string): Promise<number> {
  return (await readdir(dir, { recursive: true })).filter((f) => String(f).endsWith('index.html')).length;
}

console.log('deployments  pages   build (s)  ms/deployment  heap after (MiB)');
const results: { n: number; seconds: number }[] = [];
for (const n of sizes) {
  const root = await mkdtemp(join(tmpdir(), `bench-evidence-${n}-`));
  const out = await mkdtemp(join(tmpdir(), `bench-site-${n}-`));
  try {
    await generate(root, n);
    const { ms } = await buildSite(root, out);
    const pages = await countPages(out);
    results.push({ n, seconds: ms / 1000 });
    console.log(`${String(n).padStart(11)}  ${String(pages).padStart(5)}  ${(ms / 1000).toFixed(1).padStart(9)}  ${(ms / n).toFixed(0).padStart(13)}  ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0).padStart(16)}`);
  } finally {
    await rm(root, { recursive: true, force: true });
    await rm(out, { recursive: true, force: true });
  }
}
if (results.length >= 2) {
  const [a, b] = [results[0]!, results.at(-1)!];
  console.log(`\n${a.n} → ${b.n} deployments (×${(b.n / a.n).toFixed(1)}): build time ×${(b.seconds / a.seconds).toFixed(2)}`);
}
