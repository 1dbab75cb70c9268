/**
 * What "Verify this report" judges sign-offs by, read from deployment.json without the schemas
 * (src/format/signoff-roles.ts): the same as the schemas read, in every format version — the
 * defaults of a version that did not have the field included — and a file that is not what the
 * format says is refused naming the field.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { signoffRoles } from '../../src/format/index.ts';
import { signoffDecision, signoffTermsOf } from '../../src/format/signoff-roles.ts';
import { readDeploymentDir } from '../../src/format/read-deployment-dir.ts';
import { committedEvidence } from '../harness/committed-evidence.ts';
import { collectTiny } from '../harness/tiny-collection.ts';

const V1 = fileURLToPath(new URL('../fixtures/evidence/', import.meta.url));

async function bothReadings(root: string, id: string) {
  const raw = JSON.parse(await readFile(join(root, id, 'deployment.json'), 'utf8'));
  const { deployment } = (await readDeploymentDir(root, id))!;
  const definition = deployment.checklist.definition;
  return {
    version: raw.schemaVersion as number,
    browser: signoffTermsOf(raw),
    schemas: { deploymentId: deployment.id, roles: signoffRoles(definition), policy: definition.signoffPolicy, collectedBy: deployment.collectedBy, decision: signoffDecision(raw.schemaVersion, deployment.decision.status) },
  };
}

describe('sign-off terms read without the schemas', () => {
  it('are what the schemas read: a v1 deployment (no roles), the v2 samples (the default policy, no collector), a v3 collection (its own policy and collector)', async () => {
    const v1 = await bothReadings(V1, '2026-11-24-staging-pr73');
    expect(v1.version).toBe(1);
    expect(v1.browser).toEqual(v1.schemas);
    expect(v1.browser.roles).toEqual([]);

    const v2 = await bothReadings(await committedEvidence(), 'sample-production-pr73');
    expect(v2.version).toBe(2);
    expect(v2.browser).toEqual(v2.schemas);
    expect(v2.browser).toMatchObject({ roles: [{ id: 'deployed-by', label: 'Deployed by' }, { id: 'validated-by', label: 'Validated by' }, { id: 'approved-for-production', label: 'Approved for production' }], policy: { distinct: 'all', notByCollector: [] }, collectedBy: null });

    const root = await mkdtemp(join(tmpdir(), 'terms-'));
    const policy = { distinct: [['deployed-by', 'approved-for-production']], notByCollector: ['approved-for-production'] };
    const collected = await collectTiny(root, { environment: 'staging', by: 'Alice Example', policy });
    const v3 = await bothReadings(root, collected.deployment.id);
    expect(v3.version).toBeGreaterThanOrEqual(3);
    expect(v3.browser).toEqual(v3.schemas);
    expect(v3.browser).toMatchObject({ deploymentId: collected.deployment.id, policy, collectedBy: 'Alice Example', decision: collected.deployment.decision.status });
    // Before v3 no sign-off said it was forced over a decision, so none is held to one.
    expect(v2.browser.decision).toBeNull();
  }, 60_000);

  it('refuses a deployment.json that is not what the format says, naming the field', () => {
    const valid = { schemaVersion: 3, id: 'x', decision: { status: 'BLOCKED' }, checklist: { definition: { signoff: ['deployed-by'] } } };
    expect(signoffTermsOf(valid)).toEqual({ deploymentId: 'x', roles: [{ id: 'deployed-by', label: 'Deployed by' }], policy: { distinct: 'all', notByCollector: [] }, collectedBy: null, decision: 'BLOCKED' });
    expect(signoffTermsOf({ ...valid, checklist: { definition: { signoffPolicy: { informative: ['deployed-by'] } } } }).policy.informative).toEqual(['deployed-by']);
    expect(() => signoffTermsOf([])).toThrow('deployment.json: the file is not an object');
    expect(() => signoffTermsOf({ ...valid, id: 1 })).toThrow('deployment.json: id is not a string');
    expect(() => signoffTermsOf({ ...valid, checklist: {} })).toThrow('deployment.json: checklist.definition is not an object');
    expect(() => signoffTermsOf({ ...valid, checklist: { definition: { signoff: 'deployed-by' } } })).toThrow('checklist.definition.signoff is not a list of roles');
    expect(() => signoffTermsOf({ ...valid, checklist: { definition: { signoff: [{ id: 'a' }] } } })).toThrow('checklist.definition.signoff is not a list of roles');
    expect(() => signoffTermsOf({ ...valid, checklist: { definition: { signoffPolicy: { distinct: 'none' } } } })).toThrow('checklist.definition.signoffPolicy.distinct is not');
    expect(() => signoffTermsOf({ ...valid, checklist: { definition: { signoffPolicy: { notByCollector: 'a' } } } })).toThrow('checklist.definition.signoffPolicy.notByCollector is not');
    expect(() => signoffTermsOf({ ...valid, collectedBy: 7 })).toThrow('deployment.json: collectedBy is not a string or null');
    expect(() => signoffTermsOf({ ...valid, checklist: { definition: { signoffPolicy: { informative: 'deployed-by' } } } })).toThrow('checklist.definition.signoffPolicy.informative is not a list of role ids');
    expect(() => signoffTermsOf({ ...valid, schemaVersion: '3' })).toThrow('deployment.json: schemaVersion is not a number');
    expect(() => signoffTermsOf({ ...valid, decision: { status: 'MAYBE' } })).toThrow('deployment.json: decision.status is not one of APPROVED, APPROVED WITH NOTES, BLOCKED, INCOMPLETE');
  });
});
