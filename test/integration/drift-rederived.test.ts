/**
 * Drift re-derived by verify (issue 28): a schema snapshot's recorded drift is computed again from
 * the snapshot of the deployment its manifest follows. An attacker who rewrites a deployment's
 * drift to "no drift", makes its verdicts, its decision and its manifest agree, and re-links the
 * chain leaves nothing the deployment's own files contradict — only the previous deployment's
 * snapshot does. Real PostgreSQL, two real collections, an out-of-band ALTER TABLE between them.
 */
import { randomBytes } from 'node:crypto';
import { access } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect } from '../../collectors/collect.ts';
import { resolveConnection } from '../../collectors/db/connection.ts';
import { verifyEvidenceRoot } from '../../src/cli/verify-evidence-root.ts';
import { loadEvidence } from '../../src/site/load-evidence.ts';
import { decide } from '../../src/core/decision/decide.ts';
import { driftNotRederived, rederivationProblems } from '../../src/core/integrity/rederive.ts';
import { checklistSchema, type CheckSnapshot, type ResultOf } from '../../src/format/index.ts';
import { realServer, serverUrl } from '../harness/databases.ts';
import { readDeployment, tempEvidenceRoot } from '../harness/evidence.ts';
import { forge } from '../harness/forgery.ts';
import { adminQuery } from '../harness/seed-database.ts';

const checklist = checklistSchema.parse({
  id: 'drift-watch',
  version: '1.0.0',
  title: 'Drift watch',
  sections: [{ number: '1', title: 'Schema' }],
  checks: [
    { id: 'schema-before', kind: 'schema', section: '1', title: 'Schema before', schemas: ['shop'], drift: { against: 'schema-after', severity: 'fail' } },
    { id: 'schema-after', kind: 'schema', section: '1', title: 'Schema after', schemas: ['shop'], changesFrom: 'schema-before', assertions: [{ type: 'expected-changes', objects: [] }] },
  ],
  criteria: [{ id: 'schema', label: 'The schema is the recorded one', checks: ['schema-before', 'schema-after'] }],
});

describe.skipIf(realServer() === null)('drift re-derived by verify', () => {
  let name: string;
  let url: string;
  beforeAll(async () => {
    name = `drift_${randomBytes(5).toString('hex')}`;
    await adminQuery(serverUrl('postgres'), `CREATE DATABASE ${name}`);
    url = serverUrl(name);
    await adminQuery(url, 'CREATE SCHEMA shop; CREATE TABLE shop.item (id bigint PRIMARY KEY, name text NOT NULL)');
  });
  afterAll(async () => {
    await adminQuery(serverUrl('postgres'), `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });

  const run = (root: string, id: string) => collect({ checklist, environment: 'production', deploymentId: id, evidenceRoot: root, target: resolveConnection({ databaseUrl: url }), appDir: '.' });

  it('agrees with the drift as collected, and names a drift rewritten to none even when every verdict and hash was made to agree', async () => {
    const root = await tempEvidenceRoot();
    await run(root, 'first');
    await adminQuery(url, 'ALTER TABLE shop.item ADD COLUMN price numeric');
    await run(root, 'second');
    const collected = (await verifyEvidenceRoot(root, { git: { git: false } })).report.deployments;
    expect(collected.map((d) => [d.id, d.status, d.problems])).toEqual([
      ['first', 'OK', []],
      ['second', 'OK', []],
    ]);
    const second = await readDeployment(join(root, 'second'));
    const drift = (second.snapshots.get('schema-before')!.result as ResultOf<'schema'>).drift!;
    expect(drift.entries.map((c) => `${c.change} ${c.kind} ${c.name}`)).toEqual(['changed table shop.item']);
    expect(second.deployment.decision.status).toBe('BLOCKED');

    // The attacker: no drift, the drift assertion green, the check, criteria and decision recomputed, the manifest re-hashed.
    const forged = new Map(second.snapshots);
    const before = forged.get('schema-before')!;
    const clean: CheckSnapshot = {
      ...before,
      status: 'pass',
      result: { ...(before.result as ResultOf<'schema'>), drift: { ...drift, entries: [] } },
      assertions: before.assertions.map((a) => ({ ...a, status: 'pass', actual: [] })),
    };
    forged.set('schema-before', clean);
    const { criteria, decision } = decide({ checklist, snapshots: forged, complete: true });
    await forge(root, 'second', {
      edits: {
        'checks/schema-before.json': (json) => Object.assign(json, JSON.parse(JSON.stringify({ status: clean.status, result: clean.result, assertions: clean.assertions }))),
        'deployment.json': (json) => {
          const d = json as { checks: { id: string; status: string }[]; criteria: unknown; decision: unknown };
          d.checks.find((c) => c.id === 'schema-before')!.status = 'pass';
          d.criteria = JSON.parse(JSON.stringify(criteria));
          d.decision = JSON.parse(JSON.stringify(decision));
        },
      },
    });
    const rewritten = await readDeployment(join(root, 'second'));
    expect(rewritten.deployment.decision.status).toBe('APPROVED');
    // Its own files agree with each other: without the previous deployment nothing is wrong, and that is said.
    expect(rederivationProblems(rewritten.deployment, rewritten.snapshots)).toEqual([]);
    expect(driftNotRederived(rewritten.snapshots)).toEqual([
      'checks/schema-before.json: its drift against the previous deployment was not re-derived (the previous deployment\'s evidence is not here: verify it inside its evidence root)',
    ]);
    // Inside the evidence root, verify computes the drift again from first's snapshot.
    const verdict = (await verifyEvidenceRoot(root, { git: { git: false } })).report.deployments.find((d) => d.id === 'second')!;
    expect(verdict.status).toBe('FAILED');
    expect(verdict.problems).toEqual([
      'checks/schema-before.json: its drift (0 changes) is not what its snapshot and first (schema-after) give (1 change): missing from it: changed table shop.item',
    ]);
    // The site's loader re-derives it too: the published report says FAILED, not APPROVED.
    const site = (await loadEvidence(root)).deployments.find((d) => d.id === 'second')!;
    expect([site.integrity.status, site.integrity.problems]).toEqual(['FAILED', verdict.problems]);

    // A drift rewritten to "no baseline" is named too.
    await forge(root, 'second', {
      edits: { 'checks/schema-before.json': (json) => Object.assign((json as { result: { drift: unknown } }).result, { drift: { against: null, noBaseline: 'no earlier deployment in this environment', entries: [] } }) },
    });
    const noBaseline = (await verifyEvidenceRoot(root, { git: { git: false } })).report.deployments.find((d) => d.id === 'second')!;
    expect(noBaseline.problems).toContain('checks/schema-before.json: its drift is against no baseline; the deployment before it in its environment gives first (schema-after)');
  });
  it('two overlapping collections of one environment: the one linked second measured drift against the deployment before both; the collector warns, verify fails it and says why (never accepted: its own timestamps are all a forger would need)', async () => {
    const root = await tempEvidenceRoot();
    await run(root, 'first');
    // A collection held up between its snapshots (a long check), and another one of the same environment that runs to its end meanwhile.
    const slow = checklistSchema.parse({
      ...checklist,
      checks: [checklist.checks[0], { id: 'long-step', kind: 'sql', section: '1', title: 'A long step', sql: 'SELECT pg_sleep(1.5)::text AS slept' }, checklist.checks[1]],
      criteria: [{ ...checklist.criteria[0], checks: ['schema-before', 'long-step', 'schema-after'] }],
    });
    const warnings: string[] = [];
    const overlapping = collect({ checklist: slow, environment: 'production', deploymentId: 'overlapping', evidenceRoot: root, target: resolveConnection({ databaseUrl: url }), appDir: '.', warn: (m) => warnings.push(m) });
    const drifted = join(root, 'overlapping', 'checks', 'schema-before.json');
    for (let waited = 0; !(await access(drifted).then(() => true, () => false)); waited += 20) {
      if (waited > 20_000) throw new Error('the slow collection took no schema snapshot in 20 s');
      await sleep(20);
    }
    const quick = await run(root, 'quick');
    const slowOne = await overlapping;
    // Linked second, it follows quick; its drift was measured against first, the end of the chain when it looked.
    // Accepting that baseline would need this deployment's own start time, which whoever rewrites it chooses.
    expect(slowOne.previousManifestSha256).toBe(quick.manifestSha256);
    const recorded = (await readDeployment(join(root, 'overlapping'))).snapshots.get('schema-before')!.result as ResultOf<'schema'>;
    expect(recorded.drift?.against).toEqual({ deploymentId: 'first', checkId: 'schema-after' });
    expect(warnings).toContain('the production chain moved during this collection: quick was linked after its drift was measured against first; verify will report the drift as not against the deployment it follows — collect one environment at a time');
    const verdicts = (await verifyEvidenceRoot(root, { git: { git: false } })).report.deployments;
    expect(verdicts.map((d) => [d.id, d.status, d.problems])).toEqual([
      ['first', 'OK', []],
      ['overlapping', 'FAILED', ['checks/schema-before.json: its drift is against first (schema-after); the deployment before it in its environment gives quick (schema-after) (quick finished after this collection started: collections of one environment that overlap cannot both measure drift against its chain\'s end — collect one at a time, as `deploy-evidence ci lock` does)']],
      ['quick', 'OK', []],
    ]);

    // A later collection that did not overlap anything: naming another baseline than the one it follows is a problem, without the overlap's words.
    await run(root, 'later');
    await forge(root, 'later', {
      edits: { 'checks/schema-before.json': (json) => Object.assign((json as { result: { drift: { against: unknown } } }).result.drift, { against: { deploymentId: 'quick', checkId: 'schema-after' } }) },
    });
    const later = (await verifyEvidenceRoot(root, { git: { git: false } })).report.deployments.find((d) => d.id === 'later')!;
    expect(later.problems).toContain('checks/schema-before.json: its drift is against quick (schema-after); the deployment before it in its environment gives overlapping (schema-after)');
  });
});
