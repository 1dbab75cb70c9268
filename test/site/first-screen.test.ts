/**
 * A report's first screen as a view model (issue 26), over another team's evidence collected for
 * real (test/fixtures/own-project-evidence: the billing checklist's APPROVED staging-pr12 and
 * production-pr12, and staging-pr13, BLOCKED by a view that counts every invoice once per invoice).
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareDeployments } from '../../src/core/compare/compare-deployments.ts';
import { checkProblem } from '../../src/core/decision/check-problem.ts';
import { parseEvidenceText, type CheckSnapshot, type Deployment, type DeploymentEvidence } from '../../src/format/index.ts';
import { firstScreen, SHOWN_CHANGES, timingRatio, type FirstScreenInput } from '../../src/site/view-models/first-screen.ts';
import { reportModel } from '../../src/site/view-models/report.ts';

const root = new URL('../fixtures/own-project-evidence/', import.meta.url).pathname;
const exampleRoot = new URL('../fixtures/site-evidence/', import.meta.url).pathname;

async function load(id: string, from = root): Promise<DeploymentEvidence & { snapshots: Map<string, CheckSnapshot> }> {
  const read = async <K extends 'deployment' | 'check'>(kind: K, path: string) => parseEvidenceText(kind, path, await readFile(join(from, id, path), 'utf8'));
  const deployment = await read('deployment', 'deployment.json');
  const snapshots = new Map<string, CheckSnapshot>();
  for (const f of await readdir(join(from, id, 'checks'))) {
    const s = await read('check', `checks/${f}`);
    snapshots.set(s.id, s);
  }
  return { deployment, snapshots };
}

const OK = { status: 'OK' as const, problems: [], digest: 'dfb67be9aadb0123456789abcdef0123456789abcdef0123456789abcdef0123' };

function input(current: { deployment: Deployment; snapshots: Map<string, CheckSnapshot> }, patch: Partial<FirstScreenInput> = {}): FirstScreenInput {
  const report = reportModel(current.deployment, current.snapshots, [], null);
  return { deployment: current.deployment, snapshots: current.snapshots, report, integrity: OK, follows: null, previous: null, baseline: null, ...patch };
}

describe('the first screen of another team\'s BLOCKED report', async () => {
  const [before, blocked] = await Promise.all([load('staging-pr12'), load('staging-pr13')]);
  const comparison = compareDeployments(before, blocked);
  const model = firstScreen(input(blocked, { follows: 'staging-pr12', previous: comparison, baseline: comparison }));

  it('gives the decision\'s reasons: each failing check, linked, in checkProblem\'s words', () => {
    expect(blocked.deployment.decision.status).toBe('BLOCKED');
    expect(model.reasonsHeading).toBe('Why it is BLOCKED');
    expect(model.allPassed).toBeNull();
    // The checks that failed, read from the snapshots themselves, in the checklist's order.
    const failing = blocked.deployment.checklist.definition.checks.filter((c) => blocked.snapshots.get(c.id)?.status === 'fail');
    expect(failing.map((c) => c.id)).toEqual(['totals-rows', 'totals-add-up', 'smoke-tests']);
    expect(model.reasons.map((r) => [r.weight, r.checkId, r.href, r.status])).toEqual(failing.map((c) => ['blocks', c.id, `#${c.id}`, 'fail']));
    const definitionOf = (id: string) => blocked.deployment.checklist.definition.checks.find((c) => c.id === id);
    for (const r of model.reasons) expect(r.sentence).toBe(checkProblem(blocked.snapshots.get(r.checkId!), definitionOf(r.checkId!)));
    expect(model.reasons[2]!.label).toBe('§5 pytest smoke tests of the view');
  });

  it('says what changed since the previous deployment, which is also the baseline, regressions first, with the performance ratio', () => {
    expect(model.changesNote).toBeNull();
    expect(model.changes).toHaveLength(1);
    const [block] = model.changes;
    expect(block!.heading).toBe('Since staging-pr12, the previous staging deployment and the baseline');
    expect(block!.href).toBe('/deployments/staging-pr13/compare/staging-pr12/');
    expect(block!.base).toEqual({ id: 'staging-pr12', href: '/deployments/staging-pr12/', decision: 'APPROVED' });
    const regressed = comparison.checks.filter((c) => c.label === 'regressed').map((c) => c.id);
    expect(regressed).toEqual(expect.arrayContaining(['totals-add-up', 'smoke-tests']));
    expect(block!.items.slice(0, regressed.length).map((i) => [i.label, i.checkId])).toEqual(regressed.map((id) => ['regressed', id]));
    expect(block!.items.slice(regressed.length).every((i) => i.label !== 'regressed')).toBe(true);
    // The failing smoke test is named, as compare names it.
    expect(block!.items.find((i) => i.checkId === 'smoke-tests')!.text).toContain('test newly failed: test_totals_add_up_to_the_invoices');
    // The EXPLAIN check's execution time as a ratio, whatever its label.
    const lookup = comparison.checks.find((c) => c.id === 'totals-lookup')!;
    const execution = lookup.timings.find((t) => t.metric === 'execution')!;
    const item = block!.items.find((i) => i.checkId === 'totals-lookup')!;
    expect(item.text.startsWith(timingRatio(execution))).toBe(true);
    expect(item.text).toContain(`(×${execution.ratio}, ${execution.verdict}`);
    expect(block!.summary).toMatch(/^\d+ regressed, /);
  });

  it('says whether the evidence verifies and who signed it, and links both', () => {
    expect(model.integrity).toMatchObject({ status: 'OK', word: 'Verified' });
    expect(model.integrity.text).toContain('digest dfb67be9aadb…');
    expect(model.integrity.text).toContain('it follows staging-pr12 in staging');
    expect(model.signoff).toEqual({ tone: 'tone-warn', word: 'Not signed off', text: 'Sign-off incomplete: 0 of 2 roles signed (Deployed by unsigned, Billing owner unsigned).', href: '#signoff' });
    const failed = firstScreen(input(blocked, { integrity: { status: 'FAILED', problems: ['a', 'b'], digest: null } })).integrity;
    expect(failed).toMatchObject({ status: 'FAILED', tone: 'tone-fail', text: '2 problems, listed above: do not rely on this evidence.' });
  });

  it('gives every section with its worst status and its counts, linked to its heading, and how many checks are not a plain pass', () => {
    expect(model.overview.map((r) => [r.anchor, r.status, r.counts.map((c) => c.text).join(', ')])).toEqual([
      ['#decision', 'fail', '2 fail, 3 pass'],
      ['#pre-deployment', 'warn', '0 of 1 attestation given'],
      ['#section-1', 'pass', '3 pass'],
      ['#section-2', 'pass', '2 pass'],
      ['#section-3', 'fail', '2 fail, 1 pass'],
      ['#section-4', 'pass', '1 pass'],
      ['#section-5', 'fail', '1 fail'],
      ['#section-6', 'pass', '3 pass'],
    ]);
    expect(model.overview[4]!.label).toBe('3. Data');
    expect([model.notPlainPass, model.checks]).toEqual([3, 13]);
  });
});

describe('the first screen of an APPROVED report and of other histories', async () => {
  const [before, blocked, production] = await Promise.all([load('staging-pr12'), load('staging-pr13'), load('production-pr12')]);

  it('says every check passed, and that there is nothing earlier to compare with', () => {
    const model = firstScreen(input(production));
    expect(model.reasons).toEqual([]);
    expect(model.reasonsHeading).toBe('Why it is APPROVED');
    expect(model.allPassed).toBe('Every check passed and every criterion is met.');
    expect(model.changes).toEqual([]);
    expect(model.changesNote).toBe('The first deployment in production, with no baseline: nothing earlier to compare with.');
    expect(model.integrity.text).toContain('it is the first in production\'s chain');
    expect(model.notPlainPass).toBe(0);
  });

  it('gives the previous deployment and a different baseline a block each, and leaves what does not fit to the comparison page', () => {
    const previous = compareDeployments(before, blocked);
    const baseline = compareDeployments(production, blocked);
    const model = firstScreen(input(blocked, { previous, baseline }));
    expect(model.changes.map((b) => b.heading)).toEqual(['Since staging-pr12, the previous staging deployment', 'Since the baseline, production-pr12']);
    // Every check that differs or has a timing is an item; the first screen shows a few.
    for (const [block, c] of [[model.changes[0]!, previous], [model.changes[1]!, baseline]] as const) {
      const listed = c.checks.filter((x) => x.label !== 'same' || x.timings.length > 0).length;
      expect(block.items.length).toBe(Math.min(listed, SHOWN_CHANGES));
      expect(block.more).toBe(Math.max(0, listed - SHOWN_CHANGES));
    }
  });

  it('counts the attestations given apart: an optional one not given does not make the section read worse than a warning', async () => {
    const example = await load('staging-pr76-smoke-failing', exampleRoot);
    const attestations = example.deployment.checklist.definition.attestations;
    expect(attestations.some((a) => !a.required)).toBe(true);
    expect(example.deployment.attestations).toEqual([]);
    const pre = firstScreen(input(example)).overview.find((r) => r.anchor === '#pre-deployment')!;
    expect(pre.status).toBe('warn');
    expect(pre.counts.map((c) => c.text)).toEqual(['1 warn', `0 of ${attestations.length} attestations given`]);
  });
});
