/**
 * Whether a migration script sets a non-zero `lock_timeout` before its first statement that takes a
 * strong lock (issue 28, `lock-timeout-set`). A DDL statement waiting for its lock queues every
 * later reader and writer of the table behind it; a lock_timeout makes it give up instead
 * (https://www.postgresql.org/docs/current/explicit-locking.html). Read from the statements'
 * words (statements.ts), so comments, strings and quoted names never count.
 *
 * A strong lock here is one that blocks ordinary writes or reads of an existing relation:
 * ALTER TABLE / INDEX / VIEW / MATERIALIZED VIEW / SEQUENCE / FOREIGN TABLE, DROP (but DROP INDEX
 * CONCURRENTLY), CREATE INDEX without CONCURRENTLY, CREATE TRIGGER, CREATE RULE, CREATE OR REPLACE
 * VIEW, CREATE TABLE … REFERENCES (SHARE ROW EXCLUSIVE on the referenced table), TRUNCATE, LOCK,
 * CLUSTER, VACUUM FULL, REINDEX and REFRESH MATERIALIZED VIEW without CONCURRENTLY.
 */
import { splitStatements, type SqlStatement, type SqlToken } from './statements.ts';

export interface LockTimeoutFinding {
  /** The first statement that takes a strong lock, or null when none does. */
  firstStrong: { line: number; text: string; what: string } | null;
  /** The statement that set a non-zero lock_timeout still in force at `firstStrong` (or the first one at all when none takes a strong lock), or null. */
  setBy: { line: number; text: string; value: string } | null;
}

const words = (tokens: readonly SqlToken[]) => tokens.filter((t) => t.type === 'word').map((t) => t.text);

/** What strong lock a statement takes, in a few words (`ALTER TABLE`), or null. */
export function strongLockOf(statement: SqlStatement): string | null {
  const w = words(statement.tokens);
  const [a, b, c] = w;
  const has = (word: string) => w.includes(word);
  switch (a) {
    case 'ALTER':
      if (b === 'TABLE' || b === 'INDEX' || b === 'VIEW' || b === 'SEQUENCE') return `ALTER ${b}`;
      if (b === 'MATERIALIZED' && c === 'VIEW') return 'ALTER MATERIALIZED VIEW';
      if (b === 'FOREIGN' && c === 'TABLE') return 'ALTER FOREIGN TABLE';
      return null;
    case 'DROP':
      if (b === 'INDEX' && c === 'CONCURRENTLY') return null;
      return b ? `DROP ${b}` : 'DROP';
    case 'CREATE': {
      const rest = w.slice(1);
      const orReplace = rest[0] === 'OR' && rest[1] === 'REPLACE';
      const what = orReplace ? rest.slice(2) : rest;
      const kind = what[0] === 'UNIQUE' ? what[1] : what[0] === 'CONSTRAINT' ? what[1] : what[0];
      if (kind === 'INDEX') return what.includes('CONCURRENTLY') ? null : 'CREATE INDEX (without CONCURRENTLY)';
      if (kind === 'TRIGGER' || kind === 'RULE') return `CREATE ${kind}`;
      if (orReplace && (kind === 'VIEW' || (kind === 'MATERIALIZED' && what[1] === 'VIEW'))) return 'CREATE OR REPLACE VIEW';
      const table = what.indexOf('TABLE');
      if (table >= 0 && table <= 3 && has('REFERENCES')) return 'CREATE TABLE … REFERENCES (locks the referenced table)';
      return null;
    }
    case 'TRUNCATE':
    case 'LOCK':
    case 'CLUSTER':
      return a;
    case 'VACUUM':
      return has('FULL') ? 'VACUUM FULL' : null;
    case 'REINDEX':
      return has('CONCURRENTLY') ? null : 'REINDEX';
    case 'REFRESH':
      return has('CONCURRENTLY') ? null : 'REFRESH MATERIALIZED VIEW';
    default:
      return null;
  }
}

/** Whether a lock_timeout value is non-zero: `'5s'`, `5000`, `'1min'`; `0`, `'0ms'` and DEFAULT are not. */
function nonZero(value: string): boolean {
  const m = /^\s*(\d+(?:\.\d*)?|\.\d+)/.exec(value);
  return m !== null && Number(m[1]) > 0;
}

type Setting = { kind: 'set'; local: boolean; value: string } | { kind: 'reset' } | null;

/** What a statement does to lock_timeout: sets it (SET, SET LOCAL, set_config), resets it, or nothing. */
function lockTimeoutSetting(statement: SqlStatement): Setting {
  const t = statement.tokens;
  const w = (i: number) => (t[i]?.type === 'word' ? t[i]!.text : null);
  const name = (i: number) => (t[i]?.type === 'word' || t[i]?.type === 'ident' ? t[i]!.text.toLowerCase() : null);
  if (w(0) === 'RESET') return name(1) === 'lock_timeout' || w(1) === 'ALL' ? { kind: 'reset' } : null;
  if (w(0) === 'SET') {
    let i = 1;
    const local = w(i) === 'LOCAL';
    if (w(i) === 'LOCAL' || w(i) === 'SESSION') i++;
    if (name(i) !== 'lock_timeout') return null;
    i++;
    if (w(i) === 'TO' || t[i]?.text === '=') i++;
    const value = t[i];
    if (!value || (value.type === 'word' && value.text === 'DEFAULT')) return { kind: 'reset' };
    return { kind: 'set', local, value: value.text };
  }
  // SELECT set_config('lock_timeout', '5s', is_local)
  for (let i = 0; i + 5 < t.length; i++) {
    if (t[i]!.type === 'word' && t[i]!.text === 'SET_CONFIG' && t[i + 1]!.text === '(' && t[i + 2]!.type === 'string' && t[i + 2]!.text.toLowerCase() === 'lock_timeout' && t[i + 3]!.text === ',') {
      const value = t[i + 4]!;
      const local = t[i + 5]!.text === ',' && t[i + 6]?.type === 'word' && t[i + 6]!.text === 'TRUE';
      return { kind: 'set', local, value: value.text };
    }
  }
  return null;
}

const TRANSACTION_ENDS = new Set(['COMMIT', 'END', 'ROLLBACK', 'ABORT']);

/** Text shown for a statement: its first line of words, capped. */
function statementShown(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function findLockTimeout(script: string): LockTimeoutFinding {
  let inForce: LockTimeoutFinding['setBy'] & { local: boolean } | null = null;
  let firstSet: LockTimeoutFinding['setBy'] = null;
  for (const statement of splitStatements(script)) {
    const setting = lockTimeoutSetting(statement);
    if (setting?.kind === 'set') {
      inForce = nonZero(setting.value) ? { line: statement.line, text: statementShown(statement.text), value: setting.value, local: setting.local } : null;
      if (inForce && !firstSet) firstSet = { line: inForce.line, text: inForce.text, value: inForce.value };
      continue;
    }
    if (setting?.kind === 'reset') {
      inForce = null;
      continue;
    }
    const first = statement.tokens[0];
    // SET LOCAL lasts until the transaction ends.
    if (first?.type === 'word' && TRANSACTION_ENDS.has(first.text) && inForce?.local) inForce = null;
    const what = strongLockOf(statement);
    if (what) {
      return {
        firstStrong: { line: statement.line, text: statementShown(statement.text), what },
        setBy: inForce ? { line: inForce.line, text: inForce.text, value: inForce.value } : null,
      };
    }
  }
  return { firstStrong: null, setBy: firstSet };
}
