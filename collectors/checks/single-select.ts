/**
 * Every `sql` and `explain` check sends nothing but a single SELECT (issue 8): READ ONLY stops
 * writes to tables, but not a superuser's `COPY … TO PROGRAM`, a replication slot, a stats
 * reset or an advisory lock — and EXPLAIN ANALYZE executes what it explains. The text is parsed
 * by PostgreSQL's own parser (libpg-query) before anything is sent: one statement, a
 * SelectStmt, no SELECT … INTO, no data-modifying WITH, no FOR UPDATE, no call to a function
 * refused by name (function-rules.ts: side effects, SQL given as text, index writes) and nothing
 * that reads password hashes (issue 25).
 *
 * This is the first half of the guard, before any session is used. The walk also returns every
 * function, operator, relation and cast target the statement names, which the second half
 * (catalog-guard.ts) resolves against the target server's catalog: volatility, views and SQL
 * function bodies followed.
 */
import { parse } from 'libpg-query';
import { CATEGORY_REASONS, CREDENTIAL_COLUMNS, CREDENTIAL_RELATIONS, credentialNamedIn, refusedCategory } from './function-rules.ts';

export class RefusedStatementError extends Error {}

export interface QualifiedName {
  schema: string | null;
  name: string;
}

/** What a statement names, for the catalog to resolve. */
export interface NamedObjects {
  functions: QualifiedName[];
  operators: QualifiedName[];
  relations: QualifiedName[];
  /** Targets of explicit casts (`x::t`, `CAST(x AS t)`): a cast may run a function. */
  castTargets: QualifiedName[];
}

export interface ParseTree {
  stmts?: { stmt: Record<string, unknown> }[];
}

const WRITES = new Set(['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt']);

type Node = Record<string, unknown>;
type StringNode = { String?: { sval?: string } };

function strings(list: unknown): string[] {
  return Array.isArray(list) ? (list as StringNode[]).map((p) => p.String?.sval ?? '') : [];
}

/** `[schema, name]` or `[name]` as the parser gives a dotted name (a catalog-qualified function has three parts at most). */
function qualified(parts: string[]): QualifiedName | null {
  const name = parts.at(-1);
  if (!name) return null;
  return { schema: parts.length > 1 ? parts.at(-2)! : null, name };
}

export const displayName = (n: QualifiedName) => (n.schema ? `${n.schema}.${n.name}` : n.name);

/**
 * Walks any parse tree (a statement, a view's definition, a function's CREATE statement):
 * the first thing it holds that is refused whatever the catalog says, and every name the catalog
 * must resolve. Iterative, so a deeply nested expression cannot overflow the stack; linear in
 * the tree's size.
 */
export function scanTree(root: unknown): { refusal: string | null; names: NamedObjects } {
  const names: NamedObjects = { functions: [], operators: [], relations: [], castTargets: [] };
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i -= 1) stack.push(node[i]);
      continue;
    }
    if (node === null || typeof node !== 'object') continue;
    const entries = Object.entries(node as Node);
    for (const [key, value] of entries) {
      const refusal = refusalAt(key, value, names);
      if (refusal) return { refusal, names };
    }
    for (let i = entries.length - 1; i >= 0; i -= 1) stack.push(entries[i]![1]);
  }
  return { refusal: null, names };
}

/** Looks at one `key: value` of a node: a refusal, or the names it adds. */
function refusalAt(key: string, value: unknown, names: NamedObjects): string | null {
  if (WRITES.has(key)) return `a data-modifying statement (${key}), which would write`;
  if (key === 'intoClause') return 'SELECT … INTO, which would write';
  if (key === 'lockingClause') return 'FOR UPDATE/SHARE, which would lock rows';
  if (value === null || typeof value !== 'object') return null;
  const node = value as Node;
  switch (key) {
    case 'FuncCall': {
      const fn = qualified(strings(node.funcname));
      if (!fn) return null;
      const category = refusedCategory(fn.name);
      if (category) return `a call to ${fn.name.toLowerCase()}(), which ${CATEGORY_REASONS[category]}`;
      names.functions.push(fn);
      return null;
    }
    case 'A_Expr': {
      // BETWEEN is written as a name but runs the >= and <= operators.
      const kind = String(node.kind ?? '');
      if (kind.includes('BETWEEN')) names.operators.push({ schema: null, name: '>=' }, { schema: null, name: '<=' });
      else pushOperator(names, node.name);
      return null;
    }
    case 'SubLink':
      pushOperator(names, node.operName);
      return null;
    case 'SortBy':
      pushOperator(names, node.useOp);
      return null;
    case 'TypeCast': {
      const target = qualified(strings((node.typeName as Node | undefined)?.names));
      if (target) names.castTargets.push(target);
      return null;
    }
    case 'RangeVar': {
      const relation = { schema: typeof node.schemaname === 'string' ? node.schemaname : null, name: String(node.relname ?? '') };
      if (CREDENTIAL_RELATIONS.includes(relation.name.toLowerCase())) return `a read of ${relation.name}, where PostgreSQL keeps password hashes and stored passwords`;
      names.relations.push(relation);
      return null;
    }
    case 'ColumnRef': {
      const column = strings(node.fields).find((f) => CREDENTIAL_COLUMNS.includes(f.toLowerCase()));
      return column ? `the column ${column}, which holds password hashes or stored passwords` : null;
    }
    case 'A_Const': {
      const text = (node.sval as { sval?: string } | undefined)?.sval;
      const named = typeof text === 'string' ? credentialNamedIn(text) : null;
      return named ? `a string naming ${named}, where PostgreSQL keeps password hashes or stored passwords` : null;
    }
    default:
      return null;
  }
}

function pushOperator(names: NamedObjects, list: unknown): void {
  const op = qualified(strings(list));
  if (op) names.operators.push(op);
}

/** Parses text that must be SQL; a parse failure is a refusal. */
export async function parseSql(sql: string): Promise<ParseTree> {
  try {
    return (await parse(sql)) as ParseTree;
  } catch (error) {
    throw new RefusedStatementError(`not sent: the statement does not parse: ${(error as Error).message}`);
  }
}

/**
 * The first half of the guard. `purpose` names the check kind in the message: "an explain check",
 * "a sql check". Returns what the statement names, for the catalog half.
 */
export async function assertSingleSelect(sql: string, purpose = 'EXPLAIN ANALYZE'): Promise<NamedObjects> {
  const tree = await parseSql(sql);
  const statements = tree.stmts ?? [];
  if (statements.length !== 1) {
    throw new RefusedStatementError(`not sent: ${purpose} takes exactly one statement, found ${statements.length}`);
  }
  const [kind] = Object.keys(statements[0]!.stmt);
  if (kind !== 'SelectStmt') {
    throw new RefusedStatementError(`not sent: ${purpose} runs only a SELECT, this is ${kind}`);
  }
  const { refusal, names } = scanTree(statements[0]!.stmt);
  if (refusal) throw new RefusedStatementError(`not sent: the SELECT contains ${refusal}`);
  return names;
}
