/**
 * A SQL script split into statements, each with its words (issue 28: the forward SQL's
 * `lock-timeout-set`). Not a parser: a tokenizer that knows what hides a `;` or a keyword —
 * `--` and nested `/* *\/` comments, '…' and E'…' strings, "quoted identifiers" and $tag$ dollar
 * quotes $tag$ — so that `'DROP TABLE x;'` in a string or `"drop"` as a column name is never read
 * as a statement. PostgreSQL's own parser (libpg-query) is asynchronous WASM and refuses what
 * alembic's offline mode prints (`%%` for `%`); this runs wherever the verifier runs, in one pass,
 * linear in the script's length.
 */

/** One token of a statement: a bare word (upper-cased), a string literal's text, or a quoted identifier. */
export type SqlToken = { type: 'word'; text: string } | { type: 'string'; text: string } | { type: 'ident'; text: string } | { type: 'symbol'; text: string };

export interface SqlStatement {
  /** The statement's text, trimmed, without its `;`. */
  text: string;
  /** Its first line in the script (1-based). */
  line: number;
  tokens: SqlToken[];
}

const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const WORD_PART = /[A-Za-z0-9_$\u0080-\uffff]/;
const DOLLAR_TAG = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/;

/** The script's statements, in order; empty statements (`;;`) are left out. */
export function splitStatements(script: string): SqlStatement[] {
  const statements: SqlStatement[] = [];
  let tokens: SqlToken[] = [];
  let start = -1;
  let startLine = 1;
  let line = 1;
  let i = 0;
  const n = script.length;
  const begin = () => {
    if (start < 0) {
      start = i;
      startLine = line;
    }
  };
  const end = (at: number) => {
    if (start >= 0) statements.push({ text: script.slice(start, at).trim(), line: startLine, tokens });
    tokens = [];
    start = -1;
  };
  /** Advances over script[from, to), counting lines. */
  const skipTo = (to: number) => {
    for (; i < to; i++) if (script.charCodeAt(i) === 10) line++;
  };
  while (i < n) {
    const c = script[i]!;
    const next = script[i + 1];
    if (c === '\n' || c === ' ' || c === '\t' || c === '\r' || c === '\f') {
      skipTo(i + 1);
    } else if (c === '-' && next === '-') {
      const eol = script.indexOf('\n', i);
      skipTo(eol < 0 ? n : eol);
    } else if (c === '/' && next === '*') {
      // Block comments nest in PostgreSQL.
      let depth = 0;
      let j = i;
      while (j < n) {
        if (script[j] === '/' && script[j + 1] === '*') {
          depth++;
          j += 2;
        } else if (script[j] === '*' && script[j + 1] === '/') {
          depth--;
          j += 2;
          if (depth === 0) break;
        } else j++;
      }
      skipTo(j);
    } else if (c === ';') {
      end(i);
      skipTo(i + 1);
    } else if (c === "'" || ((c === 'E' || c === 'e') && next === "'")) {
      begin();
      const escapes = c !== "'";
      let j = escapes ? i + 2 : i + 1;
      let text = '';
      while (j < n) {
        const d = script[j]!;
        if (escapes && d === '\\' && j + 1 < n) {
          text += script[j + 1];
          j += 2;
        } else if (d === "'") {
          if (script[j + 1] === "'") {
            text += "'";
            j += 2;
          } else {
            j++;
            break;
          }
        } else {
          text += d;
          j++;
        }
      }
      tokens.push({ type: 'string', text });
      skipTo(j);
    } else if (c === '"') {
      begin();
      let j = i + 1;
      let text = '';
      while (j < n) {
        if (script[j] === '"') {
          if (script[j + 1] === '"') {
            text += '"';
            j += 2;
            continue;
          }
          j++;
          break;
        }
        text += script[j];
        j++;
      }
      tokens.push({ type: 'ident', text });
      skipTo(j);
    } else if (c === '$' && DOLLAR_TAG.test(script.slice(i, i + 66))) {
      begin();
      const tag = DOLLAR_TAG.exec(script.slice(i, i + 66))![0];
      const close = script.indexOf(tag, i + tag.length);
      const stop = close < 0 ? n : close + tag.length;
      tokens.push({ type: 'string', text: script.slice(i + tag.length, close < 0 ? n : close) });
      skipTo(stop);
    } else if (WORD_START.test(c)) {
      begin();
      let j = i + 1;
      while (j < n && WORD_PART.test(script[j]!)) j++;
      tokens.push({ type: 'word', text: script.slice(i, j).toUpperCase() });
      skipTo(j);
    } else if (c >= '0' && c <= '9') {
      begin();
      let j = i + 1;
      while (j < n && /[0-9.eE]/.test(script[j]!)) j++;
      tokens.push({ type: 'word', text: script.slice(i, j) });
      skipTo(j);
    } else {
      begin();
      tokens.push({ type: 'symbol', text: c });
      skipTo(i + 1);
    }
  }
  end(n);
  return statements;
}
