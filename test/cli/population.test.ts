/**
 * `deploy-evidence population` (issue 26) over a history with every kind of row an auditor meets:
 * the committed samples (signed with the sample keys, partly signed), one of them rewritten by an
 * insider (its decision forged, its sign-offs gone: integrity failed), and real collections in a
 * `qa` environment around the edges of November 2026 — signed by real keys, one BLOCKED and signed
 * with --force, one whose check file was changed after collection. The site's /population/ page and
 * its CSV are built from the same history and must say the same.
 */
import { createHash } from 'node:crypto';
import { appendFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../harness/cli.ts';
import { copyOfCommittedEvidence } from '../harness/committed-evidence.ts';
import { failingCheckMadeToPass, forge } from '../harness/forgery.ts';
import { signedWithAppendedKey } from '../harness/forge-signoff.ts';
import { buildSite } from '../harness/site-build.ts';
import { collectTiny } from '../harness/tiny-collection.ts';

const NOVEMBER = ['--from', '2026-11-01', '--to', '2026-11-30'];
const SITE = ['--site', 'https://audit.example.com', '--base', '/repo/'];
/** A signer's name and a PR title as untrusted evidence may hold them: quotes, commas, a line break, a formula. */
const SIGNER = 'Dana "QA" Lead, Ops';
const PR_TITLE = '=HYPERLINK("http://127.0.0.2/","open"), "quoted"\nsecond line';

let root: string;

async function newKey(name: string): Promise<string> {
  const key = join(await mkdtemp(join(tmpdir(), 'keys-')), 'key');
  const run = await runCli(['keygen', '--out', key, '--name', name, '--trust', '--evidence-dir', root]);
  expect(run.exitCode, run.stderr).toBe(0);
  return `${key}.key`;
}

async function sign(id: string, role: string, key: string, ...more: string[]): Promise<void> {
  const run = await runCli(['sign', id, '--role', role, '--key', key, '--evidence-dir', root, ...more]);
  expect(run.exitCode, run.stderr).toBe(0);
}

type Row = {
  id: string;
  environment: string;
  pr: number | null;
  prTitle: string | null;
  targetRevision: string | null;
  decision: string;
  startedAt: string;
  collectedBy: string | null;
  integrity: string;
  integrityProblems: string[];
  digest: string | null;
  reportUrl: string;
  signoffs: { role: string; state: string; signer: string | null; signedAt: string | null; forcedOver: string | null; sampleKey: boolean }[];
};

async function population(...args: string[]): Promise<{ exitCode: number; stderr: string; rows: Row[]; json: Record<string, unknown> }> {
  const run = await runCli(['population', '--no-git', '--evidence-dir', root, '--format', 'json', ...args]);
  const json = run.exitCode === 0 ? (JSON.parse(run.stdout) as Record<string, unknown>) : {};
  return { exitCode: run.exitCode, stderr: run.stderr, rows: (json.deployments as Row[] | undefined) ?? [], json };
}

/** RFC 4180 read back, independently of the writer: quoted fields, doubled quotes, CRLF records. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let i = 0;
  while (i < text.length) {
    const record: string[] = [];
    for (;;) {
      expect(text[i], `field at ${i} is quoted`).toBe('"');
      let field = '';
      i += 1;
      for (;;) {
        const next = text.indexOf('"', i);
        expect(next).toBeGreaterThanOrEqual(0);
        field += text.slice(i, next);
        i = next + 1;
        if (text[i] === '"') {
          field += '"';
          i += 1;
        } else break;
      }
      record.push(field);
      if (text[i] === ',') {
        i += 1;
        continue;
      }
      expect(text.slice(i, i + 2), `record ${records.length + 1} ends with CRLF`).toBe('\r\n');
      i += 2;
      break;
    }
    records.push(record);
  }
  return records;
}

const sha256Of = async (file: string) => createHash('sha256').update(await readFile(file)).digest('hex');

beforeAll(async () => {
  root = await copyOfCommittedEvidence();
  // The insider's rewrite of a sample: its decision forged, manifests re-hashed, its sign-offs dropped.
  await forge(root, 'sample-staging-pr73', { edits: failingCheckMadeToPass('preflight', 'none') });
  const qa = (deploymentId: string, startedAt: string, more: { blocked?: boolean; pr?: { number: number; title: string } } = {}) =>
    collectTiny(root, { environment: 'qa', by: 'Release Bot', deploymentId, startedAt, ...more });
  await qa('qa-oct-31', '2026-10-31T23:59:59.999Z');
  await qa('qa-nov-01', '2026-11-01T00:00:00.000Z', { pr: { number: 101, title: PR_TITLE } });
  await qa('qa-nov-15-blocked', '2026-11-15T12:00:00.000Z', { blocked: true });
  await qa('qa-nov-30', '2026-11-30T23:59:59.999Z');
  await qa('qa-dec-01', '2026-12-01T00:00:00.000Z');
  const dana = await newKey(SIGNER);
  const erin = await newKey('Erin Approver');
  await sign('qa-nov-01', 'deployed-by', dana);
  await sign('qa-nov-15-blocked', 'validated-by', dana, '--force');
  await sign('qa-nov-15-blocked', 'approved-for-production', erin, '--force');
  await sign('qa-nov-30', 'deployed-by', dana);
  // Changed after collection (and after its sign-off): a byte appended to its check file.
  await appendFile(join(root, 'qa-nov-30', 'checks', 'answers.json'), ' ');
}, 180_000);

describe('deploy-evidence population', () => {
  it('lists every deployment that started in the period, newest first, each with its decision, sign-offs and integrity', async () => {
    const run = await population(...NOVEMBER);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.rows.map((r) => r.id)).toEqual(['qa-nov-30', 'sample-production-pr73', 'sample-staging-pr73-rerun', 'sample-staging-pr73', 'qa-nov-15-blocked', 'qa-nov-01']);
    expect(run.json).toMatchObject({ period: { from: '2026-11-01', to: '2026-11-30', by: 'startedAt', timeZone: 'UTC', inclusive: true }, environment: null, count: 6, unplaced: [] });
    const byId = new Map(run.rows.map((r) => [r.id, r]));

    // Signed in every role with the sample keys, verified.
    const production = byId.get('sample-production-pr73')!;
    expect(production).toMatchObject({ environment: 'production', pr: 73, targetRevision: '20251101_0900_attempt_view_lock', decision: 'APPROVED', integrity: 'verified', integrityProblems: [], digest: await sha256Of(join(root, 'sample-production-pr73', 'manifest.json')) });
    expect(production.signoffs.map((s) => [s.role, s.state, s.signer, s.sampleKey])).toEqual([
      ['deployed-by', 'signed', 'Sample Release Engineer', true],
      ['validated-by', 'signed', 'Sample QA Engineer', true],
      ['approved-for-production', 'signed', 'Sample Change Approver', true],
    ]);
    expect(production.signoffs[2]!.signedAt).toBe('2026-11-25T09:44:19.173Z');
    // The one after the forged sample, re-linked by the insider: its files verify again, its sign-off went with the rewrite.
    expect(byId.get('sample-staging-pr73-rerun')!).toMatchObject({ integrity: 'verified', signoffs: [{ state: 'unsigned' }, { state: 'unsigned' }, { state: 'unsigned' }] });
    // Forged: integrity failed, naming why; its sign-offs went with the rewrite.
    const forged = byId.get('sample-staging-pr73')!;
    expect(forged.integrity).toBe('failed');
    expect(forged.integrityProblems).toContain('deployment.json: the decision says APPROVED; its checks give APPROVED WITH NOTES');
    expect(forged.signoffs.map((s) => s.state)).toEqual(['unsigned', 'unsigned', 'unsigned']);
    // BLOCKED, and signed over it with --force: the row says which decision each sign-off overrode.
    const blocked = byId.get('qa-nov-15-blocked')!;
    expect(blocked).toMatchObject({ decision: 'BLOCKED', integrity: 'verified', collectedBy: 'Release Bot', targetRevision: null, pr: null });
    expect(blocked.signoffs.map((s) => [s.role, s.state, s.signer, s.forcedOver])).toEqual([
      ['deployed-by', 'unsigned', null, null],
      ['validated-by', 'signed', SIGNER, 'BLOCKED'],
      ['approved-for-production', 'signed', 'Erin Approver', 'BLOCKED'],
    ]);
    // Changed after its sign-off: the file no longer matches its manifest, the sign-off is stale.
    const changed = byId.get('qa-nov-30')!;
    expect(changed.integrity).toBe('failed');
    expect(changed.integrityProblems.join('\n')).toMatch(/checks\/answers\.json/);
    expect(changed.signoffs[0]).toMatchObject({ role: 'deployed-by', state: 'stale', signer: SIGNER });
    // The untrusted PR title and signer name, whole.
    const first = byId.get('qa-nov-01')!;
    expect(first).toMatchObject({ pr: 101, prTitle: PR_TITLE, startedAt: '2026-11-01T00:00:00.000Z', integrity: 'verified', reportUrl: '/deployments/qa-nov-01/' });
    expect(first.signoffs[0]).toMatchObject({ role: 'deployed-by', state: 'signed', signer: SIGNER, forcedOver: null, sampleKey: false });
    expect(run.stderr).toContain('6 deployments from 2026-11-01 to 2026-11-30 (UTC, by start); 2 do not verify');
  });

  it('--signers judges the sign-offs against the auditor\'s own list: a key an insider appended to the evidence\'s _signers.json signs nothing there', async () => {
    const own = await copyOfCommittedEvidence();
    const work = await mkdtemp(join(tmpdir(), 'population-signers-'));
    const attack = await signedWithAppendedKey(own, { deploymentId: 'sample-production-pr73', environment: 'production', role: 'approved-for-production', index: 2, name: 'Mallory Approver', keyFile: join(work, 'mallory.key') });
    const reviewed = join(work, 'reviewed.json');
    await writeFile(reviewed, attack.reviewed);
    const approval = async (...args: string[]) => {
      const run = await runCli(['population', '--no-git', '--evidence-dir', own, '--format', 'json', ...NOVEMBER, ...args]);
      expect(run.exitCode, run.stderr).toBe(0);
      const row = (JSON.parse(run.stdout).deployments as Row[]).find((r) => r.id === 'sample-production-pr73')!;
      return row.signoffs.find((s) => s.role === 'approved-for-production')!;
    };
    expect(await approval()).toMatchObject({ state: 'signed', signer: 'Mallory Approver' });
    expect((await approval('--signers', reviewed)).state).toBe('unverified');
    const missing = await runCli(['population', '--no-git', '--evidence-dir', own, ...NOVEMBER, '--signers', join(work, 'nowhere.json')]);
    expect([missing.exitCode, missing.stderr]).toEqual([2, expect.stringContaining(`no signers file at ${join(work, 'nowhere.json')}`)]);
  });

  it('takes whole UTC days, both included: the last millisecond of the day before and the first of the day after stay out', async () => {
    const ids = async (from: string, to: string) => (await population('--from', from, '--to', to)).rows.map((r) => r.id);
    expect(await ids('2026-10-31', '2026-10-31')).toEqual(['qa-oct-31']);
    expect(await ids('2026-11-01', '2026-11-01')).toEqual(['qa-nov-01']);
    expect(await ids('2026-11-30', '2026-11-30')).toEqual(['qa-nov-30']);
    expect(await ids('2026-12-01', '2026-12-31')).toEqual(['qa-dec-01']);
    expect(await ids('2026-11-02', '2026-11-24')).toEqual(['qa-nov-15-blocked']);
    expect(await ids('2025-01-01', '2025-12-31')).toEqual([]);
  });

  it('--env keeps one environment; a bad date or a period that ends before it starts is a usage error (exit 2)', async () => {
    const qa = await population(...NOVEMBER, '--env', 'qa');
    expect(qa.rows.map((r) => r.id)).toEqual(['qa-nov-30', 'qa-nov-15-blocked', 'qa-nov-01']);
    expect(qa.json.environment).toBe('qa');
    expect((await population(...NOVEMBER, '--env', 'production')).rows.map((r) => r.id)).toEqual(['sample-production-pr73']);
    for (const [from, to, says] of [
      ['2026-02-30', '2026-03-01', '--from "2026-02-30" is not a date'],
      ['2026/11/01', '2026-11-30', '--from "2026/11/01" is not a date'],
      ['2026-11-01', 'yesterday', '--to "yesterday" is not a date'],
      ['2026-12-01', '2026-11-01', 'the period ends (--to 2026-11-01) before it starts (--from 2026-12-01)'],
    ] as const) {
      const run = await runCli(['population', '--from', from, '--to', to, '--evidence-dir', root, '--no-git']);
      expect(run.exitCode, `${from} ${to}`).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain(says);
    }
    expect((await runCli(['population', '--from', '2026-11-01', '--evidence-dir', root])).exitCode).toBe(2);
  });

  it('writes RFC 4180 CSV: every field quoted, quotes doubled, line breaks kept inside, formulas neutralised, report links absolute with --site', async () => {
    const run = await runCli(['population', ...NOVEMBER, '--env', 'qa', '--no-git', '--evidence-dir', root, ...SITE]);
    expect(run.exitCode, run.stderr).toBe(0);
    // The harness strips the final line break.
    const records = parseCsv(`${run.stdout}\r\n`);
    const [header, ...rows] = records;
    expect(header!.slice(0, 14)).toEqual(['id', 'environment', 'pr', 'pr_title', 'target_revision', 'decision', 'collection', 'started_at', 'finished_at', 'collected_by', 'integrity', 'integrity_problems', 'digest_sha256', 'report_url']);
    expect(header!.slice(14)).toEqual(['deployed-by', 'validated-by', 'approved-for-production'].flatMap((r) => [`signoff:${r}:state`, `signoff:${r}:signer`, `signoff:${r}:signed_at`, `signoff:${r}:forced_over`]));
    expect(rows.map((r) => r[0])).toEqual(['qa-nov-30', 'qa-nov-15-blocked', 'qa-nov-01']);
    const cell = (id: string, column: string) => rows.find((r) => r[0] === id)![header!.indexOf(column)];
    // A spreadsheet would run the title as a formula: it is written as text, with its quote, comma and line break intact.
    expect(cell('qa-nov-01', 'pr_title')).toBe(`'${PR_TITLE}`);
    expect(run.stdout).toContain(`"'=HYPERLINK(""http://127.0.0.2/"",""open""), ""quoted""\nsecond line"`);
    expect(cell('qa-nov-01', 'signoff:deployed-by:signer')).toBe(SIGNER);
    expect(cell('qa-nov-01', 'report_url')).toBe('https://audit.example.com/repo/deployments/qa-nov-01/');
    expect(cell('qa-nov-15-blocked', 'decision')).toBe('BLOCKED');
    expect(cell('qa-nov-15-blocked', 'signoff:approved-for-production:forced_over')).toBe('BLOCKED');
    expect(cell('qa-nov-15-blocked', 'signoff:deployed-by:state')).toBe('unsigned');
    expect(cell('qa-nov-30', 'integrity')).toBe('failed');
    expect(cell('qa-nov-30', 'collected_by')).toBe('Release Bot');
    // Without --site, the path from the site's root (under --base when given).
    const relative = await population(...NOVEMBER, '--env', 'qa', '--base', '/repo/');
    expect(relative.rows.map((r) => r.reportUrl)).toEqual(['/repo/deployments/qa-nov-30/', '/repo/deployments/qa-nov-15-blocked/', '/repo/deployments/qa-nov-01/']);
  });

  it('the site has the same population as a page, newest first, and the same rows as a CSV file written at build time', async () => {
    const site = await buildSite(root, { site: 'https://audit.example.com', base: '/repo/' });
    expect(site.exitCode, site.output).toBe(0);
    const csv = await readFile(join(site.outDir, 'population', 'population.csv'), 'utf8');
    const everything = await runCli(['population', '--from', '2000-01-01', '--to', '2099-12-31', '--no-git', '--evidence-dir', root, ...SITE]);
    expect(csv).toBe(`${everything.stdout}\r\n`);
    expect(parseCsv(csv).slice(1).map((r) => r[0])).toEqual(['qa-dec-01', 'qa-nov-30', 'sample-production-pr73', 'sample-staging-pr73-rerun', 'sample-staging-pr73', 'qa-nov-15-blocked', 'qa-nov-01', 'qa-oct-31']);
    const html = await readFile(join(site.outDir, 'population', 'index.html'), 'utf8');
    const rows = [...html.matchAll(/<tr data-deployment="([^"]+)" data-environment="([^"]+)" data-integrity="([^"]+)"/g)].map((m) => [m[1], m[2], m[3]]);
    expect(rows).toEqual([
      ['qa-dec-01', 'qa', 'verified'],
      ['qa-nov-30', 'qa', 'failed'],
      ['sample-production-pr73', 'production', 'verified'],
      ['sample-staging-pr73-rerun', 'staging', 'verified'],
      ['sample-staging-pr73', 'staging', 'failed'],
      ['qa-nov-15-blocked', 'qa', 'verified'],
      ['qa-nov-01', 'qa', 'verified'],
      ['qa-oct-31', 'qa', 'verified'],
    ]);
    expect(html).toContain('href="/repo/population/population.csv"');
    expect(html).toMatch(/<li data-signoff-state="signed">Approved for production: signed by Erin Approver, 2\d{3}-\d\d-\d\d \d\d:\d\d:\d\d UTC<strong class="tone-warn" data-forced-over="BLOCKED"> \(forced over BLOCKED\)<\/strong><\/li>/);
    expect(html).toContain('<li data-signoff-state="signed">Deployed by: signed by Sample Release Engineer (sample key), 2026-11-25 09:44:19 UTC</li>');
    expect(html).toContain('Dana &quot;QA&quot; Lead, Ops');
    // Linked from every page's navigation.
    expect(await readFile(join(site.outDir, 'index.html'), 'utf8')).toContain('<a href="/repo/population/">Population</a>');
    // The report of the forced sign-off says so in its Sign-Off section.
    const report = await readFile(join(site.outDir, 'deployments', 'qa-nov-15-blocked', 'index.html'), 'utf8');
    expect(report).toMatch(/data-forced-over="BLOCKED"[^>]*> — signed with --force over a BLOCKED decision/);
  }, 300_000);
});
