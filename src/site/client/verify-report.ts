/**
 * "Verify this report", in the reader's browser: fetches the raw files the manifest lists,
 * recomputes each sha256 with WebCrypto, checks the manifest against the digest the page shows,
 * computes the verdicts again from the snapshots, and checks every sign-off's Ed25519 signature —
 * with the same core code `verify` runs. It needs no tools and no server beyond the static site;
 * everything it shows is set as text.
 *
 * Of the page it trusts only the digest it shows (which the reader can compare with one obtained
 * elsewhere) and where the files are: what the sign-offs are judged by — the roles, the
 * segregation of duties, who ran the collection — comes from the deployment.json it has just
 * checked against that digest, never from the page, which a compromised host could edit to declare
 * no roles. A host that serves altered scripts defeats any check run in the browser
 * (docs/site.md): the digest compared elsewhere is what holds.
 */
import type { CheckSnapshot, Deployment } from '../../format/index.ts';
import type { driftNotRederived as DriftNotRederived, rederivationProblems as RederivationProblems } from '../../core/integrity/rederive.ts';
import type { SignoffTerms, signoffTermsOf as SignoffTermsOf } from '../../format/signoff-roles.ts';
import { hex } from '../../core/signoffs/dsse.ts';
import { OUTSIDE_MANIFEST } from '../../core/integrity/manifest-check.ts';

async function fetchBytes(url: string): Promise<ArrayBuffer | null> {
  const response = await fetch(url, { cache: 'no-store' });
  return response.ok ? response.arrayBuffer() : null;
}

const sha256 = async (bytes: ArrayBuffer) => hex(await crypto.subtle.digest('SHA-256', bytes));

async function run(root: HTMLElement): Promise<void> {
  const { driftNotRederived, rederivationProblems, signoffTermsOf, verifySignoffs } = await import('./verifier-core.ts');
  const data = root.dataset;
  const list = root.querySelector('ul')!;
  const summary = root.querySelector('output')!;
  list.replaceChildren();
  const problems: string[] = [];
  const report = (ok: boolean, text: string): HTMLLIElement => {
    const item = list.appendChild(document.createElement('li'));
    item.dataset.result = ok ? 'ok' : 'failed';
    item.textContent = `${ok ? '✓' : '✗'} ${text}`;
    if (!ok) problems.push(text);
    return item;
  };
  summary.textContent = 'Verifying…';
  const base = data.base!;
  const manifestBytes = await fetchBytes(`${base}manifest.json`);
  let digest: string | null = null;
  // Problems with the files themselves: what makes a sign-off over them stale (a broken link in
  // the chain is the neighbours' story, and a sign-off over these very files still holds).
  let fileProblems = 0;
  const texts = new Map<string, string>();
  // The files whose bytes are the ones the manifest lists, under the manifest whose digest is shown.
  const verified = new Set<string>();
  let unverifiedDeployment = 'manifest.json is not published';
  if (!manifestBytes) report(false, 'manifest.json: not published');
  else {
    digest = await sha256(manifestBytes);
    report(digest === data.digest, `manifest.json: sha256 ${digest}${digest === data.digest ? ', the digest this report shows' : `, not the digest this report shows (${data.digest})`}`);
    const manifest = JSON.parse(new TextDecoder().decode(manifestBytes)) as { files: { path: string; sha256: string }[]; previousManifestSha256: string | null };
    if (manifest.previousManifestSha256) {
      const previous = data.previous ? await fetchBytes(data.previous) : null;
      const actual = previous && (await sha256(previous));
      report(actual === manifest.previousManifestSha256, `chain: ${actual === manifest.previousManifestSha256 ? `follows ${data.previous}, whose digest is the one named` : `the manifest before this one (${manifest.previousManifestSha256}) ${previous ? `is now ${actual}` : 'is not published'}: the deployment before it was removed or rewritten`}`);
    }
    const before = problems.length;
    for (const file of manifest.files) {
      const bytes = await fetchBytes(`${base}${file.path}`);
      const actual = bytes && (await sha256(bytes));
      if (bytes) texts.set(file.path, new TextDecoder().decode(bytes));
      if (actual === file.sha256 && digest === data.digest) verified.add(file.path);
      report(actual === file.sha256, `${file.path}: ${actual === null ? 'missing' : actual === file.sha256 ? 'matches the manifest' : `changed (sha256 ${actual})`}`);
    }
    const listing = manifest.files.find((f) => f.path === 'deployment.json');
    unverifiedDeployment =
      digest !== data.digest ? 'the manifest is not the digest this report shows'
      : !listing ? 'the manifest does not list deployment.json'
      : !texts.has('deployment.json') ? 'deployment.json is missing'
      : 'deployment.json does not match the manifest';
    const listed = new Set(manifest.files.map((f) => f.path));
    for (const path of JSON.parse(data.files!) as string[]) {
      if (!listed.has(path) && !OUTSIDE_MANIFEST.includes(path)) report(false, `${path}: not in the manifest (added afterwards)`);
    }
    fileProblems = problems.length - before;
    reportRederived(rederivationProblems, driftNotRederived, texts, manifest.files.map((f) => f.path), report);
  }
  const intact = digest !== null && fileProblems === 0;
  // The git history, as the site's build found it: a browser cannot read git, but it must not call verified what the build did not.
  for (const problem of JSON.parse(data.history ?? '[]') as string[]) report(false, `git history (found when the site was built): ${problem}`);
  // What the sign-offs are judged by, from deployment.json as verified: the roles its checklist declares, its segregation of duties, who ran the collection.
  const terms = signoffTerms(signoffTermsOf, verified.has('deployment.json') ? texts.get('deployment.json')! : null, unverifiedDeployment);
  if (typeof terms === 'string') {
    report(false, `sign-offs: the roles, the sign-off policy and who ran the collection could not be read from verified evidence (${terms}): no sign-off is checked`).dataset.signoff = 'unreadable';
  } else if (terms.roles.length > 0) {
    const signoffs = data.signoffs ? await fetchBytes(data.signoffs) : null;
    const signers = signoffs && data.signers ? await fetchBytes(data.signers) : null;
    const envelopes = signoffs ? (JSON.parse(new TextDecoder().decode(signoffs)) as { signoffs: { envelope: never }[] }).signoffs.map((s) => s.envelope) : [];
    const { deploymentId, roles, policy, collectedBy, decision } = terms;
    const verdicts = await verifySignoffs({ deploymentId, digest, intact, roles, policy, collectedBy, decision }, envelopes, signers ? JSON.parse(new TextDecoder().decode(signers)) : null);
    for (const role of verdicts.roles) {
      // The key beside the name: two signers are told apart by their keys, whatever their names look like.
      const who = role.signoff?.name ? ` by ${role.signoff.name}${role.signoff.keyid ? `, key ${role.signoff.keyid.slice(0, 16)}…` : ''}` : '';
      const item = list.appendChild(document.createElement('li'));
      item.dataset.result = role.state === 'signed' || role.state === 'unsigned' ? 'ok' : 'failed';
      item.dataset.signoff = role.state;
      item.textContent = `sign-off ${role.label}: ${role.state}${who}${role.signoff?.reason ? ` (${role.signoff.reason})` : ''}`;
      if (item.dataset.result === 'failed') problems.push(item.textContent);
    }
  }
  root.dataset.verified = problems.length === 0 ? 'ok' : 'failed';
  summary.textContent = problems.length === 0 ? 'Verified: every file matches the manifest, the manifest is the digest shown, the decision is what the checks give, and every sign-off holds.' : `VERIFICATION FAILED: ${problems.length} problem${problems.length === 1 ? '' : 's'} (listed above).`;
}

/** The sign-off terms of a verified deployment.json, or why there are none to read. */
function signoffTerms(read: typeof SignoffTermsOf, text: string | null, unverified: string): SignoffTerms | string {
  if (text === null) return unverified;
  try {
    return read(JSON.parse(text));
  } catch (error) {
    return `deployment.json does not read: ${(error as Error).message}`;
  }
}

/**
 * The verdicts computed again from the files as fetched (`verify` does the same from the files on
 * disk). The files are the collector's JSON, every default written out, so they are read as the
 * model without the schemas (which would bring zod into the page); a file that is not what the
 * format says makes this fail, naming it.
 */
function reportRederived(rederive: typeof RederivationProblems, notRederived: typeof DriftNotRederived, texts: ReadonlyMap<string, string>, listed: readonly string[], report: (ok: boolean, text: string) => HTMLLIElement): void {
  const deploymentText = texts.get('deployment.json');
  if (deploymentText === undefined) return;
  let problems: string[];
  let notes: string[] = [];
  try {
    const snapshots = new Map<string, CheckSnapshot>();
    for (const [path, text] of texts) {
      if (!path.startsWith('checks/')) continue;
      // Keyed by its file's name, as `verify` keys it: a snapshot claiming another id is named.
      snapshots.set(path.slice('checks/'.length, -'.json'.length), JSON.parse(text) as CheckSnapshot);
    }
    problems = rederive(JSON.parse(deploymentText) as Deployment, snapshots, listed);
    // One deployment's files: the previous deployment a drift was taken against is not among them.
    notes = notRederived(snapshots);
  } catch (error) {
    problems = [`the evidence does not read as a deployment: ${(error as Error).message}`];
  }
  if (problems.length === 0) report(true, 'decision: every check\'s status, every criterion and the decision are what the snapshots give');
  for (const problem of problems) report(false, problem);
  for (const note of notes) {
    const item = report(true, note);
    item.dataset.result = 'note';
    item.textContent = `– ${note}`;
  }
}

for (const root of document.querySelectorAll<HTMLElement>('[data-verify-report]')) {
  const button = root.querySelector('button')!;
  button.hidden = false;
  button.addEventListener('click', () => {
    button.disabled = true;
    run(root)
      .catch((error: Error) => {
        root.dataset.verified = 'failed';
        root.querySelector('output')!.textContent = `VERIFICATION FAILED: ${error.message}`;
      })
      .finally(() => (button.disabled = false));
  });
}
