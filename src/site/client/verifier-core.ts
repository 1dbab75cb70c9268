/**
 * The core code "Verify this report" runs — every assertion type to judge the snapshots again,
 * the sign-off checks and the reading of their terms from deployment.json — as one chunk the page fetches when the reader asks for verification, not
 * with every report page (the same modules `verify` runs on the command line).
 */
export { driftNotRederived, rederivationProblems } from '../../core/integrity/rederive.ts';
export { verifySignoffs } from '../../core/signoffs/verify-signoffs.ts';
export { signoffTermsOf } from '../../format/signoff-roles.ts';
