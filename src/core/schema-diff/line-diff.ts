/**
 * A line diff of two definitions (a view's before and after), for reading. The longest common
 * subsequence over lines is quadratic, so it is bounded: past MAX_CELLS (lines before × lines
 * after) the whole text before is shown removed and the whole text after added — still true, only
 * less precise. Common prefix and suffix lines are taken off first, so a long view with one
 * changed line costs almost nothing.
 */
export interface DiffLine {
  op: 'same' | 'removed' | 'added';
  text: string;
}

/** The ceiling on the table the LCS fills (lines × lines). */
export const MAX_CELLS = 1_000_000;

export function lineDiff(before: string, after: string): DiffLine[] {
  const a = before.split('\n');
  const b = after.split('\n');
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start += 1;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA -= 1;
    endB -= 1;
  }
  const head = a.slice(0, start).map((text) => ({ op: 'same' as const, text }));
  const tail = a.slice(endA).map((text) => ({ op: 'same' as const, text }));
  const x = a.slice(start, endA);
  const y = b.slice(start, endB);
  return [...head, ...middle(x, y), ...tail];
}

function middle(x: readonly string[], y: readonly string[]): DiffLine[] {
  if (x.length * y.length > MAX_CELLS) return [...x.map((text) => ({ op: 'removed' as const, text })), ...y.map((text) => ({ op: 'added' as const, text }))];
  const n = x.length;
  const m = y.length;
  // lcs[i][j]: the LCS length of x[i..] and y[j..], in one flat array.
  const lcs = new Uint32Array((n + 1) * (m + 1));
  const at = (i: number, j: number) => i * (m + 1) + j;
  for (let i = n - 1; i >= 0; i -= 1) {
    for (let j = m - 1; j >= 0; j -= 1) lcs[at(i, j)] = x[i] === y[j] ? lcs[at(i + 1, j + 1)]! + 1 : Math.max(lcs[at(i + 1, j)]!, lcs[at(i, j + 1)]!);
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (x[i] === y[j]) {
      out.push({ op: 'same', text: x[i]! });
      i += 1;
      j += 1;
    } else if (lcs[at(i + 1, j)]! >= lcs[at(i, j + 1)]!) out.push({ op: 'removed', text: x[i++]! });
    else out.push({ op: 'added', text: y[j++]! });
  }
  while (i < n) out.push({ op: 'removed', text: x[i++]! });
  while (j < m) out.push({ op: 'added', text: y[j++]! });
  return out;
}
