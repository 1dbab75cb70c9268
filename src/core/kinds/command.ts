/**
 * `command` checks in the core: the parameters its argv names, and a comparison of exit codes
 * and of what its parser read — tests, heads, migrations — in tool-neutral terms.
 */
import { argvParams, type ParsedOutput } from '../../format/index.ts';
import type { Difference } from '../compare/difference.ts';
import { parsedFacts } from '../parsers/parsed-facts.ts';
import type { CheckKindCore } from './check-kind.ts';
import { plainOutcome } from '../assertions/words.ts';

const FAILING = new Set(['FAILED', 'ERROR']);

/** A listing's revisions, each head marked: `0001_base`, `0002_totals (head)`, or `none`. */
function revisionsShown(facts: ReturnType<typeof parsedFacts>): string {
  const heads = new Set(facts.heads ?? []);
  const revisions = facts.revisions && facts.revisions.length > 0 ? facts.revisions : [...heads];
  return revisions.map((r) => (heads.has(r) ? `${r} (head)` : r)).join(', ') || 'none';
}

function parsedDifferences(base: ParsedOutput | null, current: ParsedOutput | null): Difference[] {
  // Only the same tool's output is compared: a history and a test report say different things.
  if (!base || !current || base.kind !== current.kind) return [];
  const was = parsedFacts(base);
  const now = parsedFacts(current);
  const out: Difference[] = [];
  if (was.tests && now.tests) {
    for (const [name, outcome] of now.tests) {
      const before = was.tests.get(name);
      const shown = outcome.toLowerCase();
      if (before === undefined) out.push({ kind: 'test-added', text: `test added: ${name} (${shown})`, worse: FAILING.has(outcome) });
      else if (before === 'PASSED' && outcome !== 'PASSED') out.push({ kind: 'test-newly-failing', text: `test newly ${shown}: ${name}`, worse: true });
      else if (before !== 'PASSED' && outcome === 'PASSED') out.push({ kind: 'test-fixed', text: `test now passes: ${name} (was ${before.toLowerCase()})`, worse: false });
    }
    for (const name of was.tests.keys()) if (!now.tests.has(name)) out.push({ kind: 'test-removed', text: `test removed: ${name}`, worse: true });
  }
  if (was.heads && now.heads) {
    if (was.heads.length > 0 && now.heads.length > 0) {
      const a = was.heads.join(', ');
      const b = now.heads.join(', ');
      if (a !== b) out.push({ kind: 'head-moved', text: `migration head moved: ${a} → ${b}`, worse: false });
    } else {
      // `alembic current` marks no head while the database is behind it: the revision it printed is
      // where the database was, not "none" (issue 26).
      const a = revisionsShown(was);
      const b = revisionsShown(now);
      if (a !== b) out.push({ kind: 'head-moved', text: `migration revision moved: ${a} → ${b}`, worse: false });
    }
  }
  if (was.migrations && now.migrations) {
    const steps = (m: NonNullable<typeof was.migrations>) => m.map((s) => `${s.from ?? '<base>'} -> ${s.to ?? '<base>'}`).join(', ') || 'none';
    if (steps(was.migrations) !== steps(now.migrations)) out.push({ kind: 'migrations', text: `migrations: ${steps(was.migrations)} → ${steps(now.migrations)}`, worse: false });
  }
  return out;
}

export const commandKind: CheckKindCore<'command'> = {
  describe: (check) => `command: ${check.argv.join(' ')}${check.cwd !== '.' ? ` (in ${check.cwd})` : ''}${check.parser ? `, read by the ${check.parser} parser` : ''}`,
  paramsNeeded: (check) => [...new Set(check.argv.flatMap(argvParams))],
  expectations: () => [],
  judgeExpectations: () => [],
  // Judges no expectations of its own: an outcome of its kind is a stored one from elsewhere, said plainly.
  sayExpectation: plainOutcome,
  compare(base, current) {
    const differences: Difference[] = [];
    if (base.exitCode !== current.exitCode) differences.push({ kind: 'exit-code', text: `exit code: ${base.exitCode ?? 'none'} → ${current.exitCode ?? 'none'}`, worse: current.exitCode !== 0 });
    differences.push(...parsedDifferences(base.parsed, current.parsed));
    return { differences };
  },
  metric: () => null,
};
