/**
 * Evidence format v1, frozen: the committed JSON Schema files are what the zod schemas
 * generate, every copy of them in the repository is the same bytes, every committed evidence
 * file validates against them with a stock validator and carries the current full shape, and
 * the reader turns v1 files into the model through its version table.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import {
  EvidenceFormatError,
  FORMAT_VERSIONS,
  checkSnapshotSchema,
  parseEvidenceText,
  stableJson,
  type EvidenceFileKind,
} from '../../src/format/index.ts';
import { buildJsonSchemaFiles } from '../../src/format/json-schema.ts';
import { readDeploymentDir } from '../../src/format/read-deployment-dir.ts';

const repo = new URL('../../', import.meta.url).pathname;
const fixtures = join(repo, 'test/fixtures/');
const v1Fixture = join(fixtures, 'evidence');
const committedSchemas = join(repo, 'evidence/_schemas/v1');
/** Every evidence root committed in the repository. */
const roots = [join(repo, 'evidence'), v1Fixture, join(fixtures, 'site-evidence')];

async function deploymentIds(root: string): Promise<string[]> {
  return (await readdir(root, { withFileTypes: true })).filter((e) => e.isDirectory() && !e.name.startsWith('_') && !e.name.startsWith('.')).map((e) => e.name);
}

async function jsonFiles(dir: string): Promise<string[]> {
  const checks = (await readdir(join(dir, 'checks'))).map((f) => join(dir, 'checks', f));
  const manifest = (await readdir(dir)).includes('manifest.json') ? [join(dir, 'manifest.json')] : [];
  return [join(dir, 'deployment.json'), ...manifest, ...checks];
}

function kindOf(file: string): EvidenceFileKind {
  const name = file.split('/').at(-1)!;
  if (name === 'deployment.json' || name.startsWith('deployment-')) return 'deployment';
  if (name === 'manifest.json') return 'manifest';
  return 'check';
}

describe('evidence format v1 is frozen', () => {
  it('the committed evidence/_schemas/v1 files are exactly what the zod schemas generate (a changed shape is a new format version, not a new v1)', async () => {
    const generated = buildJsonSchemaFiles();
    expect([...generated.keys()].sort()).toEqual((await readdir(committedSchemas)).sort());
    for (const [name, text] of generated) expect(await readFile(join(committedSchemas, name), 'utf8'), name).toBe(text);
  });

  it('every _schemas/v1 copy committed under an evidence root is byte for byte the frozen one', async () => {
    for (const root of roots) {
      for (const name of await readdir(committedSchemas)) {
        expect(await readFile(join(root, '_schemas/v1', name), 'utf8'), `${root}/_schemas/v1/${name}`).toBe(await readFile(join(committedSchemas, name), 'utf8'));
      }
    }
  });

  it('validates every committed evidence file with a stock JSON Schema validator against the frozen schemas', async () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const validators = Object.fromEntries(
      await Promise.all((['deployment', 'check', 'manifest'] as const).map(async (kind) => [kind, ajv.compile(JSON.parse(await readFile(join(committedSchemas, `${kind}.schema.json`), 'utf8')) as object)] as const)),
    );
    let validated = 0;
    for (const root of roots) {
      for (const id of await deploymentIds(root)) {
        for (const file of await jsonFiles(join(root, id))) {
          const data = JSON.parse(await readFile(file, 'utf8')) as { $schema: string };
          const validate = validators[kindOf(file)]!;
          expect(validate(data), `${file}: ${JSON.stringify(validate.errors)}`).toBe(true);
          // The $schema each file names resolves to the frozen file of its own kind.
          expect(join(file, '..', data.$schema)).toBe(join(root, '_schemas/v1', `${kindOf(file)}.schema.json`));
          validated += 1;
        }
      }
    }
    expect(validated).toBeGreaterThan(100);
  });

  it('every committed deployment carries the current full shape (no field the writer now writes is missing)', async () => {
    for (const root of roots) {
      for (const id of await deploymentIds(root)) {
        const dir = await readDeploymentDir(root, id);
        expect(dir, `${root}/${id}`).not.toBeNull();
        const { deployment, snapshots } = dir!;
        expect(deployment.target.privileges, `${id}: target.privileges`).toBeDefined();
        expect(deployment.mutatingSteps, `${id}: mutatingSteps`).toBeDefined();
        for (const snapshot of snapshots.values()) {
          const r = snapshot.result;
          if (r?.kind === 'sql') expect(r.rowsJudged, `${id}/${snapshot.id}: rowsJudged`).toBe(r.rowCount);
          if (r?.kind === 'command') expect(r.streams, `${id}/${snapshot.id}: streams`).toBeDefined();
          if (r?.kind === 'command' && r.parsed?.kind === 'alembic-upgrade') expect(r.databaseState, `${id}/${snapshot.id}: databaseState`).toBeDefined();
        }
      }
    }
  });
});

describe('the reader: raw → model by schemaVersion', () => {
  it('reads the committed v1 fixture through the v1 entry of the version table into the model, byte-stable', async () => {
    expect(Object.keys(FORMAT_VERSIONS)).toContain('1');
    const dir = join(v1Fixture, '2026-11-24-staging-pr73');
    const files = await jsonFiles(dir);
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      const model = parseEvidenceText(kindOf(file), file, text);
      expect(model.schemaVersion).toBe(1);
      // v1 is the current model: reading and writing again gives the same bytes.
      if (kindOf(file) === 'check') expect(stableJson(checkSnapshotSchema, model as never)).toBe(text);
    }
    const read = await readDeploymentDir(v1Fixture, '2026-11-24-staging-pr73');
    expect([...read!.snapshots.keys()].sort()).toEqual(read!.deployment.checks.map((c) => c.id).sort());
    expect(read!.manifest?.files.map((f) => f.path)).toEqual(read!.files.filter((f) => f.path !== 'manifest.json').map((f) => f.path).sort());
  });

  it('names the versions it understands when a file has another', () => {
    for (const version of [2, 0, '1', null]) {
      expect(() => parseEvidenceText('check', 'x.json', JSON.stringify({ schemaVersion: version }))).toThrow(/schemaVersion: .* is not supported \(this reader understands schemaVersion 1\)/);
    }
    expect(() => parseEvidenceText('check', 'x.json', '{}')).toThrow(/schemaVersion: missing/);
    expect(() => parseEvidenceText('check', 'x.json', '')).toThrow(EvidenceFormatError);
  });
});

describe('evidence format v1: broken files name the file and the field', () => {
  const cases: [string, RegExp][] = [
    ['check-unknown-version.json', /schemaVersion: 2 is not supported \(this reader understands schemaVersion 1\)/],
    ['check-missing-status.json', /status: Required/],
    ['check-bad-status.json', /status: Invalid enum value.*received 'ok'/],
    ['check-local-timestamp.json', /startedAt: must be an ISO-8601 UTC timestamp ending in Z/],
    ['check-bad-assertion-status.json', /assertions\.0\.status: Invalid enum value/],
    ['check-not-json.json', /not valid JSON/],
    ['deployment-bad-id.json', /^ {2}- id: must be a lowercase slug/m],
    ['deployment-extra-password-field.json', /target: Unrecognized key\(s\) in object: 'password'/],
    ['deployment-bad-decision.json', /decision\.status: Invalid enum value/],
  ];
  for (const [name, message] of cases) {
    it(name, async () => {
      const file = join(fixtures, 'broken', name);
      const text = await readFile(file, 'utf8');
      let error: unknown;
      try {
        parseEvidenceText(kindOf(name), file, text);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(EvidenceFormatError);
      expect((error as Error).message).toContain(file);
      expect((error as Error).message).toMatch(message);
      // One defect each: the message names only that field.
      expect((error as EvidenceFormatError).problems).toHaveLength(1);
    });
  }
});
