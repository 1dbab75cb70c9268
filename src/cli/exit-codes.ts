/**
 * Exit codes (DESIGN.md, CLI): 0 all pass; 1 checks failed or blocked; 2 usage or
 * configuration; 3 database or tool unreachable; 4 the evidence could not be written.
 * Kept apart from errors.ts, which imports the error classes of the heavy modules, so that the
 * CLI starts without loading them.
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, unreachable: 3, environment: 4 } as const;

/** A usage problem found by a command itself (a missing option, a bad value). */
export class UsageError extends Error {}
