/** View models are plain functions of the evidence: tested without a build. */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEvidenceText, type CheckSnapshot, type Deployment } from '../../src/format/index.ts';
import { highlight, highlightStats } from '../../src/site/highlight.ts';
import { formatMs, formatUtc } from '../../src/site/format.ts';
import { commandLine, checkView } from '../../src/site/view-models/check-view.ts';
import { deploymentRows, environmentLinks } from '../../src/site/view-models/deployment-list.ts';
import { comparisonLinks, prMarkdown, reportModel, type SectionBlock } from '../../src/site/view-models/report.ts';
import { comparisonModel, timingSentence } from '../../src/site/view-models/comparison.ts';
import { compareDeployments } from '../../src/core/compare/compare-deployments.ts';
import { reasonsInWords } from '../../src/core/decision/reasons.ts';
import { cellView, tableModel } from '../../src/site/view-models/result-table.ts';
import { artifactTable } from '../../src/site/view-models/artifact-table.ts';
import { evidenceIndexModel } from '../../src/site/view-models/evidence-index.ts';

const root = new URL('../fixtures/site-evidence/', import.meta.url).pathname;

async function load(id: string): Promise<{ deployment: Deployment; snapshots: Map<string, CheckSnapshot> }> {
  // Read as the site reads them: a file of any format version, brought to the current model.
  const read = async <K extends 'deployment' | 'check'>(kind: K, path: string) => parseEvidenceText(kind, path, await readFile(join(root, id, path), 'utf8'));
  const deployment = await read('deployment', 'deployment.json');
  const snapshots = new Map<string, CheckSnapshot>();
  for (const f of await readdir(join(root, id, 'checks'))) {
    const s = await read('check', `checks/${f}`);
    snapshots.set(s.id, s);
  }
  return { deployment, snapshots };
}

describe('formatting', () => {
  it('formats durations and UTC timestamps', () => {
    expect(formatMs(0.4567)).toBe('0.457 ms');
    expect(formatMs(12.34)).toBe('12.3 ms');
    expect(formatMs(612)).toBe('612 ms');
    expect(formatMs(1234)).toBe('1.23 s');
    expect(formatMs(125_000)).toBe('2 min 5 s');
    expect(formatUtc('2026-11-24T12:16:34.427Z')).toBe('2026-11-24 12:16:34 UTC');
  });

  it('quotes argv for display', () => {
    expect(commandLine(['alembic', 'downgrade', '20251101_0900:-1', '--sql'])).toBe('alembic downgrade 20251101_0900:-1 --sql');
    expect(commandLine(['sh', '-c', "echo 'hi'; exit 3"])).toBe(`sh -c 'echo '\\''hi'\\''; exit 3'`);
  });
});

describe('result tables', () => {
  it('keeps values as stored and tells NULL from the empty string', () => {
    expect(cellView(null)).toEqual({ text: 'NULL', kind: 'null' });
    expect(cellView('')).toEqual({ text: '(empty string)', kind: 'empty' });
    expect(cellView('9007199254740993')).toEqual({ text: '9007199254740993', kind: 'text' });
    expect(cellView(42)).toEqual({ text: '42', kind: 'number' });
  });

  it('says when rows were capped by the collector and by the page', () => {
    const result = { kind: 'sql' as const, columns: [{ name: 'n', type: 'integer', typeOid: 23 }], rows: Array.from({ length: 120 }, (_, i) => [i]), rowCount: 300, reads: [{ durationMs: 1, rowsSha256: 'x' }] };
    const model = tableModel(result, { rowsTotal: 300, rowsKept: 120, bytesOmitted: 0 }, 20);
    expect(model.rows).toHaveLength(20);
    expect(model.note).toBe('The query returned 300 rows; the evidence keeps the first 120. Showing 20 of the 120 rows kept; the raw evidence file has them all.');
    expect(model.columns[0]).toEqual({ name: 'n', type: 'integer', numeric: true });
  });
});

describe('deployment list', () => {
  it('orders newest first and counts statuses, with environment links', async () => {
    const ids = (await readdir(root)).filter((d) => !d.startsWith('_'));
    const deployments = await Promise.all(ids.map(async (id) => (await load(id)).deployment));
    const rows = deploymentRows(deployments);
    const started = rows.map((r) => r.startedAt);
    expect(started).toEqual([...started].sort().reverse());
    const blocked = rows.find((r) => r.id === 'staging-pr74-blocked')!;
    expect(blocked).toMatchObject({ decision: 'BLOCKED', environment: 'staging', pr: '#74', href: '/deployments/staging-pr74-blocked/' });
    expect(blocked.counts.fail).toBeGreaterThan(0);
    expect(rows.find((r) => r.id === 'staging-pr75-interrupted')).toMatchObject({ inProgress: true, decision: 'INCOMPLETE' });
    expect(environmentLinks(rows, 'production')).toEqual([
      { name: 'production', href: '/environments/production/', count: 1, current: true },
      { name: 'staging', href: '/environments/staging/', count: 5, current: false },
    ]);
  });
});

describe('report', () => {
  it('follows the template order with headings in order, and links every criterion to its checks', async () => {
    const { deployment, snapshots } = await load('staging-pr73-full');
    const report = reportModel(deployment, snapshots, [], null);
    expect(report.preDeployment!.checks.map((c) => c.id)).toEqual(['preflight']);
    expect(report.preDeployment!.attestations.filter((a) => a.given).map((a) => a.given)).toEqual([expect.stringMatching(/^release-bot, /), expect.any(String), expect.any(String)]);
    const flat = (blocks: SectionBlock[]): [string, number][] => blocks.flatMap((b) => [[b.number, b.level] as [string, number], ...flat(b.children)]);
    expect(flat(report.sections)).toEqual([['1', 3], ['2', 3], ['3', 3], ['4', 3], ['4.1', 4], ['4.2', 4], ['4.3', 4], ['5', 3], ['6', 3], ['6.1', 4], ['6.2', 4], ['6.3', 4], ['7', 3], ['8', 3], ['9', 3]]);
    expect(report.criteria).toHaveLength(7);
    expect(report.criteria[0]?.checks.map((c) => c.href)).toEqual(['#alembic-upgrade', '#alembic-upgrade-verified', '#alembic-history-after']);
    expect(report.timeline.at(-1)).toMatchObject({ label: 'Total deployment time', total: true });
    // The roles this checklist declares, labelled from their ids.
    expect(report.signoff.map((s) => s.role)).toEqual(['Deployed by', 'Validated by', 'Approved for production']);
  });

  it('takes its sections from the checklist alone: no attestation heading, actions or pull request summary a checklist and deployment do not have', async () => {
    const approved = await load('production-pr73-approved');
    const report = reportModel(approved.deployment, approved.snapshots, [], null);
    expect(approved.deployment.checklist.definition.attestations).toEqual([]);
    expect(report.preDeployment).toBeNull();
    expect(report.postDeployment.actions).toEqual([]);
    // No roles declared: no Sign-Off section (the page renders none for an empty list).
    expect(approved.deployment.checklist.definition.signoff).toEqual([]);
    expect(report.signoff).toEqual([]);
    // It has a pull request: the summary to paste there.
    expect(report.postDeployment.prMarkdown).toMatch(/^### Deployment evidence: production-pr73-approved/);
    const noPr = await load('staging-xss-payloads');
    expect(noPr.deployment.pr.number).toBeNull();
    expect(reportModel(noPr.deployment, noPr.snapshots, [], null).postDeployment.prMarkdown).toBeNull();
  });

  it('shows a check that was never collected as not collected, never as a pass', async () => {
    const { deployment, snapshots } = await load('staging-pr75-interrupted');
    const report = reportModel(deployment, snapshots, [], null);
    expect(report.inProgress).toBe(true);
    const views = [...report.preDeployment!.checks, ...report.sections.flatMap(function all(b: SectionBlock): typeof b.checks { return [...b.checks, ...b.children.flatMap(all)]; })];
    expect(views.filter((v) => v.status === 'missing').length).toBe(deployment.checks.length - 3);
    expect(views.find((v) => v.id === 'determinism')?.problem).toBe('Not collected: the collection did not finish.');
  });

  it('warns above everything when the collecting role could write beyond the database, and says nothing otherwise', async () => {
    const { deployment, snapshots } = await load('staging-pr74-blocked');
    // The fixture was collected on PGlite as its superuser: the report says so.
    expect(deployment.target.privileges?.superuser).toBe(true);
    expect(reportModel(deployment, snapshots, [], null).warnings).toEqual([expect.stringMatching(/^Collected as a superuser/)]);
    // Evidence that does not record the role's privileges warns about nothing it does not know.
    const { privileges: _unrecorded, ...withoutPrivileges } = deployment.target;
    expect(reportModel({ ...deployment, target: withoutPrivileges }, snapshots, [], null).warnings).toEqual([]);
    const asSuperuser = { ...deployment, target: { ...deployment.target, privileges: { superuser: true, roles: ['pg_execute_server_program'] } } };
    expect(reportModel(asSuperuser, snapshots, [], null).warnings).toEqual([
      expect.stringMatching(/^Collected as a superuser and a member of pg_execute_server_program\. Read-only transactions do not stop such a role/),
    ]);
    const readOnly = { ...deployment, target: { ...deployment.target, privileges: { superuser: false, roles: [] } } };
    expect(reportModel(readOnly, snapshots, [], null).warnings).toEqual([]);
  });

  it('links the pull request only through an http(s) URL', async () => {
    const { deployment, snapshots } = await load('staging-pr74-blocked');
    const facts = (url: string) => reportModel({ ...deployment, pr: { number: 74, title: 't', url } }, snapshots, [], null).facts.filter((f) => f.label.startsWith('Pull request'));
    expect(facts('https://example.com/pr/74')).toEqual([{ label: 'Pull request', value: '#74 t', href: 'https://example.com/pr/74' }]);
    for (const url of ['javascript:alert(1)', ' JaVaScRiPt:alert(1)', '\u0000javascript:x', 'java\tscript:x', 'data:text/html,x', 'vbscript:x', 'not a url']) {
      expect(facts(url), url).toEqual([{ label: 'Pull request', value: '#74 t' }, { label: 'Pull request URL (not a web address, not linked)', value: url }]);
    }
  });

  it('badges each attestation: given, missing and required (a warning), or missing and optional', async () => {
    const { deployment, snapshots } = await load('staging-pr73-full');
    const given = reportModel(deployment, snapshots, [], null).preDeployment!.attestations;
    expect(given.map((a) => [a.status, a.note])).toEqual([
      ['pass', expect.stringMatching(/^attested by release-bot, 2026-11-25 09:30:25 UTC$/)],
      ['pass', expect.stringMatching(/^attested by release-bot, /)],
      ['pass', expect.stringMatching(/^attested by release-bot, /)],
      ['skipped', 'not attested (optional)'],
    ]);
    const none = reportModel({ ...deployment, attestations: [] }, snapshots, [], null).preDeployment!.attestations;
    expect(none.map((a) => [a.status, a.note])).toEqual([
      ['warn', 'not attested'],
      ['warn', 'not attested'],
      ['warn', 'not attested'],
      ['skipped', 'not attested (optional)'],
    ]);
  });

  it('reads each sign-off state in its own word and tone, with the key shortened, and sums them up', async () => {
    const { deployment, snapshots } = await load('staging-pr73-full');
    const signoff = (state: 'signed' | 'stale' | 'unverified') => ({ state, predicate: null, keyid: 'ab'.repeat(32), signer: null, name: null, sampleKey: false, reason: null });
    const verified = [
      { role: 'deployed-by', label: 'Deployed by', state: 'signed' as const, signoff: signoff('signed') },
      { role: 'validated-by', label: 'Validated by', state: 'stale' as const, signoff: signoff('stale') },
      { role: 'approved-for-production', label: 'Approved for production', state: 'unverified' as const, signoff: signoff('unverified') },
      { role: 'extra', label: 'Extra', state: 'unsigned' as const, signoff: null },
    ];
    const report = reportModel(deployment, snapshots, [], null, verified);
    expect(report.signoff.map((s) => [s.badge.word, s.badge.tone, s.key])).toEqual([
      ['Signed', 'tone-pass', `${'ab'.repeat(8)}…`],
      ['Stale', 'tone-warn', `${'ab'.repeat(8)}…`],
      ['Unverified', 'tone-fail', `${'ab'.repeat(8)}…`],
      ['Not signed', 'tone-skipped', null],
    ]);
    expect(report.signoffSummary).toEqual({ complete: false, tone: 'tone-warn', text: 'Sign-off incomplete: 1 of 4 roles signed (Validated by stale, Approved for production unverified, Extra unsigned).' });
    expect(reportModel(deployment, snapshots, [], null, verified.slice(0, 1)).signoffSummary).toMatchObject({ complete: true, tone: 'tone-pass' });
  });

  it('links the comparisons a deployment has, and says when it has no earlier one', () => {
    const texts = (targets: Parameters<typeof comparisonLinks>[2]) => comparisonLinks('d', 'staging', targets).map((l) => (l.href ? `${l.text} -> ${l.href}` : l.text));
    expect(texts(undefined)).toEqual(['First deployment in staging: nothing earlier to compare with.']);
    expect(texts({ previous: null, baseline: null, samePr: 's' })).toEqual(['First deployment in staging: nothing earlier to compare with.', 'Compare with the same PR in another environment (s) -> /deployments/d/compare/s/']);
    expect(texts({ previous: 'p', baseline: 'p', samePr: null })).toEqual(['Compare with the previous staging deployment (p) -> /deployments/d/compare/p/', '(the previous deployment is also the baseline)']);
    expect(texts({ previous: 'p', baseline: 'b', samePr: 's' })).toEqual([
      'Compare with the previous staging deployment (p) -> /deployments/d/compare/p/',
      'Compare with the baseline (b) -> /deployments/d/compare/b/',
      'Compare with the same PR in another environment (s) -> /deployments/d/compare/s/',
    ]);
  });

  it('writes the Markdown for the pull request', async () => {
    const { deployment } = await load('staging-pr74-blocked');
    const md = prMarkdown(deployment);
    expect(md).toMatch(/^### Deployment evidence: staging-pr74-blocked \(staging\)/);
    expect(md).toContain('**Decision:** BLOCKED');
    expect(md).toContain('| Schema locked | fail |');
    expect(md).toContain('Report: /deployments/staging-pr74-blocked/');
  });
});

describe('artifact table', () => {
  it('marks a file its manifest does not list with that sha256, never the files kept outside the manifest; the evidence index marks nothing', async () => {
    const manifest = parseEvidenceText('manifest', 'manifest.json', await readFile(join(root, 'staging-pr74-blocked', 'manifest.json'), 'utf8'));
    const [first, second] = manifest.files as [(typeof manifest.files)[number], (typeof manifest.files)[number]];
    const files = [
      first,
      { ...second, sha256: 'f'.repeat(64) },
      { path: 'checks/added-afterwards.json', bytes: 2048, sha256: 'e'.repeat(64) },
      { path: 'signoffs.json', bytes: 10, sha256: 'd'.repeat(64) },
      { path: 'notes.mdx', bytes: 10, sha256: 'c'.repeat(64) },
    ];
    const table = artifactTable('staging-pr74-blocked', files, 'Evidence files of staging-pr74-blocked', { manifest });
    expect(table.caption).toBe('Evidence files of staging-pr74-blocked');
    expect(table.rows.map((r) => [r.path, r.note])).toEqual([
      [first.path, null],
      [second.path, '(not in the manifest)'],
      ['checks/added-afterwards.json', '(not in the manifest)'],
      ['signoffs.json', null],
      ['notes.mdx', null],
    ]);
    expect(table.rows[2]).toMatchObject({ href: '/evidence/staging-pr74-blocked/checks/added-afterwards.json', bytes: '2.0 KiB' });
    // A deployment without a manifest: nothing of its evidence is listed.
    expect(artifactTable('x', files, 'c', { manifest: null }).rows.filter((r) => r.note).map((r) => r.path)).toEqual([first.path, second.path, 'checks/added-afterwards.json']);
    expect(artifactTable('x', files, 'c').rows.every((r) => r.note === null)).toBe(true);
  });
});

describe('evidence index', () => {
  it('lists the JSON Schemas of the versions in use, then every deployment\'s files in the deployments list\'s order', async () => {
    const ids = (await readdir(root)).filter((d) => !d.startsWith('_'));
    const entries = await Promise.all(ids.map(async (id) => ({ deployment: (await load(id)).deployment, files: [{ path: 'deployment.json', bytes: 1, sha256: 'a'.repeat(64) }], formatVersion: 2 })));
    entries[0] = { ...entries[0]!, formatVersion: 1 };
    const model = evidenceIndexModel(entries);
    expect(model.schemas.map((s) => s.version)).toEqual([1, 2]);
    expect(model.schemas[0]!.files.map((f) => f.path)).toEqual(['_schemas/v1/deployment.schema.json', '_schemas/v1/check.schema.json', '_schemas/v1/manifest.schema.json']);
    expect(model.schemas[1]!.files.map((f) => f.href)).toContain('/evidence/_schemas/v2/signoffs.schema.json');
    expect(model.deployments.map((d) => d.id)).toEqual(deploymentRows(entries.map((e) => e.deployment)).map((r) => r.id));
    expect(model.deployments[0]).toMatchObject({ href: `/deployments/${model.deployments[0]!.id}/`, files: { caption: `Files of ${model.deployments[0]!.id}` } });
  });
});

describe('comparison', () => {
  it('sums the labels up in their order and badges each row', async () => {
    const [base, current] = await Promise.all([load('staging-pr73-full'), load('staging-pr76-smoke-failing')]);
    const model = comparisonModel(compareDeployments(base, current));
    const counts = new Map<string, number>();
    for (const row of model.rows) counts.set(row.label, (counts.get(row.label) ?? 0) + 1);
    const order = ['regressed', 'fixed', 'changed', 'new', 'removed', 'same'];
    expect(model.summary).toBe(order.filter((l) => counts.has(l)).map((l) => `${counts.get(l)} ${l}`).join(', '));
    expect(model.rows.find((r) => r.label === 'regressed')?.badge).toEqual({ symbol: '▼', word: 'Regressed', tone: 'fail' });
  });

  it('says the timings compared in one sentence', () => {
    const timing = { baseMs: 12, currentMs: 30, ratio: 2.5, noiseBand: 0.2, noiseFloorMs: 5, maxRatio: 2, exceedsLimit: true };
    expect(timingSentence([])).toBeNull();
    expect(timingSentence([{ ...timing, metric: 'execution', verdict: 'slower' }, { ...timing, metric: 'planning', currentMs: 12, ratio: 1, verdict: 'within noise', exceedsLimit: false }])).toBe(
      'execution 12 ms → 30 ms (×2.5, slower; noise ±20% / 5 ms); planning 12 ms → 12 ms (×1, within noise; noise ±20% / 5 ms)',
    );
  });
});

describe('check view', () => {
  it('computes everything a check page shows, including the plan tree', async () => {
    const { deployment, snapshots } = await load('production-pr73-approved');
    const entry = deployment.checks.find((c) => c.id === 'perf')!;
    const view = checkView({ deployment, definition: undefined, entry, snapshot: snapshots.get('perf'), raw: { sha256: 'ab'.repeat(32), bytes: 2048 } });
    expect(view).toMatchObject({ status: 'pass', href: '/deployments/production-pr73-approved/checks/perf/', reportHref: '/deployments/production-pr73-approved/#perf', raw: { href: '/evidence/production-pr73-approved/checks/perf.json', bytes: '2.0 KiB' } });
    expect(view.result?.kind).toBe('explain');
    if (view.result?.kind !== 'explain') return;
    expect(view.result.runs).toHaveLength(3);
    expect(view.result.tree).toMatchObject({ nodeType: 'Limit', children: [expect.objectContaining({ nodeType: expect.any(String) })] });
    // The page says which run the tree is from.
    expect(view.result.planLabel).toMatch(/^Plan tree \(run [1-3] of 3(, the median)?\)$/);
    expect(view.session.map((s) => s.label)).toEqual(['transaction', 'statement_timeout', 'lock_timeout', 'application_name']);
  });

  it('lists the functions a check allowed by name and called (issue 25), and none for a check without', async () => {
    const { deployment, snapshots } = await load('production-pr73-approved');
    const entry = deployment.checks.find((c) => c.id === 'perf')!;
    const snapshot = snapshots.get('perf')!;
    expect(checkView({ deployment, definition: undefined, entry, snapshot, raw: undefined }).source.allowedFunctions).toEqual([]);
    const allowed = { ...snapshot, source: { ...snapshot.source, allowedFunctions: ['pg_catalog.pg_relation_size'] } };
    expect(checkView({ deployment, definition: undefined, entry, snapshot: allowed, raw: undefined }).source.allowedFunctions).toEqual(['pg_catalog.pg_relation_size']);
  });

  it('says how many secrets a check\'s evidence had replaced (issue 25), and nothing when none were', async () => {
    const { deployment, snapshots } = await load('production-pr73-approved');
    const entry = deployment.checks.find((c) => c.id === 'perf')!;
    const snapshot = snapshots.get('perf')!;
    expect(checkView({ deployment, definition: undefined, entry, snapshot, raw: undefined }).redactions).toBeNull();
    expect(checkView({ deployment, definition: undefined, entry, snapshot: { ...snapshot, redactions: 0 }, raw: undefined }).redactions).toBeNull();
    expect(checkView({ deployment, definition: undefined, entry, snapshot: { ...snapshot, redactions: 3 }, raw: undefined }).redactions).toBe('3 secrets redacted before writing (in what ran, its result or its error).');
  });

  it('explains an error and a skip in one line', async () => {
    const { deployment, snapshots } = await load('staging-pr74-blocked');
    const entry = deployment.checks.find((c) => c.id === 'missing-table')!;
    const view = checkView({ deployment, definition: undefined, entry, snapshot: snapshots.get('missing-table'), raw: undefined });
    expect(view.problem).toBe('error: the database refused the query: relation "attempt_v2" does not exist (SQLSTATE 42P01)');
    // The report and the decision say why in the same words (one definition, in the core).
    expect(reasonsInWords(deployment, snapshots).some((r) => r.endsWith(`: ${view.problem}`) && r.startsWith('missing-table'))).toBe(true);
    expect(view.error?.code).toBe('42P01');
  });

  it('heads an error by its kind, and opens a folded result unless it is a passing command with nothing parsed', async () => {
    const { deployment, snapshots } = await load('staging-pr74-blocked');
    const entry = deployment.checks.find((c) => c.id === 'missing-table')!;
    const snapshot = snapshots.get('missing-table')!;
    const heading = (kind: NonNullable<CheckSnapshot['error']>['kind']) => checkView({ deployment, definition: undefined, entry, snapshot: { ...snapshot, error: { ...snapshot.error!, kind } }, raw: undefined }).error?.heading;
    expect([heading('sql'), heading('timeout'), heading('refused'), heading('connection'), heading('spawn'), heading('internal')]).toEqual(['Error', 'Timed out', 'Refused before sending', 'Error', 'Error', 'Error']);

    const full = await load('staging-pr73-full');
    const view = (from: typeof full, id: string, status?: CheckSnapshot['status']) => {
      const s = from.snapshots.get(id)!;
      return checkView({ deployment: from.deployment, definition: undefined, entry: from.deployment.checks.find((c) => c.id === id)!, snapshot: status ? { ...s, status } : s, raw: undefined });
    };
    const payloads = await load('staging-xss-payloads');
    expect(payloads.snapshots.get('payload-output')?.result).toMatchObject({ kind: 'command', parsed: null });
    expect(view(payloads, 'payload-output', 'pass').resultOpen).toBe(false);
    expect(view(payloads, 'payload-output', 'warn').resultOpen).toBe(true);
    expect(full.snapshots.get('smoke-tests')?.result).toMatchObject({ kind: 'command', parsed: { kind: 'pytest' } });
    expect(view(full, 'smoke-tests', 'pass').resultOpen).toBe(true);
    expect(view(full, 'row-count', 'pass').resultOpen).toBe(true);
    expect(view(full, 'row-count').duration).toBe(formatMs(full.snapshots.get('row-count')!.durationMs));
  });
});

describe('highlighting', () => {
  it('highlights each distinct text once, however often it is shown', async () => {
    const before = { ...highlightStats };
    const sql = `SELECT ${Math.random()} AS once`;
    const [a, b] = await Promise.all([highlight(sql, 'sql'), highlight(sql, 'sql')]);
    await highlight(sql, 'sql');
    expect(a).toBe(b);
    expect(highlightStats.requests - before.requests).toBe(3);
    expect(highlightStats.tokenized - before.tokenized).toBe(1);
    expect(a.lines[0]?.[0]).toMatchObject({ text: 'SELECT' });
  });

  it('shows the same colours with the fewest spans: one per run of a colour, none for the block\'s own colour', async () => {
    const { lines, classes } = await highlight('SELECT a, b FROM attempt WHERE id = 1', 'sql');
    // shiki gives 11 tokens; keywords keep theirs, identifiers and spaces take the block's.
    expect(lines[0]!.map((t) => t.text)).toEqual(['SELECT', ' a, b ', 'FROM', ' attempt ', 'WHERE', ' id ', '=', ' ', '1']);
    expect(lines[0]!.filter((t) => t.classes === '').map((t) => t.text)).toEqual([' a, b ', ' attempt ', ' id ', ' ']);
    // Colours as classes (light, then dark), never a style attribute: the site's policy allows none.
    expect(lines[0]![0]!.classes).toBe('hl-c-d73a49 hl-dc-f97583');
    expect(classes).toBe('hl-c-24292e hl-dc-e1e4e8 hl-bg-fff hl-dbg-24292e');
  });

  it('has a rule for every class a highlighted token or block can carry, the dark ones for a dark scheme', async () => {
    const { highlightStylesheet } = await import('../../src/site/highlight-classes.ts');
    const css = await highlightStylesheet();
    const [light, dark] = css.split('@media (prefers-color-scheme: dark)');
    const sql = "SELECT 'text', 1, now() -- a comment\nFROM attempt WHERE id IS NULL AND x LIKE '%a' ORDER BY 1 DESC;";
    const shell = 'alembic upgrade head --sql > "out.sql" && echo $HOME # done';
    const log = 'INFO  [alembic.runtime.migration] Running upgrade 1a2b -> 3c4d, error: failed at 2025-11-01T09:00:00Z';
    const used = new Set<string>();
    for (const [code, lang] of [[sql, 'sql'], [shell, 'shellscript'], [log, 'log']] as const) {
      const { lines, classes } = await highlight(code, lang);
      for (const c of [classes, ...lines.flat().map((t) => t.classes)].join(' ').split(' ').filter(Boolean)) used.add(c);
    }
    expect(used.size).toBeGreaterThan(8);
    for (const c of used) expect(c.startsWith('hl-d') ? dark : light, c).toContain(`.${c} {`);
  });
});

describe('history and trends', () => {
  it('charts a check by its measurement: explain by median execution time, a one-number query by its number, others by duration', async () => {
    const { checkHistoryModel, trendsModel } = await import('../../src/site/view-models/check-history.ts');
    const { summaryOf } = await import('../../src/site/data/snapshot-store.ts');
    const ids = (await readdir(root)).filter((d) => !d.startsWith('_'));
    // What the history pages get: each check's summary, no rows.
    const entries = (await Promise.all(ids.map((id) => load(id)))).map(({ deployment, snapshots }) => ({ deployment, checks: new Map([...snapshots].map(([id, s]) => [id, summaryOf(s)])) }));
    const full = entries.find((e) => e.deployment.id === 'staging-pr73-full')!;
    expect(full.checks.get('perf-baseline')!.metric.name).toBe('execution time (ms, median)');
    expect(full.checks.get('row-count')!.metric).toEqual({ name: 'total_attempts', value: 500 });
    expect(full.checks.get('smoke-tests')!.metric.name).toBe('duration (ms)');

    // row-count is a check of two checklists here: never one line (issue 9).
    const history = checkHistoryModel('row-count', entries);
    expect(history.groups.map((g) => [g.checklist, g.points.map((p) => p.deploymentId)])).toEqual([
      ['approved-example', ['production-pr73-approved']],
      ['attempt-view-lock', ['staging-pr73-full', 'staging-pr75-interrupted', 'staging-pr76-smoke-failing'].sort((a, b) => (entries.find((e) => e.deployment.id === a)!.deployment.startedAt < entries.find((e) => e.deployment.id === b)!.deployment.startedAt ? -1 : 1))],
    ]);
    const view = history.groups[1]!;
    expect(view.points.map((p) => p.startedAt)).toEqual([...view.points.map((p) => p.startedAt)].sort());
    expect(view.chart.series.map((s) => s.label)).toEqual(['staging']);
    for (const s of view.chart.series) expect(s.points).toHaveLength(view.points.length);
    const trends = trendsModel(entries);
    expect(trends.environments).toEqual(['production', 'staging']);
    expect(trends.charts.map((c) => c.chart.id)).toEqual(expect.arrayContaining(['trend-attempt-view-lock--perf-baseline', 'trend-attempt-view-lock--row-count', 'trend-approved-example--row-count', 'trend-total-duration']));
    // The total-time table shows each deployment's decision, not a check status.
    const totals = trends.charts.find((c) => c.chart.id === 'trend-total-duration')!.points;
    expect(totals.find((p) => p.deploymentId === 'staging-pr74-blocked')).toMatchObject({ status: null, decision: 'BLOCKED' });
  });
});
