/**
 * `deploy-evidence checklist validate <file|id>`: checks a checklist without a database, reports
 * every problem in one run, and warns about anything in it that looks like a credential (it would
 * be published with the evidence). Exit 0 when valid (warnings on stderr), 2 when not.
 * `deploy-evidence checklist show <file|id>`: the resolved checklist, in words.
 */
import { Command } from 'commander';
import { loadChecklist } from '../../../collectors/checklists/load-checklist.ts';
import { checklistOutline } from '../../core/checklists/checklist-outline.ts';
import { credentialWarnings } from '../../core/checklists/credential-literals.ts';
import { log, type Streams } from '../output.ts';
import { configOption, resolveSettings } from '../settings.ts';
import { UsageError } from '../exit-codes.ts';

/** The checklist named on the command line, else the one the environment or the config file names. */
async function checklistNamed(name: string | undefined, flags: { config?: string }, env: NodeJS.ProcessEnv): Promise<string> {
  if (name !== undefined) return name;
  const { checklist } = await resolveSettings(flags, env);
  if (checklist === undefined) throw new UsageError('name a checklist (a file or a built-in id), or set checklist in deploy-evidence.config.json');
  return checklist;
}

const checklistExamples = `
Examples:
  $ deploy-evidence checklist validate checklists/invoice-view.json
  $ deploy-evidence checklist show checklists/invoice-view.json
  $ deploy-evidence checklist show attempt-view-lock`;

export function checklistCommand(streams: Streams, setExit: (code: number) => void): Command {
  const command = new Command('checklist').description('work with checklists: validate, show');
  // Each subcommand takes one checklist and writes to the CLI's streams.
  const subcommand = (name: string, description: string) =>
    configOption(command.command(name))
      .description(description)
      .argument('[checklist]', 'a checklist file (.json, .ts, .js) or a built-in id (default: $DEPLOY_EVIDENCE_CHECKLIST or checklist in the config file)')
      .addHelpText('after', checklistExamples)
      .exitOverride()
      .configureOutput({ writeOut: (s) => streams.stdout.write(s), writeErr: (s) => streams.stderr.write(s) });
  subcommand('validate', 'validate a checklist file (or built-in id) without a database; warn about literal credentials')
    .action(async (name: string | undefined, flags: { config?: string }) => {
      const checklist = await loadChecklist(await checklistNamed(name, flags, streams.env));
      const warnings = credentialWarnings(checklist);
      for (const warning of warnings) log(streams, `warning: ${warning}`);
      streams.stdout.write(`${checklist.id} ${checklist.version}: valid, ${checklist.checks.length} checks${warnings.length ? `, ${warnings.length} warning${warnings.length > 1 ? 's' : ''}` : ''}\n`);
      setExit(0);
    });
  subcommand('show', 'print the resolved checklist: sections, checks, what each runs and asserts, which are mutating')
    .action(async (name: string | undefined, flags: { config?: string }) => {
      const checklist = await loadChecklist(await checklistNamed(name, flags, streams.env));
      streams.stdout.write(`${checklistOutline(checklist).join('\n')}\n`);
      setExit(0);
    });
  return command;
}
