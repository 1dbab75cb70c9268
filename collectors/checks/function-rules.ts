/**
 * What the SQL guard refuses by name, and the few VOLATILE functions it lets through (issue 25).
 * Pure data and matching: the parse-tree walk (single-select.ts) and the catalog walk
 * (catalog-guard.ts) both ask here.
 *
 * Two kinds of rule:
 * - **Refused by name, always** (`REFUSED_BY_NAME`): a check's `allowFunctions` cannot lift them.
 *   Matched on the function's own name, whatever its schema or argument types (a user function
 *   named `query_to_xml` is refused too): conservative, and it works before the catalog is read.
 * - **Refused unless allowed** (catalog-guard.ts): any function the target server marks VOLATILE
 *   (pg_proc.provolatile = 'v'), unless it is a built-in on `ALLOWED_VOLATILE` or the check names
 *   it in `allowFunctions`.
 *
 * How the lists were made (PostgreSQL 15 with every contrib extension installed, and PGlite's
 * PostgreSQL 18): functions whose `text`/`varchar`/`cstring` argument is named like
 * query/sql/statement/cursor; functions whose catalog description (obj_description) says query,
 * SQL, cursor or execute; and every volatile built-in and contrib function, read one by one.
 * Several string-SQL functions are *not* volatile — the `table_to_xml`, `schema_to_xml` and
 * `database_to_xml` families, contrib's `crosstab*`/`connectby` (tablefunc) and `xpath_table`
 * (xml2) are all STABLE — so the volatility rule alone would let them run: they are listed here.
 * https://www.postgresql.org/docs/current/functions-xml.html#FUNCTIONS-XML-MAPPING,
 * https://www.postgresql.org/docs/current/functions-admin.html
 */

export type RefusedCategory = 'string-sql' | 'writes' | 'outside-transaction';

/** The sentence after "which": why a function of each category is never sent. */
export const CATEGORY_REASONS: Record<RefusedCategory, string> = {
  'string-sql': 'runs SQL given to it as text (or built from the relation or schema it names) where the guard cannot see it',
  writes: 'writes an index, a relation\'s pages or its statistics',
  'outside-transaction': 'acts outside a read-only transaction',
};

/** Lower-case names; a trailing `*` is a prefix. */
const REFUSED_BY_NAME: Record<RefusedCategory, readonly string[]> = {
  'string-sql': [
    // query_to_xml(query text, …), ts_stat(query text), ts_rewrite(tsquery, select text): the query is a string.
    'query_to_xml', 'query_to_xmlschema', 'query_to_xml_and_xmlschema',
    // Fetch from a cursor opened elsewhere.
    'cursor_to_xml', 'cursor_to_xmlschema',
    // Build `SELECT * FROM <relation>` from a regclass, a schema or the whole database (STABLE): any
    // relation they name is read, `table_to_xml('pg_authid', …)` included.
    'table_to_xml', 'table_to_xmlschema', 'table_to_xml_and_xmlschema',
    'schema_to_xml', 'schema_to_xmlschema', 'schema_to_xml_and_xmlschema',
    'database_to_xml', 'database_to_xmlschema', 'database_to_xml_and_xmlschema',
    'ts_stat', 'ts_rewrite',
    // contrib: dblink runs SQL on another connection; tablefunc and xml2 run the text they are given.
    'dblink*', 'crosstab*', 'connectby', 'xpath_table',
  ],
  writes: [
    'brin_summarize_new_values', 'brin_summarize_range', 'brin_desummarize_range', 'gin_clean_pending_list',
    // PostgreSQL 18: planner statistics written from a function call.
    'pg_restore_relation_stats', 'pg_restore_attribute_stats', 'pg_clear_relation_stats', 'pg_clear_attribute_stats',
    // contrib: pg_visibility, pg_surgery, pg_prewarm.
    'pg_truncate_visibility_map', 'heap_force_kill', 'heap_force_freeze', 'pg_prewarm', 'autoprewarm_*',
  ],
  'outside-transaction': [
    // replication slots and WAL
    'pg_create_physical_replication_slot', 'pg_create_logical_replication_slot', 'pg_drop_replication_slot',
    'pg_copy_physical_replication_slot', 'pg_copy_logical_replication_slot', 'pg_replication_slot_advance',
    'pg_logical_slot_get_changes', 'pg_logical_slot_get_binary_changes', 'pg_logical_emit_message', 'pg_sync_replication_slots',
    'pg_replication_origin_*', 'pg_switch_wal', 'pg_create_restore_point', 'pg_promote', 'pg_wal_replay_*', 'pg_log_standby_snapshot',
    'pg_backup_start', 'pg_backup_stop', 'pg_start_backup', 'pg_stop_backup',
    // statistics, server and other sessions
    'pg_stat_reset*', 'pg_stat_statements_reset', 'pg_terminate_backend', 'pg_cancel_backend', 'pg_reload_conf',
    'pg_rotate_logfile*', 'pg_log_backend_memory_contexts', 'pg_notify', 'pg_import_system_collations',
    // session state that outlives the check: settings, locks, the random seed of later checks
    'set_config', 'pg_advisory_*', 'pg_try_advisory_*', 'setseed',
    // server files and large objects
    'lo_import', 'lo_export', 'lo_create', 'lo_creat', 'lo_unlink', 'lo_put', 'lo_from_bytea', 'lo_truncate', 'lo_truncate64',
    'lowrite', 'lo_open', 'pg_file_write', 'pg_file_rename', 'pg_file_unlink', 'pg_file_sync',
    'pg_read_file*', 'pg_read_binary_file', 'pg_ls_dir', 'pg_stat_file',
  ],
};

const matches = (pattern: string, name: string) => (pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern);

/** The category a function's name puts it in, or null (lower-cased before matching). */
export function refusedCategory(name: string): RefusedCategory | null {
  const lower = name.toLowerCase();
  for (const [category, names] of Object.entries(REFUSED_BY_NAME) as [RefusedCategory, readonly string[]][]) {
    if (names.some((pattern) => matches(pattern, lower))) return category;
  }
  return null;
}

/**
 * Built-in (pg_catalog) functions PostgreSQL marks VOLATILE that only produce a value or wait:
 * randomness, the clock, sleeping, and whether the server is a standby (the built-in checklist's
 * preflight asks). Anything else volatile — `pg_relation_size`, `pg_current_wal_lsn`,
 * `nextval`, an extension's function — runs only when a check names it in `allowFunctions`.
 */
export const ALLOWED_VOLATILE: readonly string[] = [
  'random', 'random_normal', 'array_shuffle', 'array_sample',
  'gen_random_uuid', 'uuidv4', 'uuidv7',
  'clock_timestamp', 'timeofday',
  'pg_sleep', 'pg_sleep_for', 'pg_sleep_until',
  'pg_is_in_recovery',
];

/**
 * Where password hashes and stored connection passwords live: refused in any form — a relation
 * read, a column named, or a string that names them (`table_to_xml('pg_authid', …)`,
 * `'pg_authid'::regclass`). `pg_roles`/`pg_user` show `********` and stay readable.
 */
export const CREDENTIAL_RELATIONS: readonly string[] = ['pg_authid', 'pg_shadow', 'pg_user_mapping', 'pg_user_mappings'];
export const CREDENTIAL_COLUMNS: readonly string[] = ['rolpassword', 'umoptions', 'subconninfo'];
/** Looked for inside every string constant (`pg_user_mapping` also finds `pg_user_mappings`). */
const CREDENTIAL_WORDS: readonly string[] = ['pg_authid', 'pg_shadow', 'pg_user_mapping', ...CREDENTIAL_COLUMNS];

/** The credential catalog or column a string names (case-insensitive), or null. */
export function credentialNamedIn(text: string): string | null {
  const lower = text.toLowerCase();
  return CREDENTIAL_WORDS.find((word) => lower.includes(word)) ?? null;
}

/**
 * A check's `allowFunctions` entry (`name` or `schema.name`) against a resolved function.
 * Names are compared as the catalog stores them.
 */
export function allowedByCheck(allow: readonly string[], schema: string, name: string): boolean {
  return allow.some((entry) => {
    const dot = entry.indexOf('.');
    return dot < 0 ? entry === name : entry.slice(0, dot) === schema && entry.slice(dot + 1) === name;
  });
}
