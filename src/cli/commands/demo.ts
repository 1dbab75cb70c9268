/**
 * `deploy-evidence demo`: the quick start. Builds a small history of real collections against
 * the embedded database (PGlite with the seedtest-api schema and deterministic data):
 *   1. staging, marked as the baseline;
 *   2. a staging re-run after a change (indexes that make the performance query faster);
 *   3. production, with more data.
 * Each lands under a new id in the demo's own folder (.demo/ in the package, ignored by git), never
 * in the project's evidence/: the committed samples and a team's own evidence stay as they are
 * (issue 30). Then it builds the site and serves it on 127.0.0.1; without a terminal, or with CI
 * set, it builds, says how to view it (`deploy-evidence preview`) and exits so scripts can use it.
 */
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Command } from 'commander';
import type { Deployment } from '../../format/index.ts';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../../collectors/db/embedded.ts';
import { seedtestLoader } from '../../../examples/seedtest-api/database.ts';
import { PYTHON_INSTALL_HINT, pythonToolingProblem } from '../../../collectors/process/python-tooling.ts';
import { runCollection } from './collect.ts';
import { EXIT, UsageError } from '../exit-codes.ts';
import { log, colorsFor, type Streams } from '../output.ts';
import { buildSite, previewSite } from '../astro-site.ts';
import { freePort } from '../../../collectors/process/free-port.ts';
import { packagePath } from '../../../collectors/package-root.ts';
import { signWithDemoKeys } from '../../../examples/sample-keys/sample-signers.ts';

const exampleApp = `${packagePath('examples', 'seedtest-api')}/`;

/**
 * Where the demo collects and builds unless told otherwise: a folder of its own, replaced by each
 * run, so every demo shows the same small history and nothing it writes is ever committed.
 */
const DEMO_FOLDER = packagePath('.demo');
const DEMO_DEFAULTS = { evidenceDir: resolve(DEMO_FOLDER, 'evidence'), outDir: resolve(DEMO_FOLDER, 'site') };

/** The change between the two staging runs: what an index PR would do to the performance baseline. */
const INDEX_CHANGE = 'CREATE INDEX exam_results_student_id_idx ON exam_results (student_id); CREATE INDEX exam_responses_exam_result_id_idx ON exam_responses (exam_result_id); ANALYZE;';

interface Step {
  label: string;
  environment: 'staging' | 'production';
  markBaseline?: boolean;
  notes?: string;
  before?: (db: EmbeddedDatabase) => Promise<void>;
}

/** The history the demo collects, in order. */
const STEPS: readonly Step[] = [
  { label: 'staging, marked as the baseline', environment: 'staging', markBaseline: true },
  {
    label: 'staging re-run after adding indexes for the performance query',
    environment: 'staging',
    notes: 'Re-run after adding indexes on `exam_results (student_id)` and `exam_responses (exam_result_id)`.',
    before: (db) => db.db.exec(INDEX_CHANGE).then(() => undefined),
  },
  { label: 'production, with 2.4 times the data', environment: 'production' },
];

interface DemoFlags {
  attempts: string;
  evidenceDir?: string;
  outDir?: string;
  site: boolean;
  serve: boolean;
  json?: boolean;
}

interface Folders {
  evidenceDir: string;
  outDir: string;
}

interface Collected {
  dir: string;
  deployment: Deployment;
  label: string;
}

export function demoCommand(streams: Streams, setExit: (code: number) => void): Command {
  return new Command('demo')
    .description('collect a small history of deployments against the embedded database (PGlite), then build and serve the site')
    .option('--attempts <n>', 'attempt rows in staging (production gets 2.4 times as many)', '50000')
    .option('--evidence-dir <dir>', `evidence root, kept and added to (default: ${DEMO_DEFAULTS.evidenceDir}, replaced by each run)`)
    .option('--out-dir <dir>', `where the site is built (default: ${DEMO_DEFAULTS.outDir})`)
    .option('--no-site', 'collect only: do not build or serve the site')
    .option('--no-serve', 'build the site and exit (the default without a terminal or with CI set)')
    .option('--json', 'print one JSON document (the deployments collected) instead of the summaries')
    .addHelpText('after', '\nExamples:\n  $ npm run demo\n  $ deploy-evidence demo --attempts 20000 --evidence-dir /tmp/evidence --out-dir /tmp/site --no-serve')
    .action(async (given: DemoFlags) => {
      const attempts = Number(given.attempts);
      if (!Number.isInteger(attempts) || attempts < 1) throw new UsageError(`--attempts takes a positive integer, got "${given.attempts}"`);
      const started = performance.now();
      const folders = await prepareFolders(given, streams);
      const toolingProblem = await reportPythonTooling(streams);
      const collected = await collectHistory(attempts, toolingProblem, folders.evidenceDir, streams);
      await signProductionOff(collected, folders.evidenceDir, streams);
      printCollected(collected, Boolean(given.json), streams);
      // The demo shows decisions; it is not a gate, so a blocked or incomplete demo still exits 0.
      setExit(EXIT.ok);
      if (!given.site) return;
      await buildAndServe(collected.at(-1)!.deployment.id, folders, { serve: given.serve, started }, streams);
    });
}

/** The folders the user named, else the demo's own, emptied first: a folder the user named is kept and added to. */
async function prepareFolders(given: DemoFlags, streams: Streams): Promise<Folders> {
  const folders = { evidenceDir: resolve(given.evidenceDir ?? DEMO_DEFAULTS.evidenceDir), outDir: resolve(given.outDir ?? DEMO_DEFAULTS.outDir) };
  for (const key of ['evidenceDir', 'outDir'] as const) {
    if (given[key] === undefined) await rm(DEMO_DEFAULTS[key], { recursive: true, force: true });
  }
  log(streams, `collecting into ${folders.evidenceDir}${given.evidenceDir === undefined ? " (the demo's own folder, replaced by each run; --evidence-dir chooses another)" : ''}`);
  return folders;
}

/** Says whether the alembic and pytest checks can run; the problem when they cannot (null when they can). */
async function reportPythonTooling(streams: Streams): Promise<string | null> {
  const toolingProblem = await pythonToolingProblem(streams.env);
  log(
    streams,
    toolingProblem
      ? `alembic/pytest checks will be skipped (${toolingProblem}; ${PYTHON_INSTALL_HINT}): the embedded databases start already upgraded`
      : 'alembic and pytest found: the demo runs the real upgrade, smoke tests and rollback preview against the embedded databases',
  );
  return toolingProblem;
}

/**
 * Runs the steps in order, one embedded database per environment (started when its first step
 * comes, stopped at the end whatever happens). Without the Python tooling the databases start
 * with the view already there, as the skipped upgrade would have left them.
 */
async function collectHistory(attempts: number, toolingProblem: string | null, evidenceDir: string, streams: Streams): Promise<Collected[]> {
  const databases = new Map<string, EmbeddedDatabase>();
  const collected: Collected[] = [];
  try {
    for (const step of STEPS) {
      let db = databases.get(step.environment);
      if (!db) {
        const rows = step.environment === 'production' ? Math.round(attempts * 2.4) : attempts;
        log(streams, `\nstarting the ${step.environment} database (PGlite) with ${rows.toLocaleString('en-US')} attempts…`);
        db = await startEmbeddedDatabase(seedtestLoader({ attempts: rows, withoutView: toolingProblem === null }));
        databases.set(step.environment, db);
        log(streams, `seeded in ${(db.seedMs / 1000).toFixed(1)} s`);
      }
      await step.before?.(db);
      log(streams, `collecting ${step.label}…`);
      const { dir, deployment } = await runCollection(
        {
          checklist: 'attempt-view-lock',
          env: step.environment,
          // The demo's database is its own and thrown away: the migration step may run.
          allowMutating: true,
          allowMutatingVia: 'the demo, on its own throwaway embedded database',
          pr: '73',
          prTitle: 'attempt VIEW V1 스키마 잠금',
          evidenceDir,
          param: [],
          attest: [],
          ...(step.markBaseline ? { markBaseline: true } : {}),
          ...(step.notes ? { notes: step.notes } : {}),
        },
        db.target,
        streams,
        { appDir: exampleApp, print: false },
      );
      collected.push({ dir, deployment, label: step.label });
    }
  } finally {
    await Promise.all([...databases.values()].map((db) => db.stop()));
  }
  return collected;
}

/**
 * Sign-offs, with the demo's SAMPLE keys, made as it runs (marked as such on the report):
 * production is deployed and validated, and its approval is left open — the site shows signed and unsigned.
 */
async function signProductionOff(collected: readonly Collected[], evidenceDir: string, streams: Streams): Promise<void> {
  const production = collected.find((c) => c.deployment.environment === 'production');
  if (!production) return;
  await signWithDemoKeys(evidenceDir, production.deployment.id, ['deployed-by', 'validated-by'], 'signed by the demo with a SAMPLE key');
  log(streams, `signed off ${production.deployment.id} as deployed-by and validated-by with the demo's SAMPLE keys (made as it runs, trusted in ${evidenceDir} as samples); approved-for-production is left unsigned`);
}

/** How each decision reads in the terminal: INCOMPLETE is its own word, never a FAIL (issue 26). */
const DECISION_TONE: Record<Deployment['decision']['status'], 'green' | 'yellow' | 'red' | 'magenta'> = {
  APPROVED: 'green',
  'APPROVED WITH NOTES': 'yellow',
  BLOCKED: 'red',
  INCOMPLETE: 'magenta',
};

/** On stdout: one JSON document with --json, else per deployment its decision, its folder, and why (each reason a sentence). */
function printCollected(collected: readonly Collected[], json: boolean, streams: Streams): void {
  if (json) {
    streams.stdout.write(`${JSON.stringify({ deployments: collected.map(({ dir, deployment, label }) => ({ label, evidenceDir: dir, id: deployment.id, environment: deployment.environment, decision: deployment.decision })) }, null, 2)}\n`);
    return;
  }
  const c = colorsFor(streams.stdout, streams.env);
  streams.stdout.write(`\n${c.bold('Deployments collected')}\n`);
  for (const { dir, deployment, label } of collected) {
    const { status, reasons } = deployment.decision;
    streams.stdout.write(`  ${c[DECISION_TONE[status]](status.padEnd(19))} ${deployment.id.padEnd(32)} ${label}\n      ${dir}\n`);
    // The reasons are the decision's own sentences (src/core/decision/check-problem.ts): why it is not a plain APPROVED.
    if (status !== 'APPROVED') for (const reason of reasons) streams.stdout.write(`      - ${reason}\n`);
  }
}

/** A path as typed in a shell: quoted when it holds anything but plain path characters. */
function shellWord(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replaceAll("'", "'\\''")}'`;
}

/**
 * Builds the site; serves it on 127.0.0.1 until stopped when on a terminal (and not in CI) and
 * not told --no-serve, else says where the latest report is and returns.
 */
async function buildAndServe(lastId: string, { evidenceDir, outDir }: Folders, { serve, started }: { serve: boolean; started: number }, streams: Streams): Promise<void> {
  log(streams, `\nbuilding the site from ${evidenceDir}…`);
  const { ms } = await buildSite(evidenceDir, outDir);
  log(streams, `site built in ${(ms / 1000).toFixed(1)} s: ${outDir} (any static host can serve it)`);
  const interactive = Boolean(streams.stderr.isTTY) && !streams.env.CI;
  if (!serve || !interactive) {
    // A built site is served, not opened as files: its links and styles are paths from its root.
    log(streams, `demo finished in ${((performance.now() - started) / 1000).toFixed(1)} s. To view the site: npx deploy-evidence preview --out-dir ${shellWord(outDir)}  (latest report: /deployments/${lastId}/)`);
    return;
  }
  const port = await freePort();
  const preview = previewSite(outDir, port);
  log(streams, `\nserving the site: http://127.0.0.1:${port}/  (latest report: http://127.0.0.1:${port}/deployments/${lastId}/; Ctrl-C to stop)`);
  await preview.done;
}
