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

export function defineChecklist(given: ChecklistInput, origin = 'checklist'): Checklist {
  const input = withoutSchemaLink(given);
  const parsed = checklistSchema.safeParse(input);
  if (!parsed.success) {
    const problems = checklistProblems(input);
    throw new ChecklistError(`${origin} is not a valid checklist (${problems.length} problem${problems.length > 1 ? 's' : ''}):\n${problems.map((l) => `  - ${l}`).join('\n')}`, problems);
  }
  return parsed.data;
}
