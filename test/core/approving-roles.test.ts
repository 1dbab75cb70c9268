/** Which sign-offs approve, and when one needs --force (issue 26). */
import { describe, expect, it } from 'vitest';
import { approves, overriddenDecision } from '../../src/core/signoffs/approving-roles.ts';
import { checklistSchema } from '../../src/format/index.ts';

describe('approving roles', () => {
  it('every role approves unless the policy lists it as informative', () => {
    expect(approves('deployed-by', {})).toBe(true);
    expect(approves('deployed-by', { informative: ['deployed-by'] })).toBe(false);
    expect(approves('approved-for-production', { informative: ['deployed-by'] })).toBe(true);
  });

  it('an approving sign-off overrides a BLOCKED or INCOMPLETE decision, never a go', () => {
    const policy = { informative: ['deployed-by'] };
    expect(overriddenDecision('BLOCKED', 'approved-for-production', policy)).toBe('BLOCKED');
    expect(overriddenDecision('INCOMPLETE', 'validated-by', policy)).toBe('INCOMPLETE');
    expect(overriddenDecision('BLOCKED', 'deployed-by', policy)).toBeNull();
    expect(overriddenDecision('APPROVED', 'approved-for-production', policy)).toBeNull();
    expect(overriddenDecision('APPROVED WITH NOTES', 'approved-for-production', policy)).toBeNull();
  });

  it('a checklist may list only roles it declares as informative', () => {
    const base = { id: 'c', version: '1.0.0', title: 'c', sections: [{ number: '1', title: 's' }], checks: [{ id: 'q', kind: 'sql', section: '1', title: 'q', sql: 'SELECT 1' }], signoff: ['deployed-by', 'approved-for-production'] };
    expect(checklistSchema.parse({ ...base, signoffPolicy: { informative: ['deployed-by'] } }).signoffPolicy.informative).toEqual(['deployed-by']);
    const refused = checklistSchema.safeParse({ ...base, signoffPolicy: { informative: ['deployed-bye'] } });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['signoffPolicy.informative.0', 'unknown sign-off role "deployed-bye" (the checklist\'s `signoff` declares: deployed-by, approved-for-production)']]);
  });
});
