import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import {
  EvidenceFormatError,
  checkSnapshotSchema,
  deploymentSchema,
  manifestSchema,
  parseEvidenceText,
} from '../../src/format/index.ts';
import { buildJsonSchemaFiles } from '../../src/format/json-schema.ts';

const fixtures = new URL('../fixtures/', import.meta.url).pathname;
const validDeployment = join(fixtures, 'evidence/2026-11-24-staging-pr73');

async function jsonFiles(dir: string): Promise<string[]> {
  const checks = (await readdir(join(dir, 'checks'))).map((f) => join(dir, 'checks', f));
  return [join(dir, 'deployment.json'), join(dir, 'manifest.json'), ...checks];
}

function schemaFor(file: string) {
  if (file.endsWith('deployment.json') || file.includes('deployment-')) return deploymentSchema;
  if (file.endsWith('manifest.json')) return manifestSchema;
  return checkSnapshotSchema;
}

describe('evidence format v1: valid files', () => {
  it('parses every file of a collected deployment with the zod schemas', async () => {
    for (const file of await jsonFiles(validDeployment)) {
      expect(() => parseEvidenceText(schemaFor(file), file, '')).toThrow(EvidenceFormatError);
      const text = await readFile(file, 'utf8');
      expect(parseEvidenceText(schemaFor(file), file, text)).toMatchObject({ schemaVersion: 1 });
    }
  });

  it('validates every file with a stock JSON Schema validator against the schema its $schema names', async () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    for (const file of await jsonFiles(validDeployment)) {
      const data = JSON.parse(await readFile(file, 'utf8')) as { $schema: string };
      const schemaPath = join(file, '..', data.$schema);
      const schema = JSON.parse(await readFile(schemaPath, 'utf8')) as object;
      const validate = ajv.compile(schema);
      expect(validate(data), `${file}: ${JSON.stringify(validate.errors)}`).toBe(true);
      ajv.removeSchema(schema);
    }
  });

  it('keeps the committed JSON Schema files in step with the zod schemas (run `npm run schemas`)', async () => {
    for (const [name, text] of buildJsonSchemaFiles()) {
      expect(await readFile(new URL(`../../evidence/_schemas/v1/${name}`, import.meta.url), 'utf8'), name).toBe(text);
    }
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
        parseEvidenceText(schemaFor(name), file, text);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(EvidenceFormatError);
      expect((error as Error).message).toContain(file);
      expect((error as Error).message).toMatch(message);
    });
  }
});
