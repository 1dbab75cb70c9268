/**
 * Where an incremental build's seconds go (issue 29): a history of N deployments built in full
 * (`build --no-cache`), then one new deployment built with that output kept, under Node's CPU
 * (timed through the CLI), then the same build again with Astro's process under Node's CPU profiler
 * (`--cpu-prof`), its profile summed by what each sample was doing (bench/profile-summary.ts).
 * Nothing it writes is kept but the profiles, when a folder is given for them.
 *
 *   npx tsx bench/profile-incremental.ts [n] [profile-dir]     # default 200, a temporary folder
 */
import { execa } from 'execa';
import { cp, mkdir, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateHistory } from './generate-history.ts';
import { summarizeProfile } from './profile-summary.ts';
import { toolFingerprint } from '../src/cli/tool-fingerprint.ts';
import { PAGES_MANIFEST } from '../src/site/reuse-plan.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const n = Number(process.argv[2] ?? 200);
const work = await mkdtemp(join(tmpdir(), `profile-incremental-${n}-`));
const profiles = process.argv[3] ?? join(work, 'profiles');
const bin = join(ROOT, 'bin', 'deploy-evidence.js');
const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');
try {
  await execa(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT });
  const root = join(work, 'evidence');
  await generateHistory(root, n + 1);
  const newest = (await readdir(root)).filter((d) => d.startsWith('bench-')).sort().at(-1)!;
  await rename(join(root, newest), join(work, newest));
  const cache = join(work, 'cache');
  const build = async (out: string, extra: string[], env: Record<string, string> = {}) => {
    const started = performance.now();
    const run = await execa(process.execPath, [bin, 'build', '--evidence-dir', root, '--out-dir', out, '--cache-dir', cache, ...extra], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, extendEnv: false, all: true });
    return { seconds: (performance.now() - started) / 1000, output: run.all };
  };
  console.log(`load average before the full build: ${load()}`);
  const full = await build(join(work, 'full'), ['--no-cache']);
  console.log(`full build of ${n}: ${full.seconds.toFixed(1)} s`);
  await cp(join(work, 'full'), join(work, 'incremental'), { recursive: true });
  await rename(join(work, newest), join(root, newest));
  console.log(`load average before the incremental build: ${load()}`);
  const incremental = await build(join(work, 'incremental'), []);
  console.log(`incremental build (one new deployment, ${/\d+ of \d+ deployments' pages kept/.exec(incremental.output)?.[0]}): ${incremental.seconds.toFixed(1)} s, ${((incremental.seconds / full.seconds) * 100).toFixed(0)} % of the full build`);
  // The same build again under the profiler: Astro run as the CLI runs it (Node refuses --cpu-prof in NODE_OPTIONS).
  await rm(join(work, 'incremental'), { recursive: true });
  await cp(join(work, 'full'), join(work, 'incremental'), { recursive: true });
  await mkdir(join(ROOT, '.site-build'), { recursive: true });
  const staging = await mkdtemp(join(ROOT, '.site-build', 'profile-'));
  console.log(`load average before the profiled build: ${load()}`);
  const started = performance.now();
  const run = await execa(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${profiles}`, join(ROOT, 'node_modules/astro/astro.js'), 'build', '--outDir', staging], {
    cwd: ROOT,
    extendEnv: false,
    all: true,
    env: {
      PATH: process.env.PATH ?? '',
      ASTRO_TELEMETRY_DISABLED: '1',
      DEPLOY_EVIDENCE_DIR: root,
      DEPLOY_EVIDENCE_TOOL: await toolFingerprint(ROOT),
      DEPLOY_EVIDENCE_PREVIOUS_SITE: join(work, 'incremental'),
      DEPLOY_EVIDENCE_PAGES_RECORDED: join(cache, PAGES_MANIFEST),
      DEPLOY_EVIDENCE_PAGES_RECORD: join(work, 'profiled-pages.json'),
    },
  });
  console.log(`profiled (Astro alone, slower than unprofiled): ${((performance.now() - started) / 1000).toFixed(1)} s; ${/\d+ of \d+ deployments' pages kept/.exec(run.all)?.[0]}`);
  console.log(run.all.split('\n').filter((l) => /Completed|kept|indexed|published|generating|Building|search/.test(l)).join('\n'));
  await rm(staging, { recursive: true, force: true });
  // The largest profile is Astro's main thread.
  const sized = await Promise.all((await readdir(profiles)).map(async (f) => ({ f, size: (await stat(join(profiles, f))).size })));
  console.log(summarizeProfile(join(profiles, sized.sort((a, b) => b.size - a.size)[0]!.f)));
} finally {
  if (!process.argv[3]) await rm(work, { recursive: true, force: true });
  else await rm(join(work, 'full'), { recursive: true, force: true });
}
