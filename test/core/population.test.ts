/** The population's pure parts (issue 26): the period's bounds, the CSV writer, the target revision. */
import { describe, expect, it } from 'vitest';
import { csvDocument, csvField } from '../../src/core/csv.ts';
import { PeriodError, periodBounds, populationCsv, populationRows, type PopulationEntry } from '../../src/core/population.ts';
import { targetRevisionOf } from '../../src/core/target-revision.ts';
import { checklistSchema, type Deployment } from '../../src/format/index.ts';

describe('the period', () => {
  it('is whole UTC days, both included: from the start of the first to the start of the day after the last', () => {
    expect(periodBounds({ from: '2026-11-01', to: '2026-11-30' })).toEqual({ start: '2026-11-01T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z' });
    expect(periodBounds({ from: '2028-02-29', to: '2028-02-29' })).toEqual({ start: '2028-02-29T00:00:00.000Z', end: '2028-03-01T00:00:00.000Z' });
  });

  it('refuses what is not a calendar day, and a period that ends before it starts', () => {
    for (const [from, to] of [['2026-02-29', '2026-03-01'], ['2026-13-01', '2026-12-31'], ['2026-1-1', '2026-12-31'], ['2026-11-01T00:00', '2026-11-30'], ['', '2026-11-30'], ['2026-11-01', '2026-11-31']]) {
      expect(() => periodBounds({ from: from!, to: to! }), `${from} ${to}`).toThrow(PeriodError);
    }
    expect(() => periodBounds({ from: '2026-11-02', to: '2026-11-01' })).toThrow('the period ends (--to 2026-11-01) before it starts (--from 2026-11-02)');
  });
});

describe('CSV', () => {
  it('quotes every field, doubles quotes, keeps commas and line breaks inside, ends records with CRLF', () => {
    expect(csvDocument(['a', 'b'], [['x, "y"', 'line\nbreak'], [null, 42]])).toBe('"a","b"\r\n"x, ""y""","line\nbreak"\r\n"","42"\r\n');
  });

  it('writes a cell a spreadsheet would run as a formula as text (=, +, -, @, tab, carriage return first)', () => {
    for (const start of ['=', '+', '-', '@', '\t', '\r']) expect(csvField(`${start}SUM(A1)`)).toBe(`"'${start}SUM(A1)"`);
    expect(csvField('a=b')).toBe('"a=b"');
    // The tool's own numbers are numbers, not text from the evidence.
    expect(csvField(-1)).toBe('"-1"');
  });

  it('refuses a record whose length is not the header\'s', () => {
    expect(() => csvDocument(['a', 'b'], [['x']])).toThrow('CSV record 1 has 1 fields, the header 2');
  });
});

const checklist = (assertions: { type: string; revision?: string }[], revisionParam?: string) =>
  checklistSchema.parse({
    id: 'c',
    version: '1.0.0',
    title: 'c',
    sections: [{ number: '1', title: 's' }],
    ...(revisionParam ? { params: [{ name: revisionParam, description: 'r' }], revisionParam } : {}),
    checks: assertions.map((a, i) => ({ id: `m${i}`, kind: 'command', section: '1', title: 't', argv: ['alembic', 'current'], parser: 'alembic-history', assertions: [a] })),
  });

describe('the target revision', () => {
  it('is the one recorded, else the one revision the migration assertions name, else unknown', () => {
    const of = (recorded: string | null, assertions: { type: string; revision?: string }[]) =>
      targetRevisionOf({ change: { targetRevision: recorded }, checklist: { id: 'c', version: '1', definition: checklist(assertions) } } as Pick<Deployment, 'change' | 'checklist'>);
    expect(of('0003_x', [{ type: 'revision-is-head', revision: '0002_y' }])).toEqual({ revision: '0003_x', from: 'recorded' });
    expect(of(null, [{ type: 'revision-is-head', revision: '0002_y' }, { type: 'migration-ran', revision: '0002_y' }, { type: 'exit-code' }])).toEqual({ revision: '0002_y', from: 'expected' });
    expect(of(null, [{ type: 'revision-is-head', revision: '0001_before' }, { type: 'revision-is-head', revision: '0002_after' }])).toBeNull();
    expect(of(null, [{ type: 'exit-code' }])).toBeNull();
  });
});

describe('rows', () => {
  const entry = (id: string, over: Partial<PopulationEntry['integrity']> = {}, deployment: Partial<NonNullable<PopulationEntry['deployment']>> | null = {}): PopulationEntry => ({
    id,
    deployment:
      deployment === null
        ? null
        : {
            environment: 'qa',
            pr: { number: null, title: null, url: null },
            change: { targetRevision: null },
            checklist: { id: 'c', version: '1', definition: checklist([{ type: 'exit-code' }]) },
            decision: { status: 'APPROVED', reasons: [] },
            collection: 'complete',
            startedAt: '2026-11-01T00:00:00.000Z',
            finishedAt: '2026-11-01T00:00:01.000Z',
            collectedBy: null,
            ...deployment,
          },
    integrity: { status: 'OK', digest: 'a'.repeat(64), problems: [], signoffProblems: [], signoffs: [], ...over },
  });

  it('judges integrity as verify does: the evidence, then its sign-offs; an unfinished collection is incomplete', () => {
    const { rows } = populationRows([
      entry('ok'),
      entry('changed', { status: 'FAILED', problems: ['checks/x.json: changed'] }),
      entry('bad-signoff', { signoffProblems: ['sign-off as validated-by by X is unverified: …'] }),
      entry('unfinished', { status: 'INCOMPLETE', digest: null, problems: ['no manifest.json'] }, { collection: 'in-progress', finishedAt: null }),
    ]);
    expect(Object.fromEntries(rows.map((r) => [r.id, [r.integrity, r.integrityProblems.length]]))).toEqual({ ok: ['verified', 0], changed: ['failed', 1], 'bad-signoff': ['failed', 1], unfinished: ['incomplete', 1] });
  });

  it('keeps a deployment whose deployment.json does not read apart, never drops it', () => {
    const result = populationRows([entry('unreadable', { status: 'FAILED', problems: ['deployment.json: not valid JSON'] }, null), entry('ok')]);
    expect(result.rows.map((r) => r.id)).toEqual(['ok']);
    expect(result.unplaced).toEqual([{ id: 'unreadable', integrity: 'failed', integrityProblems: ['deployment.json: not valid JSON'] }]);
  });

  it('gives each role any row declares its columns, empty where a row\'s checklist does not declare it', () => {
    const signoff = (role: string) => ({ role, label: role, state: 'unsigned' as const, signoff: null });
    const { rows } = populationRows([entry('a', { signoffs: [signoff('deployed-by')] }), entry('b', { signoffs: [signoff('billing-owner')] }, { startedAt: '2026-11-02T00:00:00.000Z' })]);
    const [header, first] = populationCsv(rows).split('\r\n').map((line) => line.split(','));
    expect(header!.slice(14)).toEqual(['"signoff:billing-owner:state"', '"signoff:billing-owner:signer"', '"signoff:billing-owner:signed_at"', '"signoff:billing-owner:forced_over"', '"signoff:deployed-by:state"', '"signoff:deployed-by:signer"', '"signoff:deployed-by:signed_at"', '"signoff:deployed-by:forced_over"']);
    expect(first!.slice(14)).toEqual(['"unsigned"', '""', '""', '""', '""', '""', '""', '""']);
  });
});
