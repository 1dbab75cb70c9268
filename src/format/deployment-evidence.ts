/** A deployment with its check snapshots: the one shape every reader, comparison and history uses. */
import type { CheckSnapshot } from './snapshot-schema.ts';
import type { Deployment } from './deployment-schema.ts';

export interface DeploymentEvidence {
  deployment: Deployment;
  /** By check id. */
  snapshots: ReadonlyMap<string, CheckSnapshot>;
}
