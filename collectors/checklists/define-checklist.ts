/**
 * `defineChecklist` validates a checklist once and applies its defaults, so what is stored in
 * deployment.json is the complete, resolved definition.
 */
import { checklistReferenceProblems, checklistSchema, describeZodIssues, type Checklist, type ChecklistInput } from '../../src/format/index.ts';

export class ChecklistError extends Error {
  constructor(
    message: string,
    /** Every problem found, `path: message`, in one run. */
    readonly problems: string[] = [],
  ) {
    super(message);
  }
}

/**
 * Every problem at once: zod stops before its cross-references when the structure is wrong, so
 * the references are also checked on the raw input and both lists are reported together.
 */
function checklistProblems(input: unknown): string[] {
  const parsed = checklistSchema.safeParse(input);
  if (parsed.success) return [];
  const structural = describeZodIssues(parsed.error);
  const references = checklistReferenceProblems(input).map((p) => `${p.path.length > 0 ? p.path.join('.') : '(root)'}: ${p.message}`);
  return [...new Set([...structural, ...references])];
}

/** `"$schema"` points an editor at docs/checklist.schema.json; it is not part of the checklist. */
function withoutSchemaLink(input: unknown): unknown {
  if (typeof input !== 'object' || input === null || Array.isArray(input) || !('$schema' in input)) return input;
  const { $schema: _link, ...rest } = input as Record<string, unknown>;
  return rest;
}

/**
 * The most a checklist may take, as JSON (issue 25): it is stored whole in every deployment.json,
 * which must stay under the 64 MiB an evidence file may hold. A 5 MB SQL text is fine.
 */
export const MAX_CHECKLIST_BYTES = 16 * 1024 * 1024;

export function defineChecklist(given: ChecklistInput, origin = 'checklist'): Checklist {
  const input = withoutSchemaLink(given);
  const parsed = checklistSchema.safeParse(input);
  if (!parsed.success) {
    const problems = checklistProblems(input);
    throw new ChecklistError(`${origin} is not a valid checklist (${problems.length} problem${problems.length > 1 ? 's' : ''}):\n${problems.map((l) => `  - ${l}`).join('\n')}`, problems);
  }
  const bytes = Buffer.byteLength(JSON.stringify(parsed.data));
  if (bytes > MAX_CHECKLIST_BYTES) {
    throw new ChecklistError(`${origin} takes ${(bytes / 1024 / 1024).toFixed(1)} MiB as JSON; a checklist is stored in every deployment.json it produces and may take at most ${MAX_CHECKLIST_BYTES / 1024 / 1024} MiB`);
  }
  return parsed.data;
}
