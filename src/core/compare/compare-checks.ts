/**
 * Comparing one check across two deployments: a pure function with a labelled result, the
 * way Lighthouse CI's audit-diff-finder labels audits. Semantic, per kind — never a text
 * diff of JSON.
 *
 *   new       only in the current deployment        removed   only in the base
 *   regressed status got worse, a test newly fails, or a timing exceeds its limit
 *   fixed     status got better
 *   changed   same status, but something meaningful differs (columns, counts, plan, tests, head…)
 *   same      nothing meaningful differs (timings within their noise band)
 */
import type { Cell, CheckSnapshot, CheckStatus, ParsedOutput, ResultOf } from '../../format/index.ts';

export type ComparisonLabel = 'new' | 'removed' | 'regressed' | 'fixed' | 'changed' | 'same';

export interface Difference {
  kind:
    | 'status'
    | 'column-added'
    | 'column-removed'
    | 'column-retyped'
    | 'column-nullability'
    | 'row-count'
    | 'rows-added'
    | 'rows-removed'
    | 'rows-changed'
    | 'value'
    | 'timing'
    | 'plan-nodes'
    | 'test-added'
    | 'test-removed'
    | 'test-newly-failing'
    | 'test-fixed'
    | 'head-moved'
    | 'migrations'
    | 'exit-code'
    | 'dependents'
    | 'assertion';
  /** One line for people. */
  text: string;
  /** Worse than before (counts toward "regressed"). */
  worse: boolean;
}

export interface TimingComparison {
  metric: 'execution' | 'planning';
  baseMs: number;
  currentMs: number;
  ratio: number;
  noiseBand: number;
  noiseFloorMs: number;
  maxRatio: number;
  verdict: 'faster' | 'slower' | 'within noise';
  exceedsLimit: boolean;
}

export interface CheckComparison {
  id: string;
  title: string;
  section: string;
  kind: CheckSnapshot['kind'];
  label: ComparisonLabel;
  base: CheckStatus | null;
  current: CheckStatus | null;
  differences: Difference[];
  timings: TimingComparison[];
}

const RANK: Record<CheckStatus, number> = { pass: 0, warn: 1, skipped: 2, error: 3, fail: 4 };

function pct(base: number, current: number): string {
  if (base === 0) return current === 0 ? '0%' : 'new';
  const p = ((current - base) / Math.abs(base)) * 100;
  return `${p >= 0 ? '+' : ''}${p.toFixed(1)}%`;
}

function signed(n: number | bigint): string {
  return `${n >= 0 ? '+' : ''}${n.toLocaleString('en-US')}`;
}

const NUMERIC = /^(smallint|integer|bigint|numeric|real|double precision)/;

/** How many rows of each kind a difference names. */
const ROWS_NAMED = 3;

const cellText = (cell: Cell | undefined) => (cell === null || cell === undefined ? 'NULL' : typeof cell === 'string' ? cell : String(cell));

/**
 * Row by row over the kept rows (issue 9): by the checklist's key columns when it names them,
 * else by position. The digest of every row (`reads[0].rowsSha256`) says honestly whether the
 * results are identical, or differ beyond the rows kept.
 */
function rowDifferences(base: ResultOf<'sql'>, current: ResultOf<'sql'>, key: readonly string[] | undefined): Difference[] {
  const out: Difference[] = [];
  const sameDigest = base.reads[0]?.rowsSha256 === current.reads[0]?.rowsSha256;
  const names = current.columns.map((c) => c.name);
  const baseNames = base.columns.map((c) => c.name);
  const added = names.filter((n) => !baseNames.includes(n));
  const removed = baseNames.filter((n) => !names.includes(n));
  if (added.length || removed.length) {
    out.push({ kind: 'value', text: `result columns: ${[...added.map((n) => `+${n}`), ...removed.map((n) => `-${n}`)].join(', ')}`, worse: false });
  }
  if (sameDigest && !added.length && !removed.length) return out;
  const common = names.filter((n) => baseNames.includes(n));
  const at = (result: ResultOf<'sql'>, row: readonly Cell[], name: string) => row[result.columns.findIndex((c) => c.name === name)];
  const changedColumns = (a: readonly Cell[], b: readonly Cell[]) => common.filter((n) => JSON.stringify(at(base, a, n) ?? null) !== JSON.stringify(at(current, b, n) ?? null));
  const usable = key && key.every((k) => names.includes(k) && baseNames.includes(k));
  const label = (result: ResultOf<'sql'>, row: readonly Cell[], n: number) => (usable ? key!.map((k) => `${k}=${cellText(at(result, row, k))}`).join(', ') : `row ${n + 1}`);
  const addedRows: string[] = [];
  const removedRows: string[] = [];
  const changedRows: string[] = [];
  if (usable) {
    const keyOf = (result: ResultOf<'sql'>, row: readonly Cell[]) => JSON.stringify(key!.map((k) => at(result, row, k) ?? null));
    const before = new Map(base.rows.map((row, n) => [keyOf(base, row), { row, n }]));
    const seen = new Set<string>();
    current.rows.forEach((row, n) => {
      const k = keyOf(current, row);
      seen.add(k);
      const old = before.get(k);
      if (!old) addedRows.push(label(current, row, n));
      else {
        const cols = changedColumns(old.row, row);
        if (cols.length) changedRows.push(`${label(current, row, n)}: ${cols.map((c) => `${c} ${cellText(at(base, old.row, c))} → ${cellText(at(current, row, c))}`).join(', ')}`);
      }
    });
    for (const [k, { row, n }] of before) if (!seen.has(k)) removedRows.push(label(base, row, n));
  } else {
    const shared = Math.min(base.rows.length, current.rows.length);
    for (let n = 0; n < shared; n += 1) {
      const cols = changedColumns(base.rows[n]!, current.rows[n]!);
      if (cols.length) changedRows.push(`row ${n + 1}: ${cols.map((c) => `${c} ${cellText(at(base, base.rows[n]!, c))} → ${cellText(at(current, current.rows[n]!, c))}`).join(', ')}`);
    }
    for (let n = shared; n < current.rows.length; n += 1) addedRows.push(`row ${n + 1}`);
    for (let n = shared; n < base.rows.length; n += 1) removedRows.push(`row ${n + 1}`);
  }
  const by = usable ? `by key ${key!.join(', ')}` : 'by position';
  const list = (rows: string[]) => `${rows.slice(0, ROWS_NAMED).join('; ')}${rows.length > ROWS_NAMED ? `; and ${rows.length - ROWS_NAMED} more` : ''}`;
  if (addedRows.length) out.push({ kind: 'rows-added', text: `${addedRows.length} row${addedRows.length > 1 ? 's' : ''} added (${by}): ${list(addedRows)}`, worse: false });
  if (removedRows.length) out.push({ kind: 'rows-removed', text: `${removedRows.length} row${removedRows.length > 1 ? 's' : ''} removed (${by}): ${list(removedRows)}`, worse: false });
  if (changedRows.length) out.push({ kind: 'rows-changed', text: `${changedRows.length} row${changedRows.length > 1 ? 's' : ''} changed (${by}): ${list(changedRows)}`, worse: false });
  const truncated = base.rowCount > base.rows.length || current.rowCount > current.rows.length;
  // By key, every row matched and nothing was cut: only the order differs, which a key says is not meaningful.
  if (!addedRows.length && !removedRows.length && !changedRows.length && !sameDigest && (truncated || !usable)) {
    out.push({ kind: 'rows-changed', text: truncated ? 'the kept rows are identical, but the results differ beyond them (their digests differ)' : 'the results differ (their digests differ) though every kept value is equal', worse: false });
  }
  return out;
}

function sqlDifferences(base: ResultOf<'sql'>, current: ResultOf<'sql'>, key?: readonly string[]): Difference[] {
  const out: Difference[] = [];
  // A single-row result is a measurement (a count, a total): compare its numeric values.
  if (base.rowCount === 1 && current.rowCount === 1) {
    for (const [i, column] of current.columns.entries()) {
      if (!NUMERIC.test(column.type)) continue;
      const j = base.columns.findIndex((c) => c.name === column.name);
      if (j < 0) continue;
      const a = base.rows[0]?.[j];
      const b = current.rows[0]?.[i];
      if (a == null || b == null || a === b) continue;
      const x = Number(a);
      const y = Number(b);
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      const integral = /^-?\d+$/.test(String(a)) && /^-?\d+$/.test(String(b));
      const delta = integral ? BigInt(String(b)) - BigInt(String(a)) : y - x;
      out.push({ kind: 'value', text: `${column.name}: ${String(a)} → ${String(b)} (${signed(delta)}, ${pct(x, y)})`, worse: false });
    }
    // Every other column of the one row, compared as values.
    for (const [i, column] of current.columns.entries()) {
      if (NUMERIC.test(column.type)) continue;
      const j = base.columns.findIndex((c) => c.name === column.name);
      if (j < 0) continue;
      const a = base.rows[0]?.[j];
      const b = current.rows[0]?.[i];
      if (JSON.stringify(a ?? null) !== JSON.stringify(b ?? null)) out.push({ kind: 'value', text: `${column.name}: ${cellText(a)} → ${cellText(b)}`, worse: false });
    }
    return out;
  }
  if (base.rowCount !== current.rowCount) {
    out.push({ kind: 'row-count', text: `rows: ${base.rowCount.toLocaleString('en-US')} → ${current.rowCount.toLocaleString('en-US')} (${signed(current.rowCount - base.rowCount)}, ${pct(base.rowCount, current.rowCount)})`, worse: false });
  }
  out.push(...rowDifferences(base, current, key));
  return out;
}

function columnDifferences(base: ResultOf<'columns'>, current: ResultOf<'columns'>): Difference[] {
  const out: Difference[] = [];
  const before = new Map(base.columns.map((c) => [c.name, c]));
  const after = new Map(current.columns.map((c) => [c.name, c]));
  for (const [name, c] of after) {
    const b = before.get(name);
    if (!b) out.push({ kind: 'column-added', text: `column added: ${name} ${c.type}`, worse: false });
    else {
      if (b.type !== c.type) out.push({ kind: 'column-retyped', text: `column retyped: ${name} ${b.type} → ${c.type}`, worse: true });
      if (b.nullable !== c.nullable) out.push({ kind: 'column-nullability', text: `column ${name}: ${b.nullable ? 'NULL allowed' : 'NOT NULL'} → ${c.nullable ? 'NULL allowed' : 'NOT NULL'}`, worse: c.nullable });
    }
  }
  for (const name of before.keys()) {
    if (!after.has(name)) out.push({ kind: 'column-removed', text: `column removed: ${name}`, worse: true });
  }
  return out;
}

function timing(metric: TimingComparison['metric'], baseMs: number, currentMs: number, band: { noiseBand: number; noiseFloorMs: number; maxRatio: number }): TimingComparison {
  const ratio = Math.max(currentMs, 0.001) / Math.max(baseMs, 0.001);
  // Both a relative band and an absolute floor: 0.6 ms → 1.1 ms is ×1.8, and still noise.
  const noise = Math.abs(currentMs - baseMs) <= band.noiseFloorMs;
  const verdict = noise ? 'within noise' : ratio > 1 + band.noiseBand ? 'slower' : ratio < 1 / (1 + band.noiseBand) ? 'faster' : 'within noise';
  return { metric, baseMs, currentMs, ratio: Math.round(ratio * 1000) / 1000, ...band, verdict, exceedsLimit: !noise && metric === 'execution' && ratio > band.maxRatio };
}

function explainDifferences(base: ResultOf<'explain'>, current: ResultOf<'explain'>): { differences: Difference[]; timings: TimingComparison[] } {
  const timings = [
    timing('execution', base.medianExecutionMs, current.medianExecutionMs, current),
    timing('planning', base.medianPlanningMs, current.medianPlanningMs, { ...current, maxRatio: Number.POSITIVE_INFINITY }),
  ];
  const differences: Difference[] = timings
    .filter((t) => t.verdict !== 'within noise')
    .map((t) => ({
      kind: 'timing',
      text: `${t.metric} time ${t.verdict}: ${t.baseMs} ms → ${t.currentMs} ms (×${t.ratio}; noise band ±${Math.round(t.noiseBand * 100)}% and ${t.noiseFloorMs} ms${t.exceedsLimit ? `, above the ×${t.maxRatio} limit` : ''})`,
      worse: t.exceedsLimit,
    }));
  if (base.nodeTypes.join('|') !== current.nodeTypes.join('|')) {
    differences.push({ kind: 'plan-nodes', text: `plan: ${base.nodeTypes.join(' → ')}  ⇒  ${current.nodeTypes.join(' → ')}`, worse: false });
  }
  if (base.rowsScanned !== current.rowsScanned) {
    differences.push({ kind: 'row-count', text: `rows scanned: ${base.rowsScanned.toLocaleString('en-US')} → ${current.rowsScanned.toLocaleString('en-US')} (${pct(base.rowsScanned, current.rowsScanned)})`, worse: false });
  }
  return { differences, timings };
}

function parsedDifferences(base: ParsedOutput | null, current: ParsedOutput | null): Difference[] {
  if (!base || !current || base.kind !== current.kind) return [];
  switch (current.kind) {
    case 'pytest': {
      const before = new Map((base as typeof current).tests.map((t) => [t.name, t.outcome]));
      const after = new Map(current.tests.map((t) => [t.name, t.outcome]));
      const out: Difference[] = [];
      for (const [name, outcome] of after) {
        const was = before.get(name);
        if (was === undefined) out.push({ kind: 'test-added', text: `test added: ${name} (${outcome})`, worse: outcome === 'failed' || outcome === 'error' });
        else if (was === 'passed' && outcome !== 'passed') out.push({ kind: 'test-newly-failing', text: `test newly ${outcome}: ${name}`, worse: true });
        else if (was !== 'passed' && outcome === 'passed') out.push({ kind: 'test-fixed', text: `test now passes: ${name} (was ${was})`, worse: false });
      }
      for (const name of before.keys()) if (!after.has(name)) out.push({ kind: 'test-removed', text: `test removed: ${name}`, worse: true });
      return out;
    }
    case 'alembic-history': {
      const was = (base as typeof current).heads.join(', ') || 'none';
      const now = current.heads.join(', ') || 'none';
      return was === now ? [] : [{ kind: 'head-moved', text: `alembic head moved: ${was} → ${now}`, worse: false }];
    }
    case 'alembic-upgrade':
    case 'alembic-sql': {
      const steps = (p: { migrations: { from: string | null; to: string | null }[] }) => p.migrations.map((m) => `${m.from ?? '<base>'} -> ${m.to ?? '<base>'}`).join(', ') || 'none';
      const was = steps(base as typeof current);
      const now = steps(current);
      return was === now ? [] : [{ kind: 'migrations', text: `migrations: ${was} → ${now}`, worse: false }];
    }
  }
}

function assertionDifferences(base: CheckSnapshot, current: CheckSnapshot): Difference[] {
  const before = new Map(base.assertions.map((a) => [a.id, a.status]));
  return current.assertions
    .filter((a) => before.has(a.id) && before.get(a.id) !== a.status)
    .map((a) => ({ kind: 'assertion' as const, text: `${a.description}: ${before.get(a.id)} → ${a.status}`, worse: RANK[a.status === 'skipped' ? 'skipped' : a.status] > RANK[before.get(a.id) === 'skipped' ? 'skipped' : before.get(a.id)!] }));
}

/** `key`: the check's key columns from the current checklist (sql checks), for row-by-row comparison. */
export function compareCheck(base: CheckSnapshot | undefined, current: CheckSnapshot | undefined, options: { key?: readonly string[] } = {}): CheckComparison {
  const ref = (current ?? base)!;
  const shell = { id: ref.id, title: ref.title, section: ref.section, kind: ref.kind, base: base?.status ?? null, current: current?.status ?? null };
  if (!base) return { ...shell, label: 'new', differences: [], timings: [] };
  if (!current) return { ...shell, label: 'removed', differences: [], timings: [] };

  const differences: Difference[] = [];
  let timings: TimingComparison[] = [];
  if (base.status !== current.status) differences.push({ kind: 'status', text: `status: ${base.status} → ${current.status}`, worse: RANK[current.status] > RANK[base.status] });
  const a = base.result;
  const b = current.result;
  if (a && b && a.kind === b.kind) {
    if (a.kind === 'sql' && b.kind === 'sql') differences.push(...sqlDifferences(a, b, options.key));
    if (a.kind === 'columns' && b.kind === 'columns') differences.push(...columnDifferences(a, b));
    if (a.kind === 'explain' && b.kind === 'explain') {
      const explained = explainDifferences(a, b);
      differences.push(...explained.differences);
      timings = explained.timings;
    }
    if (a.kind === 'command' && b.kind === 'command') {
      if (a.exitCode !== b.exitCode) differences.push({ kind: 'exit-code', text: `exit code: ${a.exitCode ?? 'none'} → ${b.exitCode ?? 'none'}`, worse: b.exitCode !== 0 });
      differences.push(...parsedDifferences(a.parsed, b.parsed));
    }
    if (a.kind === 'dependents' && b.kind === 'dependents') {
      const names = (r: ResultOf<'dependents'>) => r.dependents.map((d) => `${d.type} ${d.schema ? `${d.schema}.` : ''}${d.name}`).sort().join(', ') || 'none';
      if (names(a) !== names(b)) differences.push({ kind: 'dependents', text: `dependents: ${names(a)} → ${names(b)}`, worse: b.dependents.length > a.dependents.length });
    }
  }
  differences.push(...assertionDifferences(base, current));

  let label: ComparisonLabel;
  if (RANK[current.status] > RANK[base.status]) label = 'regressed';
  else if (RANK[current.status] < RANK[base.status]) label = 'fixed';
  else if (differences.some((d) => d.worse) || timings.some((t) => t.exceedsLimit)) label = 'regressed';
  else if (differences.length > 0) label = 'changed';
  else label = 'same';
  return { ...shell, label, differences, timings };
}
