/** `npm run schemas`: regenerates evidence/_schemas/v1/*.schema.json from the zod schemas. */
import { resolve } from 'node:path';
import { ensureJsonSchemas } from './evidence-writer.ts';

await ensureJsonSchemas(resolve(process.argv[2] ?? 'evidence'));
