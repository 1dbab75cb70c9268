/**
 * `deploy-evidence demo`: the quick start. Starts the embedded database (PGlite with the
 * seedtest-api schema and deterministic data), collects a deployment of the built-in
 * checklist into evidence/ under a new id, and says where it is.
 */
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { startEmbeddedDatabase } from '../db/embedded.ts';
import { EXIT, UsageError } from './errors.ts';
import { runCollection } from './collect-command.ts';
import { log, type Streams } from './output.ts';

const exampleApp = fileURLToPath(new URL('../../examples/seedtest-api/', import.meta.url));

export function demoCommand(streams: Streams, setExit: (code: number) => void): Command {
  return new Command('demo')
    .description('collect a deployment against the embedded database (PGlite) and write it to evidence/')
    .option('--attempts <n>', 'attempt rows to generate', '50000')
    .option('--evidence-dir <dir>', 'evidence root', 'evidence')
    .option('--json', 'print one JSON document instead of the summary table')
    .addHelpText('after', '\nExamples:\n  $ npm run demo\n  $ deploy-evidence demo --attempts 200000 --evidence-dir /tmp/evidence')
    .action(async (flags: { attempts: string; evidenceDir: string; json?: boolean }) => {
      const attempts = Number(flags.attempts);
      if (!Number.isInteger(attempts) || attempts < 1) throw new UsageError(`--attempts takes a positive integer, got "${flags.attempts}"`);
      const started = performance.now();
      log(streams, `starting the embedded database (PGlite) with ${attempts.toLocaleString('en-US')} attempts…`);
      const embedded = await startEmbeddedDatabase({ attempts });
      log(streams, `seeded in ${(embedded.seedMs / 1000).toFixed(1)} s; collecting the attempt-view-lock checklist`);
      try {
        const { dir } = await runCollection(
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
        log(streams, `demo finished in ${((performance.now() - started) / 1000).toFixed(1)} s; evidence written to ${dir}`);
        // The demo shows the decision; it is not a gate, so a blocked or incomplete demo still exits 0.
        setExit(EXIT.ok);
      } finally {
        await embedded.stop();
      }
    });
}
