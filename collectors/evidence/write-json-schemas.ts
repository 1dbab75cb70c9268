/**
 * `npm run schemas [root]`: writes the current format version's JSON Schema files missing under
 * an evidence root (default evidence/). A written version is frozen: a committed file that
 * differs is never rewritten; it is reported and the command fails (a changed shape is a new
 * format version).
 */
import { resolve } from 'node:path';
import { SCHEMA_VERSION } from '../../src/format/index.ts';
import { ensureJsonSchemas } from './evidence-writer.ts';

const differing = await ensureJsonSchemas(resolve(process.argv[2] ?? 'evidence'));
for (const file of differing) console.error(`${file}: differs from the zod schemas of format v${SCHEMA_VERSION} (frozen: not rewritten)`);
process.exitCode = differing.length > 0 ? 1 : 0;
