/**
 * Reading an evidence file: JSON, then the version, then the schema. Every failure names the
 * file and the field, so a bad file fails a build or a verify with a line a person can act on.
 */
import type { z } from 'astro/zod';
import { SCHEMA_VERSION } from './common.ts';

export class EvidenceFormatError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: invalid evidence file\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'EvidenceFormatError';
  }
}

/** `checks.3.assertions.0.id: must be …` — the zod path first, as Evidence does. */
export function describeZodIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const where = issue.path.length > 0 ? issue.path.join('.') : '(root)';
    return `${where}: ${issue.message}`;
  });
}

export function parseEvidenceText<S extends z.ZodTypeAny>(schema: S, file: string, text: string): z.infer<S> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new EvidenceFormatError(file, [`not valid JSON: ${(error as Error).message}`]);
  }
  return parseEvidenceValue(schema, file, data);
}

export function parseEvidenceValue<S extends z.ZodTypeAny>(schema: S, file: string, data: unknown): z.infer<S> {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new EvidenceFormatError(file, ['(root): must be a JSON object']);
  }
  const version = (data as Record<string, unknown>).schemaVersion;
  if (version !== SCHEMA_VERSION) {
    throw new EvidenceFormatError(file, [
      version === undefined
        ? 'schemaVersion: missing (this reader understands schemaVersion 1)'
        : `schemaVersion: ${JSON.stringify(version)} is not supported (this reader understands schemaVersion ${SCHEMA_VERSION})`,
    ]);
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw new EvidenceFormatError(file, describeZodIssues(parsed.error));
  return parsed.data;
}
