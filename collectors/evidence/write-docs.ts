/**
 * `npm run docs`: writes docs/checklist.schema.json and docs/checklists.md from the zod schemas.
 * A test fails when the committed files differ from what this writes.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { CHECKLIST_SCHEMA_FILE, checklistJsonSchema, checklistReferenceMarkdown } from '../../src/format/checklist-reference.ts';

const docs = fileURLToPath(new URL('../../docs/', import.meta.url));
await writeFile(`${docs}${CHECKLIST_SCHEMA_FILE}`, `${JSON.stringify(checklistJsonSchema(), null, 2)}\n`);
await writeFile(`${docs}checklists.md`, checklistReferenceMarkdown());
console.log(`wrote ${docs}${CHECKLIST_SCHEMA_FILE} and ${docs}checklists.md`);
