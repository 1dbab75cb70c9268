/** /evidence/: the JSON Schemas of the format versions in use, then every deployment's files, newest deployment first. */
import { evidenceFileKindsOf, schemaDir, schemaFilesOf, type FormatVersion } from '../../format/common.ts';
import type { LoadedDeployment, LoadedEvidence } from '../load-evidence.ts';
import { routes } from '../routes.ts';
import { artifactTable, type ArtifactTableModel } from './artifact-table.ts';
import { deploymentRows } from './deployment-list.ts';

export interface EvidenceIndexModel {
  /** The JSON Schemas of the format versions these deployments were written in, oldest version first. */
  schemas: { version: FormatVersion; files: { path: string; href: string }[] }[];
  /** In the deployments list's order (newest first). */
  deployments: { id: string; href: string; files: ArtifactTableModel }[];
  /** The chains as published, for an auditor to save (issue 24). */
  checkpointHref: string;
  /** What the build found in the git history of the evidence root's own files, and its notes. */
  history: LoadedEvidence['history'];
}

export function evidenceIndexModel(
  entries: readonly Pick<LoadedDeployment, 'deployment' | 'files' | 'formatVersion'>[],
  history: LoadedEvidence['history'] = { problems: [], notes: [] },
): EvidenceIndexModel {
  const byId = new Map(entries.map((e) => [e.deployment.id, e]));
  const versions = [...new Set(entries.map((e) => e.formatVersion as FormatVersion))].sort((a, b) => a - b);
  return {
    schemas: versions.map((version) => ({
      version,
      files: evidenceFileKindsOf(version).map((kind) => {
        const path = `${schemaDir(version)}/${schemaFilesOf(version)[kind].file}`;
        return { path, href: routes.schema(path) };
      }),
    })),
    deployments: deploymentRows(entries.map((e) => e.deployment)).map(({ id }) => ({
      id,
      href: routes.deployment(id),
      files: artifactTable(id, byId.get(id)!.files, `Files of ${id}`),
    })),
    checkpointHref: routes.checkpoint(),
    history,
  };
}
