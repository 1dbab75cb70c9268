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

export const checklistExamples = `
Examples:
  $ deploy-evidence checklist validate checklists/invoice-view.json
  $ deploy-evidence checklist show checklists/invoice-view.json
  $ deploy-evidence checklist show attempt-view-lock`;

export function checklistCommand(streams: Streams, setExit: (code: number) => void): Command {
  const command = new Command('checklist').description('work with checklists: validate, show');
  // Each subcommand takes one checklist and writes to the CLI's streams.
  const subcommand = (name: string, description: string) =>
    command
      .command(name)
      .description(description)
      .argument('<checklist>', 'a checklist file (.json, .ts, .js) or a built-in id')
      .addHelpText('after', checklistExamples)
      .exitOverride()
      .configureOutput({ writeOut: (s) => streams.stdout.write(s), writeErr: (s) => streams.stderr.write(s) });
  subcommand('validate', 'validate a checklist file (or built-in id) without a database; warn about literal credentials')
    .action(async (name: string) => {
      const checklist = await loadChecklist(name);
      const warnings = credentialWarnings(checklist);
      for (const warning of warnings) log(streams, `warning: ${warning}`);
      streams.stdout.write(`${checklist.id} ${checklist.version}: valid, ${checklist.checks.length} checks${warnings.length ? `, ${warnings.length} warning${warnings.length > 1 ? 's' : ''}` : ''}\n`);
      setExit(0);
    });
  subcommand('show', 'print the resolved checklist: sections, checks, what each runs and asserts, which are mutating')
    .action(async (name: string) => {
      const checklist = await loadChecklist(name);
      streams.stdout.write(`${checklistOutline(checklist).join('\n')}\n`);
      setExit(0);
    });
  return command;
}
