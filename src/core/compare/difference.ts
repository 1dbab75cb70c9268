/** The labelled pieces a comparison is made of (Lighthouse CI's audit-diff-finder labels audits the same way). */

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
    | 'schema'
    | 'round-trip'
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

export function pct(base: number, current: number): string {
  if (base === 0) return current === 0 ? '0%' : 'new';
  const p = ((current - base) / Math.abs(base)) * 100;
  return `${p >= 0 ? '+' : ''}${p.toFixed(1)}%`;
}

export function signed(n: number | bigint): string {
  return `${n >= 0 ? '+' : ''}${n.toLocaleString('en-US')}`;
}
