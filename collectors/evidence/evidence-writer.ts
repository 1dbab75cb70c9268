/**
 * Writes one deployment's evidence: every file validated against the current format's schema
 * before it is written, byte-stable, atomic. The JSON Schema files the evidence names in
 * `$schema` are kept beside it in `<root>/_schemas/v<N>/`.
 */
import { mkdir, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  SCHEMA_DIR,
  SCHEMA_VERSION,
  checkSnapshotSchema,
  deploymentSchema,
  manifestSchema,
  schemaFiles,
  stableJson,
  type CheckSnapshot,
  type Deployment,
  type Manifest,
} from '../../src/format/index.ts';
import { buildJsonSchemaFiles } from '../../src/format/json-schema.ts';
import { sha256Hex } from '../../src/format/sha256.ts';
import { writeFileAtomic } from './atomic-write.ts';
import { asEvidenceWriteError } from './evidence-write-error.ts';

/**
 * Writes the current format version's JSON Schema files that are missing under an evidence root,
 * and never rewrites one that is there: auditors validate against those committed bytes. Older
 * versions' folders (`_schemas/v1/`) are left alone. Returns the files that differ from this
 * tool's (left as they are, for the caller to report).
 */
export async function ensureJsonSchemas(root: string): Promise<string[]> {
  const dir = join(root, SCHEMA_DIR);
  await mkdir(dir, { recursive: true }).catch((error: unknown) => {
    throw asEvidenceWriteError(error, dir);
  });
  const differing: string[] = [];
  for (const [name, text] of buildJsonSchemaFiles()) {
    const file = join(dir, name);
    const current = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? null : Promise.reject(asEvidenceWriteError(error, file))));
    if (current === null) await writeFileAtomic(file, text);
    else if (current !== text) differing.push(file);
  }
  return differing;
}

export class EvidenceWriter {
  constructor(
    readonly root: string,
    readonly deploymentId: string,
  ) {}

  get dir(): string {
    return join(this.root, this.deploymentId);
  }

  async writeCheck(snapshot: CheckSnapshot): Promise<void> {
    await writeFileAtomic(join(this.dir, 'checks', `${snapshot.id}.json`), stableJson(checkSnapshotSchema, snapshot));
  }

  async writeDeployment(deployment: Deployment): Promise<void> {
    await writeFileAtomic(join(this.dir, 'deployment.json'), stableJson(deploymentSchema, deployment));
  }

  /**
   * Hashes every evidence file of the deployment (sorted paths) into manifest.json, linked to the
   * manifest before it in its environment. Written last and atomically: a collector killed before
   * leaves no manifest (the deployment reads INCOMPLETE), never one that lists a file it does not match.
   */
  async writeManifest(previousManifestSha256: string | null): Promise<{ manifest: Manifest; sha256: string }> {
    const checks = (await readdir(join(this.dir, 'checks'))).filter((f) => f.endsWith('.json') && !f.startsWith('.')).sort();
    const paths = ['deployment.json', ...checks.map((f) => `checks/${f}`)].sort();
    const files = [];
    for (const path of paths) {
      const bytes = await readFile(join(this.dir, path));
      files.push({ path, bytes: bytes.length, sha256: sha256Hex(bytes) });
    }
    const manifest: Manifest = {
      $schema: schemaFiles.manifest.fromFile,
      schemaVersion: SCHEMA_VERSION,
      deploymentId: this.deploymentId,
      algorithm: 'sha256',
      files,
      previousManifestSha256,
    };
    const text = stableJson(manifestSchema, manifest);
    await writeFileAtomic(join(this.dir, 'manifest.json'), text);
    return { manifest, sha256: sha256Hex(text) };
  }
}
