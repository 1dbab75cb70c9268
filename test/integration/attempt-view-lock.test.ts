/**
 * The whole built-in checklist against the embedded database (PGlite) and against a real
 * PostgreSQL 15 server, loaded with the same schema and data: the same verdicts on both.
 */
import { readFile } from 'node:fs/promises';
import { SCHEMA_DIR } from '../../src/format/common.ts';
import { join } from 'node:path';
import Ajv from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attemptViewLock } from '../../collectors/checklists/attempt-view-lock.ts';
import { collect, type CollectResult } from '../../collectors/collect.ts';
import { cloneRealDatabase, embeddedDatabase, realServer, stageForBuiltInChecklist, toolingProblem, type TestDatabase } from '../harness/databases.ts';
import { allText, readDeployment, tempEvidenceRoot } from '../harness/evidence.ts';

const exampleApp = new URL('../../examples/seedtest-api/', import.meta.url).pathname;

// SQL checks judge the data; command checks depend on the machine's Python tooling.
const DATA_CHECKS = ['alembic-upgrade-verified', 'view-columns', 'sample-rows', 'row-count', 'determinism', 'kpi-weekly', 'irt-calibration', 'etl-integration', 'perf-baseline', 'rollback-dependents'];

async function collectAgainst(db: TestDatabase, environment: string): Promise<CollectResult> {
  return collect({
    checklist: attemptViewLock,
    environment,
    pr: { number: 73, title: 'attempt VIEW V1 스키마 잠금' },
    evidenceRoot: await tempEvidenceRoot(),
    target: db.target,
    appDir: exampleApp,
    allowMutating: { by: 'test', via: 'the test suite, on its own database' },
  });
}

const engines: { name: string; open: () => Promise<TestDatabase>; available: boolean }[] = [
  { name: 'the embedded database (PGlite)', open: () => embeddedDatabase(stageForBuiltInChecklist), available: true },
  { name: 'a real PostgreSQL server', open: () => cloneRealDatabase(stageForBuiltInChecklist), available: realServer() !== null },
];

const results = new Map<string, CollectResult>();

describe.each(engines)('attempt-view-lock against $name', ({ name, open, available }) => {
  let db: TestDatabase;
  let result: CollectResult;

  beforeAll(async () => {
    if (!available) return;
    db = await open();
    result = await collectAgainst(db, 'staging');
    results.set(name, result);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it.skipIf(!available)('writes a snapshot for every check of the checklist, each valid against the committed JSON Schema', async () => {
    const read = await readDeployment(result.dir);
    expect([...read.snapshots.keys()].sort()).toEqual(attemptViewLock.checks.map((c) => c.id).sort());
    const ajv = new Ajv({ strict: false });
    const schemaRoot = new URL(`../../evidence/${SCHEMA_DIR}/`, import.meta.url).pathname;
    const validators = {
      check: ajv.compile(JSON.parse(await readFile(join(schemaRoot, 'check.schema.json'), 'utf8'))),
      deployment: ajv.compile(JSON.parse(await readFile(join(schemaRoot, 'deployment.schema.json'), 'utf8'))),
      manifest: ajv.compile(JSON.parse(await readFile(join(schemaRoot, 'manifest.schema.json'), 'utf8'))),
    };
    expect(validators.deployment(JSON.parse(await readFile(join(result.dir, 'deployment.json'), 'utf8'))), JSON.stringify(validators.deployment.errors)).toBe(true);
    expect(validators.manifest(JSON.parse(await readFile(join(result.dir, 'manifest.json'), 'utf8')))).toBe(true);
    for (const id of read.snapshots.keys()) {
      const data = JSON.parse(await readFile(join(result.dir, 'checks', `${id}.json`), 'utf8'));
      expect(validators.check(data), `${id}: ${JSON.stringify(validators.check.errors)}`).toBe(true);
    }
    expect(read.manifest?.files.map((f) => f.path)).toEqual(['deployment.json', ...[...read.snapshots.keys()].map((k) => `checks/${k}.json`)].sort());
  });

  it.skipIf(!available)('passes every data check on the seeded data', () => {
    const statuses = Object.fromEntries(result.snapshots.map((s) => [s.id, s.status]));
    for (const id of DATA_CHECKS) expect(statuses[id], `${id}: ${JSON.stringify(result.snapshots.find((s) => s.id === id)?.assertions.filter((a) => a.status !== 'pass'))}`).toBe('pass');
    // No attestations were given: the preflight check says so, as a warning.
    expect(statuses.preflight).toBe('warn');
  });

  it.skipIf(!available || toolingProblem !== null)('runs the real toolchain: history, upgrade, smoke tests and rollback preview, parsed', () => {
    const byId = new Map(result.snapshots.map((s) => [s.id, s]));
    const parsed = (id: string) => {
      const r = byId.get(id)?.result;
      return r?.kind === 'command' ? r.parsed : null;
    };
    for (const id of ['alembic-history-before', 'alembic-current-before', 'alembic-history-after', 'smoke-tests', 'rollback-sql']) {
      expect(byId.get(id)?.status, `${id}: ${JSON.stringify(byId.get(id)?.assertions)}`).toBe('pass');
    }
    // The upgrade's locks: watched by a second session on the server; on PGlite (one session serves every connection)
    // they cannot be, and the step's own duration bounds them instead — no lock of a step outlives it.
    const upgrade = byId.get('alembic-upgrade')!;
    expect(upgrade.status, JSON.stringify(upgrade.assertions)).toBe('pass');
    const locks = upgrade.result?.kind === 'command' ? upgrade.result.locks : undefined;
    expect(locks?.stepMs).toBeGreaterThan(0);
    if (name === engines[0]!.name) {
      expect(locks?.status).toBe('unsupported');
      expect(upgrade.assertions.find((a) => a.type === 'max-lock-hold')?.actual).toEqual({ unobserved: expect.stringMatching(/PGlite/), stepMs: locks!.stepMs });
    } else {
      expect(['observed', 'no-backends']).toContain(locks?.status);
      expect(locks?.blockedBySampler).toBe(0);
    }
    // The forward SQL was read before the upgrade, from the revision the database was at; replacing the view
    // takes ACCESS EXCLUSIVE, and the example's env.py sets no lock_timeout: a warning naming the statement.
    const forward = byId.get('forward-sql')!;
    expect(forward.source.argv).toEqual(['alembic', 'upgrade', '20251020_1200_base_tables:head', '--sql']);
    expect(parsed('forward-sql')?.kind === 'alembic-sql' && (parsed('forward-sql') as { sql: string }).sql).toContain('CREATE OR REPLACE VIEW attempt');
    expect(forward.assertions.map((a) => [a.type, a.status])).toEqual([['exit-code', 'pass'], ['lock-timeout-set', 'warn']]);
    // The change report: the view is all the upgrade changed.
    const after = byId.get('schema-after')!;
    expect(after.status, JSON.stringify(after.assertions)).toBe('pass');
    expect(after.result?.kind === 'schema' && after.result.changes?.entries.map((c) => `${c.change} ${c.kind} ${c.name}`)).toEqual(['added view public.attempt']);
    expect(parsed('alembic-history-before')).toMatchObject({ kind: 'alembic-history', head: '20251101_0900_attempt_view_lock', revisions: [{ revision: '20251101_0900_attempt_view_lock', downRevisions: ['20251020_1200_base_tables'], markers: ['head'] }, { revision: '20251020_1200_base_tables', downRevisions: [] }] });
    expect(parsed('alembic-upgrade')).toEqual({ kind: 'alembic-upgrade', migrations: [{ direction: 'upgrade', from: '20251020_1200_base_tables', to: '20251101_0900_attempt_view_lock', message: 'attempt VIEW V1 schema lock' }], reached: '20251101_0900_attempt_view_lock', errors: [] });
    const smoke = parsed('smoke-tests');
    expect(smoke?.kind === 'pytest' && smoke.tests.map((t) => [t.name, t.outcome])).toEqual([
      ['test_attempt_view_columns_exist', 'passed'],
      ['test_attempt_view_select_minimal', 'passed'],
      ['test_attempt_view_types', 'passed'],
      ['test_attempt_view_student_id_determinism', 'passed'],
      ['test_attempt_view_no_nulls_in_required_fields', 'passed'],
    ]);
    const rollback = byId.get('rollback-sql')!;
    expect(rollback.source.argv).toEqual(['alembic', 'downgrade', '20251101_0900_attempt_view_lock:-1', '--sql']);
    expect(parsed('rollback-sql')).toMatchObject({ kind: 'alembic-sql', migrations: [{ direction: 'downgrade', from: '20251101_0900_attempt_view_lock', to: '20251020_1200_base_tables' }] });
    expect(parsed('rollback-sql')?.kind === 'alembic-sql' && (parsed('rollback-sql') as { sql: string }).sql).toContain('DROP VIEW IF EXISTS attempt;');
    expect(result.deployment.parameters.find((p) => p.name === 'alembicHead')).toEqual({ name: 'alembicHead', value: '20251101_0900_attempt_view_lock', source: 'captured' });
    // Only the missing attestations keep it from a plain APPROVED.
    expect(result.deployment.decision.status).toBe('APPROVED WITH NOTES');
  });

  it.skipIf(!available || toolingProblem === null)('without the Python tooling, skips the command checks with the reason and how to install, and is INCOMPLETE', () => {
    const upgrade = result.snapshots.find((s) => s.id === 'alembic-upgrade')!;
    expect(upgrade.status).toBe('skipped');
    expect(upgrade.skipReason).toMatch(/pip install alembic sqlalchemy psycopg2-binary/);
    expect(result.deployment.decision.status).toBe('INCOMPLETE');
  });

  it.skipIf(!available)('keeps the 64-bit ids exactly, as the server wrote them', async () => {
    const sample = result.snapshots.find((s) => s.id === 'sample-rows')!;
    expect(sample.result?.kind).toBe('sql');
    if (sample.result?.kind !== 'sql') return;
    expect(sample.result.columns.map((c) => [c.name, c.type])).toEqual([
      ['id', 'bigint'],
      ['student_id', 'uuid'],
      ['item_id', 'integer'],
      ['question_id', 'integer'],
      ['is_correct', 'integer'],
      ['response_time_ms', 'integer'],
      ['attempt_no', 'bigint'],
      ['completed_at', 'timestamp without time zone'],
    ]);
    const ids = sample.result.rows.map((row) => row[0]);
    for (const id of ids) expect(typeof id).toBe('string');
    // Any id beyond 2^53 must read back unchanged from the database.
    const big = ids.find((id) => BigInt(id as string) > 2n ** 53n || BigInt(id as string) < -(2n ** 53n));
    expect(big).toBeDefined();
    const check = await db.admin(`SELECT count(*)::int AS n FROM attempt WHERE id = $1::bigint`, [big]);
    expect(Number(check.rows[0]?.n)).toBe(1);
  });

  it.skipIf(!available)('keeps the plan of the median run, with that run\'s figures', () => {
    const perf = result.snapshots.find((s) => s.id === 'perf-baseline')!.result;
    expect(perf?.kind).toBe('explain');
    if (perf?.kind !== 'explain') return;
    expect(perf.runs.length % 2).toBe(1);
    expect(perf.executionMs).toBe(perf.medianExecutionMs);
    expect(perf.runs.some((r) => r.executionMs === perf.executionMs && r.planningMs === perf.planningMs)).toBe(true);
  });

  it.skipIf(!available)('checks NOT NULL on the data for a view, and says so', () => {
    const columns = result.snapshots.find((s) => s.id === 'view-columns')!;
    expect(columns.result?.kind === 'columns' && columns.result.relation.relkind).toBe('view');
    if (columns.result?.kind !== 'columns') return;
    expect(columns.result.columns.every((c) => c.nullable)).toBe(true);
    expect(columns.result.nullCheckOnData?.nullRows.map((n) => n.column)).toEqual(['id', 'exam_result_id', 'student_id', 'item_id', 'question_id', 'is_correct', 'completed_at']);
    expect(columns.result.note).toMatch(/checked on the data/);
    expect(columns.assertions.find((a) => a.id === 'column-id')).toMatchObject({ status: 'pass', actual: 'bigint, 0 NULL rows (view: checked on the data)' });
  });

  it.skipIf(!available)('records the session settings and the target, and no byte of the password anywhere in the evidence', async () => {
    const { deployment } = result;
    expect(deployment.target).toMatchObject({ applicationName: 'deploy-evidence/0.1.0', user: 'postgres' });
    const sql = result.snapshots.find((s) => s.id === 'row-count')!;
    expect(sql.session).toEqual({ readOnly: true, statementTimeoutMs: 30_000, lockTimeoutMs: 5_000, applicationName: 'deploy-evidence/0.1.0' });
    // The real server takes a password (scram); the embedded one has none to leak.
    if (name.includes('real')) expect(db.target.secrets.length).toBeGreaterThan(0);
    const written = await allText(result.dir);
    for (const secret of db.target.secrets) expect(written).not.toContain(secret);
  });

  it.skipIf(!available)('builds the timeline from the snapshots: each phase spans exactly its checks, in order, then evidence capture and total', () => {
    const { deployment } = result;
    expect(deployment.timeline.map((t) => t.id)).toEqual(['preflight', 'upgrade', 'schema', 'downstream', 'smoke', 'performance', 'rollback', 'evidence-capture', 'total']);
    for (const phase of deployment.timeline.slice(0, -2)) {
      const ids = attemptViewLock.checks.filter((c) => c.phase === phase.id).map((c) => c.id);
      const spans = result.snapshots.filter((s) => ids.includes(s.id));
      expect(spans.length, phase.id).toBeGreaterThan(0);
      expect(phase.startedAt, phase.id).toBe(spans.map((s) => s.startedAt).sort()[0]);
      expect(phase.finishedAt, phase.id).toBe(spans.map((s) => s.finishedAt).sort().at(-1));
      expect(phase.durationMs).toBe(Date.parse(phase.finishedAt) - Date.parse(phase.startedAt));
    }
    const total = deployment.timeline.at(-1)!;
    expect(total.startedAt).toBe(deployment.startedAt);
    expect(total.finishedAt).toBe(deployment.finishedAt);
    expect(deployment.collection).toBe('complete');
  });

  it.skipIf(!available)('decides from the verdicts: the missing attestations keep it from APPROVED, and the reasons say which', () => {
    const { decision } = result.deployment;
    // Without the Python tooling the command checks are skipped: INCOMPLETE, never a pass.
    expect(decision.status).toBe(toolingProblem === null ? 'APPROVED WITH NOTES' : 'INCOMPLETE');
    expect(decision.reasons.some((r) => r.startsWith('preflight') && r.includes('3 of 3 attestations missing: ci-green, pr-approved, guide-reviewed'))).toBe(true);
  });
});

describe('the same checklist on both engines', () => {
  it.skipIf(realServer() === null)('gives the same verdict for every check and the same decision', () => {
    const embedded = results.get(engines[0]!.name)!;
    const real = results.get(engines[1]!.name)!;
    const verdicts = (r: CollectResult) => Object.fromEntries(r.snapshots.map((s) => [s.id, s.status]));
    expect(verdicts(real)).toEqual(verdicts(embedded));
    expect(real.deployment.decision.status).toBe(embedded.deployment.decision.status);
    expect(real.deployment.criteria.map((c) => c.status)).toEqual(embedded.deployment.criteria.map((c) => c.status));
  });
});
