/**
 * `deploy-evidence export` (issue 13, first part): Markdown for a PR and for one check, JUnit for
 * CI — golden files from the frozen v1 fixture, the Markdown read back through a GFM parser
 * (headings, tables and links really parse; evidence text never becomes markup), the XML read
 * back through an XML parser.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';
import { describe, expect, it } from 'vitest';
import { readDeploymentDir } from '../../src/format/read-deployment-dir.ts';
import { runCli } from '../harness/cli.ts';
import { copyOfCommittedEvidence, evidenceFixture } from '../harness/committed-evidence.ts';
import { failingCheckMadeToPass, forge } from '../harness/forgery.ts';

const fixtures = new URL('../fixtures/', import.meta.url).pathname;
const V1 = '2026-11-24-staging-pr73';
const SITE = ['--site', 'https://audit.example.com', '--base', '/repo/'];
const exportOf = (id: string, root: string, ...args: string[]) => runCli(['export', id, '--evidence-dir', root, ...args]);
const golden = (name: string) => readFile(join(fixtures, 'exports', name), 'utf8');

type Node = { type: string; depth?: number; url?: string; value?: string; children?: Node[] };
const parse = (markdown: string) => fromMarkdown(markdown, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] }) as unknown as Node;
function all(node: Node, type: string): Node[] {
  return [...(node.type === type ? [node] : []), ...(node.children ?? []).flatMap((c) => all(c, type))];
}

describe('deploy-evidence export', () => {
  it('prints the PR Markdown, one check, and JUnit exactly as the golden files', async () => {
    const root = await evidenceFixture('evidence');
    for (const [args, file] of [[[], 'staging-pr73.md'], [['--check', 'determinism'], 'staging-pr73-determinism.md'], [['--format', 'cr'], 'staging-pr73-cr.md'], [['--format', 'junit'], 'staging-pr73.junit.xml']] as const) {
      const run = await exportOf(V1, root, ...SITE, ...args);
      expect(run.exitCode, run.stderr).toBe(0);
      // The harness strips the final newline of a child's output.
      expect(run.stdout, file).toBe((await golden(file)).replace(/\n$/, ''));
    }
  });

  it('parses as GFM: the heading, a criteria table and a checks table row per check, every link absolute and permanent', async () => {
    const { deployment } = (await readDeploymentDir(await evidenceFixture('evidence'), V1))!;
    const tree = parse(await golden('staging-pr73.md'));
    expect(all(tree, 'heading').map((h) => h.depth)).toEqual([2, 3, 3]);
    const tables = all(tree, 'table');
    expect(tables.map((t) => (t.children?.length ?? 0) - 1)).toEqual([deployment.criteria.length, deployment.checks.length, 2]);
    const links = all(tree, 'link').map((l) => l.url!);
    expect(links.length).toBeGreaterThan(deployment.checks.length);
    for (const url of links) expect(url).toMatch(/^https:\/\/audit\.example\.com\/repo\/(deployments\/[a-z0-9-]+\/(checks\/[a-z0-9-]+\/)?|evidence\/[a-z0-9-]+\/[a-z0-9/.-]+\.json)$/);
    // Without --site the links are paths, and the export says so.
    const relative = await exportOf(V1, await evidenceFixture('evidence'));
    expect(relative.stdout).toContain(`[${V1}](/deployments/${V1}/)`);
    expect(relative.stdout).toContain('give `--site` (and `--base`) for absolute links');
  });

  it('keeps evidence text as text: markup from the database is neither HTML nor a link in the Markdown', async () => {
    const root = await evidenceFixture('site-evidence');
    const run = await exportOf('staging-xss-payloads', root, ...SITE);
    expect(run.exitCode, run.stderr).toBe(0);
    const tree = parse(run.stdout);
    // The only HTML is the export's own collapsible list of problems.
    for (const h of all(tree, 'html')) expect(h.value).toMatch(/^(<details><summary>Not a plain pass: \d+ checks?<\/summary>|<\/details>)$/);
    // …and the result excerpt of a check keeps the payload's cells as text in the table.
    const cells = await exportOf('staging-xss-payloads', root, ...SITE, '--check', 'payload-cells');
    expect(all(parse(cells.stdout), 'table')).toHaveLength(2);
    for (const l of all(tree, 'link')) expect(l.url).toMatch(/^https:\/\/audit\.example\.com\/repo\//);
    for (const check of ['payload-cells', 'payload-output']) {
      const one = await exportOf('staging-xss-payloads', root, ...SITE, '--check', check);
      expect(one.exitCode, one.stderr).toBe(0);
      for (const h of all(parse(one.stdout), 'html')) expect(h.value, check).toMatch(/^(<details><summary>Exit code [^<>]*<\/summary>|<\/details>)$/);
      for (const l of all(parse(one.stdout), 'link')) expect(l.url, check).toMatch(/^https:\/\/audit\.example\.com\/repo\//);
    }
  });

  it('drafts the production change request from a staging deployment: the rollback plan from its rollback checks, the staging timings, the sign-off roles', async () => {
    const tree = parse(await golden('staging-pr73-cr.md'));
    expect(all(tree, 'heading').map((h) => `${h.depth} ${all(h, 'text').map((t) => t.value).join('')}`)).toEqual([
      '1 Change request: attempt VIEW V1 스키마 잠금',
      '2 What changes',
      '2 Evidence from staging',
      '2 Rollback plan',
      '2 Timings to expect (from staging)',
    ]);
    expect(all(tree, 'code').find((c) => (c as { lang?: string }).lang === 'sql')?.value).toContain('DROP VIEW IF EXISTS attempt;');
    // A team's own checklist: its rollback checks (dependents, the downgrade preview) and its own roles.
    const billing = await exportOf('staging-pr12', await evidenceFixture('own-project-evidence'), '--format', 'cr', ...SITE);
    expect(billing.exitCode, billing.stderr).toBe(0);
    const items = all(parse(billing.stdout), 'listItem').map((li) => all(li, 'text').map((t) => t.value).join(''));
    for (const title of ['Nothing depends on invoice_totals', 'The invoice table\'s expected dependent is the view']) expect(items.some((i) => i.startsWith(title)), title).toBe(true);
    expect(items.filter((i) => /^(Deployed by|Billing owner) \(/.test(i))).toHaveLength(2);
    // Its checklist declares no revisionParam: the target revision is the one its migration checks expect, said so (issue 26).
    expect(billing.stdout).toContain('\n- Target revision: `0002_invoice_totals` (the revision the checklist\'s migration checks expect; the deployment records none)\n');
    expect(billing.stdout).not.toMatch(/attempt|seedtest/);
  });

  it('writes JUnit a CI reads: a test case per check, failures and skips with the decision\'s reasons', async () => {
    const root = await evidenceFixture('site-evidence');
    const run = await exportOf('staging-pr74-blocked', root, '--format', 'junit');
    expect(run.exitCode, run.stderr).toBe(0);
    const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(run.stdout) as { testsuites: { testsuite: { tests: string; failures: string; errors: string; skipped: string; testcase: { name: string; failure?: { message: string }; skipped?: unknown }[] } } };
    const { deployment, snapshots } = (await readDeploymentDir(root, 'staging-pr74-blocked'))!;
    const suite = xml.testsuites.testsuite;
    const cases = [suite.testcase].flat();
    expect(cases).toHaveLength(deployment.checks.length);
    const failed = deployment.checks.filter((c) => snapshots.get(c.id)?.status === 'fail');
    expect(failed.length).toBeGreaterThan(0);
    expect(Number(suite.failures)).toBe(failed.length);
    for (const check of failed) {
      const testcase = cases.find((c) => c.name.startsWith(`${check.id}:`))!;
      expect(testcase.failure?.message, check.id).toBeTruthy();
    }
  });

  it('refuses an unknown check, a --site that is not a web address, and --check with junit (exit 2)', async () => {
    const root = await evidenceFixture('evidence');
    expect((await exportOf(V1, root, '--check', 'nope')).stderr).toContain(`${V1} has no check "nope"`);
    expect((await exportOf(V1, root, '--site', 'javascript:alert(1)')).exitCode).toBe(2);
    expect((await exportOf(V1, root, '--format', 'junit', '--check', 'row-count')).exitCode).toBe(2);
    expect((await exportOf('no-such-deployment', root)).exitCode).toBe(2);
  });

  it('refuses evidence that does not verify, and with --allow-unverified says INTEGRITY FAILED where the decision would be, in every format (issue 24)', async () => {
    const root = await copyOfCommittedEvidence();
    // The insider's rewrite: the decision forged, the manifests re-hashed, the sign-offs deleted.
    await forge(root, 'sample-staging-pr73', { edits: failingCheckMadeToPass('preflight', 'none') });
    const id = 'sample-staging-pr73';
    for (const format of [[], ['--format', 'cr'], ['--format', 'junit'], ['--check', 'preflight']]) {
      const refused = await runCli(['export', id, ...format, '--evidence-dir', root]);
      expect(refused.exitCode, format.join(' ')).toBe(1);
      expect(refused.stdout, format.join(' ')).toBe('');
      expect(refused.stderr).toContain(`${id} does not verify: refusing to export evidence that is not what was collected`);
      expect(refused.stderr).toContain('- deployment.json: the decision says APPROVED; its checks give APPROVED WITH NOTES');
    }
    const markdown = await runCli(['export', id, '--allow-unverified', '--evidence-dir', root]);
    expect(markdown.exitCode, markdown.stderr).toBe(0);
    expect(markdown.stdout).toContain('**Decision: INTEGRITY FAILED**');
    expect(markdown.stdout).not.toContain('**Decision: APPROVED');
    expect(markdown.stdout).toContain('What it claims: **APPROVED** (not verified).');
    const cr = await runCli(['export', id, '--format', 'cr', '--allow-unverified', '--evidence-dir', root]);
    expect(cr.stdout).toMatch(/, collected [0-9: -]+ UTC: \*\*INTEGRITY FAILED\*\*\./);
    const junit = new XMLParser({ ignoreAttributes: false }).parse((await runCli(['export', id, '--format', 'junit', '--allow-unverified', '--evidence-dir', root])).stdout);
    const suite = junit.testsuites.testsuite;
    expect(suite['@_name']).toBe(`${id} (staging): INTEGRITY FAILED`);
    expect(suite.testcase[0]).toMatchObject({ '@_name': 'the evidence verifies', failure: { '@_type': 'integrity' } });
    const check = await runCli(['export', id, '--check', 'preflight', '--allow-unverified', '--evidence-dir', root]);
    expect(check.stdout).toContain('INTEGRITY FAILED (it records pass)');
    // The untouched deployment after it still exports: its link names the forged manifest's digest, and its own evidence holds.
    expect((await runCli(['export', 'sample-staging-pr73-rerun', '--evidence-dir', root])).exitCode).toBe(0);
  });

  it('refuses to draft a change request from a BLOCKED deployment (exit 1, with its reasons); --force drafts it, saying so at its top (issue 26)', async () => {
    const root = await evidenceFixture('site-evidence');
    const refused = await exportOf('staging-pr74-blocked', root, '--format', 'cr');
    expect(refused.exitCode).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain('staging-pr74-blocked is BLOCKED: refusing to draft a production change request from it (--force drafts one');
    expect(refused.stderr).toContain('  - too-many-rows (§2): fail');
    // The other formats describe a BLOCKED deployment as they always did.
    expect((await exportOf('staging-pr74-blocked', root)).exitCode).toBe(0);
    const forced = await exportOf('staging-pr74-blocked', root, '--format', 'cr', '--force');
    expect(forced.exitCode, forced.stderr).toBe(0);
    const tree = parse(forced.stdout);
    const [title, warning] = tree.children!;
    expect(title!.type).toBe('heading');
    expect(warning!.type).toBe('blockquote');
    expect(all(warning!, 'text').map((t) => t.value).join('')).toBe('Drafted with  from a BLOCKED deployment. The staging evidence says this change must not go ahead as it stands: read its reasons below before anything else.');
    expect(all(warning!, 'inlineCode').map((c) => c.value)).toEqual(['--force']);
    expect(forced.stdout).toContain('- Target revision: not recorded — the checklist declares no `revisionParam`, and its migration checks name no single revision');
    // An approved source needs no --force, and --force adds nothing to it.
    const v1 = await evidenceFixture('evidence');
    expect((await exportOf(V1, v1, '--format', 'cr', '--force', ...SITE)).stdout).toBe((await golden('staging-pr73-cr.md')).replace(/\n$/, ''));
  });
});
