/**
 * `npm run bench` (first part): how fast `deploy-evidence` starts. The published CLI runs compiled
 * JavaScript (lib/) and loads a command's modules only when that command runs; beside it, the same
 * CLI run from TypeScript through tsx's loader, which is how bin/ ran it before. Each figure is
 * the wall time of a fresh `node` process, over several runs.
 */
import { execa } from 'execa';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 10);

// The TypeScript CLI behind tsx's loader, as bin/deploy-evidence.js did before it was compiled.
const viaTsx = join(tmpdir(), 'deploy-evidence-bench-tsx.mjs');
await writeFile(viaTsx, `import { register } from ${JSON.stringify(join(ROOT, 'node_modules/tsx/dist/esm/api/index.mjs'))};\nregister();\nconst { main } = await import(${JSON.stringify(join(ROOT, 'src/cli/main.ts'))});\nprocess.exitCode = await main(process.argv);\n`);

await execa(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT });

async function time(argv: string[]): Promise<{ median: number; min: number; max: number }> {
  const runs: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const started = performance.now();
    await execa(process.execPath, argv, { cwd: ROOT });
    runs.push(performance.now() - started);
  }
  runs.sort((a, b) => a - b);
  return { median: runs[Math.floor(runs.length / 2)]!, min: runs[0]!, max: runs[runs.length - 1]! };
}

const bin = join(ROOT, 'bin/deploy-evidence.js');
const rows: [string, string[]][] = [
  ['deploy-evidence --version (compiled, lib/)', [bin, '--version']],
  ['deploy-evidence verify --help (compiled: loads verify only)', [bin, 'verify', '--help']],
  ['deploy-evidence --help (compiled: loads every command)', [bin, '--help']],
  ['deploy-evidence --version (TypeScript through tsx, as before)', [viaTsx, '--version']],
];
console.log(`\nCLI start-up, ${RUNS} runs each (ms: median [min–max])`);
for (const [label, argv] of rows) {
  const t = await time(argv);
  console.log(`  ${label.padEnd(64)} ${t.median.toFixed(0).padStart(5)} [${t.min.toFixed(0)}–${t.max.toFixed(0)}]`);
}
