/**
 * `defineChecklist` validates a checklist once and applies its defaults, so what is stored in
 * deployment.json is the complete, resolved definition.
 */
import { checklistSchema, describeZodIssues, type Checklist, type ChecklistInput } from '../../src/format/index.ts';

export class ChecklistError extends Error {}

export function defineChecklist(input: ChecklistInput, origin = 'checklist'): Checklist {
  const parsed = checklistSchema.safeParse(input);
  if (!parsed.success) {
    throw new ChecklistError(`${origin} is not a valid checklist:\n${describeZodIssues(parsed.error).map((l) => `  - ${l}`).join('\n')}`);
  }
  return parsed.data;
}
