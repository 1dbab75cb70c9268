import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { attemptViewLock } from '../../collectors/checklists/attempt-view-lock.ts';
import { ChecklistError, defineChecklist } from '../../collectors/checklists/define-checklist.ts';
import { loadChecklist } from '../../collectors/checklists/load-checklist.ts';
import { checklistSchema, type ChecklistInput } from '../../src/format/index.ts';

// DESIGN.md's checklist table: these ids are permanent URLs.
const DESIGN_TABLE: [string, string][] = [
  ['preflight', 'pre'],
  ['alembic-history-before', '1'],
  ['alembic-upgrade', '2'],
  ['alembic-history-after', '3'],
  ['view-columns', '4.1'],
  ['sample-rows', '4.2'],
  ['row-count', '4.3'],
  ['determinism', '5'],
  ['kpi-weekly', '6.1'],
  ['irt-calibration', '6.2'],
  ['etl-integration', '6.3'],
  ['smoke-tests', '7'],
  ['perf-baseline', '8'],
  ['rollback-sql', '9'],
];

describe('the built-in attempt-view-lock checklist', () => {
  it('covers every row of the design table, with its id and section, in the template order', () => {
    const byId = new Map(attemptViewLock.checks.map((c) => [c.id, c.section]));
    for (const [id, section] of DESIGN_TABLE) expect(byId.get(id), id).toBe(section);
    const order = attemptViewLock.checks.map((c) => c.id).filter((id) => DESIGN_TABLE.some(([d]) => d === id));
    expect(order).toEqual(DESIGN_TABLE.map(([id]) => id));
  });

  it("carries the template's thresholds and expectations", () => {
    const columns = attemptViewLock.checks.find((c) => c.id === 'view-columns');
    expect(columns?.kind === 'columns' && columns.expect.columns.length).toBe(13);
    const kpi = attemptViewLock.checks.find((c) => c.id === 'kpi-weekly');
    expect(kpi?.assertions).toContainEqual(expect.objectContaining({ type: 'max-duration', warnAboveMs: 2000 }));
    const perf = attemptViewLock.checks.find((c) => c.id === 'perf-baseline');
    expect(perf).toMatchObject({ kind: 'explain', errorVerdict: 'fail', assertions: [expect.objectContaining({ metric: 'execution', warnAboveMs: 500 })] });
    expect(attemptViewLock.criteria.map((c) => c.label)).toEqual([
      'Alembic upgrade succeeded',
      'All 13 columns present',
      'Sample data query works',
      'Determinism verified',
      'Smoke tests pass (5/5)',
      'Downstream queries work',
      'Performance acceptable',
    ]);
  });

  it('is data: it survives a JSON round trip unchanged', () => {
    expect(checklistSchema.parse(JSON.parse(JSON.stringify(attemptViewLock)))).toEqual(attemptViewLock);
  });
});

describe('checklist validation', () => {
  const minimal: ChecklistInput = {
    id: 'mine',
    version: '1.0.0',
    title: 'Mine',
    sections: [{ number: '1', title: 'One' }],
    checks: [{ id: 'count', kind: 'sql', section: '1', title: 'Count', sql: 'SELECT 1 AS n', assertions: [{ type: 'row-count', min: 1 }] }],
  };

  it('names the field of every mistake', () => {
    const bad: ChecklistInput = {
      ...minimal,
      checks: [
        ...minimal.checks,
        { id: 'count', kind: 'sql', section: '2', title: 'Dup', sql: 'SELECT 1', params: ['nope'] },
        { id: 'cmd', kind: 'command', section: '1', title: 'Cmd', argv: ['true'], assertions: [{ type: 'row-count', min: 1 }] },
      ],
      criteria: [{ id: 'c', label: 'C', checks: ['ghost'] }],
    };
    let message = '';
    try {
      defineChecklist(bad, 'my-checklist.json');
    } catch (error) {
      expect(error).toBeInstanceOf(ChecklistError);
      message = (error as Error).message;
    }
    expect(message).toMatch(/^my-checklist\.json is not a valid checklist/);
    expect(message).toContain('checks.1.id: duplicate check id "count"');
    expect(message).toContain('checks.1.section: unknown section "2"');
    expect(message).toContain('checks.1: unknown parameter "nope"');
    expect(message).toContain('checks.2.assertions.0.type: "row-count" does not apply to a command check');
    expect(message).toContain('criteria.0.checks.0: unknown check "ghost"');
  });

  it('reports every problem in one run: structure and references together', () => {
    const bad = {
      ...minimal,
      version: 'one',
      checks: [
        ...minimal.checks,
        // Structure: no title, an unknown field. References: an unknown section and phase.
        { id: 'no-title', kind: 'sql', section: '9', phase: 'nowhere', sql: 'SELECT 1', colour: 'red' },
        // A reference problem inside a structurally valid check.
        { id: 'cmd', kind: 'command', section: '1', title: 'Cmd', argv: ['echo', '{{ghost}}'], assertions: [{ type: 'row-count', min: 1 }] },
      ],
      criteria: [{ id: 'c', label: 'C', checks: ['missing-check'] }],
    };
    const error = (() => {
      try {
        defineChecklist(bad as ChecklistInput, 'mine.json');
      } catch (e) {
        return e as ChecklistError;
      }
      throw new Error('expected the checklist to be refused');
    })();
    expect(error).toBeInstanceOf(ChecklistError);
    expect(error.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^version: must be a semantic version/),
        expect.stringMatching(/^checks\.1\.title: Required/),
        expect.stringMatching(/^checks\.1: Unrecognized key\(s\) in object: 'colour'/),
        'checks.1.section: unknown section "9"',
        'checks.1.phase: unknown phase "nowhere"',
        'checks.2: unknown parameter "ghost"',
        expect.stringMatching(/^checks\.2\.assertions\.0\.type: "row-count" does not apply to a command check/),
        'criteria.0.checks.0: unknown check "missing-check"',
      ]),
    );
    expect(error.message).toMatch(/^mine\.json is not a valid checklist \(\d+ problems\):/);
  });

  it('loads a user checklist from a JSON file, and refuses an unknown name', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'checklist-'));
    await writeFile(join(dir, 'mine.json'), JSON.stringify(minimal));
    const loaded = await loadChecklist('mine.json', dir);
    expect(loaded.id).toBe('mine');
    expect(loaded.checks[0]).toMatchObject({ maxRows: 100, required: true, errorVerdict: 'error' });
    await expect(loadChecklist('no-such-checklist', dir)).rejects.toThrow(/unknown checklist "no-such-checklist": not a built-in \(attempt-view-lock\)/);
  });
});
