/**
 * What an export says of evidence that does not verify (issue 24): never its recorded decision as
 * if it were real. Printed only when the user asked for it anyway (`--allow-unverified`): the
 * decision reads INTEGRITY FAILED, followed by why and by what the evidence claims.
 */
import type { ExportInput } from './markdown.ts';
import { mdText } from './markdown-text.ts';

export const INTEGRITY_FAILED = 'INTEGRITY FAILED';

/** The decision as an export states it. */
export function decisionShown({ deployment, unverified }: ExportInput): string {
  return unverified ? INTEGRITY_FAILED : deployment.decision.status;
}

/** Markdown lines saying why the evidence does not verify and what it claims; none when it verifies. */
export function integrityLines({ deployment, unverified }: ExportInput): string[] {
  if (!unverified) return [];
  return [
    `The evidence does not verify, so nothing below can be relied on (\`deploy-evidence verify ${deployment.id}\`):`,
    '',
    ...unverified.map((problem) => `- ${mdText(problem)}`),
    '',
    `What it claims: **${deployment.decision.status}** (not verified).`,
    '',
  ];
}
