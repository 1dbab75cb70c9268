/**
 * `deploy-evidence keygen` and `deploy-evidence sign`: an Ed25519 key pair for a person who signs
 * off, and a sign-off bound to a deployment's digest, appended to its `signoffs.json`.
 */
import { resolve } from 'node:path';
import { Command } from 'commander';
import { evidenceOptions, resolveSettings } from '../settings.ts';
import { generateSigningKey, SigningKeyError } from '../../../collectors/signing/keys.ts';
import { addTrustedSigner, checkNewSignerName, checkSignerName } from '../../../collectors/signing/signers-file.ts';
import { signDeployment, SignRefusedError } from '../../../collectors/signing/sign-deployment.ts';
import { validateDeploymentId } from '../../../collectors/evidence/deployment-id.ts';
import { EXIT, UsageError } from '../exit-codes.ts';
import { log, type Streams } from '../output.ts';

const keygenExamples = `
Examples:
  $ deploy-evidence keygen --out ~/.deploy-evidence/alice --name "Alice Example"
  $ deploy-evidence keygen --out keys/release-bot --name "release bot" --trust   # also adds it to evidence/_signers.json`;

const signExamples = `
Examples:
  $ deploy-evidence sign 2026-11-24-production-pr73 --role approved-for-production --key ~/.deploy-evidence/alice.key
  $ deploy-evidence sign staging-pr12 --role deployed-by --key keys/release-bot.key --note "deployed from CI run 4711"
  $ deploy-evidence sign staging-pr12 --role validated-by --key ~/.deploy-evidence/bob.key --force --note "accepted: the failing check is a known flake (INC-42)"

An approving role (every declared role but those the checklist's signoffPolicy.informative lists)
is not signed over a BLOCKED or INCOMPLETE deployment without --force; a forced sign-off says so
in what it signs, and every report shows it.`;

export function keygenCommand(streams: Streams, setExit: (code: number) => void): Command {
  return evidenceOptions(new Command('keygen'))
    .description('write an Ed25519 key pair for signing off deployments: <out>.key (private, yours alone) and <out>.pub')
    .requiredOption('--out <path>', 'where to write the pair, without extension: <path>.key and <path>.pub')
    .option('--name <name>', 'the signer\'s name, as reports show it (needed with --trust)')
    .option('--trust', 'add the public key to the trusted signers, <evidence-dir>/_signers.json (commit it; review it like code)')
    .addHelpText('after', keygenExamples)
    .action(async (flags: { out: string; name?: string; trust?: boolean; evidenceDir?: string; config?: string }) => {
      if (flags.trust && !flags.name) throw new UsageError('--trust needs the signer\'s --name');
      // Before a key pair is made, with --trust or not: the name is meant for a signers list, which would refuse it.
      if (flags.name !== undefined) {
        try {
          checkSignerName(flags.name);
        } catch (error) {
          usage(error);
        }
      }
      const out = resolve(flags.out);
      const root = flags.trust ? (await resolveSettings(flags, streams.env)).evidenceDir : null;
      // Before a key pair is made: a name is bound to one key (issue 24).
      if (root) await checkNewSignerName(root, flags.name!).catch(usage);
      const key = await generateSigningKey(`${out}.key`, `${out}.pub`).catch(usage);
      log(streams, `wrote ${out}.key (private: keep it to yourself) and ${out}.pub\nkeyid ${key.keyid}`);
      if (root) {
        const file = await addTrustedSigner(root, { name: flags.name!, publicKey: key.publicKey }).catch(usage);
        log(streams, `trusted as "${flags.name}" in ${file}`);
      } else {
        log(streams, `to trust it, add to <evidence>/_signers.json: { "name": "${flags.name ?? '…'}", "publicKey": "${key.publicKey}" } (or run keygen with --trust)`);
      }
      setExit(EXIT.ok);
    });
}

export function signCommand(streams: Streams, setExit: (code: number) => void): Command {
  return evidenceOptions(new Command('sign'))
    .description('sign off a deployment in a role its checklist declares: a signature over its digest, appended to its signoffs.json')
    .argument('<id>', 'the deployment')
    .requiredOption('--role <role>', 'the sign-off role (one the checklist declares, e.g. approved-for-production)')
    .requiredOption('--key <file>', 'your private key (deploy-evidence keygen)')
    .option('--name <name>', 'your name as reports show it (default: the key\'s name in _signers.json)')
    .option('--note <text>', 'a note, signed with the rest')
    .option('--force', 'sign an approving role although the decision is BLOCKED or INCOMPLETE: the sign-off records that it was forced')
    .addHelpText('after', signExamples)
    .action(async (id: string, flags: { role: string; key: string; name?: string; note?: string; force?: boolean; evidenceDir?: string; config?: string }) => {
      validateDeploymentId(id);
      const signed = await signDeployment({ root: (await resolveSettings(flags, streams.env)).evidenceDir, deploymentId: id, role: flags.role, keyFile: resolve(flags.key), name: flags.name, note: flags.note, force: flags.force }).catch((error: unknown) => {
        // Evidence that does not verify is refused, not misused: exit 1, like verify.
        if (error instanceof SignRefusedError) return error;
        return usage(error);
      });
      if (signed instanceof SignRefusedError) {
        log(streams, signed.message);
        setExit(EXIT.failed);
        return;
      }
      const result = signed;
      log(streams, `${id}: signed off as ${flags.role} by ${result.name} (key ${result.keyid.slice(0, 16)}…), over digest sha256 ${result.digest}${result.forcedOver ? `, forced over its ${result.forcedOver} decision (recorded in the sign-off)` : ''}\nwrote ${result.file}`);
      if (!result.trusted) log(streams, `warning: key ${result.keyid.slice(0, 16)}… is not among the trusted signers (_signers.json): the sign-off will show as unverified until it is`);
      setExit(EXIT.ok);
    });
}

function usage(error: unknown): never {
  if (error instanceof SigningKeyError) throw new UsageError(error.message);
  throw error;
}
