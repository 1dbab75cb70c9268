/**
 * Deployment ids: `[a-z0-9][a-z0-9-]{0,79}`, by default `<yyyy-mm-dd>-<env>-pr<number>`,
 * with -2, -3… for re-runs. A directory is claimed with a non-recursive mkdir, which fails if
 * it exists: two collectors can never write the same deployment, and nothing is overwritten.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { deploymentIdSchema } from '../../src/format/index.ts';
import { asEvidenceWriteError } from './evidence-write-error.ts';

export class DeploymentIdError extends Error {}

export function validateDeploymentId(id: string): string {
  const parsed = deploymentIdSchema.safeParse(id);
  if (!parsed.success) {
    throw new DeploymentIdError(`invalid deployment id "${id}": ${parsed.error.issues[0]?.message ?? 'not a slug'}`);
  }
  return id;
}

export function defaultDeploymentId(now: Date, environment: string, pr: number | null): string {
  const date = now.toISOString().slice(0, 10);
  return `${date}-${environment}${pr ? `-pr${pr}` : ''}`;
}

/** Creates `<root>/<id>` (or `<id>-2`, `<id>-3`… when `allowSuffix`) and returns the id claimed. */
export async function claimDeploymentDir(root: string, id: string, allowSuffix: boolean): Promise<string> {
  await mkdir(root, { recursive: true }).catch((error: unknown) => {
    throw asEvidenceWriteError(error, root);
  });
  for (let n = 1; n < 1000; n += 1) {
    const candidate = n === 1 ? id : `${id}-${n}`;
    validateDeploymentId(candidate);
    try {
      await mkdir(join(root, candidate));
      await mkdir(join(root, candidate, 'checks'));
      return candidate;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw asEvidenceWriteError(error, join(root, candidate));
      if (!allowSuffix) throw new DeploymentIdError(`deployment "${id}" already exists in ${root}: evidence is never overwritten; choose another --id`);
    }
  }
  throw new DeploymentIdError(`too many deployments named ${id}-N in ${root}`);
}
