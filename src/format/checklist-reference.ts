/**
 * The checklist JSON Schema (for editors: a checklist's `"$schema"` gives completion and inline
 * errors) and the checklist reference (docs/checklists.md), both generated from the zod schemas'
 * descriptions, so neither can drift from what the tool accepts.
 */
import { zodToJsonSchema } from 'zod-to-json-schema';
import { assertionSchema, assertionsByKind } from './assertion-schema.ts';
import { ASSERTION_EXAMPLES } from './assertion-examples.ts';
import { checkDefinitionSchema, checklistSchema } from './checklist-schema.ts';
import { FIELD_DOCS } from './field-docs.ts';

type Json = { [key: string]: unknown };

/** Where the published checklist schema lives (in the package and on the site). */
export const CHECKLIST_SCHEMA_FILE = 'checklist.schema.json';

function jsonSchemaOf(schema: Parameters<typeof zodToJsonSchema>[0]): Json {
  return zodToJsonSchema(schema, {
    target: 'jsonSchema7',
    // Inline everywhere: an editor shows each field's own description.
    $refStrategy: 'none',
    // What a checklist author writes: defaults are optional.
    effectStrategy: 'input',
    postProcess: (json, def) => {
      const docs = FIELD_DOCS.get(def);
      const properties = (json as Json | undefined)?.properties as Record<string, Json> | undefined;
      if (docs && properties) for (const [field, text] of Object.entries(docs)) if (properties[field] && !properties[field].description) properties[field].description = text;
      return json;
    },
  }) as Json;
}

export function checklistJsonSchema(): Json {
  const json = jsonSchemaOf(checklistSchema);
  const properties = json.properties as Record<string, Json>;
  return {
    $schema: json.$schema,
    title: 'deploy-evidence checklist',
    description: 'A checklist: the checks a deployment must pass, and how the report is laid out. Reference: docs/checklists.md.',
    ...json,
    // The editor's link to this file; the tool ignores it.
    properties: { $schema: { type: 'string', description: 'This schema, for editors: completion and inline errors. Ignored by the tool.' }, ...properties },
  };
}

function typeText(p: Json): string {
  if (p.const !== undefined) return `\`${JSON.stringify(p.const)}\``;
  if (Array.isArray(p.enum)) return p.enum.map((e) => `\`${JSON.stringify(e)}\``).join(' | ');
  if (Array.isArray(p.anyOf)) {
    const variants = p.anyOf as Json[];
    const tag = (v: Json, key: string) => ((v.properties as Record<string, Json> | undefined)?.[key]?.const as string | undefined);
    if (variants.every((v) => tag(v, 'kind'))) return `a check (${variants.map((v) => `\`${tag(v, 'kind')}\``).join(', ')})`;
    if (variants.every((v) => tag(v, 'type'))) return 'an assertion';
    return variants.map(typeText).join(' or ');
  }
  if (p.type === 'array') return `array of ${typeText((p.items as Json | undefined) ?? {})}`;
  if (p.type === 'object' && p.additionalProperties && typeof p.additionalProperties === 'object') return `object of ${typeText(p.additionalProperties as Json)}`;
  if (Array.isArray(p.type)) return p.type.join(' or ');
  return typeof p.type === 'string' ? p.type : 'any';
}

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

/** The object a field holds (itself, or its array's items), when it is a plain object with fields. */
function nestedObject(p: Json): Json | null {
  const target = p.type === 'array' ? ((p.items as Json | undefined) ?? {}) : p;
  return target.type === 'object' && target.properties ? target : null;
}

/** Tables for the fields of nested objects (`parameters[]`, `expect`, `expect.columns[]`…), one level after another. */
function nestedTables(object: Json, prefix: string, skip: readonly string[] = []): string[] {
  const out: string[] = [];
  for (const [name, p] of Object.entries((object.properties ?? {}) as Record<string, Json>)) {
    if (skip.includes(name)) continue;
    const nested = nestedObject(p);
    if (!nested) continue;
    const path = `${prefix}${name}${p.type === 'array' ? '[]' : ''}`;
    out.push(`\`${path}\` fields:`, '', ...fieldTable(nested), '', ...nestedTables(nested, `${path}.`));
  }
  return out;
}

/** A Markdown table of an object schema's fields. */
function fieldTable(object: Json, skip: readonly string[] = []): string[] {
  const properties = (object.properties ?? {}) as Record<string, Json>;
  const required = new Set((object.required as string[] | undefined) ?? []);
  const rows = Object.entries(properties)
    .filter(([name]) => !skip.includes(name))
    .map(([name, p]) => `| \`${name}\` | ${cell(typeText(p))} | ${required.has(name) ? 'yes' : p.default !== undefined ? `default \`${JSON.stringify(p.default)}\`` : 'no'} | ${cell(String(p.description ?? ''))} |`);
  return ['| field | type | required | what it is |', '|---|---|---|---|', ...rows];
}

/** docs/checklists.md */
export function checklistReferenceMarkdown(): string {
  const list = jsonSchemaOf(checklistSchema);
  const checks = checkDefinitionSchema.options.map((o) => ({ kind: o.shape.kind.value, json: jsonSchemaOf(o) }));
  const assertions = assertionSchema.options.map((o) => ({ type: o.shape.type.value, json: jsonSchemaOf(o) }));
  const baseFields = ['id', 'section', 'title', 'description', 'required', 'phase', 'errorVerdict', 'assertions', 'kind'];
  const out: string[] = [
    '# Checklist reference',
    '',
    '<!-- Generated by `npm run docs` from the zod schemas (src/format/); edit the descriptions there, not this file. -->',
    '',
    'A checklist is a JSON file (or a module whose default export is one) that says which checks a deployment must pass and how its report is laid out. `deploy-evidence checklist validate <file>` checks one without a database, reporting every problem at once; `deploy-evidence checklist show <file>` prints it in words. Point your editor at the schema for completion and inline errors:',
    '',
    '```json',
    '{ "$schema": "./node_modules/deploy-evidence/docs/checklist.schema.json", "id": "invoice-summary", "version": "1.0.0", … }',
    '```',
    '',
    '## The checklist',
    '',
    ...fieldTable(list),
    '',
    ...nestedTables(list, '', ['checks']),
    'Parameters are written `{{name}}` in a command argument and bound as `$1, $2…` (`params`) in a query. A parameter without a value is read by its `resolveSql` just before the first check that needs it, or captured from a command\'s parsed output (`captures`); a check whose parameter stays unset is skipped, never passed.',
    '',
    '**The forward SQL (alembic).** Before the mutating upgrade, `alembic current` with `"parser": "alembic-history", "captures": { "current": "current" }` reads where the database starts (`base` on a database with no revision yet), and `alembic upgrade {{current}}:head --sql` with `"parser": "alembic-sql"` records the SQL the upgrade will run, without running it: shown highlighted on its check page, folded in the PR Markdown and the change request; `lock-timeout-set` judges it. examples/checklists/billing.json (`current-before`, `forward-sql`) is the recipe; its env.py sets `SET LOCAL lock_timeout` for every migration, which the preview shows.',
    '',
    'Type names are written as PostgreSQL\'s `format_type` writes them: `integer`, `bigint`, `numeric(14,2)`, `character varying(40)`, `text`, `uuid`, `timestamp with time zone`, `timestamp without time zone`, `boolean`.',
    '',
    '## Every check',
    '',
    'These fields apply to every kind:',
    '',
    ...fieldTable(checks[0]!.json).filter((line, i) => i < 2 || baseFields.filter((f) => f !== 'kind').some((f) => line.startsWith(`| \`${f}\` |`))),
    '',
  ];
  for (const { kind, json } of checks) {
    const description = String(((json.properties as Record<string, Json>).kind ?? {}).description ?? '');
    out.push(`## Check kind \`${kind}\``, '', description, '', ...fieldTable(json, baseFields), '', ...nestedTables(json, '', baseFields), `Assertions it takes: ${assertionsByKind[kind].map((t) => `[\`${t}\`](#assertion-${t})`).join(', ')}.`, '');
  }
  out.push('## Assertions', '', 'Every assertion takes `id`, `description` and `severity` (`fail`, or `warn` to only warn when unmet) besides its own fields. The first word of each says which check kinds it judges.', '');
  for (const { type, json } of assertions) {
    const description = String(((json.properties as Record<string, Json>).type ?? {}).description ?? '');
    out.push(`### Assertion \`${type}\``, '', description, '', ...fieldTable(json, ['type', 'id', 'description', 'severity']), '', ...nestedTables(json, '', ['type']), '```json', JSON.stringify(ASSERTION_EXAMPLES[type]), '```', '');
  }
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}
