/** The evidence root the site renders: `DEPLOY_EVIDENCE_DIR`, else `evidence/` in the project. */
import { resolve } from 'node:path';

export function evidenceDir(): string {
  return resolve(process.env.DEPLOY_EVIDENCE_DIR ?? 'evidence');
}

/**
 * Strict builds fail on anything under the evidence root the format does not know, instead of
 * warning: `DEPLOY_EVIDENCE_STRICT=1`, or `npm run build -- --strict` (Astro leaves the flag in argv).
 */
export function strictBuild(): boolean {
  return process.env.DEPLOY_EVIDENCE_STRICT === '1' || process.argv.includes('--strict');
}

/**
 * The file in which `deploy-evidence build` left what it found in the evidence's git history
 * (`DEPLOY_EVIDENCE_GIT_FINDINGS`); none when Astro is run directly or with `build --no-git`.
 */
export function gitFindingsFile(): string | null {
  return process.env.DEPLOY_EVIDENCE_GIT_FINDINGS || null;
}

/**
 * The signers list the build judges the sign-offs against and publishes as `/evidence/_signers.json`
 * instead of the evidence's own (`build --signers`, handed over as `DEPLOY_EVIDENCE_SIGNERS`); null:
 * the evidence's own `_signers.json`.
 */
export function signersFile(): string | null {
  const file = process.env.DEPLOY_EVIDENCE_SIGNERS;
  return file ? resolve(file) : null;
}
