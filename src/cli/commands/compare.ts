/** `deploy-evidence compare <base> <current>`: the semantic comparison in the terminal, and the regression gate. */
import { Command } from 'commander';
import { evidenceOptions, resolveSettings } from '../settings.ts';
import { compareDeployments, type DeploymentComparison } from '../../core/compare/compare-deployments.ts';
import { readDeploymentDir } from '../../format/read-deployment-dir.ts';
import { EXIT, UsageError } from '../exit-codes.ts';
import { validateDeploymentId } from '../../../collectors/evidence/deployment-id.ts';
import { colorsFor, type Streams } from '../output.ts';

const compareExamples = `
Examples:
  $ deploy-evidence compare sample-staging-pr73 sample-production-pr73
  $ deploy-evidence compare 2026-11-20-staging-pr73 2026-11-24-staging-pr73 --fail-on-regression   # a CI gate
  $ deploy-evidence compare a b --json | jq '.checks[] | select(.label == "regressed")'`;

function render(comparison: DeploymentComparison, streams: Streams): string {
  const c = colorsFor(streams.stdout, streams.env);
  const tone: Record<string, (s: string) => string> = { regressed: c.red, fixed: c.green, changed: c.yellow, new: c.cyan, removed: c.magenta, same: c.dim };
  const lines = [
    c.bold(`${comparison.current.id} (${comparison.current.environment}, ${comparison.current.decision}) compared with ${comparison.base.id} (${comparison.base.environment}, ${comparison.base.decision})`),
  ];
  if (comparison.checklistNote) lines.push(c.yellow(`note: ${comparison.checklistNote}`));
  lines.push('');
  const width = Math.max(...comparison.checks.map((x) => x.id.length), 5);
  for (const check of comparison.checks) {
    const label = (tone[check.label] ?? ((s: string) => s))(check.label.toUpperCase().padEnd(9));
    lines.push(`${label} §${check.section.padEnd(4)} ${check.id.padEnd(width)}  ${check.base ?? '—'} → ${check.current ?? '—'}`);
    for (const d of check.differences.filter((x) => x.kind !== 'status')) lines.push(`${' '.repeat(16 + width)}${d.worse ? c.red('▲ ') : '  '}${d.text}`);
  }
  const counts = Object.entries(comparison.counts).filter(([, n]) => n > 0).map(([label, n]) => `${n} ${label}`).join(', ');
  lines.push('', counts);
  if (comparison.regressions.length > 0) lines.push('', c.red('Regressions:'), ...comparison.regressions.map((r) => `  - ${r}`));
  return `${lines.join('\n')}\n`;
}

export function compareCommand(streams: Streams, setExit: (code: number) => void): Command {
  return evidenceOptions(new Command('compare'))
    .description('compare two deployments check by check: new, removed, regressed, fixed, changed, same')
    .argument('<base>', 'the earlier deployment (or the baseline)')
    .argument('<current>', 'the deployment to judge')
    .option('--json', 'print the comparison as one JSON document')
    .option('--fail-on-regression', 'exit 1 when a check regressed or a timing ratio exceeds its limit')
    .addHelpText('after', compareExamples)
    .action(async (baseId: string, currentId: string, flags: { evidenceDir?: string; config?: string; json?: boolean; failOnRegression?: boolean }) => {
      const root = (await resolveSettings(flags, streams.env)).evidenceDir;
      // Ids become paths: only a deployment-id slug is looked up (never `../…`).
      validateDeploymentId(baseId);
      validateDeploymentId(currentId);
      const [base, current] = await Promise.all([readDeploymentDir(root, baseId).catch(rethrow), readDeploymentDir(root, currentId).catch(rethrow)]);
      if (!base) throw new UsageError(`no deployment "${baseId}" in ${root}`);
      if (!current) throw new UsageError(`no deployment "${currentId}" in ${root}`);
      const comparison = compareDeployments(base, current);
      streams.stdout.write(flags.json ? `${JSON.stringify(comparison, null, 2)}\n` : render(comparison, streams));
      setExit(flags.failOnRegression && comparison.regressions.length > 0 ? EXIT.failed : EXIT.ok);
    });
}

function rethrow(error: unknown): never {
  // A missing directory is "no such deployment"; a bad file says which file and field.
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError((error as Error).message);
  throw error;
}
