/** Comparing two deployments check by check, in the current checklist's order (base-only checks last). */
import type { Deployment, DeploymentEvidence } from '../../format/index.ts';
import { compareCheck, type CheckComparison, type ComparisonLabel } from './compare-checks.ts';


export interface DeploymentComparison {
  base: { id: string; environment: string; startedAt: string; decision: Deployment['decision']['status']; checklist: string };
  current: { id: string; environment: string; startedAt: string; decision: Deployment['decision']['status']; checklist: string };
  /** Set when the two were collected with different checklist versions: checks may not line up. */
  checklistNote: string | null;
  checks: CheckComparison[];
  counts: Record<ComparisonLabel, number>;
  /** What `compare --fail-on-regression` fails on: a regressed check, or a timing over its limit. */
  regressions: string[];
}

function side(d: Deployment) {
  return { id: d.id, environment: d.environment, startedAt: d.startedAt, decision: d.decision.status, checklist: `${d.checklist.id} ${d.checklist.version}` };
}

export function compareDeployments(base: DeploymentEvidence, current: DeploymentEvidence): DeploymentComparison {
  const a = base.deployment.checklist;
  const b = current.deployment.checklist;
  // Checks are matched by checklist id and check id: two checklists' `sample-rows` are different checks.
  const sameChecklist = a.id === b.id;
  const ids = [
    ...current.deployment.checks.map((c) => c.id),
    ...base.deployment.checks.map((c) => c.id).filter((id) => !sameChecklist || !current.deployment.checks.some((c) => c.id === id)),
  ];
  const definitions = new Map(b.definition.checks.map((c) => [c.id, c]));
  const checks = ids.map((id, i): CheckComparison => {
    const fromBaseOnly = i >= current.deployment.checks.length;
    const [x, y] = sameChecklist ? [base.snapshots.get(id), current.snapshots.get(id)] : fromBaseOnly ? [base.snapshots.get(id), undefined] : [undefined, current.snapshots.get(id)];
    const definition = definitions.get(id);
    if (x || y) return compareCheck(x, y, { ...(definition?.kind === 'sql' && definition.key ? { key: definition.key } : {}), ...(definition ? { definition } : {}) });
    // Listed by a checklist but collected on neither side: nothing to compare.
    const entry = current.deployment.checks.find((c) => c.id === id) ?? base.deployment.checks.find((c) => c.id === id)!;
    return { id, title: entry.title, section: entry.section, kind: entry.kind, label: 'same', base: null, current: null, differences: [], timings: [] };
  });
  const counts: Record<ComparisonLabel, number> = { new: 0, removed: 0, regressed: 0, fixed: 0, changed: 0, same: 0 };
  for (const c of checks) counts[c.label] += 1;
  const regressions = checks.flatMap((c) => [
    ...(c.label === 'regressed' ? [`${c.id}: ${c.differences.filter((d) => d.worse || d.kind === 'status').map((d) => d.text).join('; ') || 'regressed'}`] : []),
    // A check the base had that the current deployment lacks is evidence lost, not a pass (issue 9).
    ...(c.label === 'removed' ? [`${c.id}: in ${base.deployment.id} but missing from ${current.deployment.id}`] : []),
    ...c.timings.filter((t) => t.exceedsLimit && c.label !== 'regressed').map((t) => `${c.id}: ${t.metric} time ×${t.ratio} exceeds its ×${t.maxRatio} limit`),
  ]);
  return {
    base: side(base.deployment),
    current: side(current.deployment),
    checklistNote: !sameChecklist
      ? `different checklists: ${a.id} ${a.version} and ${b.id} ${b.version} — their checks are not compared, even where the ids match`
      : a.version !== b.version
        ? `collected with different versions of checklist ${a.id}: ${a.version} and ${b.version}`
        : null,
    checks,
    counts,
    regressions,
  };
}
