/** Values redacted as values (issue 25): cells keep their type unless a secret was in them, keys never change. */
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../collectors/db/secrets.ts';
import { redactRows, redactStrings } from '../../collectors/redacted-values.ts';

const redactor = new Redactor(['Canary-Secret-9x', '80402917']);

describe('result rows', () => {
  it('redacts text cells and number cells, and leaves every other cell as the database said', () => {
    const rows = [
      ['canary-secret-9x', 80402917, 42, true, null, '9007199254740993', 'NaN'],
      ['postgres://app:hunter2@127.0.0.2/db', 1.5, 0, false, null, 'plain', '2024-11-01 09:00:00'],
    ];
    expect(redactRows(rows, redactor)).toEqual({
      value: [
        ['***', '***', 42, true, null, '9007199254740993', 'NaN'],
        ['postgres://app:***@127.0.0.2/db', 1.5, 0, false, null, 'plain', '2024-11-01 09:00:00'],
      ],
      count: 3,
    });
  });

  it('gives the same rows back, uncopied, when there is nothing to redact', () => {
    const rows = [['a', 1, null]];
    expect(redactRows(rows, redactor).value).toBe(rows);
  });
});

describe('structured values', () => {
  it('redacts every string at any depth and never a key', () => {
    const plan = [{ Plan: { 'Node Type': 'Seq Scan', 'Relation Name': 'Canary-Secret-9x', Filter: "(x <> 'CANARY-SECRET-9X'::text)", 'Actual Rows': 80402917, Plans: [{ 'Canary-Secret-9x': 'k' }] } }];
    expect(redactStrings(plan, redactor)).toEqual({
      value: [{ Plan: { 'Node Type': 'Seq Scan', 'Relation Name': '***', Filter: "(x <> '***'::text)", 'Actual Rows': 80402917, Plans: [{ 'Canary-Secret-9x': 'k' }] } }],
      count: 2,
    });
  });
});
