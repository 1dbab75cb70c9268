/**
 * A history of N deployments for the site bench, generated from a real collection: the committed
 * sample evidence (each generated deployment a valid one with its own timings and counts, chained
 * per environment like collected evidence).
 *
 *   npx tsx bench/generate-history.ts <dir> <n>     # keep one to profile a build by hand
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EvidenceWriter, ensureJsonSchemas } from '../collectors/evidence/evidence-writer.ts';
import { readDeploymentDir } from '../src/format/read-deployment-dir.ts';
import type { CheckSnapshot, Deployment } from '../src/format/index.ts';

const evidence = fileURLToPath(new URL('../evidence/', import.meta.url));

/** A deterministic wobble, so every generated deployment differs like real runs do. */
function wobble(i: number, salt: number): number {
  const x = Math.sin(i * 12.9898 + salt * 78.233) * 43758.5453;
  return x - Math.floor(x);
}

function shiftIso(iso: string, ms: number): string {
  return new Date(Date.parse(iso) + ms).toISOString();
}

export async function generateHistory(root: string, n: number): Promise<void> {
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
    await mkdir(join(root, id, 'checks'), { recursive: true });
    for (const s of snapshots) await writer.writeCheck(s);
    await writer.writeDeployment(deployment);
    tips[environment] = (await writer.writeManifest(tips[environment] ?? null)).sha256;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [dir, n] = process.argv.slice(2);
  if (!dir || !Number.isInteger(Number(n))) throw new Error('usage: tsx bench/generate-history.ts <dir> <n>');
  await generateHistory(resolve(dir), Number(n));
}
