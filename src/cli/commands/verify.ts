/**
 * `deploy-evidence verify [<id>… | --all]`: re-hashes every evidence file against its manifest,
 * checks each environment's chain of manifests and every sign-off's signature, and says per
 * deployment OK, FAILED (naming each file, link or sign-off) or INCOMPLETE. Exit 0 when everything holds, 1 naming each problem, 2 for usage.
 */
import { resolve } from 'node:path';
import { Command } from 'commander';
import { evidenceOptions, resolveSettings } from '../settings.ts';
import { verifyEvidence, withSignoffs, type DeploymentIntegrity, type IntegrityReport } from '../../core/integrity/verify.ts';
import { readSigners, readSignersFile } from '../../format/read-deployment-dir.ts';
import { isRealDirectory } from '../../format/evidence-tree.ts';
import { readEvidenceDigests } from '../../format/read-evidence-digests.ts';
import { validateDeploymentId } from '../../../collectors/evidence/deployment-id.ts';
import { EXIT, UsageError } from '../exit-codes.ts';
import { colorsFor, type Streams } from '../output.ts';

const verifyExamples = `
Examples:
  $ deploy-evidence verify --all                          # every deployment and every chain
  $ deploy-evidence verify sample-production-pr73         # one report, before pasting its link
  $ deploy-evidence verify --all --json | jq '.deployments[] | select(.status != "OK")'`;

/** A deployment verifies when its evidence is intact and every sign-off on it holds. */
const verdictOf = (d: DeploymentIntegrity) => (d.status === 'OK' && d.signoffProblems.length > 0 ? 'FAILED' : d.status);

function render(report: IntegrityReport, shown: readonly DeploymentIntegrity[], streams: Streams): string {
  const c = colorsFor(streams.stdout, streams.env);
  const tone = { OK: c.green, FAILED: c.red, INCOMPLETE: c.yellow } as const;
  const lines: string[] = [];
  for (const d of shown) {
    const status = verdictOf(d);
    lines.push(`${tone[status](status.padEnd(10))} ${d.id}${d.environment ? ` (${d.environment})` : ''}${d.digest ? `  sha256 ${d.digest}` : ''}`);
    for (const problem of [...d.problems, ...d.signoffProblems]) lines.push(`           - ${problem}`);
    for (const role of d.signoffs) {
      const s = role.signoff;
      const who = s?.predicate ? ` by ${s.predicate.name}, ${s.predicate.signedAt}${s.keyid ? `, key ${s.keyid.slice(0, 16)}…` : ''}${s.sampleKey ? ' (SAMPLE KEY)' : ''}` : '';
      lines.push(`           sign-off ${role.label}: ${role.state}${who}`);
    }
  }
  for (const stray of report.strays) lines.push(`${c.red('FAILED'.padEnd(10))} ${stray}; not evidence`);
  const failed = shown.filter((d) => verdictOf(d) !== 'OK').length;
  const strays = report.strays.length > 0 ? `; ${report.strays.length} entries under the evidence root are not evidence` : '';
  lines.push(
    '',
    failed === 0 && !strays
      ? c.green(`${shown.length} deployments verified: every file matches its manifest, every chain holds, every sign-off is valid`)
      : c.red(`${failed} of ${shown.length} deployments do not verify${strays}`),
  );
  return `${lines.join('\n')}\n`;
}

export function verifyCommand(streams: Streams, setExit: (code: number) => void): Command {
  return evidenceOptions(new Command('verify'))
    .description('check that the evidence is what was collected: every file against its manifest, each environment\'s chain of manifests, every sign-off')
    .argument('[ids...]', 'the deployments to verify (their chains are checked against the whole evidence root)')
    .option('--all', 'verify every deployment under the evidence root')
    .option('--signers <file>', 'the trusted signers\' public keys (default: <evidence-dir>/_signers.json, which arrives with the evidence: review it like code)')
    .option('--json', 'print the verdicts as one JSON document')
    .addHelpText('after', verifyExamples)
    .action(async (ids: string[], flags: { all?: boolean; evidenceDir?: string; config?: string; signers?: string; json?: boolean }) => {
      if (flags.all && ids.length > 0) throw new UsageError('give deployment ids or --all, not both');
      if (!flags.all && ids.length === 0) throw new UsageError('name the deployments to verify, or --all');
      const root = (await resolveSettings(flags, streams.env)).evidenceDir;
      if (!(await isRealDirectory(root))) throw new UsageError(`no evidence folder at ${root}`);
      // Ids are looked up in the listing, never used as paths.
      for (const id of ids) validateDeploymentId(id);
      const digests = await readEvidenceDigests(root);
      const signers = flags.signers ? await readSignersFile(resolve(flags.signers)) : await readSigners(root);
      if (flags.signers && !signers) throw new UsageError(`no signers file at ${resolve(flags.signers)}`);
      const report = await withSignoffs(verifyEvidence(digests), digests, signers);
      const missing = ids.filter((id) => !report.deployments.some((d) => d.id === id));
      if (missing.length > 0) throw new UsageError(`no deployment ${missing.map((id) => `"${id}"`).join(', ')} in ${root}`);
      const shown = flags.all ? report.deployments : report.deployments.filter((d) => ids.includes(d.id));
      const strays = flags.all ? report.strays : [];
      const ok = shown.every((d) => verdictOf(d) === 'OK') && strays.length === 0;
      streams.stdout.write(flags.json ? `${JSON.stringify({ ok, deployments: shown.map((d) => ({ ...d, status: verdictOf(d) })), chain: report.chain.filter((p) => p.ids.some((id) => shown.some((d) => d.id === id))), strays }, null, 2)}\n` : render({ ...report, strays }, shown, streams));
      setExit(ok ? EXIT.ok : EXIT.failed);
    });
}
