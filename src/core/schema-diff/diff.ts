/**
 * The schema change report (issue 28): what differs between two catalog snapshots, object by
 * object — added, changed, dropped — with each object's whole text before and after (for side
 * by side) and what changed inside it (a column retyped: its old and new type; a view: its
 * definition; a table rewritten: its relfilenode). Pure: the collector records it, `verify`
 * and the site can compute it again from the two snapshots.
 *
 * The same function gives drift (the previous deployment's snapshot against this one) with
 * `storage: false`: a VACUUM FULL or a TRUNCATE gives a table new storage but leaves the schema as
 * it was. Estimated rows are never a change.
 */
import type { CatalogColumn, CatalogObject, ChangePart, SchemaChange } from '../../format/index.ts';

/** Code-unit order, never the locale's: the same objects sort the same on every machine. */
export const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** An index, constraint or trigger is named within its table only for constraints and triggers (index names are unique in their schema). */
const namedInTable = (o: Pick<CatalogObject, 'kind'>) => o.kind === 'constraint' || o.kind === 'trigger';

/** `public.attempt`, `public.invoice.invoice_pkey` (a constraint or trigger, by its table). */
export function objectName(o: Pick<CatalogObject, 'kind' | 'schema' | 'table' | 'name'>): string {
  return namedInTable(o) && o.table !== null ? `${o.schema}.${o.table}.${o.name}` : `${o.schema}.${o.name}`;
}

const keyOf = (o: CatalogObject) => JSON.stringify([o.kind, o.schema, namedInTable(o) ? o.table : null, o.name]);

/** The order snapshots are written in: schema, kind, table, name, then definition. */
export function compareObjects(a: CatalogObject, b: CatalogObject): number {
  return (
    byCodeUnits(a.schema, b.schema) ||
    byCodeUnits(a.kind, b.kind) ||
    byCodeUnits(a.table ?? '', b.table ?? '') ||
    byCodeUnits(a.name, b.name) ||
    byCodeUnits(a.definition ?? '', b.definition ?? '')
  );
}

/** `bigint NOT NULL DEFAULT nextval(…)`: a column as a line of a table's text. */
export function columnText(c: CatalogColumn): string {
  const parts = [c.type];
  if (c.notNull) parts.push('NOT NULL');
  if (c.identity === 'stored') parts.push(`GENERATED ALWAYS AS (${c.default ?? ''}) STORED`);
  else {
    if (c.default !== null) parts.push(`DEFAULT ${c.default}`);
    if (c.identity) parts.push(`GENERATED ${c.identity.toUpperCase()} AS IDENTITY`);
  }
  return parts.join(' ');
}

/** An identifier as it reads in a definition: bare when PostgreSQL would not quote it. */
function ident(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

/**
 * The object's whole text, for side by side: its definition as the server gave it, a table's
 * columns in order, and its owner and grants (a lost grant is a change too).
 */
export function objectText(o: CatalogObject): string {
  const lines: string[] = [];
  const qualified = `${ident(o.schema)}.${ident(o.name)}`;
  if (o.columns !== null && (o.kind === 'table' || o.kind === 'partitioned table' || o.kind === 'foreign table')) {
    lines.push(`CREATE TABLE ${qualified} (`);
    o.columns.forEach((c, i) => lines.push(`  ${ident(c.name)} ${columnText(c)}${i < o.columns!.length - 1 ? ',' : ''}`));
    lines.push(');');
  } else if (o.kind === 'view' || o.kind === 'materialized view') {
    lines.push(`CREATE ${o.kind.toUpperCase()} ${qualified} AS`, ...(o.definition ?? '').replace(/\s+$/, '').split('\n'));
  } else if (o.definition !== null) {
    lines.push(...o.definition.replace(/\s+$/, '').split('\n'));
  }
  lines.push(`-- owner: ${o.owner}`);
  for (const grant of o.grants ?? []) lines.push(`-- grant: ${grant}`);
  return lines.join('\n');
}

function columnParts(before: readonly CatalogColumn[], after: readonly CatalogColumn[]): ChangePart[] {
  const parts: ChangePart[] = [];
  const old = new Map(before.map((c) => [c.name, c]));
  const now = new Map(after.map((c) => [c.name, c]));
  for (const c of after) {
    const b = old.get(c.name);
    if (!b) parts.push({ part: `column ${c.name}`, change: 'added', before: null, after: columnText(c) });
    else if (columnText(b) !== columnText(c)) parts.push({ part: `column ${c.name}`, change: 'changed', before: columnText(b), after: columnText(c) });
  }
  for (const b of before) if (!now.has(b.name)) parts.push({ part: `column ${b.name}`, change: 'dropped', before: columnText(b), after: null });
  const kept = (cols: readonly CatalogColumn[], other: Map<string, CatalogColumn>) => cols.filter((c) => other.has(c.name)).map((c) => c.name);
  const orderBefore = kept(before, now);
  const orderAfter = kept(after, old);
  if (orderBefore.join('\u0000') !== orderAfter.join('\u0000')) parts.push({ part: 'column order', change: 'changed', before: orderBefore.join(', '), after: orderAfter.join(', ') });
  return parts;
}

function objectParts(before: CatalogObject, after: CatalogObject, storage: boolean): ChangePart[] {
  const parts = columnParts(before.columns ?? [], after.columns ?? []);
  if (before.definition !== after.definition) parts.push({ part: 'definition', change: 'changed', before: before.definition, after: after.definition });
  if (before.owner !== after.owner) parts.push({ part: 'owner', change: 'changed', before: before.owner, after: after.owner });
  const grants = (o: CatalogObject) => (o.grants === null ? 'default privileges' : o.grants.join(', ') || 'none');
  if (grants(before) !== grants(after)) parts.push({ part: 'grants', change: 'changed', before: grants(before), after: grants(after) });
  if (storage && before.relfilenode !== after.relfilenode) {
    parts.push({ part: 'storage', change: 'changed', before: before.relfilenode === null ? null : `relfilenode ${before.relfilenode}`, after: after.relfilenode === null ? null : `relfilenode ${after.relfilenode}` });
  }
  return parts;
}

function changeOf(o: CatalogObject, change: SchemaChange['change'], before: CatalogObject | null, after: CatalogObject | null, parts: ChangePart[]): SchemaChange {
  const rewritten = parts.some((p) => p.part === 'storage' && p.before !== null && p.after !== null);
  return {
    kind: o.kind,
    name: objectName(o),
    table: o.table === null ? null : `${o.schema}.${o.table}`,
    change,
    before: before && objectText(before),
    after: after && objectText(after),
    parts,
    rewritten,
    // What the rewrite copied, for `no-rewrite-above-rows`: the estimate before the step (indexes have none).
    ...(rewritten && before && before.estimatedRows !== null ? { rowsBefore: before.estimatedRows } : {}),
  };
}

export interface DiffOptions {
  /** Report a changed relfilenode (a rewrite). Off for drift. */
  storage: boolean;
}

/** Every object added, changed or dropped from `before` to `after`, in the snapshots' order. */
export function diffCatalogs(before: readonly CatalogObject[], after: readonly CatalogObject[], options: DiffOptions): SchemaChange[] {
  const old = new Map(before.map((o) => [keyOf(o), o]));
  const now = new Map(after.map((o) => [keyOf(o), o]));
  const changes: { at: CatalogObject; change: SchemaChange }[] = [];
  for (const [key, o] of now) {
    const b = old.get(key);
    if (!b) changes.push({ at: o, change: changeOf(o, 'added', null, o, []) });
    else {
      const parts = objectParts(b, o, options.storage);
      if (parts.length > 0) changes.push({ at: o, change: changeOf(o, 'changed', b, o, parts) });
    }
  }
  for (const [key, b] of old) if (!now.has(key)) changes.push({ at: b, change: changeOf(b, 'dropped', b, null, []) });
  return changes.sort((x, y) => compareObjects(x.at, y.at)).map((c) => c.change);
}

/** `view public.attempt`: how a change is named in sentences and in `expected-changes`. */
export const changeLabel = (c: Pick<SchemaChange, 'kind' | 'name'>) => `${c.kind} ${c.name}`;

/** One line per change: `changed table public.attempt: column score integer → bigint; rewritten`. */
export function changeSummary(c: SchemaChange): string {
  if (c.change !== 'changed') return `${c.change} ${changeLabel(c)}`;
  const parts = c.parts.map((p) => {
    if (p.part === 'storage') return `rewritten (${p.before ?? 'none'} → ${p.after ?? 'none'})`;
    if (p.part === 'definition') return 'definition changed';
    if (p.change === 'added') return `${p.part} added (${p.after})`;
    if (p.change === 'dropped') return `${p.part} dropped`;
    return `${p.part} ${p.before} → ${p.after}`;
  });
  return `changed ${changeLabel(c)}: ${parts.join('; ')}`;
}

/** Everything dropped: whole objects, and columns of objects that stay (`public.attempt.score`). */
export function dropsOf(changes: readonly SchemaChange[]): { name: string; label: string; object: SchemaChange }[] {
  const drops: { name: string; label: string; object: SchemaChange }[] = [];
  for (const c of changes) {
    if (c.change === 'dropped') drops.push({ name: c.name, label: changeLabel(c), object: c });
    for (const p of c.parts) {
      if (p.change === 'dropped' && p.part.startsWith('column ')) {
        const column = p.part.slice('column '.length);
        drops.push({ name: `${c.name}.${column}`, label: `column ${c.name}.${column}`, object: c });
      }
    }
  }
  return drops;
}

/**
 * Whether a change is one `expected-changes` lists: `public.attempt` (any kind), `view public.attempt`
 * (that kind). A listed table also covers the indexes rebuilt with it (a rewrite gives them new
 * storage, nothing else); an index added, dropped or redefined must be listed itself.
 */
export function isExpected(c: Pick<SchemaChange, 'kind' | 'name' | 'table' | 'change' | 'parts'>, listed: readonly string[]): boolean {
  const named = (name: string, kind: string) => listed.some((entry) => entry === name || entry === `${kind} ${name}`);
  if (named(c.name, c.kind)) return true;
  const rebuiltOnly = c.change === 'changed' && c.parts.every((p) => p.part === 'storage');
  return rebuiltOnly && c.table !== null && (named(c.table, 'table') || named(c.table, 'partitioned table') || named(c.table, 'materialized view'));
}
