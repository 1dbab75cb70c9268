/**
 * Which signers list a site's sign-offs were judged against, said where the sign-offs are shown.
 * The evidence's own `_signers.json` arrives with the evidence: in the CI recipes it sits on an
 * unreviewed branch anyone who can push a branch can write (docs/ci.md), so a key appended there
 * is trusted like any other. `build --signers <file>` judges against a list kept elsewhere (the
 * reviewed default branch); a reader must be able to tell which of the two the site trusted.
 */

/** The list a build judged against: `given`, the file name of the one given to the build (null: the evidence's own); `present`, whether there was any list at all. */
export interface SignersSource {
  given: string | null;
  present: boolean;
}

export function signersSourceInWords(source: SignersSource): string {
  if (source.given !== null) return `Sign-offs judged against the signers list given to the build (${source.given}), not the evidence's own \`_signers.json\`.`;
  if (!source.present) return 'Sign-offs judged against the evidence\'s own signers list, and the evidence has none (no `_signers.json`): no key is trusted.';
  return 'Sign-offs judged against the evidence\'s own signers list, `_signers.json`, which arrives with the evidence (a build can be given a reviewed list instead: `deploy-evidence build --signers`).';
}
