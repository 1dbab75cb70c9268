/**
 * Evidence format versions, frozen: the committed JSON Schema files of every version are what the
 * zod schemas derive for it, those of v1 are pinned bytes, every copy of them in the repository is
 * the same bytes, every committed evidence file validates with a stock validator against the
 * schemas of its own version, so does a collection in the current version, and the reader turns
 * every version into the model through its version table.
 */
import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import {
  EvidenceFormatError,
  FORMAT_VERSIONS,
  FORMAT_VERSION_NUMBERS,
  SCHEMA_VERSION,
  checkSnapshotSchema,
  checkSnapshotSchemaOf,
  deploymentSchema,
  manifestSchema,
  parseEvidenceText,
  schemaFilesOf,
  stableJson,
  type EvidenceFileKind,
} from '../../src/format/index.ts';
import { buildJsonSchemaFiles } from '../../src/format/json-schema.ts';
import { readDeploymentDir } from '../../src/format/read-deployment-dir.ts';
import { committedEvidence } from '../harness/committed-evidence.ts';
import { collectTiny } from '../harness/tiny-collection.ts';
import { tempEvidenceRoot } from '../harness/evidence.ts';

const repo = new URL('../../', import.meta.url).pathname;
const fixtures = join(repo, 'test/fixtures/');
const v1Fixture = join(fixtures, 'evidence');
/** The samples committed in evidence/, as git tracks them (never a demo's deployments beside them). */
const samples = await committedEvidence();
const committed = (version: number) => join(samples, '_schemas', `v${version}`);
/** Every evidence root committed in the repository. */
const roots = [samples, v1Fixture, join(fixtures, 'site-evidence'), join(fixtures, 'own-project-evidence')];

/** Format v1 as it was published: these bytes never change. */
const FROZEN_V1_SHA256: Record<string, string> = {
  'check.schema.json': '46d51f447beb860aa4954ab3482b27e5e6cd268913ade55a3d4d772b3fbae57d',
  'deployment.schema.json': 'c98776db68173c0b4c5f093b6d94ac0f4e6c267abbc066dca5fc51398da35da0',
  'manifest.schema.json': '9916fa7cc184783bb07c81bc9c117b0430f5980b46afb8a9c00c3486cdf46c93',
};

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
/** The samples and the committed fixtures were written in format v2; v3 came after them (issue 24). */
const SAMPLES_VERSION = 2;
/** The format the billing fixture (own-project-evidence) was collected in (since issue 26). */
const BILLING_VERSION: number = 3;

/** A collection in the current format, made once: evidence the committed samples are too old to be. */
let current: Promise<{ root: string; id: string }> | undefined;
function currentCollection(): Promise<{ root: string; id: string }> {
  current ??= (async () => {
    const root = await tempEvidenceRoot();
    const result = await collectTiny(root, { environment: 'staging', by: 'Release Bot' });
    return { root, id: result.deployment.id };
  })();
  return current;
}

/** The refusal of a file whose schemaVersion this reader does not know, naming every version it does. */
const UNSUPPORTED = (version: string) => new RegExp(`schemaVersion: ${version} is not supported \\(this reader understands schemaVersion ${FORMAT_VERSION_NUMBERS.join(', ')}\\)`);

async function deploymentIds(root: string): Promise<string[]> {
  return (await readdir(root, { withFileTypes: true })).filter((e) => e.isDirectory() && !e.name.startsWith('_') && !e.name.startsWith('.')).map((e) => e.name);
}

async function jsonFiles(dir: string): Promise<string[]> {
  const checks = (await readdir(join(dir, 'checks'))).map((f) => join(dir, 'checks', f));
  const manifest = (await readdir(dir)).includes('manifest.json') ? [join(dir, 'manifest.json')] : [];
  return [join(dir, 'deployment.json'), ...manifest, ...checks];
}

function kindOf(file: string): 'deployment' | 'check' | 'manifest' {
  const name = file.split('/').at(-1)!;
  if (name === 'deployment.json' || name.startsWith('deployment-')) return 'deployment';
  if (name === 'manifest.json') return 'manifest';
  return 'check';
}

async function validatorsOf(version: number): Promise<Record<EvidenceFileKind, ValidateFunction>> {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  const entries = await Promise.all(
    (['deployment', 'check', 'manifest'] as const).map(async (kind) => [kind, ajv.compile(JSON.parse(await readFile(join(committed(version), `${kind}.schema.json`), 'utf8')) as object)] as const),
  );
  return Object.fromEntries(entries) as Record<EvidenceFileKind, ValidateFunction>;
}

describe('evidence format versions are frozen', () => {
  it('every committed evidence/_schemas/v<N> is exactly what the zod schemas derive for version N (a changed shape is a new format version)', async () => {
    expect((await readdir(join(samples, '_schemas'))).sort()).toEqual(FORMAT_VERSION_NUMBERS.map((v) => `v${v}`));
    for (const version of FORMAT_VERSION_NUMBERS) {
      const generated = buildJsonSchemaFiles(version);
      expect([...generated.keys()].sort(), `v${version}`).toEqual((await readdir(committed(version))).sort());
      for (const [name, text] of generated) expect(await readFile(join(committed(version), name), 'utf8'), `v${version}/${name}`).toBe(text);
    }
  });

  it('the v1 JSON Schema files are the bytes first published', async () => {
    expect((await readdir(committed(1))).sort()).toEqual(Object.keys(FROZEN_V1_SHA256).sort());
    for (const [name, pinned] of Object.entries(FROZEN_V1_SHA256)) expect(sha256(await readFile(join(committed(1), name), 'utf8')), name).toBe(pinned);
  });

  it('every _schemas/v<N> copy committed under an evidence root is byte for byte the frozen one', async () => {
    let copies = 0;
    for (const root of roots) {
      for (const dir of await readdir(join(root, '_schemas'))) {
        const version = Number(dir.slice(1));
        expect(Object.keys(FORMAT_VERSIONS), `${root}/_schemas/${dir}`).toContain(String(version));
        for (const name of await readdir(join(root, '_schemas', dir))) {
          expect(await readFile(join(root, '_schemas', dir, name), 'utf8'), `${root}/_schemas/${dir}/${name}`).toBe(await readFile(join(committed(version), name), 'utf8'));
          copies += 1;
        }
      }
    }
    expect(copies).toBeGreaterThanOrEqual(roots.length * 3);
  });

  it('validates every committed evidence file with a stock JSON Schema validator against the schemas of its version', async () => {
    const validators = Object.fromEntries(await Promise.all(FORMAT_VERSION_NUMBERS.map(async (v) => [v, await validatorsOf(v)] as const))) as Record<number, Record<EvidenceFileKind, ValidateFunction>>;
    const validated: Record<number, number> = {};
    const { root: currentRoot } = await currentCollection();
    for (const root of [...roots, currentRoot]) {
      for (const id of await deploymentIds(root)) {
        for (const file of await jsonFiles(join(root, id))) {
          const data = JSON.parse(await readFile(file, 'utf8')) as { $schema: string; schemaVersion: number };
          const validate = validators[data.schemaVersion]![kindOf(file)];
          expect(validate(data), `${file}: ${JSON.stringify(validate.errors)}`).toBe(true);
          // The $schema each file names resolves to the frozen file of its own kind and version.
          expect(join(file, '..', data.$schema)).toBe(join(root, `_schemas/v${data.schemaVersion}`, `${kindOf(file)}.schema.json`));
          validated[data.schemaVersion] = (validated[data.schemaVersion] ?? 0) + 1;
        }
      }
    }
    expect(validated[1]).toBeGreaterThan(10);
    expect(validated[SAMPLES_VERSION]).toBeGreaterThan(100);
    // The fresh collection's deployment.json, its one snapshot and its manifest (the current version), and the
    // billing fixture's three deployments, each a deployment.json, 13 snapshots and a manifest (its own version).
    const fresh = 3;
    const billing = 3 * 15;
    if (BILLING_VERSION === SCHEMA_VERSION) expect(validated[SCHEMA_VERSION]).toBe(fresh + billing);
    else {
      expect(validated[SCHEMA_VERSION]).toBe(fresh);
      expect(validated[BILLING_VERSION]).toBe(billing);
    }
  });

  it('validates the committed sign-offs and trusted signers against the JSON Schemas of their version', async () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    // Each file against the schemas of its own version: a file written in an older version stays valid in it.
    const compiled = new Map<string, ValidateFunction>();
    const schemaOf = async (name: string, version: number) => {
      const key = `v${version}/${name}`;
      if (!compiled.has(key)) compiled.set(key, ajv.compile(JSON.parse(await readFile(join(committed(version), name), 'utf8')) as object));
      return compiled.get(key)!;
    };
    const signersFile = JSON.parse(await readFile(join(samples, '_signers.json'), 'utf8'));
    const signers = await schemaOf('signers.schema.json', signersFile.schemaVersion);
    expect(signers(signersFile), JSON.stringify(signers.errors)).toBe(true);
    let files = 0;
    for (const id of await deploymentIds(samples)) {
      const data = JSON.parse(await readFile(join(samples, id, 'signoffs.json'), 'utf8'));
      const signoffs = await schemaOf('signoffs.schema.json', data.schemaVersion);
      expect(signoffs(data), `${id}: ${JSON.stringify(signoffs.errors)}`).toBe(true);
      files += 1;
    }
    expect(files).toBe(3);
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
  it('reads the committed v1 fixture through the v1 entry of the version table into the current model, losing nothing', async () => {
    const dir = join(v1Fixture, '2026-11-24-staging-pr73');
    const files = await jsonFiles(dir);
    expect(files.length).toBeGreaterThan(10);
    const v1Check = schemaFilesOf(1).check.fromFile;
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      expect(JSON.parse(text).schemaVersion).toBe(1);
      const model = parseEvidenceText(kindOf(file), file, text);
      expect(model.schemaVersion).toBe(SCHEMA_VERSION);
      expect(model.$schema).toBe(schemaFilesOf(SCHEMA_VERSION)[kindOf(file)].fromFile);
      // The upgrade renames the envelope and nothing else: put v1's back and the bytes are the file's.
      if (kindOf(file) === 'check') expect(stableJson(checkSnapshotSchemaOf(1), { ...model, $schema: v1Check, schemaVersion: 1 } as never)).toBe(text);
    }
    const read = await readDeploymentDir(v1Fixture, '2026-11-24-staging-pr73');
    expect(read!.formatVersion).toBe(1);
    expect(read!.deployment.checklist.definition.signoff).toEqual([]);
    expect([...read!.snapshots.keys()].sort()).toEqual(read!.deployment.checks.map((c) => c.id).sort());
    expect(read!.manifest?.files.map((f) => f.path)).toEqual(read!.files.filter((f) => f.path !== 'manifest.json').map((f) => f.path).sort());
  });

  it(`reads the current version (v${SCHEMA_VERSION}) byte-stable: read and written again, a file is its own bytes`, async () => {
    const { root, id } = await currentCollection();
    const files = await jsonFiles(join(root, id));
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      const kind = kindOf(file);
      const model = parseEvidenceText(kind, file, text);
      expect(model.schemaVersion, file).toBe(SCHEMA_VERSION);
      expect(stableJson(kind === 'check' ? checkSnapshotSchema : kind === 'deployment' ? deploymentSchema : manifestSchema, model as never), file).toBe(text);
    }
    expect(files.map(kindOf).sort()).toEqual(['check', 'deployment', 'manifest']);
  });

  it(`reads the committed v${SAMPLES_VERSION} samples into the current model, losing nothing: put v${SAMPLES_VERSION}'s envelope back and a snapshot is its own bytes`, async () => {
    const dir = join(samples, (await deploymentIds(samples))[0]!);
    const envelope = schemaFilesOf(SAMPLES_VERSION).check.fromFile;
    let checked = 0;
    for (const file of (await jsonFiles(dir)).filter((f) => kindOf(f) === 'check')) {
      const text = await readFile(file, 'utf8');
      expect(JSON.parse(text).schemaVersion).toBe(SAMPLES_VERSION);
      const model = parseEvidenceText('check', file, text);
      expect(model.schemaVersion).toBe(SCHEMA_VERSION);
      expect(stableJson(checkSnapshotSchemaOf(SAMPLES_VERSION), { ...model, $schema: envelope, schemaVersion: SAMPLES_VERSION } as never)).toBe(text);
      checked += 1;
    }
    expect(checked).toBeGreaterThan(10);
    // What v3 added is filled in: who collected is not recorded, and the default policy applies.
    const read = await readDeploymentDir(samples, (await deploymentIds(samples))[0]!);
    expect(read!.formatVersion).toBe(SAMPLES_VERSION);
    expect(read!.deployment.collectedBy).toBeNull();
    expect(read!.deployment.checklist.definition.signoffPolicy).toEqual({ distinct: 'all', notByCollector: [] });
  });

  it('names the versions it understands when a file has another', () => {
    for (const version of [99, 0, '1', null]) {
      expect(() => parseEvidenceText('check', 'x.json', JSON.stringify({ schemaVersion: version }))).toThrow(UNSUPPORTED('.*'));
    }
    expect(() => parseEvidenceText('check', 'x.json', '{}')).toThrow(/schemaVersion: missing/);
    expect(() => parseEvidenceText('check', 'x.json', '')).toThrow(EvidenceFormatError);
  });
});

describe('broken evidence files name the file and the field', () => {
  const cases: [string, RegExp][] = [
    ['check-unknown-version.json', UNSUPPORTED('99')],
    ['check-missing-status.json', /status: Required/],
    ['check-bad-status.json', /status: Invalid enum value.*received 'ok'/],
    ['check-local-timestamp.json', /startedAt: must be an ISO-8601 UTC timestamp ending in Z/],
    ['check-bad-assertion-status.json', /assertions\.0\.status: Invalid enum value/],
    ['check-not-json.json', /not valid JSON/],
    ['deployment-bad-id.json', /^ {2}- id: must be a lowercase slug/m],
    ['deployment-extra-password-field.json', /target: Unrecognized key\(s\) in object: 'password'/],
    ['deployment-bad-decision.json', /decision\.status: Invalid enum value/],
    // What v2 added is refused in a v1 file, as the frozen v1 JSON Schema refuses it.
    ['deployment-v1-with-signoff.json', /checklist\.definition\.signoff: not part of format v1/],
    ['deployment-v1-with-dependents-assertion.json', /checklist\.definition\.checks\.\d+\.assertions\.0\.type: "dependents" is not part of format v1/],
    // What v3 added is refused in a v2 file.
    ['deployment-v2-with-signoff-policy.json', /checklist\.definition\.signoffPolicy: not part of format v2 \(it came with schemaVersion 3\)/],
    ['deployment-v2-with-collected-by.json', /collectedBy: not part of format v2 \(it came with schemaVersion 3\)/],
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

  it('the frozen v1 JSON Schema refuses the same v2 additions in a v1 file', async () => {
    const v1 = await validatorsOf(1);
    const refusedAt = async (name: string) => {
      expect(v1.deployment(JSON.parse(await readFile(join(fixtures, 'broken', name), 'utf8'))), name).toBe(false);
      return (v1.deployment.errors ?? []).map((e) => `${e.instancePath} ${JSON.stringify(e.params)}`);
    };
    expect(await refusedAt('deployment-v1-with-signoff.json')).toContain('/checklist/definition {"additionalProperty":"signoff"}');
    expect((await refusedAt('deployment-v1-with-dependents-assertion.json')).some((e) => /^\/checklist\/definition\/checks\/\d+\/assertions\/0 /.test(e))).toBe(true);
  });

  it('the frozen v2 JSON Schema refuses the same v3 additions in a v2 file', async () => {
    const v2 = await validatorsOf(2);
    const refusedAt = async (name: string) => {
      expect(v2.deployment(JSON.parse(await readFile(join(fixtures, 'broken', name), 'utf8'))), name).toBe(false);
      return (v2.deployment.errors ?? []).map((e) => `${e.instancePath} ${JSON.stringify(e.params)}`);
    };
    expect(await refusedAt('deployment-v2-with-signoff-policy.json')).toContain('/checklist/definition {"additionalProperty":"signoffPolicy"}');
    expect(await refusedAt('deployment-v2-with-collected-by.json')).toContain(' {"additionalProperty":"collectedBy"}');
  });
});
