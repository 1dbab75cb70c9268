/**
 * `deploy-evidence verify [<id>… | --all]`: re-hashes every evidence file against its manifest,
 * computes every verdict again from the snapshots (each check's status, every criterion, the
 * decision), checks each environment's chain of manifests, every sign-off's signature and — inside
 * a git repository — that no evidence file changed after it was committed; with `--checkpoint`, that
 * everything an auditor saw before is still there. Says per deployment OK, FAILED (naming each
 * file, verdict, link, sign-off or commit) or INCOMPLETE, and which declared sign-off roles are
 * not signed; `--require-signoff [--env <environment>]` fails on those too. Exit 0 when everything
 * holds, 1 naming each problem, 2 for usage.
 */
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { evidenceOptions, resolveSettings } from '../settings.ts';
import type { DeploymentIntegrity, IntegrityReport } from '../../core/integrity/verify.ts';
import type { ChainFork } from '../../core/integrity/chain.ts';
import { checkpointOf, checkpointProblems, type CheckpointProblem } from '../../core/integrity/checkpoint.ts';
import { readSigners, readSignersFile, shownPath } from '../../format/read-deployment-dir.ts';
import { rolesNotSigned, signersProblems } from '../../core/signoffs/verify-signoffs.ts';
import { SIGNERS_FILE, isRealDirectory } from '../../format/evidence-tree.ts';
import { readChainLinks } from '../../format/read-chain-links.ts';
import { validateDeploymentId } from '../../../collectors/evidence/deployment-id.ts';
import { readCheckpointFile, writeCheckpointFile } from '../checkpoint-file.ts';
import { gitNotes, gitOptions, verdictOf, verifyEvidenceRoot, type RootVerdict } from '../verify-evidence-root.ts';
import { EXIT, UsageError } from '../exit-codes.ts';
import { colorsFor, log, type Streams } from '../output.ts';

const verifyExamples = `
Examples:
  $ deploy-evidence verify --all                          # every deployment, every chain, the git history
  $ deploy-evidence verify sample-production-pr73         # one report, before pasting its link
  $ deploy-evidence verify --all --checkpoint ~/audit/acme-checkpoint.json   # first time: writes it; later: nothing seen is gone
  $ deploy-evidence verify --all --json | jq '.deployments[] | select(.status != "OK")'
  $ deploy-evidence verify --all --require-signoff --env production   # a gate: every production deployment signed off in every role`;

/** What the checkpoint said: written now, or its problems (none: everything seen is still there). */
type CheckpointOutcome = { file: string; written: boolean; deployments: number; problems: CheckpointProblem[] };

/** How many deployments are signed off in every declared role, how many are not, how many declare none: said, never implied. */
function completeness(shown: readonly DeploymentIntegrity[]): string {
  const declaring = shown.filter((d) => d.signoffs.length > 0);
  const open = declaring.filter((d) => rolesNotSigned(d.signoffs).length > 0).length;
  const parts = [
    ...(declaring.length - open > 0 ? [`sign-off complete on ${declaring.length - open}`] : []),
    ...(open > 0 ? [`roles unsigned on ${open}`] : []),
    ...(declaring.length < shown.length ? [`no sign-off roles declared on ${shown.length - declaring.length}`] : []),
  ];
  return parts.join(', ');
}

/** The signers list the sign-offs were judged against, and why it is refused (every sign-off judged against a refused list is unverified). */
type SignersOutcome = { file: string; refused: string[] };

function render(verdict: RootVerdict, shown: readonly DeploymentIntegrity[], strays: readonly string[], checkpoint: CheckpointOutcome | null, signers: SignersOutcome, gitSince: string | undefined, streams: Streams): string {
  const { report, git, rootProblems } = verdict;
  const c = colorsFor(streams.stdout, streams.env);
  const tone = { OK: c.green, FAILED: c.red, INCOMPLETE: c.yellow } as const;
  const lines: string[] = [];
  for (const d of shown) {
    const status = verdictOf(d);
    lines.push(`${tone[status](status.padEnd(10))} ${d.id}${d.environment ? ` (${d.environment})` : ''}${d.digest ? `  sha256 ${d.digest}` : ''}`);
    for (const problem of [...d.problems, ...d.signoffProblems]) lines.push(`           - ${problem}`);
    for (const role of d.signoffs) {
      const s = role.signoff;
      const who = s?.predicate ? ` by ${s.name}, ${s.predicate.signedAt}${s.keyid ? `, key ${s.keyid.slice(0, 16)}…` : ''}${s.sampleKey ? ' (SAMPLE KEY)' : ''}${s.predicate.forced ? `, forced over ${s.predicate.forced.decision}` : ''}` : '';
      lines.push(`           sign-off ${role.label}: ${role.state}${who}`);
    }
  }
  for (const stray of strays) lines.push(`${c.red('FAILED'.padEnd(10))} ${stray}; not evidence`);
  for (const problem of rootProblems) lines.push(`${c.red('FAILED'.padEnd(10))} ${problem}`);
  for (const problem of signers.refused) lines.push(`${c.red('FAILED'.padEnd(10))} ${signers.file}: ${problem}; the signers list is refused`);
  for (const fork of forksAmong(report, shown)) lines.push(`${'FORK'.padEnd(10)} ${forkText(fork)}`);
  for (const note of gitNotes(git, gitSince)) lines.push(`${'NOTE'.padEnd(10)} ${note}`);
  if (checkpoint) {
    if (checkpoint.written) lines.push(`${'CHECKPOINT'.padEnd(10)} written to ${checkpoint.file}: ${checkpoint.deployments} deployments as they are now; verify against it later`);
    else if (checkpoint.problems.length === 0) lines.push(`${c.green('CHECKPOINT'.padEnd(10))} ${checkpoint.file}: everything it holds is still here, unchanged, and each chain extends it`);
    for (const problem of checkpoint.problems) lines.push(`${c.red('CHECKPOINT'.padEnd(10))} ${problem.message}`);
  }
  const failed = shown.filter((d) => verdictOf(d) !== 'OK').length;
  const elsewhere = [
    strays.length > 0 ? `${strays.length} entries under the evidence root are not evidence` : null,
    rootProblems.length > 0 ? `${rootProblems.length} files at the evidence root changed after they were committed` : null,
    checkpoint && checkpoint.problems.length > 0 ? `${checkpoint.problems.length} differences from the checkpoint` : null,
    signers.refused.length > 0 ? `the signers list ${signers.file} is refused` : null,
  ].filter((x): x is string => x !== null);
  // "Every sign-off holds" only where there is one: no sign-off at all is said as such (issue 24).
  const made = shown.some((d) => d.signoffs.some((r) => r.signoff !== null)) ? 'every sign-off made holds' : 'no sign-off made';
  const signoff = completeness(shown);
  lines.push(
    '',
    failed === 0 && elsewhere.length === 0
      ? c.green(`${shown.length} deployments verified: every file matches its manifest, every verdict is what its checks give, every chain holds, ${made}${git?.ran ? ', no evidence file changed after it was committed' : ''}${signoff ? `; ${signoff}` : ''}`)
      : c.red(`${failed} of ${shown.length} deployments do not verify${elsewhere.length > 0 ? `; ${elsewhere.join('; ')}` : ''}${signoff ? `; ${signoff}` : ''}`),
  );
  return `${lines.join('\n')}\n`;
}

/** The forks that involve the deployments shown. */
function forksAmong(report: IntegrityReport, shown: readonly DeploymentIntegrity[]): ChainFork[] {
  const ids = new Set(shown.map((d) => d.id));
  return report.forks.filter((f) => f.ids.some((id) => ids.has(id)));
}

const forkText = (fork: ChainFork) =>
  `${fork.ids.join(', ')} (${fork.environment}) were collected in parallel, each ${fork.after ? `following ${fork.after}` : 'the first of its environment'}: concurrent branches, history rather than tampering`;

/** First use: the chains as they are now, written. Later: whether everything in it is still there. */
async function useCheckpoint(file: string, root: string): Promise<CheckpointOutcome> {
  const links = await readChainLinks(root);
  const saved = await readCheckpointFile(file);
  if (saved === null) {
    const checkpoint = checkpointOf(links, new Date().toISOString());
    await writeCheckpointFile(file, checkpoint);
    return { file, written: true, deployments: checkpoint.environments.reduce((n, e) => n + e.deployments.length, 0), problems: [] };
  }
  return { file, written: false, deployments: 0, problems: checkpointProblems(saved, links) };
}

export function verifyCommand(streams: Streams, setExit: (code: number) => void): Command {
  return gitOptions(evidenceOptions(new Command('verify')))
    .description('check that the evidence is what was collected: every file against its manifest, every verdict against its snapshots, each environment\'s chain of manifests, every sign-off, the git history')
    .argument('[ids...]', 'the deployments to verify (their chains are checked against the whole evidence root)')
    .option('--all', 'verify every deployment under the evidence root')
    .option('--signers <file>', 'the trusted signers\' public keys (default: <evidence-dir>/_signers.json, which arrives with the evidence: review it like code)')
    .option('--checkpoint <file>', 'an auditor\'s checkpoint: written on first use (every chain as it is now), checked on later use (everything in it still there, unchanged, each chain extending it)')
    .option('--require-signoff', 'fail (exit 1) when a deployment has a sign-off role its checklist declares that is not signed over its evidence, naming the roles')
    .option('--env <environment>', 'with --require-signoff: only the deployments in this environment must be signed off (e.g. production)')
    .option('--json', 'print the verdicts as one JSON document')
    .addHelpText('after', verifyExamples)
    .action(async (ids: string[], flags: { all?: boolean; evidenceDir?: string; config?: string; signers?: string; checkpoint?: string; requireSignoff?: boolean; env?: string; json?: boolean; git?: boolean; gitSince?: string }) => {
      if (flags.all && ids.length > 0) throw new UsageError('give deployment ids or --all, not both');
      if (flags.env !== undefined && !flags.requireSignoff) throw new UsageError('--env goes with --require-signoff: the environment whose deployments must be signed off');
      if (!flags.all && ids.length === 0) throw new UsageError('name the deployments to verify, or --all');
      // The auditor's command never runs the repository's own code (a .ts config): see loadConfig.
      const settings = await resolveSettings(flags, streams.env, process.cwd(), { runCode: false });
      if (settings.config.notRun) {
        log(streams, `note: ${settings.config.notRun} is code from the repository and was not run (verify checks evidence with the tool you installed, not with what the evidence's repository holds); --config names it if you trust it`);
      }
      const root = settings.evidenceDir;
      if (!(await isRealDirectory(root))) throw new UsageError(`no evidence folder at ${root}`);
      // Ids are looked up in the listing, never used as paths.
      for (const id of ids) validateDeploymentId(id);
      const signers = flags.signers ? await readSignersFile(resolve(flags.signers)) : await readSigners(root);
      if (flags.signers && !signers) throw new UsageError(`no signers file at ${resolve(flags.signers)}`);
      // One name, one key (issue 24): a list that binds otherwise is refused, naming the duplicate.
      const signersOutcome: SignersOutcome = { file: shownPath(flags.signers ? resolve(flags.signers) : join(root, SIGNERS_FILE)), refused: await signersProblems(signers) };
      const verdict = await verifyEvidenceRoot(root, { signers, git: flags });
      const { report } = verdict;
      const missing = ids.filter((id) => !report.deployments.some((d) => d.id === id));
      if (missing.length > 0) throw new UsageError(`no deployment ${missing.map((id) => `"${id}"`).join(', ')} in ${root}`);
      const shown = flags.all ? report.deployments : report.deployments.filter((d) => ids.includes(d.id));
      const strays = flags.all ? report.strays : [];
      const checkpoint = flags.checkpoint ? await useCheckpoint(flags.checkpoint, root) : null;
      if (flags.requireSignoff) {
        const required = shown.filter((d) => flags.env === undefined || d.environment === flags.env);
        // Not an error (a team's first production deployment is still to come), but never silent: a misspelt environment would pass every time.
        if (flags.env !== undefined && required.length === 0) log(streams, `warning: --require-signoff --env ${flags.env}: none of the deployments verified is in ${flags.env}`);
        for (const d of required) {
          const open = rolesNotSigned(d.signoffs);
          if (open.length > 0) d.signoffProblems.push(`sign-off required${flags.env ? ` in ${flags.env}` : ''}: not signed off as ${open.map((r) => `${r.label} (${r.state})`).join(', ')}`);
        }
      }
      const ok = shown.every((d) => verdictOf(d) === 'OK') && strays.length === 0 && verdict.rootProblems.length === 0 && (checkpoint?.problems.length ?? 0) === 0 && signersOutcome.refused.length === 0;
      streams.stdout.write(
        flags.json
          ? `${JSON.stringify(
              {
                ok,
                requireSignoff: flags.requireSignoff ? { environment: flags.env ?? null } : null,
                deployments: shown.map((d) => ({ ...d, status: verdictOf(d), signoffComplete: d.signoffs.length > 0 ? rolesNotSigned(d.signoffs).length === 0 : null, rolesUnsigned: rolesNotSigned(d.signoffs).map((r) => r.role) })),
                chain: report.chain.filter((p) => p.ids.some((id) => shown.some((d) => d.id === id))),
                forks: forksAmong(report, shown),
                strays,
                git: verdict.git && { ...verdict.git, rootProblems: verdict.rootProblems },
                checkpoint,
                signersRefused: signersOutcome.refused,
              },
              null,
              2,
            )}\n`
          : render(verdict, shown, strays, checkpoint, signersOutcome, flags.gitSince, streams),
      );
      setExit(ok ? EXIT.ok : EXIT.failed);
    });
}
