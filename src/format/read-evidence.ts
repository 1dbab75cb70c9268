/**
 * Reading an evidence file: JSON, then the version, then the schema. Every failure names the
 * file and the field, so a bad file fails a build or a verify with a line a person can act on.
 */
import type { z } from 'astro/zod';
import { FORMAT_VERSIONS, type EvidenceFileKind, type EvidenceModels } from './versions.ts';

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

/** Reads an evidence file's text into the current model, whatever format version it was written in. */
export function parseEvidenceText<K extends EvidenceFileKind>(kind: K, file: string, text: string): EvidenceModels[K] {
  return readEvidenceText(kind, file, text).model;
}

/** The model and the format version the file was written in (the model always has the current one). */
export function readEvidenceText<K extends EvidenceFileKind>(kind: K, file: string, text: string): { model: EvidenceModels[K]; writtenIn: number } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new EvidenceFormatError(file, [`not valid JSON: ${(error as Error).message}`]);
  }
  return { model: parseEvidenceValue(kind, file, data), writtenIn: (data as { schemaVersion: number }).schemaVersion };
}

/** Raw JSON → model: validated with the schema of its `schemaVersion`, then brought to the current model. */
function parseEvidenceValue<K extends EvidenceFileKind>(kind: K, file: string, data: unknown): EvidenceModels[K] {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new EvidenceFormatError(file, ['(root): must be a JSON object']);
  }
  const version = (data as Record<string, unknown>).schemaVersion;
  const understood = Object.keys(FORMAT_VERSIONS).join(', ');
  const readers: Readonly<Record<number, (typeof FORMAT_VERSIONS)[keyof typeof FORMAT_VERSIONS] | undefined>> = FORMAT_VERSIONS;
  const reader = typeof version === 'number' ? readers[version] : undefined;
  if (!reader) {
    throw new EvidenceFormatError(file, [
      version === undefined
        ? `schemaVersion: missing (this reader understands schemaVersion ${understood})`
        : `schemaVersion: ${JSON.stringify(version)} is not supported (this reader understands schemaVersion ${understood})`,
    ]);
  }
  const kindReader = reader[kind];
  if (!kindReader) throw new EvidenceFormatError(file, [`schemaVersion: ${version} has no ${kind} file (it came with a later format version)`]);
  const parsed = kindReader.schema.safeParse(data);
  if (!parsed.success) throw new EvidenceFormatError(file, describeZodIssues(parsed.error));
  const read = kindReader.toModel(parsed.data);
  if ('problems' in read) throw new EvidenceFormatError(file, read.problems);
  return read.model as EvidenceModels[K];
}
