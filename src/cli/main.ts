/** `deploy-evidence <command>`: a thin CLI; each command lives in its own module. */
import { Command, CommanderError } from 'commander';
import { TOOL_VERSION } from '../../collectors/tool-info.ts';
import { scrub } from '../../collectors/db/secrets.ts';
import { collectCommand } from './commands/collect.ts';
import { compareCommand } from './commands/compare.ts';
import { verifyCommand } from './commands/verify.ts';
import { keygenCommand, signCommand } from './commands/signing.ts';
import { buildCommand } from './commands/build.ts';
import { exportCommand } from './commands/export.ts';
import { checklistCommand } from './commands/checklist.ts';
import { initCommand } from './commands/init.ts';
import { demoCommand } from './commands/demo.ts';
import { EXIT, exitCodeFor } from './errors.ts';
import type { Streams } from './output.ts';

export async function main(argv: readonly string[], streams: Streams = { stdout: process.stdout, stderr: process.stderr, env: process.env }): Promise<number> {
  let code: number = EXIT.ok;
  const setExit = (c: number) => {
    code = c;
  };
  const program = new Command('deploy-evidence')
    .description('Collect, decide and publish the evidence of a database deployment.')
    .version(TOOL_VERSION)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => streams.stdout.write(s),
      writeErr: (s) => streams.stderr.write(s),
    })
    .showHelpAfterError('(run with --help for usage)');
  for (const command of [collectCommand(streams, setExit), compareCommand(streams, setExit), demoCommand(streams, setExit), checklistCommand(streams, setExit), initCommand(streams, setExit), verifyCommand(streams, setExit), signCommand(streams, setExit), keygenCommand(streams, setExit), buildCommand(streams, setExit), exportCommand(streams, setExit)]) {
    program.addCommand(command.exitOverride().configureOutput({ writeOut: (s) => streams.stdout.write(s), writeErr: (s) => streams.stderr.write(s) }));
  }
  try {
    await program.parseAsync([...argv]);
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with exit code 0; every parse error is a usage error.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    const mapped = exitCodeFor(error);
    const message = scrub(error instanceof Error ? error.message : String(error), []);
    streams.stderr.write(`deploy-evidence: ${message}\n`);
    if (mapped === null && streams.env.DEBUG && error instanceof Error) streams.stderr.write(`${error.stack}\n`);
    return mapped ?? EXIT.failed;
  }
}
