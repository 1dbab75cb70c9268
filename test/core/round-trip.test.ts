/**
 * The round trip's pure parts (issue 28): the comparisons made from the copy's snapshots (storage
 * and the ignored objects left out), their wording, the kind's three expectations and their
 * sentences, the comparison of two deployments' round trips, and the PR Markdown and change
 * request lines, each step's locks on the copy in a line — with hostile object names (backticks,
 * pipes, a newline, markup, @mentions), which must stay text and leave the Markdown's structure intact.
 */
import { describe, expect, it } from 'vitest';
import { checkDefinitionSchema, type CatalogObject, type CheckOf, type LockObservation, type ResultOf, type RoundTripStep } from '../../src/format/index.ts';
import { downgradeDifference, failedStep, repeatDifference, roundTripComparisons } from '../../src/core/schema-diff/round-trip.ts';
import { judgeRoundTrip, roundTripKind } from '../../src/core/kinds/round-trip.ts';
import { roundTripLines, roundTripLockLine, roundTripSentence, stepLockSummary } from '../../src/core/export/round-trip-lines.ts';

const HOSTILE = 'a|b `c` @ops\n<b>x</b>';

const table = (name: string, columns: [string, string][], extra: Partial<CatalogObject> = {}): CatalogObject => ({
  kind: 'table', schema: 'public', name, table: null, definition: null, owner: 'app', grants: null, relfilenode: '100', estimatedRows: 10,
  columns: columns.map(([n, type]) => ({ name: n, type, notNull: false, default: null, identity: null })),
  ...extra,
});
const index = (name: string, on: string, relfilenode = '200'): CatalogObject => ({
  kind: 'index', schema: 'public', name, table: on, definition: `CREATE INDEX "${name.replaceAll('"', '""')}" ON public.${on} USING btree (id)`, columns: null, owner: 'app', grants: null, relfilenode, estimatedRows: null,
});

const entry = table('entry', [['id', 'bigint'], ['amount', 'integer']], { grants: ['app=arwdDxt/app', '=r/app'] });
const version = table('alembic_version', [['version_num', 'character varying(32)']]);
const before = [version, entry, index('entry_amount_idx', 'entry'), index('alembic_version_pkc', 'alembic_version')];
const upgraded = [version, table('entry', [['id', 'bigint'], ['amount', 'integer'], [HOSTILE, 'text']], { grants: entry.grants }), index('entry_amount_idx', 'entry'), index(HOSTILE, 'entry'), index('alembic_version_pkc', 'alembic_version')];

const step = (name: RoundTripStep['step'], over: Partial<RoundTripStep> = {}): RoundTripStep => ({
  step: name, argv: ['alembic', name === 'downgrade' ? 'downgrade' : 'upgrade', name === 'downgrade' ? '-1' : 'head'], exitCode: 0, signal: null, timedOut: false, durationMs: 1234, stdout: '', stderr: '', bytesOmitted: 0, redactions: 0, ...over,
});

function roundTrip(snapshots: ResultOf<'round-trip'>['snapshots'], steps: RoundTripStep[], ignored: string[] = []): ResultOf<'round-trip'> {
  return {
    kind: 'round-trip',
    copy: { method: 'template', templateRefused: null, database: 'deploy_evidence_rt_0000abcd', dropped: true, leftoversDropped: [] },
    ignored,
    schemas: ['public'],
    steps,
    snapshots,
    ...roundTripComparisons(snapshots, ignored),
  };
}
const ALL_STEPS = [step('upgrade'), step('downgrade', { durationMs: 250 }), step('upgrade again', { durationMs: 1100 })];

/** A downgrade that forgets the hostile index and column, drops entry_amount_idx, revokes PUBLIC's read; the version table rebuilt (new storage). */
const afterForgetfulDowngrade = [
  table('alembic_version', [['version_num', 'character varying(32)']], { relfilenode: '999' }),
  table('entry', [['id', 'bigint'], ['amount', 'integer'], [HOSTILE, 'text']], { grants: ['app=arwdDxt/app'] }),
  index(HOSTILE, 'entry'),
  index('alembic_version_pkc', 'alembic_version', '998'),
];
const forgetful = roundTrip({ before, afterUpgrade: upgraded, afterDowngrade: afterForgetfulDowngrade, afterUpgradeAgain: upgraded.filter((o) => o.name !== 'entry_amount_idx') }, ALL_STEPS);
const good = roundTrip({ before, afterUpgrade: upgraded, afterDowngrade: before.map((o) => ({ ...o, relfilenode: o.relfilenode && `${o.relfilenode}1` })), afterUpgradeAgain: upgraded }, ALL_STEPS);
const check = checkDefinitionSchema.parse({ id: 'rt', kind: 'round-trip', section: '1', title: 'round trip', upgrade: ['alembic', 'upgrade', 'head'], downgrade: ['alembic', 'downgrade', '-1'] }) as CheckOf<'round-trip'>;

describe('the round trip\'s comparisons', () => {
  it('ignores storage: a downgrade that rebuilds a table gives back the same schema', () => {
    expect(good.downgradeRestores).toEqual({ from: 'before', to: 'afterDowngrade', entries: [] });
    expect(good.upgradeRepeats).toEqual({ from: 'afterUpgrade', to: 'afterUpgradeAgain', entries: [] });
  });

  it('names what the downgrade left behind, lost and left changed, and what the second upgrade missed', () => {
    // In the snapshots' order: by schema, kind, table, name.
    expect(forgetful.downgradeRestores!.entries.map(downgradeDifference)).toEqual([
      `index public.${HOSTILE} left behind by the downgrade`,
      'index public.entry_amount_idx lost by the downgrade',
      `table public.entry not restored: column ${HOSTILE} left behind; grants app=arwdDxt/app, =r/app → app=arwdDxt/app`,
    ]);
    expect(forgetful.upgradeRepeats!.entries.map(repeatDifference)).toEqual(['index public.entry_amount_idx missing after the second upgrade']);
  });

  it('says each kind of difference after the second upgrade', () => {
    const changed = roundTrip({ before, afterUpgrade: upgraded, afterDowngrade: before, afterUpgradeAgain: [...upgraded.filter((o) => o.name !== 'entry'), table('entry', [['id', 'bigint'], ['amount', 'bigint']], { grants: entry.grants }), index('extra_idx', 'entry')] }, ALL_STEPS);
    expect(changed.upgradeRepeats!.entries.map(repeatDifference)).toEqual([
      'index public.extra_idx only after the second upgrade',
      `table public.entry differs after the second upgrade: column amount integer → bigint; column ${HOSTILE} lost`,
    ]);
  });

  it('leaves the ignored objects out, a table with its indexes, and compares nothing a failed step did not reach', () => {
    const ignored = roundTrip({ before, afterUpgrade: upgraded, afterDowngrade: before.filter((o) => o.table !== 'alembic_version' && o.name !== 'alembic_version'), afterUpgradeAgain: null }, ALL_STEPS.slice(0, 2), ['public.alembic_version']);
    expect(ignored.downgradeRestores!.entries).toEqual([]);
    const notIgnored = roundTripComparisons(ignored.snapshots, []);
    expect(notIgnored.downgradeRestores!.entries.map(downgradeDifference)).toEqual(['index public.alembic_version_pkc lost by the downgrade', 'table public.alembic_version lost by the downgrade']);
    expect(ignored.upgradeRepeats).toBeNull();
    expect(roundTripComparisons({ before, afterUpgrade: null, afterDowngrade: null, afterUpgradeAgain: null }, [])).toEqual({ downgradeRestores: null, upgradeRepeats: null });
  });

  it('finds the first step that did not succeed: an exit code, a timeout, a signal', () => {
    expect(failedStep(good)).toBeNull();
    expect(failedStep({ steps: [step('upgrade'), step('downgrade', { exitCode: 3 })] })).toEqual({ step: 'downgrade', said: 'exited with 3' });
    expect(failedStep({ steps: [step('upgrade', { exitCode: null, signal: 'SIGKILL', timedOut: true })] })).toEqual({ step: 'upgrade', said: 'timed out' });
    expect(failedStep({ steps: [step('upgrade'), step('downgrade'), step('upgrade again', { exitCode: null, signal: 'SIGSEGV' })] })).toEqual({ step: 'upgrade again', said: 'was killed by SIGSEGV' });
    // Exit 0 under a timeout is not a success: the step was killed at its limit.
    expect(failedStep({ steps: [step('upgrade', { timedOut: true })] })).toEqual({ step: 'upgrade', said: 'timed out' });
  });
});

describe('the round-trip kind', () => {
  const said = (result: ResultOf<'round-trip'>) => judgeRoundTrip(check, result).map((o) => [o.id, o.status, roundTripKind.sayExpectation!(o, result)]);

  it('passes a good round trip, each expectation in a sentence with the steps\' durations', () => {
    expect(roundTripKind.expectations(check)).toEqual(['upgrade, downgrade and upgrade again each succeed on the copy', 'after the downgrade the schema is the one before the upgrade', 'the second upgrade gives the schema the first one gave']);
    expect(said(good)).toEqual([
      ['steps', 'pass', 'upgrade, downgrade and upgrade again succeeded on a copy of the database (upgrade 1.2 s, downgrade 250 ms, upgrade again 1.1 s)'],
      ['downgrade', 'pass', 'the downgrade gave back the schema before the upgrade'],
      ['repeat', 'pass', 'the second upgrade gave the schema the first one gave'],
    ]);
  });

  it('fails what did not come back, naming each object', () => {
    const outcomes = judgeRoundTrip(check, forgetful);
    expect(outcomes.map((o) => [o.id, o.status])).toEqual([['steps', 'pass'], ['downgrade', 'fail'], ['repeat', 'fail']]);
    expect(outcomes[1]!.actual).toEqual(forgetful.downgradeRestores!.entries.map(downgradeDifference));
    expect(roundTripKind.sayExpectation!(outcomes[1]!, forgetful)).toBe(`the downgrade did not give back the schema: 3 objects differ — ${forgetful.downgradeRestores!.entries.map(downgradeDifference).join('; ')}`);
    expect(roundTripKind.sayExpectation!(outcomes[2]!, forgetful)).toBe('the second upgrade gave another schema: 1 object differ — index public.entry_amount_idx missing after the second upgrade');
  });

  it('fails a stopped round trip on its step and never passes a comparison it could not make', () => {
    const stopped = roundTrip({ before, afterUpgrade: upgraded, afterDowngrade: null, afterUpgradeAgain: null }, [step('upgrade'), step('downgrade', { exitCode: 1 })]);
    expect(said(stopped)).toEqual([
      ['steps', 'fail', 'the round trip stopped: downgrade exited with 1 on the copy'],
      ['downgrade', 'skipped', 'after the downgrade the schema is the one before the upgrade: not compared, a step before it did not succeed'],
      ['repeat', 'skipped', 'the second upgrade gives the schema the first one gave: not compared, a step before it did not succeed'],
    ]);
  });

  it('compares two deployments\' round trips by what differed in each, and the steps that failed', () => {
    expect(roundTripKind.compare(good, good, {}).differences).toEqual([]);
    const worse = roundTripKind.compare(good, forgetful, {}).differences;
    expect(worse.every((d) => d.worse)).toBe(true);
    expect(worse.map((d) => d.text)).toContain('round trip: index public.entry_amount_idx lost by the downgrade');
    const better = roundTripKind.compare(forgetful, good, {}).differences;
    expect(better.map((d) => [d.text, d.worse])).toContainEqual(['round trip: no longer index public.entry_amount_idx lost by the downgrade', false]);
    const stopped = roundTrip({ before, afterUpgrade: null, afterDowngrade: null, afterUpgradeAgain: null }, [step('upgrade', { timedOut: true, exitCode: null, signal: 'SIGKILL' })]);
    expect(roundTripKind.compare(good, stopped, {}).differences).toEqual([{ kind: 'round-trip', text: 'round trip: upgrade timed out', worse: true }]);
    expect(roundTripKind.compare(stopped, good, {}).differences).toEqual([{ kind: 'round-trip', text: 'round trip: every step succeeds now (upgrade timed out before)', worse: false }]);
    expect(roundTripKind.metric!(good)).toEqual({ name: 'round trip (ms, all steps)', value: 1234 + 250 + 1100 });
  });

  it('describes the check and the parameters its commands need', () => {
    const withParams = checkDefinitionSchema.parse({ ...check, upgrade: ['alembic', '-x', 'tenant={{tenant}}', 'upgrade', 'head'], downgrade: ['alembic', '-x', 'tenant={{tenant}}', 'downgrade', '{{revision}}'] }) as CheckOf<'round-trip'>;
    expect(roundTripKind.paramsNeeded!(withParams)).toEqual(['tenant', 'revision']);
    expect(roundTripKind.describe(check)).toBe('round trip on a copy of the database: alembic upgrade head → alembic downgrade -1 → alembic upgrade head');
  });
});

describe('the round trip in Markdown', () => {
  /** Every line of a Markdown table: its cells, split at the pipes Markdown reads (not `\|`). */
  const cells = (line: string) => line.replace(/\\\\/g, '').split(/(?<!\\)\|/).slice(1, -1);

  it('says a good round trip in one sentence, and shows no table', () => {
    expect(roundTripSentence(good)).toBe('Upgrade, downgrade and upgrade again succeeded on a copy of the database (CREATE DATABASE … TEMPLATE) (upgrade 1.2 s, downgrade 250 ms, upgrade again 1.1 s); the downgrade gave back the schema before, and the second upgrade the schema of the first.');
    expect(roundTripLines(good)).toEqual([roundTripSentence(good), '']);
    const dumped = { ...good, copy: { ...good.copy, method: 'dump' as const } };
    expect(roundTripSentence(dumped)).toContain('on a copy of the database (pg_dump, restored)');
  });

  it('keeps hostile names as text: one line per row, three cells each, no mention, no markup, no code span', () => {
    const lines = roundTripLines(forgetful);
    const md = lines.join('\n');
    // The sentence is one line, with the names escaped.
    expect(lines[0]).toContain('a\\|b \\`c\\` @&#8203;ops &lt;b&gt;x&lt;/b&gt; left behind by the downgrade');
    expect(lines[0]).not.toContain('\n');
    // Two tables: after the downgrade (3 rows), after the second upgrade (1 row).
    const tableLines = md.split('\n').filter((l) => l.startsWith('|'));
    const rows = tableLines.filter((l) => l.startsWith('| ') && !l.startsWith('| Change'));
    expect(rows).toHaveLength(4);
    for (const row of tableLines) expect(cells(row), row).toHaveLength(3);
    expect(rows[0]).toBe('| added | index public.a\\|b \\`c\\` @&#8203;ops &lt;b&gt;x&lt;/b&gt; | added |');
    // The changed table before and after, folded, in fences no backtick in them can close; each
    // holds the hostile column whole (a code block mentions nobody and renders no markup).
    expect(md).toContain('<details><summary>table public.entry: before and after</summary>');
    const fences = [...md.matchAll(/^(`{3,})sql\n([\s\S]*?)\n\1$/gm)];
    expect(fences).toHaveLength(2);
    expect(fences[1]![2]).toContain(`"${HOSTILE}" text`);
    // Outside them nothing mentions anyone, opens markup or a code span of the evidence's making.
    const outside = fences.reduce((text, f) => text.replace(f[0], ''), md);
    expect(outside).not.toMatch(/@ops/);
    expect(outside).not.toMatch(/<b>|<\/b>/);
    expect(outside.replace(/\\`/g, '')).not.toContain('`');
  });

  it('says a stopped round trip in one sentence, with no table', () => {
    const stopped = roundTrip({ before, afterUpgrade: upgraded, afterDowngrade: null, afterUpgradeAgain: null }, [step('upgrade'), step('downgrade', { exitCode: 2 })]);
    expect(roundTripLines(stopped)).toEqual(['The round trip on a copy of the database (CREATE DATABASE … TEMPLATE) stopped: downgrade exited with 2.', '']);
  });

  it('counts what it does not list in the sentence', () => {
    const many = Array.from({ length: 7 }, (_, i) => index(`extra_${i}`, 'entry'));
    const leaky = roundTrip({ before, afterUpgrade: upgraded, afterDowngrade: [...before, ...many], afterUpgradeAgain: upgraded }, ALL_STEPS);
    expect(roundTripSentence(leaky)).toMatch(/but the schema did not come back: (index public\.extra_\d left behind by the downgrade; ){4}index public\.extra_4 left behind by the downgrade; and 2 more\.$/);
  });
});

describe('each step\'s locks on the copy, in a line', () => {
  const hold = (mode: string, minMs: number, maxMs: number, granted = true) => ({ mode, granted, pid: 7, firstSeenMs: 100, lastSeenMs: 100 + minMs, samples: 3, minMs, maxMs });
  const relation = (name: string, relkind: string, holds: ReturnType<typeof hold>[], waiters = 0) => ({
    oid: String(16_000 + name.length), schema: 'public', name, relkind, holds,
    waiters: Array.from({ length: waiters }, (_, i) => ({ pid: 100 + i, applicationName: 'report', query: 'SELECT 1', mode: 'AccessShareLock', firstSeenMs: 120, lastSeenMs: 300, samples: 4, blockedBy: [7] })),
  });
  const observed = (relations: LockObservation['relations']): LockObservation => ({
    status: 'observed', note: null, intervalMs: 50, matchedBy: 'application-name', applicationName: 'deploy-evidence-step-0123456789ab', stepMs: 900,
    samples: { taken: 18, failed: 0, longestSpacingMs: 55 }, gaps: [], backends: [{ pid: 7, applicationName: 'deploy-evidence-step-0123456789ab', firstSeenMs: 50, lastSeenMs: 800 }], blockedBySampler: 0, relations, truncated: false,
  });

  it('names the strongest mode, the relation that held it longest (a table before its index when as long), the bounds and the waiters', () => {
    const locks = observed([
      relation('aaa_idx', 'i', [hold('AccessExclusiveLock', 200, 260)]),
      relation('entry', 'r', [hold('ShareLock', 200, 260), hold('AccessExclusiveLock', 200, 260)], 2),
      relation('version', 'r', [hold('RowExclusiveLock', 0, 40)]),
    ]);
    expect(stepLockSummary(locks)).toBe('ACCESS EXCLUSIVE on public.entry (and 1 other relation), 200 ms to 260 ms, 2 waiting');
    // A longer hold wins whatever the relation.
    expect(stepLockSummary(observed([relation('aaa_idx', 'i', [hold('AccessExclusiveLock', 300, 400)]), relation('entry', 'r', [hold('AccessExclusiveLock', 200, 260)])]))).toBe('ACCESS EXCLUSIVE on public.aaa_idx (and 1 other relation), 300 ms to 400 ms');
    // Seen once at most: only an upper bound.
    expect(stepLockSummary(observed([relation('entry', 'r', [hold('RowExclusiveLock', 0, 40)])]))).toBe('ROW EXCLUSIVE on public.entry, at most 40 ms');
  });

  it('says when nothing was seen, and why nothing can be said', () => {
    expect(stepLockSummary(observed([]))).toBe('no relation lock seen');
    // Only waited for, never granted: nothing held.
    expect(stepLockSummary(observed([relation('entry', 'r', [hold('AccessExclusiveLock', 100, 150, false)])]))).toBe('no relation lock seen');
    expect(stepLockSummary({ ...observed([]), status: 'failed', note: 'the sampler could not open its session: refused' })).toBe('not observed: the lock observation failed: the sampler could not open its session: refused');
    expect(stepLockSummary({ ...observed([]), samples: { taken: 0, failed: 0, longestSpacingMs: 900 } })).toBe('not observed: the lock observation took no sample');
    expect(stepLockSummary(undefined)).toBe('not observed');
  });

  it('puts one line in the Markdown, after the sentence, with hostile names as text; none for a round trip collected before steps recorded locks', () => {
    const locks = observed([relation(HOSTILE, 'r', [hold('AccessExclusiveLock', 200, 260)])]);
    const withLocks = roundTrip(good.snapshots, [step('upgrade', { locks }), step('downgrade', { locks: observed([]) }), step('upgrade again', { locks })]);
    expect(roundTripLockLine(withLocks)).toBe(`Locks on the copy: upgrade ACCESS EXCLUSIVE on public.${HOSTILE}, 200 ms to 260 ms; downgrade no relation lock seen; upgrade again ACCESS EXCLUSIVE on public.${HOSTILE}, 200 ms to 260 ms.`);
    const lines = roundTripLines(withLocks);
    expect(lines).toHaveLength(4);
    expect(lines[2]).toBe('Locks on the copy: upgrade ACCESS EXCLUSIVE on public.a\\|b \\`c\\` @&#8203;ops &lt;b&gt;x&lt;/b&gt;, 200 ms to 260 ms; downgrade no relation lock seen; upgrade again ACCESS EXCLUSIVE on public.a\\|b \\`c\\` @&#8203;ops &lt;b&gt;x&lt;/b&gt;, 200 ms to 260 ms.');
    expect(roundTripLockLine(good)).toBeNull();
    expect(roundTripLines(good)).toEqual([roundTripSentence(good), '']);
  });
});
