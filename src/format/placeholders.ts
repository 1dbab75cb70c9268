/** The `{{name}}` placeholder of command arguments: its one definition. */

/** `{{name}}` in a command argument: the checklist parameter `name`. The one definition of the syntax. */
const PLACEHOLDER = /\{\{([a-zA-Z][a-zA-Z0-9_]*)\}\}/g;

/** The parameters a command argument names. */
export function argvParams(arg: string): string[] {
  return [...arg.matchAll(PLACEHOLDER)].map((m) => m[1]!);
}

/** The argument with each `{{name}}` replaced by its value (an unset parameter by nothing). */
export function fillPlaceholders(arg: string, value: (name: string) => string | null | undefined): string {
  return arg.replace(PLACEHOLDER, (_m, name: string) => value(name) ?? '');
}
