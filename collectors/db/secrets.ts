/**
 * No password, token or secret in evidence, site, logs or errors (DESIGN.md, Safety).
 * Known secrets (the connection password) are replaced wherever they appear, and so is the
 * password part of any `scheme://user:password@host` URL, whoever printed it.
 */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)([^\s@/]+)@/gi;
export const REDACTED = '***';

export interface Redaction {
  text: string;
  count: number;
}

export function redactSecrets(text: string, secrets: readonly string[]): Redaction {
  let count = 0;
  let out = text;
  for (const secret of secrets) {
    // Very short "secrets" would shred ordinary text; a password that short is redacted in URLs below.
    if (secret.length < 4) continue;
    const parts = out.split(secret);
    count += parts.length - 1;
    out = parts.join(REDACTED);
  }
  out = out.replace(URL_CREDENTIALS, (_m, head: string, password: string) => {
    if (password === REDACTED) return `${head}${password}@`;
    count += 1;
    return `${head}${REDACTED}@`;
  });
  return { text: out, count };
}

export function scrub(text: string, secrets: readonly string[]): string {
  return redactSecrets(text, secrets).text;
}
