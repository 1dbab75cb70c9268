/**
 * `npm run schemas [root]`: writes the format-v1 JSON Schema files missing under an evidence
 * root (default evidence/). Format v1 is frozen: a committed file that differs is never
 * rewritten; it is reported and the command fails (a changed shape is a new format version).
 */
import { resolve } from 'node:path';
import { ensureJsonSchemas } from './evidence-writer.ts';

const differing = await ensureJsonSchemas(resolve(process.argv[2] ?? 'evidence'));
for (const file of differing) console.error(`${file}: differs from the zod schemas of format v1 (frozen: not rewritten)`);
process.exitCode = differing.length > 0 ? 1 : 0;
