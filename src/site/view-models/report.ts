/**
 * One deployment's report. Its sections, headings and their order come from the checklist: its
 * attestations and "pre" section (when it has them), its sections, the go/no-go criteria and the
 * decision with its reasons, timeline, sign-off, artifacts, its post-deployment actions, and a
 * pull request summary when there is a pull request.
 */
import { signoffRoles, type CheckSnapshot, type Deployment, type Manifest } from '../../format/index.ts';
import type { RawFile } from '../load-evidence.ts';
import { decisionLabels, formatMs, formatUtc, type AnyStatus } from '../format.ts';
import { routes } from '../routes.ts';
import { checkView, type CheckView } from './check-view.ts';
import { httpUrl } from '../../format/http-url.ts';
import { signoffPolicyInWords, type RoleVerdict, type SignoffState } from '../../core/signoffs/verify-signoffs.ts';
import { signersSourceInWords, type SignersSource } from '../../core/signoffs/signers-source.ts';
import type { ComparisonTargets } from '../../core/compare/comparison-targets.ts';
import { artifactTable, type ArtifactTableModel } from './artifact-table.ts';
import { reasonsInWords } from '../../core/decision/reasons.ts';

export interface SectionBlock {
  number: string;
  title: string;
  /** Heading level of the section; its checks are one level deeper. */
  level: number;
  checks: CheckView[];
  children: SectionBlock[];
}

export interface ReportModel {
  id: string;
  title: string;
  decision: { status: Deployment['decision']['status']; symbol: string; tone: string; reasons: string[] };
  inProgress: boolean;
  /** Beside the decision: the deployment's id, environment, pull request, target revision, who collected it and when. */
  keyFacts: string[];
  /** Said with the collection's facts: the collecting role could write beyond the database. */
  warnings: string[];
  facts: { label: string; value: string; href?: string }[];
  /** The checklist's attestations and its "pre" section; null when it has neither (no empty heading). */
  preDeployment: {
    title: string;
    /** Each with who gave it and when (null: not given), its badge, and the note beside it. */
    attestations: { label: string; required: boolean; given: string | null; status: 'pass' | 'warn' | 'skipped'; note: string }[];
    checks: CheckView[];
  } | null;
  sections: SectionBlock[];
  criteria: { label: string; status: AnyStatus; checks: { id: string; href: string; status: AnyStatus }[]; notes: string[] }[];
  timeline: { label: string; started: string; finished: string; duration: string; total: boolean }[];
  /** The roles the checklist declares, each as verified: signed, unsigned, stale or unverified. */
  signoff: {
    role: string;
    state: SignoffState;
    badge: { word: string; tone: string };
    who: string | null;
    when: string | null;
    /** The signing key's id, shortened for display. */
    key: string | null;
    sampleKey: boolean;
    note: string | null;
    reason: string | null;
    /** Signed with `sign --force` over this decision (BLOCKED or INCOMPLETE), as its signed payload says. */
    forcedOver: string | null;
  }[];
  /** Whether every declared role is signed over the current evidence (null: no roles declared). */
  signoffSummary: { complete: boolean; tone: string; text: string } | null;
  /** The checklist's segregation of duties in words (null: no roles declared). */
  signoffPolicy: string | null;
  /** Which signers list the sign-offs were judged against, in words (null: no roles declared, or not known). */
  signersSource: string | null;
  /** Every evidence file, each checked against the manifest. */
  artifacts: ArtifactTableModel;
  manifest: { href: string; sha256: string } | null;
  /** The checklist's post-deployment actions, and the pull request summary when there is a pull request. */
  postDeployment: { actions: string[]; prMarkdown: string | null };
}

const PRE = 'pre';

/** How each state of a role's sign-off reads, and its colour. */
const SIGNOFF_BADGES: Record<SignoffState, { word: string; tone: string }> = {
  signed: { word: 'Signed', tone: 'tone-pass' },
  unsigned: { word: 'Not signed', tone: 'tone-skipped' },
  stale: { word: 'Stale', tone: 'tone-warn' },
  unverified: { word: 'Unverified', tone: 'tone-fail' },
};

/** A key id is 64 hex characters; the report shows enough of it to tell keys apart. */
const SHOWN_KEY_CHARS = 16;

export function reportModel(
  deployment: Deployment,
  snapshots: ReadonlyMap<string, CheckSnapshot>,
  files: readonly RawFile[],
  manifest: Manifest | null,
  /** The roles as verified at load; without them every declared role reads unsigned. */
  verified: readonly RoleVerdict[] = signoffRoles(deployment.checklist.definition).map((r) => ({ role: r.id, label: r.label, state: 'unsigned' as const, signoff: null })),
  /** Deployments of its environment collected in parallel with it (they follow the same one): concurrent branches. */
  parallelWith: readonly string[] = [],
  /** The signers list the roles were verified against (`build --signers`, or the evidence's own). */
  signers: SignersSource | null = null,
): ReportModel {
  const definition = deployment.checklist.definition;
  const defs = new Map(definition.checks.map((c) => [c.id, c]));
  const fileByPath = new Map(files.map((f) => [f.path, f]));
  const views = deployment.checks.map((entry) =>
    checkView({ deployment, definition: defs.get(entry.id), entry, snapshot: snapshots.get(entry.id), raw: fileByPath.get(`checks/${entry.id}.json`), tableLimit: 20 }),
  );
  const bySection = new Map<string, CheckView[]>();
  for (const view of views) bySection.set(view.section, [...(bySection.get(view.section) ?? []), view]);

  // Sections form a tree by number: "4.1" sits under "4" when the checklist has a "4".
  const numbers = new Set(definition.sections.map((s) => s.number));
  const parentOf = (n: string) => {
    const dot = n.lastIndexOf('.');
    return dot > 0 && numbers.has(n.slice(0, dot)) ? n.slice(0, dot) : null;
  };
  const build = (parent: string | null, level: number): SectionBlock[] =>
    definition.sections
      .filter((s) => s.number !== PRE && parentOf(s.number) === parent)
      .map((s) => ({ number: s.number, title: s.title, level, checks: bySection.get(s.number) ?? [], children: build(s.number, level + 1) }))
      .filter(function hasChecks(block: SectionBlock): boolean {
        return block.checks.length > 0 || block.children.some(hasChecks);
      });

  const statusOf = new Map(views.map((v) => [v.id, v.status]));
  // The reasons in today's sentences, made from this deployment's own checklist and snapshots.
  const reasons = reasonsInWords(deployment, snapshots);
  const label = decisionLabels[deployment.decision.status];
  const attested = new Map(deployment.attestations.map((a) => [a.id, a]));
  const manifestFile = fileByPath.get('manifest.json');
  const total = deployment.timeline.find((t) => t.id === 'total');

  return {
    id: deployment.id,
    title: deployment.pr.number ? `PR #${deployment.pr.number}${deployment.pr.title ? ` — ${deployment.pr.title}` : ''}` : `Deployment ${deployment.id}`,
    decision: { status: deployment.decision.status, symbol: label.symbol, tone: label.tone, reasons },
    inProgress: deployment.collection !== 'complete',
    keyFacts: [
      deployment.id,
      deployment.environment,
      ...(deployment.pr.number ? [`PR #${deployment.pr.number}`] : []),
      ...(deployment.change.targetRevision ? [`revision ${deployment.change.targetRevision}`] : []),
      `collected ${formatUtc(deployment.startedAt)}${deployment.collectedBy ? ` by ${deployment.collectedBy}` : ''}`,
    ],
    warnings: [privilegeNote(deployment.target.privileges)].filter((w): w is string => w !== null),
    facts: [
      { label: 'Deployment', value: deployment.id },
      // The deployment's digest: what sign-offs sign and the next manifest in the environment names.
      ...(manifestFile ? [{ label: 'Digest (sha256 of manifest.json)', value: manifestFile.sha256, href: routes.rawFile(deployment.id, 'manifest.json') }] : []),
      ...(manifest?.previousManifestSha256 ? [{ label: `Follows in ${deployment.environment}`, value: manifest.previousManifestSha256 }] : []),
      ...parallelWith.map((id) => ({ label: 'Collected in parallel with', value: `${id} (concurrent branches: both follow the same deployment)`, href: routes.deployment(id) })),
      { label: 'Environment', value: deployment.environment, href: routes.environment(deployment.environment) },
      ...pullRequestFacts(deployment.pr),
      ...(deployment.change.targetRevision ? [{ label: 'Target revision', value: deployment.change.targetRevision }] : []),
      { label: 'Checklist', value: `${deployment.checklist.id} ${deployment.checklist.version}` },
      { label: 'Database', value: `${deployment.target.kind === 'embedded' ? 'embedded PGlite' : 'PostgreSQL'} ${deployment.target.serverVersion} — ${deployment.target.host}${deployment.target.port ? `:${deployment.target.port}` : ''}/${deployment.target.database} as ${deployment.target.user}` },
      { label: 'Started', value: formatUtc(deployment.startedAt) },
      { label: 'Finished', value: deployment.finishedAt ? formatUtc(deployment.finishedAt) : 'not finished (collection interrupted or still running)' },
      ...(total ? [{ label: 'Total time', value: formatMs(total.durationMs) }] : []),
      // Who ran it (format v3; earlier evidence did not record it), and with what.
      ...(deployment.collectedBy ? [{ label: 'Collected by', value: deployment.collectedBy }] : []),
      { label: 'Collected with', value: `${deployment.tool.name} ${deployment.tool.version} (Node ${deployment.tool.node})${deployment.tool.gitCommit ? `, project commit ${deployment.tool.gitCommit.slice(0, 12)}` : ''}` },
      ...deployment.parameters.filter((p) => p.value !== null).map((p) => ({ label: `Parameter ${p.name}`, value: `${p.value} (${p.source})` })),
      ...(deployment.baseline ? [{ label: 'Baseline', value: deployment.baseline, href: routes.deployment(deployment.baseline) }] : []),
    ],
    preDeployment:
      definition.attestations.length > 0 || (bySection.get(PRE) ?? []).length > 0
        ? {
            // The checklist's own words: its "pre" section's title, else what the list is.
            title: definition.sections.find((s) => s.number === PRE)?.title ?? 'Attestations',
            attestations: definition.attestations.map((a) => {
              const given = attested.get(a.id);
              const by = given ? `${given.by}, ${formatUtc(given.at)}` : null;
              return {
                label: a.label,
                required: a.required,
                given: by,
                // Missing, a required attestation is a warning; an optional one is only noted.
                status: by ? 'pass' : a.required ? 'warn' : 'skipped',
                note: by ? `attested by ${by}` : `not attested${a.required ? '' : ' (optional)'}`,
              };
            }),
            checks: bySection.get(PRE) ?? [],
          }
        : null,
    sections: build(null, 3),
    criteria: deployment.criteria.map((c) => ({
      label: c.label,
      status: c.status,
      checks: c.checks.map((id) => ({ id, href: `#${id}`, status: statusOf.get(id) ?? 'missing' })),
      notes: c.notes,
    })),
    timeline: deployment.timeline.map((t) => ({ label: t.label, started: formatUtc(t.startedAt), finished: formatUtc(t.finishedAt), duration: formatMs(t.durationMs), total: t.id === 'total' })),
    // Only the roles the checklist declares, each with what its signed payload says (nothing unsigned is shown as a sign-off).
    signoff: verified.map((v) => ({
      role: v.label,
      state: v.state,
      badge: SIGNOFF_BADGES[v.state],
      who: v.signoff?.name ?? null,
      when: v.signoff?.predicate ? formatUtc(v.signoff.predicate.signedAt) : null,
      key: v.signoff?.keyid ? `${v.signoff.keyid.slice(0, SHOWN_KEY_CHARS)}…` : null,
      sampleKey: v.signoff?.sampleKey ?? false,
      note: v.signoff?.predicate?.note ?? null,
      reason: v.signoff?.reason ?? null,
      forcedOver: v.signoff?.predicate?.forced?.decision ?? null,
    })),
    signoffSummary: signoffSummary(verified),
    signoffPolicy: verified.length > 0 ? signoffPolicyInWords(definition.signoffPolicy, signoffRoles(definition)) : null,
    signersSource: verified.length > 0 && signers ? signersSourceInWords(signers) : null,
    artifacts: artifactTable(deployment.id, files, `Evidence files of ${deployment.id}`, { manifest }),
    manifest: manifestFile ? { href: routes.rawFile(deployment.id, 'manifest.json'), sha256: manifestFile.sha256 } : null,
    postDeployment: { actions: definition.postDeployment, prMarkdown: deployment.pr.number !== null || deployment.pr.url ? prMarkdown(deployment, reasons) : null },
  };
}

function signoffSummary(roles: readonly RoleVerdict[]): ReportModel['signoffSummary'] {
  if (roles.length === 0) return null;
  const signed = roles.filter((r) => r.state === 'signed');
  const open = roles.filter((r) => r.state !== 'signed').map((r) => `${r.label} ${r.state}`);
  return signed.length === roles.length
    ? { complete: true, tone: 'tone-pass', text: `Sign-off complete: all ${roles.length} roles signed over this evidence.` }
    : { complete: false, tone: 'tone-warn', text: `Sign-off incomplete: ${signed.length} of ${roles.length} roles signed (${open.join(', ')}).` };
}

/**
 * The report's links to its comparison pages: the previous deployment in its environment (or
 * why there is none), the baseline when it is another deployment, the same pull request in
 * another environment. A link without an href is a note.
 */
export function comparisonLinks(deploymentId: string, environment: string, targets: ComparisonTargets | undefined): { text: string; href: string | null }[] {
  const link = (other: string, text: string) => ({ text, href: routes.compare(deploymentId, other) });
  const note = (text: string) => ({ text, href: null });
  const { previous = null, baseline = null, samePr = null } = targets ?? {};
  return [
    previous ? link(previous, `Compare with the previous ${environment} deployment (${previous})`) : note(`First deployment in ${environment}: nothing earlier to compare with.`),
    ...(baseline && baseline !== previous ? [link(baseline, `Compare with the baseline (${baseline})`)] : []),
    ...(baseline && baseline === previous ? [note('(the previous deployment is also the baseline)')] : []),
    ...(samePr ? [link(samePr, `Compare with the same PR in another environment (${samePr})`)] : []),
  ];
}

/** The Markdown a release engineer pastes into the PR: decision, criteria, where the evidence is. */
export function prMarkdown(deployment: Deployment, reasons: readonly string[] = deployment.decision.reasons): string {
  const lines = [
    `### Deployment evidence: ${deployment.id} (${deployment.environment})`,
    '',
    `**Decision:** ${deployment.decision.status}`,
    '',
    '| Criterion | Status |',
    '|---|---|',
    ...deployment.criteria.map((c) => `| ${c.label} | ${c.status} |`),
    '',
    ...(deployment.decision.status === 'APPROVED' ? [] : ['**Reasons:**', ...reasons.map((r) => `- ${r}`), '']),
    `Report: ${routes.deployment(deployment.id)} · raw evidence: ${routes.rawFile(deployment.id, 'manifest.json')}`,
  ];
  return lines.join('\n');
}

/**
 * The pull request, linked only through an http(s) URL: anything else in `pr.url` (a
 * `javascript:` URL edited into the evidence) is shown as text, never as a link.
 */
function pullRequestFacts(pr: Deployment['pr']): ReportModel['facts'] {
  const href = httpUrl(pr.url);
  const facts: ReportModel['facts'] = [];
  if (pr.number) facts.push({ label: 'Pull request', value: `#${pr.number}${pr.title ? ` ${pr.title}` : ''}`, ...(href ? { href } : {}) });
  else if (pr.title) facts.push({ label: 'Pull request', value: pr.title });
  if (pr.url && !href) facts.push({ label: 'Pull request URL (not a web address, not linked)', value: pr.url });
  else if (href && !pr.number) facts.push({ label: 'Pull request URL', value: pr.url!, href });
  return facts;
}

function privilegeNote(privileges: Deployment['target']['privileges']): string | null {
  if (!privileges) return null;
  const held = [...(privileges.superuser ? ['a superuser'] : []), ...privileges.roles.map((r) => `a member of ${r}`)];
  if (held.length === 0) return null;
  return `Collected as ${held.join(' and ')}. Read-only transactions do not stop such a role from writing server files or running programs: the checks were guarded by name, but a read-only collecting role (pg_read_all_data) is what guarantees it.`;
}
