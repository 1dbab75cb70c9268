/**
 * The fixed names of a sign-off's envelope and statement. Kept apart from the zod schemas
 * (signoff-schema.ts) so the browser's "Verify this report" can use them without shipping zod.
 */
export const PAYLOAD_TYPE = 'application/vnd.in-toto+json';
export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const SIGNOFF_PREDICATE_TYPE = 'https://deploy-evidence.dev/sign-off/v1';
