/**
 * "Verify this report", in the reader's browser: fetches the raw files the manifest lists,
 * recomputes each sha256 with WebCrypto, checks the manifest against the digest the page shows,
 * computes the verdicts again from the snapshots, and checks every sign-off's Ed25519 signature —
 * with the same core code `verify` runs. It needs no tools and no server beyond the static site;
 * everything it shows is set as text.
 */
import type { CheckSnapshot, Deployment } from '../../format/index.ts';
import type { rederivationProblems as RederivationProblems } from '../../core/integrity/rederive.ts';
import { hex } from '../../core/signoffs/dsse.ts';
import { OUTSIDE_MANIFEST } from '../../core/integrity/manifest-check.ts';
import type { SignoffPolicy } from '../../format/checklist-schema.ts';

async function fetchBytes(url: string): Promise<ArrayBuffer | null> {
  const response = await fetch(url, { cache: 'no-store' });
  return response.ok ? response.arrayBuffer() : null;
}

const sha256 = async (bytes: ArrayBuffer) => hex(await crypto.subtle.digest('SHA-256', bytes));

async function run(root: HTMLElement): Promise<void> {
  const { rederivationProblems, verifySignoffs } = await import('./verifier-core.ts');
  const data = root.dataset;
  const list = root.querySelector('ul')!;
  const summary = root.querySelector('output')!;
  list.replaceChildren();
  const problems: string[] = [];
  const report = (ok: boolean, text: string) => {
    const item = list.appendChild(document.createElement('li'));
    item.dataset.result = ok ? 'ok' : 'failed';
    item.textContent = `${ok ? '✓' : '✗'} ${text}`;
    if (!ok) problems.push(text);
  };
  summary.textContent = 'Verifying…';
  const base = data.base!;
  const manifestBytes = await fetchBytes(`${base}manifest.json`);
  let digest: string | null = null;
  // Problems with the files themselves: what makes a sign-off over them stale (a broken link in
  // the chain is the neighbours' story, and a sign-off over these very files still holds).
  let fileProblems = 0;
  const texts = new Map<string, string>();
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
      report(actual === file.sha256, `${file.path}: ${actual === null ? 'missing' : actual === file.sha256 ? 'matches the manifest' : `changed (sha256 ${actual})`}`);
    }
    const listed = new Set(manifest.files.map((f) => f.path));
    for (const path of JSON.parse(data.files!) as string[]) {
      if (!listed.has(path) && !OUTSIDE_MANIFEST.includes(path)) report(false, `${path}: not in the manifest (added afterwards)`);
    }
    fileProblems = problems.length - before;
    reportRederived(rederivationProblems, texts, manifest.files.map((f) => f.path), report);
  }
  const intact = digest !== null && fileProblems === 0;
  // The git history, as the site's build found it: a browser cannot read git, but it must not call verified what the build did not.
  for (const problem of JSON.parse(data.history ?? '[]') as string[]) report(false, `git history (found when the site was built): ${problem}`);
  const roles = JSON.parse(data.roles!) as { id: string; label: string }[];
  // The checklist's segregation of duties and who ran the collection, as deployment.json records them.
  const policy = JSON.parse(data.policy!) as SignoffPolicy;
  const collectedBy = data.collectedBy ?? null;
  if (roles.length > 0) {
    const signoffs = data.signoffs ? await fetchBytes(data.signoffs) : null;
    const signers = signoffs && data.signers ? await fetchBytes(data.signers) : null;
    const envelopes = signoffs ? (JSON.parse(new TextDecoder().decode(signoffs)) as { signoffs: { envelope: never }[] }).signoffs.map((s) => s.envelope) : [];
    const verdicts = await verifySignoffs({ deploymentId: data.deployment!, digest, intact, roles, policy, collectedBy }, envelopes, signers ? JSON.parse(new TextDecoder().decode(signers)) : null);
    for (const role of verdicts.roles) {
      const who = role.signoff?.name ? ` by ${role.signoff.name}` : '';
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

/**
 * The verdicts computed again from the files as fetched (`verify` does the same from the files on
 * disk). The files are the collector's JSON, every default written out, so they are read as the
 * model without the schemas (which would bring zod into the page); a file that is not what the
 * format says makes this fail, naming it.
 */
function reportRederived(rederive: typeof RederivationProblems, texts: ReadonlyMap<string, string>, listed: readonly string[], report: (ok: boolean, text: string) => void): void {
  const deploymentText = texts.get('deployment.json');
  if (deploymentText === undefined) return;
  let problems: string[];
  try {
    const snapshots = new Map<string, CheckSnapshot>();
    for (const [path, text] of texts) {
      if (!path.startsWith('checks/')) continue;
      // Keyed by its file's name, as `verify` keys it: a snapshot claiming another id is named.
      snapshots.set(path.slice('checks/'.length, -'.json'.length), JSON.parse(text) as CheckSnapshot);
    }
    problems = rederive(JSON.parse(deploymentText) as Deployment, snapshots, listed);
  } catch (error) {
    problems = [`the evidence does not read as a deployment: ${(error as Error).message}`];
  }
  if (problems.length === 0) report(true, 'decision: every check\'s status, every criterion and the decision are what the snapshots give');
  for (const problem of problems) report(false, problem);
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
