/** /schemas/checklist.schema.json: the JSON Schema of checklist files, for editors (a checklist's "$schema"). */
import type { APIRoute } from 'astro';
import { checklistJsonSchema } from '../../format/checklist-reference.ts';

export const GET: APIRoute = () => new Response(`${JSON.stringify(checklistJsonSchema(), null, 2)}\n`, { headers: { 'Content-Type': 'application/json' } });
