/**
 * One example of every assertion type, for the checklist reference. Keyed by the type union:
 * a type without an example does not compile, and a test parses every example.
 */
import type { AssertionInput, AssertionType } from './assertion-schema.ts';

export const ASSERTION_EXAMPLES: { [T in AssertionType]: Extract<AssertionInput, { type: T }> } = {
  'row-count': { type: 'row-count', min: 1 },
  'field-compare': { type: 'field-compare', field: 'total_invoices', op: 'gte', value: 2000 },
  'column-types': { type: 'column-types', columns: [{ name: 'id', type: 'bigint' }, { name: 'total', type: 'numeric(14,2)' }] },
  'fields-equal': { type: 'fields-equal', fields: ['total_rows', 'distinct_ids'] },
  'no-nulls': { type: 'no-nulls', fields: ['customer', 'total'] },
  'ordered-within-groups': { type: 'ordered-within-groups', groupBy: ['customer'], orderBy: 'invoice_no' },
  'same-on-reread': { type: 'same-on-reread' },
  'max-duration': { type: 'max-duration', metric: 'execution', warnAboveMs: 200, failAboveMs: 1000 },
  'text-contains': { type: 'text-contains', stream: 'stdout', text: 'Running upgrade' },
  'text-not-contains': { type: 'text-not-contains', text: 'Traceback', severity: 'warn' },
  'exit-code': { type: 'exit-code', equals: 0 },
  'tests-passed': { type: 'tests-passed', tests: ['test_summary_columns', 'test_summary_totals'] },
  'revision-is-head': { type: 'revision-is-head', revision: 'a1b2c3d4e5f6' },
  'migration-ran': { type: 'migration-ran', revision: 'a1b2c3d4e5f6' },
  'lock-timeout-set': { type: 'lock-timeout-set', severity: 'warn' },
  'no-dependents': { type: 'no-dependents' },
  dependents: { type: 'dependents', dependents: [{ type: 'view', schema: 'public', name: 'invoice_totals' }] },
  'expected-changes': { type: 'expected-changes', objects: ['view public.invoice_totals', 'index public.invoice_customer_idx'] },
  'no-unexpected-drops': { type: 'no-unexpected-drops', allow: ['public.invoice.legacy_total'] },
  'max-lock-hold': { type: 'max-lock-hold', relations: ['public.invoice'], warnAboveMs: 200, failAboveMs: 2000 },
  'no-rewrite-above-rows': { type: 'no-rewrite-above-rows', maxRows: 100000 },
  attestations: { type: 'attestations', required: ['ci-green'] },
};
