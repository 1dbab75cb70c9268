/** The evidence root the site renders: `DEPLOY_EVIDENCE_DIR`, else `evidence/` in the project. */
import { resolve } from 'node:path';

export function evidenceDir(): string {
  return resolve(process.env.DEPLOY_EVIDENCE_DIR ?? 'evidence');
}
