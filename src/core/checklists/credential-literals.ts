/**
 * A checklist is committed and stored inside every deployment.json it produces, so a password
 * written into it (an argv `PGPASSWORD=…`, a URL with a password in SQL) would be published
 * verbatim. `checklist validate` and `collect` warn about values that look like credentials
 * (issue 8); the fix is a secret parameter or an environment variable the command gets.
 */
import type { Checklist } from '../../format/index.ts';

/**
 * Each pattern scans a text in time linear in its length (issue 25: a 200,000-character SQL text took
 * 36 s). A scheme starts only where no scheme character precedes it, so a long run of letters is
 * tried once, not from each of its positions; a quoted password is looked for within a bounded
 * length, so many `password '` openings without a closing quote do not each scan to the end.
 */
const LOOKS_LIKE_A_CREDENTIAL: { pattern: RegExp; what: string }[] = [
  { pattern: /(?<![a-z0-9+.-])[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:(?!\{\{)[^\s@/]+@/i, what: 'a URL with a password' },
  { pattern: /\bPGPASSWORD=(?!\{\{|\$)\S/, what: 'PGPASSWORD=' },
  { pattern: /\bpassword\s*=\s*(?!\{\{|\$)[^\s'"]/i, what: 'password=' },
  { pattern: /\bpassword\s+'[^'\n]{1,256}'/i, what: "PASSWORD '…'" },
];

interface CredentialLiteral {
  /** Where in the checklist, e.g. `checks[3].argv[1]`. */
  path: string;
  what: string;
}

function credentialLiterals(checklist: Checklist): CredentialLiteral[] {
  const found: CredentialLiteral[] = [];
  const visit = (value: unknown, path: string) => {
    if (typeof value === 'string') {
      const hits = LOOKS_LIKE_A_CREDENTIAL.filter((c) => c.pattern.test(value));
      if (hits.length > 0) found.push({ path, what: hits.map((h) => h.what).join(', ') });
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => visit(item, `${path}[${i}]`));
    } else if (value && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) visit(child, path ? `${path}.${key}` : key);
    }
  };
  visit(checklist, '');
  return found;
}

export function credentialWarnings(checklist: Checklist): string[] {
  return credentialLiterals(checklist).map(
    (c) => `checklist ${checklist.id}: ${c.path} holds what looks like a credential (${c.what}); it would be stored and published with the evidence — use a parameter marked "secret": true, or an environment variable the command gets`,
  );
}
