/**
 * Every `sql` and `explain` check sends nothing but a single SELECT (issue 8): READ ONLY stops
 * writes to tables, but not a superuser's `COPY … TO PROGRAM`, a replication slot, a stats
 * reset or an advisory lock — and EXPLAIN ANALYZE executes what it explains. The text is parsed
 * by PostgreSQL's own parser (libpg-query) before anything is sent: one statement, a
 * SelectStmt, no SELECT … INTO, no data-modifying WITH, no FOR UPDATE, and no call to a
 * function known to act outside the transaction. Functions called inside a view's own
 * definition are not visible here: a read-only role is the real guarantee (docs/safety.md).
 */
import { parse } from 'libpg-query';

export class RefusedStatementError extends Error {}

const WRITES = new Set(['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt']);

/**
 * Functions with effects outside the read-only transaction, refused by name (lower case;
 * a trailing `*` is a prefix). https://www.postgresql.org/docs/current/functions-admin.html
 */
const SIDE_EFFECT_FUNCTIONS = [
  // replication slots and WAL
  'pg_create_physical_replication_slot', 'pg_create_logical_replication_slot', 'pg_drop_replication_slot',
  'pg_copy_physical_replication_slot', 'pg_copy_logical_replication_slot', 'pg_replication_slot_advance',
  'pg_logical_slot_get_changes', 'pg_logical_slot_get_binary_changes', 'pg_logical_emit_message',
  'pg_replication_origin_*', 'pg_switch_wal', 'pg_create_restore_point', 'pg_promote', 'pg_wal_replay_*',
  'pg_backup_start', 'pg_backup_stop', 'pg_start_backup', 'pg_stop_backup',
  // statistics, server and other sessions
  'pg_stat_reset*', 'pg_stat_statements_reset', 'pg_terminate_backend', 'pg_cancel_backend', 'pg_reload_conf',
  'pg_rotate_logfile', 'pg_log_backend_memory_contexts', 'pg_notify', 'pg_import_system_collations',
  // session state that outlives the check
  'set_config', 'pg_advisory_*', 'pg_try_advisory_*',
  // server files and large objects
  'lo_import', 'lo_export', 'lo_create', 'lo_creat', 'lo_unlink', 'lo_put', 'lo_from_bytea', 'lo_truncate', 'lo_truncate64',
  'lowrite', 'lo_open', 'pg_file_write', 'pg_file_rename', 'pg_file_unlink', 'pg_file_sync',
  'pg_read_file', 'pg_read_binary_file', 'pg_ls_dir', 'pg_stat_file',
  // other servers
  'dblink*',
];

function refusedFunction(name: string): boolean {
  return SIDE_EFFECT_FUNCTIONS.some((f) => (f.endsWith('*') ? name.startsWith(f.slice(0, -1)) : name === f));
}

/** `purpose` names the check kind in the message: "an explain check", "a sql check". */
export async function assertSingleSelect(sql: string, purpose = 'EXPLAIN ANALYZE'): Promise<void> {
  let tree: { stmts?: { stmt: Record<string, unknown> }[] };
  try {
    tree = (await parse(sql)) as typeof tree;
  } catch (error) {
    throw new RefusedStatementError(`not sent: the statement does not parse: ${(error as Error).message}`);
  }
  const statements = tree.stmts ?? [];
  if (statements.length !== 1) {
    throw new RefusedStatementError(`not sent: ${purpose} takes exactly one statement, found ${statements.length}`);
  }
  const [kind] = Object.keys(statements[0]!.stmt);
  if (kind !== 'SelectStmt') {
    throw new RefusedStatementError(`not sent: ${purpose} runs only a SELECT, this is ${kind}`);
  }
  const found = findForbidden(statements[0]!.stmt);
  if (found) throw new RefusedStatementError(`not sent: the SELECT contains ${found}`);
}

function functionName(call: Record<string, unknown>): string {
  const parts = (call.funcname as { String?: { sval?: string } }[] | undefined) ?? [];
  return parts.map((p) => p.String?.sval ?? '').at(-1)?.toLowerCase() ?? '';
}

function findForbidden(node: unknown): string | null {
  if (Array.isArray(node)) {
    for (const child of node) {
      const found = findForbidden(child);
      if (found) return found;
    }
    return null;
  }
  if (node === null || typeof node !== 'object') return null;
  for (const [key, value] of Object.entries(node)) {
    if (WRITES.has(key)) return `a data-modifying statement (${key}), which would write`;
    if (key === 'intoClause') return 'SELECT … INTO, which would write';
    if (key === 'lockingClause') return 'FOR UPDATE/SHARE, which would lock rows';
    if (key === 'FuncCall' && value && typeof value === 'object') {
      const name = functionName(value as Record<string, unknown>);
      if (refusedFunction(name)) return `a call to ${name}(), which acts outside a read-only transaction`;
    }
    const found = findForbidden(value);
    if (found) return found;
  }
  return null;
}
