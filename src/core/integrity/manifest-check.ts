/**
 * Does a deployment's directory hold exactly what its manifest lists? Pure: the manifest and the
 * digests of the files actually there in, every difference out — a changed, missing or added
 * file, named. The CLI's `verify`, the site build's banner and (the same rules) the browser check
 * read their answer from here.
 */
import type { Manifest } from '../../format/index.ts';

export interface FileDigest {
  /** Relative to the deployment directory, e.g. `checks/row-count.json`. */
  path: string;
  bytes: number;
  sha256: string;
}

export interface FileProblem {
  path: string;
  kind: 'changed' | 'missing' | 'added' | 'foreign';
  message: string;
}

/** Files that live beside the evidence without being part of it: the manifest itself, sign-offs (which must not change the manifest they sign) and notes written after collection (shown apart from the evidence, as annotations). */
export const OUTSIDE_MANIFEST: readonly string[] = ['manifest.json', 'signoffs.json', 'notes.mdx'];

export function manifestProblems(deploymentId: string, manifest: Manifest, present: readonly FileDigest[]): FileProblem[] {
  const problems: FileProblem[] = [];
  if (manifest.deploymentId !== deploymentId) {
    problems.push({ path: 'manifest.json', kind: 'foreign', message: `manifest.json belongs to deployment "${manifest.deploymentId}", not "${deploymentId}"` });
  }
  const here = new Map(present.map((f) => [f.path, f]));
  for (const listed of manifest.files) {
    const file = here.get(listed.path);
    if (!file) problems.push({ path: listed.path, kind: 'missing', message: `${listed.path}: listed in the manifest, missing` });
    else if (file.sha256 !== listed.sha256 || file.bytes !== listed.bytes) {
      problems.push({ path: listed.path, kind: 'changed', message: `${listed.path}: changed (sha256 ${file.sha256}, ${file.bytes} bytes; the manifest says ${listed.sha256}, ${listed.bytes} bytes)` });
    }
  }
  const listed = new Set(manifest.files.map((f) => f.path));
  for (const file of present) {
    if (!listed.has(file.path) && !OUTSIDE_MANIFEST.includes(file.path)) problems.push({ path: file.path, kind: 'added', message: `${file.path}: not in the manifest (added afterwards)` });
  }
  return problems;
}
