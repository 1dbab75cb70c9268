/** `deploy-evidence <command>`: a thin CLI; each command lives in its own module. */
import { Command, CommanderError } from 'commander';
import { TOOL_VERSION } from '../../collectors/tool-info.ts';
import { scrub } from '../../collectors/db/secrets.ts';
import { EXIT } from './exit-codes.ts';
import type { Streams } from './output.ts';

type CommandFactory = (streams: Streams, setExit: (code: number) => void) => Command;

/**
 * Each command's module, loaded only when that command runs: a command pulls in what it needs
 * (pg, PGlite, the SQL parser, execa…), and `--version` or `verify` should not pay for the rest.
 * The order is the order of `--help`.
 */
const COMMANDS: Record<string, () => Promise<CommandFactory[]>> = {
  collect: async () => [(await import('./commands/collect.ts')).collectCommand],
  compare: async () => [(await import('./commands/compare.ts')).compareCommand],
  demo: async () => [(await import('./commands/demo.ts')).demoCommand],
  checklist: async () => [(await import('./commands/checklist.ts')).checklistCommand],
  init: async () => [(await import('./commands/init.ts')).initCommand],
  verify: async () => [(await import('./commands/verify.ts')).verifyCommand],
  sign: async () => [(await import('./commands/signing.ts')).signCommand],
  keygen: async () => [(await import('./commands/signing.ts')).keygenCommand],
  build: async () => [(await import('./commands/build.ts')).buildCommand],
  preview: async () => [(await import('./commands/build.ts')).previewCommand],
  export: async () => [(await import('./commands/export.ts')).exportCommand],
  comment: async () => [(await import('./commands/comment.ts')).commentCommand],
  population: async () => [(await import('./commands/population.ts')).populationCommand],
  ci: async () => [(await import('./commands/ci.ts')).ciCommand],
};

/** The commands this invocation needs: the one named, or all of them for help and unknown names. */
async function commandsFor(argv: readonly string[]): Promise<CommandFactory[]> {
  const first = argv.slice(2).find((arg) => !arg.startsWith('-'));
  const onlyTopLevelFlags = first === undefined && argv.slice(2).some((arg) => arg === '--version' || arg === '-V');
  if (onlyTopLevelFlags) return [];
  const load = first !== undefined && Object.hasOwn(COMMANDS, first) ? COMMANDS[first] : undefined;
  if (load) return load();
  return (await Promise.all(Object.values(COMMANDS).map((l) => l()))).flat();
}

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
  for (const factory of await commandsFor(argv)) {
    const command = factory(streams, setExit);
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
    const { exitCodeFor } = await import('./errors.ts');
    const mapped = exitCodeFor(error);
    const message = scrub(error instanceof Error ? error.message : String(error), []);
    streams.stderr.write(`deploy-evidence: ${message}\n`);
    if (mapped === null && streams.env.DEBUG && error instanceof Error) streams.stderr.write(`${error.stack}\n`);
    return mapped ?? EXIT.failed;
  }
}
