/** A deployment's evidence files as published: each with its raw link, its size and its sha256. */
import type { Manifest } from '../../format/index.ts';
import { OUTSIDE_MANIFEST } from '../../core/integrity/manifest-check.ts';
import type { RawFile } from '../load-evidence.ts';
import { formatBytes } from '../format.ts';
import { routes } from '../routes.ts';

interface ArtifactRow {
  path: string;
  href: string;
  bytes: string;
  sha256: string;
  /** Said beside the sha256: that the manifest does not list the file with it; null when nothing is to say. */
  note: string | null;
}

export interface ArtifactTableModel {
  /** The table's caption, and the name of the box it scrolls in. */
  caption: string;
  rows: ArtifactRow[];
}

export function artifactTable(
  deploymentId: string,
  files: readonly RawFile[],
  caption: string,
  /** The report checks each file against its manifest (null: it has none); without it, the files are listed alone. */
  checkedAgainst?: { manifest: Manifest | null },
): ArtifactTableModel {
  const listed = new Set(checkedAgainst?.manifest?.files.map((f) => `${f.path}:${f.sha256}`) ?? []);
  const inManifest = (f: RawFile) => OUTSIDE_MANIFEST.includes(f.path) || listed.has(`${f.path}:${f.sha256}`);
  return {
    caption,
    rows: files.map((f) => ({
      path: f.path,
      href: routes.rawFile(deploymentId, f.path),
      bytes: formatBytes(f.bytes),
      sha256: f.sha256,
      note: checkedAgainst && !inManifest(f) ? '(not in the manifest)' : null,
    })),
  };
}
