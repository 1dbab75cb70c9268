/**
 * A checklist's parameters as one collection learns them: given on the command line or the
 * checklist's default at the start; then read by a parameter's query when the first check that
 * needs it is about to run, or captured from a check's parsed output (the alembic head).
 */
import type { CheckDefinition, Checklist, Deployment } from '../src/format/index.ts';
import { paramsNeeded } from '../src/core/kinds/registry.ts';
import type { Redactor } from './db/secrets.ts';
import type { DatabaseSession } from './db/session.ts';
import { catalogVerdict } from './checks/catalog-guard.ts';
import { assertSingleSelect, type NamedObjects } from './checks/single-select.ts';

/** Given on the command line, else the checklist's default; parameters read by a query wait until a check needs them. */
function initialParameters(checklist: Checklist, given: Record<string, string>): Deployment['parameters'] {
  return checklist.parameters.map((p) =>
    given[p.name] !== undefined
      ? { name: p.name, value: given[p.name]!, source: 'given' as const }
      : p.default !== undefined
        ? { name: p.name, value: p.default, source: 'default' as const }
        : { name: p.name, value: null, source: 'unset' as const },
  );
}

/**
 * Reads a parameter with its `resolveSql` when the first check that needs it is about to run:
 * after the upgrade, so a query on the new view finds it (read-only, like every check).
 */
async function resolveByQuery(checklist: Checklist, name: string, session: DatabaseSession, warn?: (message: string) => void): Promise<string | null> {
  const sql = checklist.parameters.find((p) => p.name === name)?.resolveSql;
  if (!sql) return null;
  // Guarded like a sql check: a parameter's query is checklist text too (both halves of the
  // guard; a parameter has no allowFunctions). Refused, the parameter stays unset (the checks that
  // need it are skipped), and the user is told why.
  let names: NamedObjects;
  try {
    names = await assertSingleSelect(sql, `the query of parameter ${name}`);
  } catch (error) {
    warn?.(`parameter ${name}: its resolveSql was ${(error as Error).message}`);
    return null;
  }
  const settings = { statementTimeoutMs: checklist.defaults.statementTimeoutMs, lockTimeoutMs: checklist.defaults.lockTimeoutMs };
  const read = await session
    .readOnly(settings, async (tx) => {
      const { refusal } = await catalogVerdict(tx, names);
      if (refusal) return { refusal };
      return { value: (await tx.query(sql)).rows[0]?.[0] ?? null };
    })
    .catch(() => ({ value: null }));
  if ('refusal' in read) {
    warn?.(`parameter ${name}: its resolveSql was ${read.refusal}`);
    return null;
  }
  return read.value;
}

export class ParameterValues {
  /** As they stood before any check ran. */
  readonly initial: Deployment['parameters'];
  /** The values checks read, and a command check's `captures` write (CheckContext.params). */
  readonly values: Map<string, string | null>;
  private readonly queried = new Set<string>();

  constructor(
    private readonly checklist: Checklist,
    given: Record<string, string>,
    private readonly redactor: Redactor,
  ) {
    this.initial = initialParameters(checklist, given);
    this.values = new Map(this.initial.map((p) => [p.name, p.value]));
  }

  /** Reads by its query each parameter `check` needs that has no value yet (and was not read before). */
  async resolveFor(check: CheckDefinition, session: DatabaseSession, warn?: (message: string) => void): Promise<void> {
    for (const name of paramsNeeded(check)) {
      if (this.values.get(name) != null || this.queried.has(name)) continue;
      const value = await resolveByQuery(this.checklist, name, session, warn);
      if (value !== null) {
        this.values.set(name, value);
        this.queried.add(name);
      }
    }
  }

  /**
   * What deployment.json records: a value read by its query, or captured from a check's parsed
   * output, is recorded as such. A secret parameter's value is never stored: it is redacted like
   * any other secret.
   */
  recorded(): Deployment['parameters'] {
    return this.initial.map((p) => {
      const value = this.values.get(p.name) ?? null;
      const shown = value === null ? null : this.redactor.redact(value).text;
      if (value === p.value) return { ...p, value: shown };
      return { name: p.name, value: shown, source: this.queried.has(p.name) ? ('query' as const) : ('captured' as const) };
    });
  }
}
