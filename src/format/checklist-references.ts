/**
 * The checks between the parts of a checklist — unknown sections, phases, parameters,
 * attestations, checks and sign-off roles, duplicate ids and sign-off roles, an assertion on a kind it cannot judge — written
 * against raw input, so they run even when the structure has errors: `checklist validate`
 * reports every problem in one run instead of in rounds (structure first, then references).
 */
import { ASSERTION_KINDS, assertionsByKind } from './assertion-schema.ts';
import { argvParams } from './placeholders.ts';

export interface ChecklistProblem {
  path: (string | number)[];
  message: string;
}

type Loose = Record<string, unknown>;
const isObject = (v: unknown): v is Loose => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const names = (v: unknown, field: string) => new Set(list(v).flatMap((x) => (isObject(x) && typeof x[field] === 'string' ? [x[field] as string] : [])));

export function checklistReferenceProblems(raw: unknown): ChecklistProblem[] {
  if (!isObject(raw)) return [];
  const problems: ChecklistProblem[] = [];
  const add = (path: (string | number)[], message: string) => problems.push({ path, message });
  const sections = names(raw.sections, 'number');
  const phases = names(raw.phases, 'id');
  const params = names(raw.parameters, 'name');
  const attestations = names(raw.attestations, 'id');
  const revisionParam = str(raw.revisionParam);
  if (revisionParam && !params.has(revisionParam)) add(['revisionParam'], `unknown parameter "${revisionParam}"`);

  const checkIds = new Set<string>();
  const schemaChecks = new Set<string>();
  list(raw.checks).forEach((check, i) => {
    if (!isObject(check)) return;
    // A change report is against a snapshot taken earlier in the same collection.
    const from = str(check.changesFrom);
    if (check.kind === 'schema' && from !== undefined && !schemaChecks.has(from)) add(['checks', i, 'changesFrom'], `"${from}" is not a schema check before this one`);
    if (check.kind === 'schema' && typeof check.id === 'string') schemaChecks.add(check.id);
    const id = str(check.id);
    if (id !== undefined) {
      if (checkIds.has(id)) add(['checks', i, 'id'], `duplicate check id "${id}"`);
      checkIds.add(id);
    }
    // Locks are observed around the one step that changes the database, never a read.
    if (check.kind === 'command' && isObject(check.observeLocks) && check.mutating !== true) add(['checks', i, 'observeLocks'], 'observeLocks is only for a mutating step (`mutating: true`)');
    const section = str(check.section);
    if (section !== undefined && !sections.has(section)) add(['checks', i, 'section'], `unknown section "${section}"`);
    const phase = str(check.phase);
    if (phase !== undefined && !phases.has(phase)) add(['checks', i, 'phase'], `unknown phase "${phase}"`);
    const kind = str(check.kind);
    const used = [
      ...list(check.params).filter((p): p is string => typeof p === 'string'),
      ...(str(check.sqlParam) ? [check.sqlParam as string] : []),
      ...(kind === 'command' ? list(check.argv).flatMap((a) => (typeof a === 'string' ? argvParams(a) : [])) : []),
      ...(kind === 'round-trip' ? [...list(check.upgrade), ...list(check.downgrade)].flatMap((a) => (typeof a === 'string' ? argvParams(a) : [])) : []),
      ...(kind === 'command' && isObject(check.captures) ? Object.keys(check.captures) : []),
    ];
    for (const name of new Set(used)) if (!params.has(name)) add(['checks', i], `unknown parameter "${name}"`);
    const applicable = kind !== undefined && kind in assertionsByKind ? assertionsByKind[kind as keyof typeof assertionsByKind] : null;
    const assertionIds = new Set<string>();
    list(check.assertions).forEach((a, j) => {
      if (!isObject(a)) return;
      const type = str(a.type);
      if (applicable && type !== undefined && (applicable as readonly string[]).length > 0 && !(applicable as readonly string[]).includes(type) && isKnownType(type)) {
        add(['checks', i, 'assertions', j, 'type'], `"${type}" does not apply to a ${kind} check (it takes: ${applicable.join(', ')})`);
      }
      const aid = str(a.id);
      if (aid !== undefined) {
        if (assertionIds.has(aid)) add(['checks', i, 'assertions', j, 'id'], `duplicate assertion id "${aid}"`);
        assertionIds.add(aid);
      }
      if (type === 'attestations') {
        for (const required of list(a.required)) {
          if (typeof required === 'string' && !attestations.has(required)) add(['checks', i, 'assertions', j], `unknown attestation "${required}"`);
        }
      }
    });
  });
  const roles = new Set<string>();
  list(raw.signoff).forEach((role, i) => {
    const id = isObject(role) ? str(role.id) : str(role);
    if (id === undefined) return;
    if (roles.has(id)) add(['signoff', i], `duplicate sign-off role "${id}"`);
    roles.add(id);
  });
  // The sign-off policy names only declared roles: a misspelt one would silently enforce nothing.
  const policy = isObject(raw.signoffPolicy) ? raw.signoffPolicy : {};
  const declared = (id: unknown, path: (string | number)[]) => {
    if (typeof id === 'string' && !roles.has(id)) add(path, `unknown sign-off role "${id}" (the checklist's \`signoff\` declares: ${[...roles].join(', ') || 'none'})`);
  };
  list(policy.distinct).forEach((group, i) => {
    const seen = new Set<unknown>();
    list(group).forEach((id, j) => {
      declared(id, ['signoffPolicy', 'distinct', i, j]);
      if (seen.has(id)) add(['signoffPolicy', 'distinct', i, j], `"${String(id)}" is in this group twice`);
      seen.add(id);
    });
  });
  list(policy.notByCollector).forEach((id, i) => declared(id, ['signoffPolicy', 'notByCollector', i]));
  list(policy.informative).forEach((id, i) => declared(id, ['signoffPolicy', 'informative', i]));
  list(raw.criteria).forEach((criterion, i) => {
    if (!isObject(criterion)) return;
    list(criterion.checks).forEach((id, j) => {
      if (typeof id === 'string' && !checkIds.has(id)) add(['criteria', i, 'checks', j], `unknown check "${id}"`);
    });
  });
  return problems;
}

/** An assertion type the format knows (an unknown one is reported by the structure check). */
function isKnownType(type: string): boolean {
  return Object.hasOwn(ASSERTION_KINDS, type);
}
