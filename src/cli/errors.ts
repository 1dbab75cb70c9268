/**
 * Which exit code an error means (the codes are in exit-codes.ts). It imports the error classes
 * of the collector, so main loads it only once a command has failed.
 */
import { ChecklistError } from '../../collectors/checklists/define-checklist.ts';
import { CollectConfigError } from '../../collectors/collect.ts';
import { ConnectionConfigError } from '../../collectors/db/connection.ts';
import { DatabaseUnreachableError } from '../../collectors/db/session.ts';
import { DeploymentIdError } from '../../collectors/evidence/deployment-id.ts';
import { EvidenceWriteError } from '../../collectors/evidence/evidence-write-error.ts';
import { EvidenceFormatError } from '../format/index.ts';
import { UnsafeEvidenceFileError } from '../format/evidence-tree.ts';
import { EXIT, UsageError } from './exit-codes.ts';
import { GitEvidenceError } from './git-evidence-history.ts';
import { ForgeError } from './forges/forge-http.ts';

export function exitCodeFor(error: unknown): number | null {
  // git itself failed reading the evidence's history, or a forge (GitHub, GitLab) could not be reached or refused: a tool that could not do its part.
  if (error instanceof DatabaseUnreachableError || error instanceof GitEvidenceError || error instanceof ForgeError) return EXIT.unreachable;
  if (error instanceof EvidenceWriteError) return EXIT.environment;
  if (
    error instanceof UsageError ||
    error instanceof CollectConfigError ||
    error instanceof ChecklistError ||
    error instanceof DeploymentIdError ||
    error instanceof ConnectionConfigError ||
    error instanceof EvidenceFormatError ||
    error instanceof UnsafeEvidenceFileError
  ) {
    return EXIT.usage;
  }
  return null;
}
