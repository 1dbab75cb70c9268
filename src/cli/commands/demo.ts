/**
 * `deploy-evidence demo`: the quick start. Builds a small history of real collections against
 * the embedded database (PGlite with the seedtest-api schema and deterministic data):
 *   1. staging, marked as the baseline;
 *   2. a staging re-run after a change (indexes that make the performance query faster);
 *   3. production, with more data.
 * Each lands under a new id in the demo's own folder (.demo/ in the package, ignored by git), never
 * in the project's evidence/: the committed samples and a team's own evidence stay as they are
 * (issue 30). Then it builds the site and serves it on 127.0.0.1; without a terminal, or with CI
 * set, it builds and exits so scripts can use it.
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
import { log, statusWord, colorsFor, type Streams } from '../output.ts';
import { buildSite, previewSite } from '../astro-site.ts';
import { freePort } from '../../../collectors/process/free-port.ts';
import { packagePath } from '../../../collectors/package-root.ts';
import { signWithSampleKeys } from '../../../examples/sample-keys/sample-signers.ts';

const exampleApp = `${packagePath('examples', 'seedtest-api')}/`;

/**
 * Where the demo collects and builds unless told otherwise: a folder of its own, replaced by each
 * run, so every demo shows the same small history and nothing it writes is ever committed.
 */
export const DEMO_FOLDER = packagePath('.demo');
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
    .action(async (given: { attempts: string; evidenceDir?: string; outDir?: string; site: boolean; serve: boolean; json?: boolean }) => {
      const attempts = Number(given.attempts);
      if (!Number.isInteger(attempts) || attempts < 1) throw new UsageError(`--attempts takes a positive integer, got "${given.attempts}"`);
      const started = performance.now();
      const flags = { ...given, evidenceDir: resolve(given.evidenceDir ?? DEMO_DEFAULTS.evidenceDir), outDir: resolve(given.outDir ?? DEMO_DEFAULTS.outDir) };
      // Only the demo's own folders are replaced; a folder the user named is kept and added to.
      for (const key of ['evidenceDir', 'outDir'] as const) {
        if (given[key] === undefined) await rm(DEMO_DEFAULTS[key], { recursive: true, force: true });
      }
      log(streams, `collecting into ${flags.evidenceDir}${given.evidenceDir === undefined ? " (the demo's own folder, replaced by each run; --evidence-dir chooses another)" : ''}`);
      const toolingProblem = await pythonToolingProblem(streams.env);
      log(
        streams,
        toolingProblem
          ? `alembic/pytest checks will be skipped (${toolingProblem}; ${PYTHON_INSTALL_HINT}): the embedded databases start already upgraded`
          : 'alembic and pytest found: the demo runs the real upgrade, smoke tests and rollback preview against the embedded databases',
      );

      const steps: Step[] = [
        { label: 'staging, marked as the baseline', environment: 'staging', markBaseline: true },
        {
          label: 'staging re-run after adding indexes for the performance query',
          environment: 'staging',
          notes: 'Re-run after adding indexes on `exam_results (student_id)` and `exam_responses (exam_result_id)`.',
          before: (db) => db.db.exec(INDEX_CHANGE).then(() => undefined),
        },
        { label: 'production, with 2.4 times the data', environment: 'production' },
      ];
      const databases = new Map<string, EmbeddedDatabase>();
      const collected: { dir: string; deployment: Deployment; label: string }[] = [];
      try {
        for (const step of steps) {
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
              evidenceDir: flags.evidenceDir,
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
      // Sign-offs, with the committed SAMPLE keys (marked as such on the report): production is
      // deployed and validated, and its approval is left open — the site shows signed and unsigned.
      const production = collected.find((c) => c.deployment.environment === 'production');
      if (production) {
        await signWithSampleKeys(flags.evidenceDir, production.deployment.id, ['deployed-by', 'validated-by'], 'signed by the demo with a SAMPLE key');
        log(streams, `signed off ${production.deployment.id} as deployed-by and validated-by with the SAMPLE keys (examples/sample-keys/); approved-for-production is left unsigned`);
      }

      const c = colorsFor(streams.stdout, streams.env);
      if (flags.json) {
        streams.stdout.write(`${JSON.stringify({ deployments: collected.map(({ dir, deployment, label }) => ({ label, evidenceDir: dir, id: deployment.id, environment: deployment.environment, decision: deployment.decision })) }, null, 2)}\n`);
      } else {
        streams.stdout.write(`\n${c.bold('Deployments collected')}\n`);
        for (const { dir, deployment, label } of collected) {
          streams.stdout.write(`  ${statusWord(deployment.decision.status === 'APPROVED' ? 'pass' : deployment.decision.status === 'APPROVED WITH NOTES' ? 'warn' : 'fail', c)} ${deployment.decision.status.padEnd(19)} ${deployment.id.padEnd(32)} ${label}\n      ${dir}\n`);
        }
      }
      // The demo shows decisions; it is not a gate, so a blocked or incomplete demo still exits 0.
      setExit(EXIT.ok);
      if (!flags.site) return;

      const last = collected.at(-1)!.deployment.id;
      const { evidenceDir, outDir } = flags;
      log(streams, `\nbuilding the site from ${evidenceDir}…`);
      const { ms } = await buildSite(evidenceDir, outDir);
      log(streams, `site built in ${(ms / 1000).toFixed(1)} s: ${outDir} (any static host can serve it)`);
      const interactive = Boolean(streams.stderr.isTTY) && !streams.env.CI;
      if (!flags.serve || !interactive) {
        log(streams, `demo finished in ${((performance.now() - started) / 1000).toFixed(1)} s; report: ${outDir}/deployments/${last}/index.html`);
        return;
      }
      const port = await freePort();
      const preview = previewSite(outDir, port);
      log(streams, `\nserving the site: http://127.0.0.1:${port}/  (latest report: http://127.0.0.1:${port}/deployments/${last}/; Ctrl-C to stop)`);
      await preview.done;
    });
}
