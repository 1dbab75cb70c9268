/**
 * Redaction covers results (issue 25): everything a check records from the database or the
 * checklist — the SQL or argv that ran, the result of every kind, the error, the skip reason —
 * goes through the collection's Redactor (the connection password in every form and any case, URL
 * passwords, secret parameters, the values of environment variables a command gets) before it is
 * judged, digested, capped or written. A `sql` result is redacted while it streams (sql-check.ts);
 * the others here, whole, as soon as their runner returns.
 *
 * Assertions judge what is stored: the redacted result, against the check as the evidence stores
 * it (`recordedCheck`), so `verify` re-deriving a verdict from the kept result gives the verdict
 * the collector gave. A redaction is never silent: the snapshot's `redactions` counts every secret
 * replaced in what the check recorded, and a command result counts those of its output again.
 */
import type { CatalogObject, CheckDefinition, CheckKind, ResultOf, SchemaChange } from '../../src/format/index.ts';
import type { Redactor } from '../db/secrets.ts';
import { redactStrings, type Redacted } from '../redacted-values.ts';
import type { CheckRun } from './check-context.ts';

type ResultRedaction<K extends CheckKind> = (result: ResultOf<K>, redactor: Redactor) => Redacted<ResultOf<K>>;

/** Adds up the counts of several redactions, keeping their values. */
function tally(): { add<T>(r: Redacted<T>): T; count: number } {
  const t = {
    count: 0,
    add<T>(r: Redacted<T>): T {
      t.count += r.count;
      return r.value;
    },
  };
  return t;
}

/** A catalog object with its text redacted: names, definition, columns, owner, grants (never its kind). */
function redactedObject(o: CatalogObject, redactor: Redactor): Redacted<CatalogObject> {
  const found = redactStrings({ schema: o.schema, name: o.name, table: o.table, definition: o.definition, columns: o.columns, owner: o.owner, grants: o.grants }, redactor);
  return { value: { ...o, ...found.value }, count: found.count };
}

/**
 * Catalog objects as the evidence will store them: what a change report or drift compares them
 * with (an earlier snapshot, the previous deployment's) was stored redacted, so they are compared
 * redacted too — else a secret would read as a change.
 */
/** A change entry with its names, definitions and parts redacted, counted in `t`. */
function redactedChange(c: SchemaChange, redactor: Redactor, t: ReturnType<typeof tally>): SchemaChange {
  return {
    ...c,
    ...t.add(redactStrings({ name: c.name, table: c.table, before: c.before, after: c.after }, redactor)),
    parts: c.parts.map((p) => ({ ...p, ...t.add(redactStrings({ part: p.part, before: p.before, after: p.after }, redactor)) })),
  };
}

export function redactedObjects(objects: readonly CatalogObject[], redactor: Redactor): CatalogObject[] {
  return objects.map((o) => redactedObject(o, redactor).value);
}

/**
 * The text of each kind's result that came from the database or the checklist. Enum values the
 * format defines (a relation's `relkind`, the result's `kind`) and the tool's own sentences are not
 * text from anywhere else and are left alone: a password fragment that is an ordinary word must not
 * turn them into something the format refuses.
 */
const RESULT_REDACTIONS: { [K in CheckKind]: ResultRedaction<K> } = {
  // Redacted batch by batch as the rows streamed, before the digest and the row assertions saw them.
  sql: (result) => ({ value: result, count: 0 }),
  columns: (result, redactor) => {
    const t = tally();
    const { schema, name } = t.add(redactStrings({ schema: result.relation.schema, name: result.relation.name }, redactor));
    const value = {
      ...result,
      relation: { ...result.relation, schema, name },
      columns: t.add(redactStrings(result.columns, redactor)),
      nullCheckOnData: t.add(redactStrings(result.nullCheckOnData, redactor)),
    };
    return { value, count: t.count };
  },
  explain: (result, redactor) => {
    const t = tally();
    // The plan's text (relation names, filters with their constants, a custom plan's parameter values); its figures are measurements.
    const value = { ...result, plan: t.add(redactStrings(result.plan, redactor)), nodeTypes: t.add(redactStrings(result.nodeTypes, redactor)) };
    return { value, count: t.count };
  },
  dependents: (result, redactor) => {
    const t = tally();
    const { schema, name } = t.add(redactStrings({ schema: result.relation.schema, name: result.relation.name }, redactor));
    const value = { ...result, relation: { ...result.relation, schema, name }, dependents: t.add(redactStrings(result.dependents, redactor)) };
    return { value, count: t.count };
  },
  // Names, definitions (a view's constant, a function's body), owners and grants; the kinds and
  // change labels are the format's own words and are left alone.
  schema: (result, redactor) => {
    const t = tally();
    const object = (o: CatalogObject) => t.add(redactedObject(o, redactor));
    const change = (c: SchemaChange) => redactedChange(c, redactor, t);
    const value = {
      ...result,
      schemas: t.add(redactStrings(result.schemas, redactor)),
      objects: result.objects.map(object),
      changes: result.changes && { ...result.changes, entries: result.changes.entries.map(change) },
      drift: result.drift && { ...result.drift, noBaseline: result.drift.noBaseline === null ? null : t.add(redactStrings(result.drift.noBaseline, redactor)), entries: result.drift.entries.map(change) },
    };
    return { value, count: t.count };
  },
  // The runner stored the copy's snapshots and compared them redacted already (round-trip-check.ts),
  // and the steps' output was redacted as it streamed: this finds nothing more unless a caller did not.
  'round-trip': (result, redactor) => {
    const t = tally();
    const object = (o: CatalogObject) => t.add(redactedObject(o, redactor));
    const change = (c: SchemaChange) => redactedChange(c, redactor, t);
    const snapshot = (objects: CatalogObject[] | null) => objects && objects.map(object);
    const value = {
      ...result,
      copy: { ...result.copy, templateRefused: result.copy.templateRefused === null ? null : t.add(redactStrings(result.copy.templateRefused, redactor)) },
      ignored: t.add(redactStrings(result.ignored, redactor)),
      schemas: t.add(redactStrings(result.schemas, redactor)),
      steps: result.steps.map((s) => ({ ...s, ...t.add(redactStrings({ argv: s.argv, stdout: s.stdout, stderr: s.stderr }, redactor)) })),
      snapshots: {
        before: snapshot(result.snapshots.before),
        afterUpgrade: snapshot(result.snapshots.afterUpgrade),
        afterDowngrade: snapshot(result.snapshots.afterDowngrade),
        afterUpgradeAgain: snapshot(result.snapshots.afterUpgradeAgain),
      },
      downgradeRestores: result.downgradeRestores && { ...result.downgradeRestores, entries: result.downgradeRestores.entries.map(change) },
      upgradeRepeats: result.upgradeRepeats && { ...result.upgradeRepeats, entries: result.upgradeRepeats.entries.map(change) },
    };
    return { value, count: t.count };
  },
  // The output streams were redacted as they streamed (and counted in `redactions`); what the
  // database itself said (the version table before and after) is redacted here and counted there too.
  command: (result, redactor) => {
    const state = result.databaseState;
    if (!state) return { value: result, count: 0 };
    const found = redactStrings({ before: state.before, after: state.after }, redactor);
    return { value: { ...result, databaseState: { ...state, ...found.value } }, count: found.count };
  },
};

/**
 * The run as the evidence records it: every text redacted, and in `redactions` the number of
 * secrets replaced, including `run.redactions` (what the runner already replaced while the result
 * streamed).
 */
export function redactRun(run: CheckRun, redactor: Redactor): CheckRun {
  const t = tally();
  const source = t.add(redactStrings(run.source, redactor));
  const error = run.error
    ? { ...run.error, ...t.add(redactStrings({ message: run.error.message, hint: run.error.hint, detail: run.error.detail }, redactor)) }
    : null;
  const skipReason = run.skipReason === null ? null : t.add(redactStrings(run.skipReason, redactor));
  let result = run.result;
  let inResult = run.redactions ?? 0;
  if (result) {
    const redacted = (RESULT_REDACTIONS[result.kind] as ResultRedaction<typeof result.kind>)(result, redactor);
    result = redacted.value;
    inResult += redacted.count;
  }
  const total = inResult + t.count + (result?.kind === 'command' ? result.redactions : 0);
  const redacted: CheckRun = { ...run, source, error, skipReason, result, redactions: total };
  // A command result keeps its own count too, as before format v3: everything found for this check.
  if (result?.kind === 'command') redacted.result = { ...result, redactions: total };
  return redacted;
}

/**
 * The check as deployment.json stores it (every string redacted, like the rest of the embedded
 * checklist): what its assertions are judged against, so re-deriving them from the evidence gives
 * the same verdicts. The check that runs is the one written: its SQL and argv are sent unredacted.
 */
export function recordedCheck<C extends CheckDefinition>(check: C, redactor: Redactor): C {
  return redactStrings(check, redactor).value;
}
