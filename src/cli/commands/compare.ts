/**
 * `deploy-evidence compare <base> <current>`: the semantic comparison in the terminal, and the
 * regression gate. Both deployments are verified first (issue 24): one that does not verify is
 * refused (exit 1), or with `--allow-unverified` shown marked INTEGRITY FAILED.
 */
import { Command } from 'commander';
import { evidenceOptions, resolveSettings } from '../settings.ts';
import { compareDeployments, type DeploymentComparison } from '../../core/compare/compare-deployments.ts';
import { readDeploymentDir } from '../../format/read-deployment-dir.ts';
import { EXIT, UsageError } from '../exit-codes.ts';
import { validateDeploymentId } from '../../../collectors/evidence/deployment-id.ts';
import { colorsFor, log, type Streams } from '../output.ts';
import { gitOptions, unverified, verifyEvidenceRoot, type GitFlags } from '../verify-evidence-root.ts';

const compareExamples = `
Examples:
  $ deploy-evidence compare sample-staging-pr73 sample-production-pr73
  $ deploy-evidence compare 2026-11-20-staging-pr73 2026-11-24-staging-pr73 --fail-on-regression   # a CI gate
  $ deploy-evidence compare a b --json | jq '.checks[] | select(.label == "regressed")'`;

/** Each side's problems when it does not verify (and is shown anyway). */
type Unverified = { base: string[] | null; current: string[] | null };

function render(comparison: DeploymentComparison, integrity: Unverified, streams: Streams): string {
  const c = colorsFor(streams.stdout, streams.env);
  const tone: Record<string, (s: string) => string> = { regressed: c.red, fixed: c.green, changed: c.yellow, new: c.cyan, removed: c.magenta, same: c.dim };
  const decision = (side: 'base' | 'current') => (integrity[side] ? c.red(`INTEGRITY FAILED, it records ${comparison[side].decision}`) : comparison[side].decision);
  const lines = [
    c.bold(`${comparison.current.id} (${comparison.current.environment}, ${decision('current')}) compared with ${comparison.base.id} (${comparison.base.environment}, ${decision('base')})`),
  ];
  for (const side of ['current', 'base'] as const) {
    const problems = integrity[side];
    if (problems) lines.push(c.red(`${comparison[side].id} does not verify: nothing shown of it can be relied on`), ...problems.map((p) => `  - ${p}`));
  }
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
  return gitOptions(evidenceOptions(new Command('compare')))
    .description('compare two deployments check by check: new, removed, regressed, fixed, changed, same')
    .argument('<base>', 'the earlier deployment (or the baseline)')
    .argument('<current>', 'the deployment to judge')
    .option('--json', 'print the comparison as one JSON document')
    .option('--fail-on-regression', 'exit 1 when a check regressed or a timing ratio exceeds its limit')
    .option('--allow-unverified', 'compare deployments that do not verify anyway, marked INTEGRITY FAILED')
    .addHelpText('after', compareExamples)
    .action(async (baseId: string, currentId: string, flags: GitFlags & { evidenceDir?: string; config?: string; json?: boolean; failOnRegression?: boolean; allowUnverified?: boolean }) => {
      const root = (await resolveSettings(flags, streams.env)).evidenceDir;
      // Ids become paths: only a deployment-id slug is looked up (never `../…`).
      validateDeploymentId(baseId);
      validateDeploymentId(currentId);
      const [base, current] = await Promise.all([readDeploymentDir(root, baseId).catch(rethrow), readDeploymentDir(root, currentId).catch(rethrow)]);
      if (!base) throw new UsageError(`no deployment "${baseId}" in ${root}`);
      if (!current) throw new UsageError(`no deployment "${currentId}" in ${root}`);
      const verdict = await verifyEvidenceRoot(root, { git: flags, only: [baseId, currentId] });
      const integrity: Unverified = { base: unverified(verdict, baseId), current: unverified(verdict, currentId) };
      if ((integrity.base || integrity.current) && !flags.allowUnverified) {
        for (const [id, problems] of [[baseId, integrity.base], [currentId, integrity.current]] as const) {
          if (problems) log(streams, `${id} does not verify: refusing to compare evidence that is not what was collected (--allow-unverified shows it marked INTEGRITY FAILED)\n${problems.map((p) => `  - ${p}`).join('\n')}`);
        }
        setExit(EXIT.failed);
        return;
      }
      const comparison = compareDeployments(base, current);
      streams.stdout.write(flags.json ? `${JSON.stringify({ ...comparison, integrity }, null, 2)}\n` : render(comparison, integrity, streams));
      setExit(flags.failOnRegression && comparison.regressions.length > 0 ? EXIT.failed : EXIT.ok);
    });
}

function rethrow(error: unknown): never {
  // A missing directory is "no such deployment"; a bad file says which file and field.
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError((error as Error).message);
  throw error;
}
