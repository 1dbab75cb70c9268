/**
 * The second half of the SQL guard (issue 25): what the statement names, resolved against the
 * target server's own catalog in the check's READ ONLY transaction, before the statement is sent.
 * PostgreSQL's classification decides: a function the server marks VOLATILE (pg_proc.provolatile
 * = 'v') may change something beyond its result, so it is refused unless it is a built-in on the
 * short ALLOWED_VOLATILE list or the check names it in `allowFunctions`.
 *
 * - Functions by name, with the session's search_path (`current_schemas(true)`) or their schema
 *   when qualified. Overloads are judged together: if any candidate of that name fails, the call
 *   is refused (the guard does not redo PostgreSQL's overload resolution).
 * - Operators by name (an operator is a function call), and explicit casts by their target type
 *   (a cast may call a function): every candidate's function is judged like a call.
 * - Built-in functions (oid below 16384, FirstNormalObjectId: created by initdb) and functions of
 *   an installed extension are judged by their declared volatility.
 * - User-defined functions: LANGUAGE sql bodies are followed (their statements must be SELECTs,
 *   and what they call is judged the same way, under their own `SET search_path` too); a function
 *   in any other language (plpgsql, plpython…) is code the guard cannot see into, whatever
 *   volatility it declares, so it is refused unless the check allows it by name. A user-defined
 *   aggregate's transition and final functions are judged. Default argument expressions are followed.
 * - User views are followed through `pg_get_viewdef` (a view's functions run as the caller, so a
 *   superuser collecting is exactly who a hostile view wants); built-in views (pg_stat_activity,
 *   pg_locks) are PostgreSQL's own and are not. Row-level security policies of the tables read
 *   are followed. A foreign table that runs a program (file_fdw `program`) is refused.
 *
 * Not seen (a read-only role is the guarantee, docs/safety.md): functions PostgreSQL calls
 * without the statement naming them — implicit and assignment casts, the comparison and hash
 * support functions of an operator class used to sort or group, type input/output functions,
 * domain constraints — and what an allowed or opaque function does inside.
 */
import type { ReadOnlyTransaction } from '../db/session.ts';
import { ALLOWED_VOLATILE, allowedByCheck, CATEGORY_REASONS, refusedCategory } from './function-rules.ts';
import { displayName, parseSql, scanTree, type NamedObjects, type ParseTree, type QualifiedName } from './single-select.ts';

/** Views, function definitions and policies followed for one statement, at most. */
const MAX_FOLLOWED = 500;
/** Characters of followed definitions, at most: a check is refused rather than parse without bound. */
const MAX_DEFINITION_CHARS = 8 * 1024 * 1024;

export interface CatalogVerdict {
  /** Why the statement is not sent, or null. */
  refusal: string | null;
  /** Functions (`schema.name`) that ran only because the check names them in `allowFunctions`. */
  allowedByCheck: string[];
}

interface Request extends QualifiedName {
  /** What led here: `view public.v`, `function public.f()`, `operator ===`… (empty: the statement itself). */
  via: readonly string[];
  /** Schemas searched besides the session's: a followed function's own `SET search_path`. */
  path: readonly string[];
}

interface Work {
  functions: Request[];
  operators: Request[];
  castTargets: Request[];
  relations: Request[];
  /** Function oids reached without a name: an aggregate's support functions. */
  oids: { oid: string; via: readonly string[] }[];
}

const emptyWork = (): Work => ({ functions: [], operators: [], castTargets: [], relations: [], oids: [] });

function addNames(work: Work, names: NamedObjects, via: readonly string[], path: readonly string[]): void {
  for (const key of ['functions', 'operators', 'castTargets', 'relations'] as const) {
    for (const n of names[key]) work[key].push({ ...n, via, path });
  }
}

const isEmpty = (work: Work) => Object.values(work).every((list) => list.length === 0);

// Every name in the guard's own queries is qualified: a search_path set by the database's owner
// must not put their functions in the guard's place.
const IN_PATH = `CASE WHEN w.schema IS NULL
        THEN n.nspname = ANY (pg_catalog.current_schemas(true)) OR n.nspname IN (SELECT pg_catalog.jsonb_array_elements_text(w.path))
        ELSE n.nspname = w.schema END`;

/**
 * Function oids each request can reach. Built-in functions that are not VOLATILE are left out:
 * they pass whatever else holds (the by-name refusals were applied to the parse tree).
 */
const RESOLVE_SQL = `WITH w AS (SELECT * FROM pg_catalog.jsonb_to_recordset($1::jsonb) AS w(i int, kind text, schema text, name text, path jsonb))
SELECT w.i::text, p.oid::text
  FROM w JOIN pg_catalog.pg_proc p ON w.kind = 'function' AND p.proname = w.name
  JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
 WHERE (${IN_PATH}) AND (p.oid >= 16384 OR p.provolatile = 'v')
UNION ALL
SELECT w.i::text, p.oid::text
  FROM w JOIN pg_catalog.pg_operator o ON w.kind = 'operator' AND o.oprname = w.name
  JOIN pg_catalog.pg_namespace n ON n.oid = o.oprnamespace
  JOIN pg_catalog.pg_proc p ON p.oid = o.oprcode
 WHERE (${IN_PATH}) AND (p.oid >= 16384 OR p.provolatile = 'v')
UNION ALL
SELECT w.i::text, p.oid::text
  FROM w JOIN pg_catalog.pg_type t ON w.kind = 'cast' AND t.typname = w.name
  JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
  JOIN pg_catalog.pg_cast c ON c.casttarget = t.oid
  JOIN pg_catalog.pg_proc p ON p.oid = c.castfunc
 WHERE (${IN_PATH}) AND (p.oid >= 16384 OR p.provolatile = 'v')`;

const DESCRIBE_SQL = `SELECT p.oid::text, n.nspname, p.proname, p.provolatile::text, l.lanname, p.prokind::text,
       (p.oid < 16384)::text AS builtin, e.member::text,
       CASE WHEN p.oid >= 16384 AND NOT e.member AND p.prokind = 'f' THEN pg_catalog.pg_get_functiondef(p.oid) END AS definition,
       (SELECT pg_catalog.concat_ws(',', NULLIF(a.aggtransfn::pg_catalog.oid, 0::pg_catalog.oid), NULLIF(a.aggfinalfn::pg_catalog.oid, 0::pg_catalog.oid),
               NULLIF(a.aggcombinefn::pg_catalog.oid, 0::pg_catalog.oid), NULLIF(a.aggserialfn::pg_catalog.oid, 0::pg_catalog.oid), NULLIF(a.aggdeserialfn::pg_catalog.oid, 0::pg_catalog.oid),
               NULLIF(a.aggmtransfn::pg_catalog.oid, 0::pg_catalog.oid), NULLIF(a.aggminvtransfn::pg_catalog.oid, 0::pg_catalog.oid), NULLIF(a.aggmfinalfn::pg_catalog.oid, 0::pg_catalog.oid))
          FROM pg_catalog.pg_aggregate a WHERE a.aggfnoid = p.oid) AS support
  FROM pg_catalog.pg_proc p
  JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
  JOIN pg_catalog.pg_language l ON l.oid = p.prolang
  CROSS JOIN LATERAL (SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
        WHERE d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.objid = p.oid AND d.deptype = 'e') AS member) e
 WHERE p.oid = ANY ($1::pg_catalog.oid[])`;

const RELATIONS_SQL = `WITH w AS (SELECT * FROM pg_catalog.jsonb_to_recordset($1::jsonb) AS w(i int, schema text, name text, path jsonb))
SELECT w.i::text, c.oid::text, n.nspname, c.relname,
       CASE WHEN c.relkind = 'v' AND c.oid >= 16384 THEN pg_catalog.pg_get_viewdef(c.oid) END AS viewdef,
       CASE WHEN c.relrowsecurity THEN (SELECT pg_catalog.json_agg(pg_catalog.json_build_array(pol.polname, pg_catalog.pg_get_expr(pol.polqual, pol.polrelid)))::text
          FROM pg_catalog.pg_policy pol WHERE pol.polrelid = c.oid AND pol.polqual IS NOT NULL) END AS policies,
       CASE WHEN c.relkind = 'f' THEN (SELECT pg_catalog.bool_or(o.option LIKE 'program=%')
          FROM pg_catalog.pg_foreign_table ft CROSS JOIN LATERAL pg_catalog.unnest(ft.ftoptions) AS o(option) WHERE ft.ftrelid = c.oid) END::text AS program
  FROM w JOIN pg_catalog.pg_class c ON c.relname = w.name
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE ${IN_PATH}`;

const through = (via: readonly string[]) => (via.length > 0 ? ` (through ${via.join(' → ')})` : '');

/** Rules for one resolved function; a refusal sentence or null. */
function judgeFunction(
  fn: { schema: string; name: string; volatile: boolean; language: string; kind: string; builtin: boolean; extension: boolean },
  allow: readonly string[],
  allowed: Set<string>,
): string | null {
  const q = `${fn.schema}.${fn.name}`;
  const byCheck = allowedByCheck(allow, fn.schema, fn.name);
  const category = refusedCategory(fn.name);
  if (category) return `calls ${q}(), which ${CATEGORY_REASONS[category]}${byCheck ? ' (it cannot be allowed)' : ''}`;
  const opaque = !fn.builtin && !fn.extension && fn.kind !== 'a' && fn.language !== 'sql';
  const volatile = fn.volatile && !(fn.builtin && fn.schema === 'pg_catalog' && ALLOWED_VOLATILE.includes(fn.name));
  if (!opaque && !volatile) return null;
  if (byCheck) {
    allowed.add(q);
    return null;
  }
  if (opaque) {
    return `calls ${q}(), a user-defined ${fn.language} function: code the guard cannot see into, whatever volatility it declares; if it only reads, name it in the check's allowFunctions`;
  }
  return `calls ${q}(), which PostgreSQL marks VOLATILE (it may change something beyond its result); if it only reads, name it in the check's allowFunctions`;
}

/** The search_path a function's definition sets (`SET search_path TO 'a', 'b'`), as schema names. */
function configuredPath(createFunction: Record<string, unknown>): string[] {
  const options = (createFunction.options as { DefElem?: { defname?: string; arg?: Record<string, unknown> } }[] | undefined) ?? [];
  const set = options.find((o) => o.DefElem?.defname === 'set')?.DefElem?.arg?.VariableSetStmt as { name?: string; args?: { A_Const?: { sval?: { sval?: string } } }[] } | undefined;
  if (set?.name !== 'search_path') return [];
  return (set.args ?? []).map((a) => a.A_Const?.sval?.sval ?? '').filter(Boolean);
}

/** The function's body text (`AS '…'`), for a LANGUAGE sql function written without BEGIN ATOMIC. */
function bodyText(createFunction: Record<string, unknown>): string | null {
  const options = (createFunction.options as { DefElem?: { defname?: string; arg?: { List?: { items?: { String?: { sval?: string } }[] } } } }[] | undefined) ?? [];
  return options.find((o) => o.DefElem?.defname === 'as')?.DefElem?.arg?.List?.items?.[0]?.String?.sval ?? null;
}

/**
 * Resolves what a statement names against the catalog and follows views, SQL function bodies and
 * policies until nothing new is reached. `allow`: the check's `allowFunctions`.
 */
export async function catalogVerdict(tx: ReadOnlyTransaction, names: NamedObjects, allow: readonly string[] = []): Promise<CatalogVerdict> {
  const allowed = new Set<string>();
  const seenFunctions = new Set<string>();
  const seenRelations = new Set<string>();
  let followed = 0;
  let followedChars = 0;
  let work = emptyWork();
  addNames(work, names, [], []);

  const verdict = (refusal: string | null): CatalogVerdict => ({ refusal, allowedByCheck: [...allowed].sort() });

  /** Parses and scans one followed definition; a refusal, else its names go to `next`. */
  const follow = async (next: Work, text: string, via: readonly string[], path: readonly string[], shape: 'select' | 'function'): Promise<string | null> => {
    followed += 1;
    followedChars += text.length;
    if (followed > MAX_FOLLOWED || followedChars > MAX_DEFINITION_CHARS) {
      return `reaches more than ${MAX_FOLLOWED} views, functions and policies (or ${MAX_DEFINITION_CHARS} characters of their definitions): too much to check${through(via)}`;
    }
    let tree: ParseTree;
    try {
      tree = await parseSql(text);
    } catch {
      return `reaches a definition the guard cannot parse${through(via)}`;
    }
    const statements = (tree.stmts ?? []).map((s) => s.stmt);
    if (shape === 'select') {
      const kind = statements.length === 1 ? Object.keys(statements[0]!)[0] : `${statements.length} statements`;
      if (kind !== 'SelectStmt') return `reaches ${kind} where a SELECT was expected${through(via)}`;
      return scanInto(next, statements[0], via, path);
    }
    const create = statements[0]?.CreateFunctionStmt as Record<string, unknown> | undefined;
    if (!create) return `reaches a function definition the guard cannot read${through(via)}`;
    const ownPath = [...path, ...configuredPath(create)];
    // The CREATE statement as a whole: default argument expressions and a BEGIN ATOMIC body.
    const refusal = scanInto(next, create, via, ownPath);
    if (refusal) return refusal;
    const language = (create.options as { DefElem?: { defname?: string; arg?: { String?: { sval?: string } } } }[] | undefined)?.find((o) => o.DefElem?.defname === 'language')?.DefElem?.arg?.String?.sval;
    const body = language === 'sql' ? bodyText(create) : null;
    if (body === null) return null;
    let bodyTree: ParseTree;
    try {
      bodyTree = await parseSql(body);
    } catch {
      return `reaches a function body the guard cannot parse${through(via)}`;
    }
    for (const { stmt } of bodyTree.stmts ?? []) {
      const [kind] = Object.keys(stmt);
      if (kind !== 'SelectStmt') return `reaches a function whose body holds ${kind}, not only SELECTs${through(via)}`;
      const inner = scanInto(next, stmt, via, ownPath);
      if (inner) return inner;
    }
    return null;
  };

  while (!isEmpty(work)) {
    const next = emptyWork();

    // Functions, operators and cast targets: to function oids.
    const requests = [
      ...work.functions.map((r) => ({ kind: 'function', r, via: r.via })),
      ...work.operators.map((r) => ({ kind: 'operator', r, via: [...r.via, `operator ${displayName(r)}`] })),
      ...work.castTargets.map((r) => ({ kind: 'cast', r, via: [...r.via, `cast to ${displayName(r)}`] })),
    ];
    const reached = new Map<string, readonly string[]>(work.oids.map((o) => [o.oid, o.via]));
    if (requests.length > 0) {
      const json = JSON.stringify(requests.map(({ kind, r }, i) => ({ i, kind, schema: r.schema, name: r.name, path: r.path })));
      for (const [i, oid] of (await tx.query(RESOLVE_SQL, [json])).rows) {
        if (oid && !reached.has(oid)) reached.set(oid, requests[Number(i)]!.via);
      }
    }
    const fresh = [...reached.keys()].filter((oid) => !seenFunctions.has(oid));
    if (fresh.length > 0) {
      for (const row of (await tx.query(DESCRIBE_SQL, [`{${fresh.join(',')}}`])).rows) {
        const [oid, schema, name, volatility, language, kind, builtin, member, definition, support] = row as string[];
        seenFunctions.add(oid!);
        const via = reached.get(oid!) ?? [];
        const refusal = judgeFunction(
          { schema: schema!, name: name!, volatile: volatility === 'v', language: language!, kind: kind!, builtin: builtin === 'true', extension: member === 'true' },
          allow,
          allowed,
        );
        if (refusal) return verdict(`not sent: the SELECT ${refusal}${through(via)}`);
        const self = `${kind === 'a' ? 'aggregate' : 'function'} ${schema}.${name}()`;
        if (support) for (const s of support.split(',')) next.oids.push({ oid: s, via: [...via, self] });
        if (definition) {
          const inner = await follow(next, definition, [...via, self], [], 'function');
          if (inner) return verdict(`not sent: the SELECT ${inner}`);
        }
      }
    }

    // Relations: credential catalogs, views and policies followed, programs behind foreign tables.
    if (work.relations.length > 0) {
      const json = JSON.stringify(work.relations.map((r, i) => ({ i, schema: r.schema, name: r.name, path: r.path })));
      for (const [i, oid, schema, name, viewdef, policies, program] of (await tx.query(RELATIONS_SQL, [json])).rows) {
        const request = work.relations[Number(i)]!;
        if (seenRelations.has(oid!)) continue;
        seenRelations.add(oid!);
        const q = `${schema}.${name}`;
        if (program === 'true') return verdict(`not sent: the SELECT reads ${q}, a foreign table that runs a program on the server${through(request.via)}`);
        if (viewdef) {
          const inner = await follow(next, viewdef, [...request.via, `view ${q}`], [], 'select');
          if (inner) return verdict(`not sent: the SELECT ${inner}`);
        }
        for (const [policy, expression] of policies ? (JSON.parse(policies) as [string, string][]) : []) {
          const inner = await follow(next, `SELECT ${expression}`, [...request.via, `policy ${policy} on ${q}`], [], 'select');
          if (inner) return verdict(`not sent: the SELECT ${inner}`);
        }
      }
    }
    work = next;
  }
  return verdict(null);
}

/** Scans a followed tree: a refusal (said as what the SELECT reaches), else its names go to `next`. */
function scanInto(next: Work, tree: unknown, via: readonly string[], path: readonly string[]): string | null {
  const { refusal, names } = scanTree(tree);
  if (refusal) return `reaches ${refusal}${through(via)}`;
  addNames(next, names, via, path);
  return null;
}
