/**
 * `deploy-evidence demo`: the quick start. Starts the embedded database (PGlite with the
 * seedtest-api schema and deterministic data), collects a deployment of the built-in
 * checklist into evidence/ under a new id, builds the site into dist/ and serves it on
 * 127.0.0.1. Without a terminal, or with CI set, it builds and exits so scripts can use it.
 */
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { startEmbeddedDatabase } from '../db/embedded.ts';
import { PYTHON_INSTALL_HINT, pythonToolingProblem } from '../python-tooling.ts';
import { EXIT, UsageError } from './errors.ts';
import { runCollection } from './collect-command.ts';
import { log, type Streams } from './output.ts';
import { buildSite, freePort, previewSite } from './site.ts';
import { resolve } from 'node:path';

const exampleApp = fileURLToPath(new URL('../../examples/seedtest-api/', import.meta.url));

export function demoCommand(streams: Streams, setExit: (code: number) => void): Command {
  return new Command('demo')
    .description('collect a deployment against the embedded database (PGlite) and write it to evidence/')
    .option('--attempts <n>', 'attempt rows to generate', '50000')
    .option('--evidence-dir <dir>', 'evidence root', 'evidence')
    .option('--out-dir <dir>', 'where the site is built', 'dist')
    .option('--no-site', 'collect only: do not build or serve the site')
    .option('--no-serve', 'build the site and exit (the default without a terminal or with CI set)')
    .option('--json', 'print one JSON document instead of the summary table')
    .addHelpText('after', '\nExamples:\n  $ npm run demo\n  $ deploy-evidence demo --attempts 200000 --evidence-dir /tmp/evidence --out-dir /tmp/site --no-serve')
    .action(async (flags: { attempts: string; evidenceDir: string; outDir: string; site: boolean; serve: boolean; json?: boolean }) => {
      const attempts = Number(flags.attempts);
      if (!Number.isInteger(attempts) || attempts < 1) throw new UsageError(`--attempts takes a positive integer, got "${flags.attempts}"`);
      const started = performance.now();
      const toolingProblem = await pythonToolingProblem(streams.env);
      log(
        streams,
        toolingProblem
          ? `alembic/pytest checks will be skipped (${toolingProblem}; ${PYTHON_INSTALL_HINT}): the embedded database starts already upgraded`
          : 'alembic and pytest found: the demo runs the real upgrade, smoke tests and rollback preview against the embedded database',
      );
      log(streams, `starting the embedded database (PGlite) with ${attempts.toLocaleString('en-US')} attempts…`);
      const embedded = await startEmbeddedDatabase({ attempts, withoutView: toolingProblem === null });
      log(streams, `seeded in ${(embedded.seedMs / 1000).toFixed(1)} s; collecting the attempt-view-lock checklist`);
      let collected: { dir: string; id: string };
      try {
        const { dir, deployment } = await runCollection(
          {
            checklist: 'attempt-view-lock',
            env: 'staging',
            pr: '73',
            prTitle: 'attempt VIEW V1 스키마 잠금',
            evidenceDir: flags.evidenceDir,
            param: [],
            attest: [],
            ...(flags.json ? { json: true } : {}),
          },
          embedded.target,
          streams,
          { appDir: exampleApp },
        );
        collected = { dir, id: deployment.id };
      } finally {
        await embedded.stop();
      }
      log(streams, `evidence written to ${collected.dir}`);
      // The demo shows the decision; it is not a gate, so a blocked or incomplete demo still exits 0.
      setExit(EXIT.ok);
      if (!flags.site) return;

      const outDir = resolve(flags.outDir);
      log(streams, `building the site from ${resolve(flags.evidenceDir)}…`);
      const { ms } = await buildSite(resolve(flags.evidenceDir), outDir);
      log(streams, `site built in ${(ms / 1000).toFixed(1)} s: ${outDir} (any static host can serve it)`);
      const interactive = Boolean(streams.stderr.isTTY) && !streams.env.CI;
      if (!flags.serve || !interactive) {
        log(streams, `demo finished in ${((performance.now() - started) / 1000).toFixed(1)} s; report: ${outDir}/deployments/${collected.id}/index.html`);
        return;
      }
      const port = await freePort();
      const preview = previewSite(outDir, port);
      log(streams, `\nserving the site: http://127.0.0.1:${port}/deployments/${collected.id}/  (Ctrl-C to stop)`);
      await preview;
    });
}
