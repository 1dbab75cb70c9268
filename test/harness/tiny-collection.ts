/**
 * A real collection in the current format, fast: a one-check checklist with the three sign-off
 * roles, against an empty embedded database (PGlite). For tests about what a collection records
 * and how its sign-offs are judged, not about the checks themselves.
 */
import { collect, type CollectResult } from '../../collectors/collect.ts';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../collectors/db/embedded.ts';
import { checklistSchema, type ChecklistInput, type SignoffPolicy } from '../../src/format/index.ts';

const TINY_ROLES = ['deployed-by', 'validated-by', 'approved-for-production'] as const;

/** `blocked`: the one check asks for two rows of a query that gives one, so the deployment is BLOCKED. */
function tinyChecklist(policy?: Partial<SignoffPolicy>, blocked = false): ReturnType<typeof checklistSchema.parse> {
  const input: ChecklistInput = {
    id: 'tiny',
    version: '1.0.0',
    title: 'One query, three sign-off roles',
    sections: [{ number: '1', title: 'The database answers' }],
    checks: [{ id: 'answers', section: '1', title: 'SELECT 1', kind: 'sql', sql: 'SELECT 1 AS one', assertions: [blocked ? { type: 'row-count', id: 'two-rows', description: 'two rows', min: 2, max: 2 } : { type: 'row-count', id: 'one-row', description: 'one row', min: 1, max: 1 }] }],
    criteria: [{ id: 'answers', label: 'The database answers', checks: ['answers'] }],
    signoff: [...TINY_ROLES],
    ...(policy ? { signoffPolicy: policy } : {}),
  };
  return checklistSchema.parse(input);
}

let database: Promise<EmbeddedDatabase> | undefined;

/** One empty embedded database per test worker, stopped with the worker. */
function sharedDatabase(): Promise<EmbeddedDatabase> {
  database ??= startEmbeddedDatabase(async () => {});
  return database;
}

/** `startedAt`: the collection's clock starts there (and ticks a millisecond a reading), for tests of dates. */
export async function collectTiny(root: string, options: { environment: string; by: string; policy?: Partial<SignoffPolicy>; deploymentId?: string; appDir?: string; blocked?: boolean; startedAt?: string; pr?: { number: number; title: string } }): Promise<CollectResult> {
  const db = await sharedDatabase();
  let tick = 0;
  const start = options.startedAt === undefined ? null : Date.parse(options.startedAt);
  return collect({
    checklist: tinyChecklist(options.policy, options.blocked),
    ...(start === null ? {} : { now: () => new Date(start + tick++) }),
    ...(options.pr ? { pr: { ...options.pr, url: null } } : {}),
    environment: options.environment,
    ...(options.deploymentId ? { deploymentId: options.deploymentId } : {}),
    evidenceRoot: root,
    target: db.target,
    appDir: options.appDir ?? '.',
    by: options.by,
  });
}
