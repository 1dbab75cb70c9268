/**
 * What a site build saw that a reader of its output should know (issue 25): each entry refused,
 * each deployment that does not verify, each sign-off that does not hold, each file changed in the
 * history. The pages' loader hands them over once (it runs inside the bundled pages); the build's
 * integration writes them where `deploy-evidence build` asked (`DEPLOY_EVIDENCE_WARNINGS`), and the
 * CLI prints them — Astro's own output is shown only when the build fails.
 */
const KEY = Symbol.for('deploy-evidence:build-warnings');
const registry = globalThis as { [KEY]?: string[] };

/** Records the loader's warnings (once per build: the loader runs once). */
export function reportBuildWarnings(lines: readonly string[]): void {
  registry[KEY] = [...lines];
}

/** The warnings recorded, taken (empty when the loader never ran: no page asked for evidence). */
export function takeBuildWarnings(): string[] {
  const lines = registry[KEY] ?? [];
  delete registry[KEY];
  return lines;
}

/** Where the CLI wants them written, if it does. */
export function buildWarningsFile(): string | null {
  return process.env.DEPLOY_EVIDENCE_WARNINGS || null;
}
