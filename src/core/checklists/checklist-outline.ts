/**
 * A checklist in words, as `deploy-evidence checklist show` prints it: parameters, attestations,
 * then each section's checks with what they run and what they assert, the go/no-go
 * criteria and the sign-off roles. Pure: the resolved checklist in, lines out.
 */
import { signoffRoles, type Checklist, type CheckDefinition } from '../../format/index.ts';
import { describeAssertion } from '../assertions/registry.ts';
import { checkExpectations, describeCheck } from '../kinds/registry.ts';
import { signoffPolicyInWords } from '../signoffs/verify-signoffs.ts';

function expectations(check: CheckDefinition): string[] {
  const out = checkExpectations(check);
  for (const a of check.assertions) out.push(`${describeAssertion(a)}${a.severity === 'warn' ? ' (a warning when unmet)' : ''}`);
  return out;
}

export function checklistOutline(checklist: Checklist): string[] {
  const lines: string[] = [`${checklist.id} ${checklist.version} — ${checklist.title}`];
  if (checklist.description) lines.push(checklist.description);
  if (checklist.parameters.length > 0) {
    lines.push('', 'Parameters:');
    for (const p of checklist.parameters) {
      const how = [p.default !== undefined ? `default ${p.secret ? '***' : p.default}` : null, p.resolveSql ? 'read by a query when not given' : null, p.secret ? 'secret' : null].filter(Boolean);
      lines.push(`  ${p.name}: ${p.description}${how.length ? ` (${how.join('; ')})` : ''}`);
    }
  }
  if (checklist.attestations.length > 0) {
    lines.push('', 'Attestations (--attest <id>):');
    for (const a of checklist.attestations) lines.push(`  ${a.id}: ${a.label}${a.required ? '' : ' (optional)'}`);
  }
  for (const section of checklist.sections) {
    const checks = checklist.checks.filter((c) => c.section === section.number);
    if (checks.length === 0) continue;
    lines.push('', `§${section.number} ${section.title}`);
    for (const check of checks) {
      const tags = [check.kind, check.required ? 'required' : 'optional', check.kind === 'command' && check.mutating ? 'MUTATING: runs only with --allow-mutating' : null, check.phase ? `phase ${check.phase}` : null].filter(Boolean);
      lines.push(`  ${check.id} — ${check.title} [${tags.join(', ')}]`);
      lines.push(`    ${describeCheck(check)}`);
      const expected = expectations(check);
      if (expected.length === 0) lines.push('    asserts nothing: recorded as evidence only');
      for (const e of expected) lines.push(`    ✓ ${e}`);
    }
  }
  if (checklist.criteria.length > 0) {
    lines.push('', 'Go/no-go criteria:');
    for (const c of checklist.criteria) lines.push(`  ${c.id}: ${c.label} — decided by ${c.checks.join(', ')}`);
  }
  const roles = signoffRoles(checklist);
  if (roles.length > 0) {
    lines.push('', 'Sign-off roles:');
    for (const r of roles) lines.push(`  ${r.id}: ${r.label}`);
    lines.push(`Sign-off policy: ${signoffPolicyInWords(checklist.signoffPolicy, roles)}`);
  }
  return lines;
}
