/**
 * The starter checklist `deploy-evidence init` writes for an application: pure, from what init
 * found — an alembic project and its head, a relation and its columns and dependents as the
 * catalog reports them. It validates and collects as written; the team then edits it like any checklist.
 */
import type { ChecklistInput, CheckDefinitionInput, ExpectedColumn, ExpectedDependent, Relation } from '../../format/index.ts';
import { qualifiedName } from '../sql-identifiers.ts';

export interface StarterFacts {
  id: string;
  title: string;
  /** The alembic project's single head, when the application has one. */
  alembic: { head: string } | null;
  /** The relation the deployment is about; `columns` and `dependents` read from a database, or null when no database was given. */
  relation: (Relation & { columns: ExpectedColumn[] | null; dependents: ExpectedDependent[] | null }) | null;
}

const ALEMBIC = { executables: ['alembic'], pythonModules: [], installHint: 'pip install alembic (and your database driver)' };

export function starterChecklist(facts: StarterFacts): ChecklistInput {
  const sections: { number: string; title: string }[] = [];
  const phases: { id: string; label: string }[] = [];
  const checks: CheckDefinitionInput[] = [];
  const criteria: { id: string; label: string; checks: string[] }[] = [];
  const parameters: ChecklistInput['parameters'] = [];

  if (facts.alembic) {
    const { head } = facts.alembic;
    sections.push({ number: '1', title: 'Migration' });
    phases.push({ id: 'migrate', label: 'Migration' });
    parameters.push({ name: 'alembicHead', description: 'The revision alembic reports as current after the upgrade (captured from `alembic current`).' });
    checks.push(
      {
        id: 'migration-history-before',
        kind: 'command',
        section: '1',
        phase: 'migrate',
        title: 'alembic history: the deployment\'s revision is the one head',
        argv: ['alembic', 'history'],
        env: ['DATABASE_URL'],
        parser: 'alembic-history',
        requires: ALEMBIC,
        assertions: [{ type: 'exit-code' }, { type: 'revision-is-head', revision: head }],
      },
      {
        id: 'schema-before',
        kind: 'schema',
        section: '1',
        phase: 'migrate',
        title: 'The schema before the upgrade, compared with the one the previous deployment left',
        description: 'A read-only snapshot of the catalog. A difference from the previous deployment\'s `schema-after` in this environment means the schema was changed outside the recorded deployments (drift).',
        drift: { against: 'schema-after', severity: 'warn' },
      },
      {
        id: 'migration-upgrade',
        kind: 'command',
        section: '1',
        phase: 'migrate',
        title: 'alembic upgrade head',
        description: 'The one step that changes the database: it runs only when the collection allows it (--allow-mutating).',
        argv: ['alembic', 'upgrade', 'head'],
        env: ['DATABASE_URL'],
        mutating: true,
        parser: 'alembic-upgrade',
        requires: ALEMBIC,
        // A second session samples pg_locks while the upgrade runs: what it locked, how long, who waited.
        observeLocks: { intervalMs: 50 },
        // Already at head (a re-run) is a warning, not a failure. A table locked against reads for
        // seconds is worth a look before production; a starter does not know the team's limit, so it warns.
        assertions: [
          { type: 'exit-code' },
          { type: 'migration-ran', revision: head, severity: 'warn' },
          { type: 'max-lock-hold', warnAboveMs: 2000, severity: 'warn' },
        ],
      },
      {
        id: 'migration-current-after',
        kind: 'command',
        section: '1',
        phase: 'migrate',
        title: 'alembic current: the database is at the head',
        argv: ['alembic', 'current'],
        env: ['DATABASE_URL'],
        parser: 'alembic-history',
        captures: { alembicHead: 'head' },
        requires: ALEMBIC,
        assertions: [{ type: 'exit-code' }, { type: 'revision-is-head', revision: head }],
      },
      {
        id: 'schema-after',
        kind: 'schema',
        section: '1',
        phase: 'migrate',
        title: 'What the upgrade changed in the schema',
        description: 'The snapshot after the upgrade, with what changed since `schema-before`: objects added, changed and dropped, tables rewritten. List what the migration should change in an `expected-changes` assertion.',
        changesFrom: 'schema-before',
        // A starter cannot know what the migration changes; it can say that nothing it had was lost.
        assertions: [{ type: 'no-unexpected-drops', severity: 'warn' }],
      },
    );
    criteria.push({ id: 'migration-applied', label: 'The migration is applied and the database is at the head', checks: ['migration-upgrade', 'migration-current-after', 'schema-after'] });
  }

  if (facts.relation) {
    const { schema, name, columns } = facts.relation;
    const qualified = `${schema}.${name}`;
    sections.push({ number: String(sections.length + 1), title: `Schema of ${qualified}` });
    phases.push({ id: 'verify', label: 'Verification' });
    const number = sections.at(-1)!.number;
    if (columns && columns.length > 0) {
      checks.push({
        id: 'relation-columns',
        kind: 'columns',
        section: number,
        phase: 'verify',
        title: `${qualified} has the expected columns`,
        relation: { schema, name },
        expect: { columns },
      });
    }
    checks.push({
      id: 'relation-rows',
      kind: 'sql',
      section: number,
      phase: 'verify',
      title: `${qualified} answers a query`,
      sql: `SELECT * FROM ${qualifiedName({ schema, name })} LIMIT 20`,
      maxRows: 20,
      assertions: [{ type: 'max-duration', warnAboveMs: 1000 }],
    });
    criteria.push({ id: 'schema-as-expected', label: `${qualified} is as expected`, checks: checks.filter((c) => c.phase === 'verify').map((c) => c.id) });
  }

  if (facts.relation || facts.alembic) {
    sections.push({ number: String(sections.length + 1), title: 'Rollback' });
    phases.push({ id: 'rollback', label: 'Rollback readiness' });
    const number = sections.at(-1)!.number;
    const rollback: string[] = [];
    if (facts.relation) {
      checks.push({
        id: 'relation-dependents',
        kind: 'dependents',
        section: number,
        phase: 'rollback',
        title: `What depends on ${facts.relation.schema}.${facts.relation.name}`,
        relation: { schema: facts.relation.schema, name: facts.relation.name },
        // The dependents the database has today are the expected ones, so the starter passes on
        // them; one more (or one fewer) warns, to be read before rolling back. Without a database:
        // nothing is expected, and any dependent warns.
        assertions: [
          facts.relation.dependents
            ? { type: 'dependents', dependents: facts.relation.dependents, match: 'equals', severity: 'warn' }
            : { type: 'no-dependents', severity: 'warn' },
        ],
      });
      rollback.push('relation-dependents');
    }
    if (facts.alembic) {
      checks.push({
        id: 'rollback-preview',
        kind: 'command',
        section: number,
        phase: 'rollback',
        title: 'The rollback SQL alembic would run (not run)',
        argv: ['alembic', 'downgrade', '{{alembicHead}}:-1', '--sql'],
        env: ['DATABASE_URL'],
        parser: 'alembic-sql',
        requires: ALEMBIC,
        assertions: [{ type: 'exit-code' }],
      });
      rollback.push('rollback-preview');
    }
    criteria.push({ id: 'rollback-ready', label: 'The rollback is prepared', checks: rollback });
  }

  return {
    id: facts.id,
    version: '0.1.0',
    title: facts.title,
    description: 'Written by `deploy-evidence init`: edit it freely (`deploy-evidence checklist validate` checks it, docs/checklists.md is the reference).',
    ...(facts.alembic ? { revisionParam: 'alembicHead' } : {}),
    parameters,
    sections,
    phases,
    checks,
    criteria,
  };
}
