/**
 * The checklist JSON Schema and reference are generated from the zod schemas' descriptions:
 * the committed docs are exactly what `npm run docs` writes, every field is described, every
 * example is valid, and a stock validator accepts real checklists and refuses a broken one.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { ASSERTION_EXAMPLES } from '../../src/format/assertion-examples.ts';
import { ASSERTION_KINDS, assertionSchema, assertionsByKind } from '../../src/format/assertion-schema.ts';
import { checkKindSchema, type CheckKind } from '../../src/format/common.ts';
import { CHECKLIST_SCHEMA_FILE, checklistJsonSchema, checklistReferenceMarkdown } from '../../src/format/checklist-reference.ts';
import { defineChecklist } from '../../collectors/checklists/define-checklist.ts';
import { loadChecklist } from '../../collectors/checklists/load-checklist.ts';

const repo = new URL('../../', import.meta.url).pathname;
const fixtures = join(repo, 'test/fixtures/checklists');

type Json = { [key: string]: unknown };

function undescribed(node: unknown, path: string, out: string[]): string[] {
  if (!node || typeof node !== 'object') return out;
  const n = node as Json;
  for (const [k, v] of Object.entries((n.properties ?? {}) as Record<string, Json>)) {
    if (!v.description) out.push(`${path}.${k}`);
    undescribed(v, `${path}.${k}`, out);
  }
  if (n.items) undescribed(n.items, `${path}[]`, out);
  for (const [i, v] of ((n.anyOf ?? []) as unknown[]).entries()) undescribed(v, `${path}|${i}`, out);
  if (n.additionalProperties && typeof n.additionalProperties === 'object') undescribed(n.additionalProperties, `${path}{}`, out);
  return out;
}

describe('the checklist reference', () => {
  it('is committed exactly as generated (run `npm run docs` after changing a description)', async () => {
    expect(await readFile(join(repo, 'docs', CHECKLIST_SCHEMA_FILE), 'utf8')).toBe(`${JSON.stringify(checklistJsonSchema(), null, 2)}\n`);
    expect(await readFile(join(repo, 'docs/checklists.md'), 'utf8')).toBe(checklistReferenceMarkdown());
  });

  it('describes every field of the checklist schema, and every check kind and assertion type has a section', () => {
    expect(undescribed(checklistJsonSchema(), '$', [])).toEqual([]);
    const markdown = checklistReferenceMarkdown();
    for (const kind of Object.keys(assertionsByKind)) expect(markdown).toContain(`## Check kind \`${kind}\``);
    for (const option of assertionSchema.options) expect(markdown).toContain(`### Assertion \`${option.shape.type.value}\``);
  });

  it('opens each assertion type\'s description with the kinds it judges, as ASSERTION_KINDS records them', () => {
    for (const option of assertionSchema.options) {
      const type = option.shape.type.value;
      const kinds: readonly string[] = ASSERTION_KINDS[type];
      const words = kinds.length === checkKindSchema.options.length ? 'Any kind' : kinds.join(', ');
      expect(option.shape.type.description, type).toMatch(new RegExp(`^${words}\\. \\S`));
    }
  });

  it('gives an example of every assertion type that the tool accepts on a kind it applies to', () => {
    for (const [type, example] of Object.entries(ASSERTION_EXAMPLES)) {
      expect(assertionSchema.safeParse(example).success, type).toBe(true);
      const kind = ASSERTION_KINDS[type as keyof typeof ASSERTION_KINDS][0] as CheckKind;
      const check = kind === 'command' ? { argv: ['true'] } : kind === 'columns' ? { relation: { name: 'v' }, expect: { columns: [{ name: 'a', type: 'integer', nullable: true }] } } : kind === 'dependents' ? { relation: { name: 'v' } } : kind === 'schema' ? {} : { sql: 'SELECT 1' };
      const attestations = type === 'attestations' ? [{ id: 'ci-green', label: 'CI green' }] : [];
      expect(() => defineChecklist({ id: 'x', version: '1.0.0', title: 'x', attestations, sections: [{ number: '1', title: 'x' }], checks: [{ id: 'c', kind, section: '1', title: 'c', ...check, assertions: [example] } as never] }), type).not.toThrow();
    }
  });

  it('validates the example checklists with a stock validator, refuses a broken one, and the tool accepts the "$schema" link', async () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validate = ajv.compile(checklistJsonSchema());
    const examples = join(repo, 'examples/checklists');
    const files = [...(await readdir(fixtures)).map((f) => join(fixtures, f)), ...(await readdir(examples)).map((f) => join(examples, f))].filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(5);
    for (const name of files) {
      const data = JSON.parse(await readFile(name, 'utf8')) as Json;
      expect(validate({ $schema: '../docs/checklist.schema.json', ...data }), `${name}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
    expect(validate({ id: 'x', version: '1.0.0', title: 'x', sections: [{ number: '1', title: 'x' }], checks: [{ id: 'c', kind: 'sql', section: '1', title: 'c', sql: 'SELECT 1', assertions: [{ type: 'row-count', mni: 1 }] }] })).toBe(false);
    const linked = await loadChecklist(join(fixtures, 'invoices.json'));
    expect(defineChecklist({ $schema: '../docs/checklist.schema.json', ...linked } as never).id).toBe('invoices');
  });
});
