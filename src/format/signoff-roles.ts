/**
 * What a deployment's sign-offs are judged by — the roles its checklist declares, the checklist's
 * segregation of duties, who ran the collection — read without the schemas: "Verify this report"
 * reads them in the browser from the deployment.json it has just checked against the manifest, and
 * brings no zod into the page (checklist-schema.ts re-exports `signoffRoles` for everyone else).
 */
import type { SignoffPolicy } from './checklist-schema.ts';
import type { DecisionStatus } from './deployment-schema.ts';

export interface SignoffRole {
  id: string;
  label: string;
}

/** A sign-off role with its label: given, or made from the id ("approved-for-production" → "Approved for production"). */
export function signoffRoles(checklist: { signoff: readonly (string | SignoffRole)[] }): SignoffRole[] {
  return checklist.signoff.map((role) => (typeof role === 'string' ? { id: role, label: role.charAt(0).toUpperCase() + role.slice(1).replaceAll('-', ' ') } : role));
}

export interface SignoffTerms {
  deploymentId: string;
  roles: SignoffRole[];
  policy: SignoffPolicy;
  /** Null: not recorded (evidence before format v3). */
  collectedBy: string | null;
  /**
   * The decision an approving sign-off must say it overrode (`forced`), or null where none must:
   * evidence before format v3, when `sign` did not yet refuse a BLOCKED or INCOMPLETE deployment.
   */
  decision: DecisionStatus | null;
}

/** The decision sign-offs are held to (SignoffTerms.decision): the deployment's, from format v3 on. */
export function signoffDecision(schemaVersion: number, decision: DecisionStatus): DecisionStatus | null {
  return schemaVersion >= 3 ? decision : null;
}

// Every decision, checked against the format's type (a Record must name each one).
const DECISIONS: readonly string[] = Object.keys({ APPROVED: true, 'APPROVED WITH NOTES': true, BLOCKED: true, INCOMPLETE: true } satisfies Record<DecisionStatus, true>);

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const isStrings = (value: unknown): value is string[] => Array.isArray(value) && value.every((v) => typeof v === 'string');

function invalid(field: string, what: string): never {
  throw new Error(`deployment.json: ${field} is not ${what}`);
}

/**
 * The sign-off terms of a deployment.json as parsed JSON, any format version: `signoff` came with v2
 * (none before), `signoffPolicy` and `collectedBy` with v3 (before: the schema's defaults, every
 * role by a different person and no collector recorded — test/core/signoffs.test.ts holds this
 * reading to the schemas'). Throws naming the field when the file is not what the format says.
 */
export function signoffTermsOf(deployment: unknown): SignoffTerms {
  if (!isObject(deployment)) return invalid('the file', 'an object');
  if (typeof deployment.id !== 'string') invalid('id', 'a string');
  const checklist = deployment.checklist;
  const definition = isObject(checklist) ? checklist.definition : undefined;
  if (!isObject(definition)) return invalid('checklist.definition', 'an object');
  const signoff = definition.signoff ?? [];
  if (!Array.isArray(signoff) || !signoff.every((r) => typeof r === 'string' || (isObject(r) && typeof r.id === 'string' && typeof r.label === 'string'))) {
    invalid('checklist.definition.signoff', 'a list of roles (ids, or { id, label })');
  }
  const policy = definition.signoffPolicy ?? {};
  if (!isObject(policy)) return invalid('checklist.definition.signoffPolicy', 'an object');
  const distinct = policy.distinct ?? 'all';
  if (distinct !== 'all' && !(Array.isArray(distinct) && distinct.every(isStrings))) invalid('checklist.definition.signoffPolicy.distinct', '"all" or a list of groups of role ids');
  const notByCollector = policy.notByCollector ?? [];
  if (!isStrings(notByCollector)) invalid('checklist.definition.signoffPolicy.notByCollector', 'a list of role ids');
  const informative = policy.informative ?? [];
  if (!isStrings(informative)) invalid('checklist.definition.signoffPolicy.informative', 'a list of role ids');
  const collectedBy = deployment.collectedBy ?? null;
  if (collectedBy !== null && typeof collectedBy !== 'string') invalid('collectedBy', 'a string or null');
  const schemaVersion = typeof deployment.schemaVersion === 'number' ? deployment.schemaVersion : invalid('schemaVersion', 'a number');
  const decision = isObject(deployment.decision) ? deployment.decision.status : undefined;
  if (typeof decision !== 'string' || !DECISIONS.includes(decision)) invalid('decision.status', `one of ${DECISIONS.join(', ')}`);
  return {
    deploymentId: deployment.id as string,
    roles: signoffRoles({ signoff: signoff as (string | SignoffRole)[] }).map(({ id, label }) => ({ id, label })),
    policy: { distinct: distinct as SignoffPolicy['distinct'], notByCollector: notByCollector as string[], ...(policy.informative === undefined ? {} : { informative: informative as string[] }) },
    collectedBy: collectedBy as string | null,
    decision: signoffDecision(schemaVersion, decision as DecisionStatus),
  };
}
