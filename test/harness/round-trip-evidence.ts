/**
 * Real evidence of rehearsed round trips (issue 28), fast: a real collection on the real server of
 * a one-check checklist whose upgrade and downgrade are psql scripts (no Python), on a copy of a
 * small `ledger` schema. Three deployments of one environment:
 * - `rt-good`: the downgrade undoes the upgrade — the round trip passes; its steps hold their locks
 *   300 ms (ACCESS EXCLUSIVE on ledger.entry), which the round trip records per step;
 * - `rt-forgetful`: the downgrade leaves behind the index the upgrade made, whose name is hostile
 *   (markup, a pipe, backticks, an @mention, a newline), and drops an index that was there before —
 *   the round trip fails, naming both (the upgrade runs again: the lost index is missing after it too);
 * - `rt-broken`: the downgrade exits 3 (a statement fails) — the round trip stops there.
 * The target itself is never changed (the check runs on a copy); the caller drops it with `drop`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collect } from '../../collectors/collect.ts';
import { resolveConnection } from '../../collectors/db/connection.ts';
import { checklistSchema, type ChecklistInput } from '../../src/format/index.ts';
import { serverUrl } from './databases.ts';
import { tempEvidenceRoot } from './evidence.ts';
import { adminQuery } from './seed-database.ts';

/** The index the forgetful downgrade leaves behind: its name is hostile text. */
export const HOSTILE_INDEX = 'bk|<img src=x>@ops `t`\nx';
const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

const BASE = `CREATE SCHEMA ledger;
CREATE TABLE ledger.entry (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, amount integer NOT NULL, booked_on date NOT NULL);
INSERT INTO ledger.entry (amount, booked_on) SELECT g, DATE '2026-01-01' + g FROM generate_series(1, 200) g;
CREATE INDEX entry_amount_idx ON ledger.entry (amount);`;

// Runs again after a downgrade that left things behind, as a careful migration does. Its transaction
// goes on 300 ms after the DDL (as a real migration's does), so the lock sampler sees its locks.
const UPGRADE = `BEGIN;\nALTER TABLE ledger.entry ADD COLUMN IF NOT EXISTS note text;\nCREATE INDEX IF NOT EXISTS ${quoted(HOSTILE_INDEX)} ON ledger.entry (booked_on);\nSELECT pg_sleep(0.3);\nCOMMIT;\n`;
const DOWNGRADES = {
  'rt-good': `BEGIN;\nDROP INDEX ledger.${quoted(HOSTILE_INDEX)};\nALTER TABLE ledger.entry DROP COLUMN note;\nSELECT pg_sleep(0.3);\nCOMMIT;\n`,
  // Forgets the new index, and drops one the upgrade never touched.
  'rt-forgetful': 'ALTER TABLE ledger.entry DROP COLUMN note;\nDROP INDEX ledger.entry_amount_idx;\n',
  'rt-broken': 'DROP TABLE ledger.no_such_table;\n',
} as const;
export type RoundTripDeployment = keyof typeof DOWNGRADES;

const checklist = (): ChecklistInput => ({
  id: 'ledger-rehearsal',
  version: '1.0.0',
  title: 'Ledger rehearsal',
  sections: [{ number: '1', title: 'Rollback' }],
  checks: [
    {
      id: 'rehearsal',
      kind: 'round-trip',
      section: '1',
      title: 'upgrade, downgrade, upgrade on a copy',
      // The URL reaches psql through DATABASE_URL (the copy's), never through an argument.
      upgrade: ['sh', '-c', 'exec psql "$DATABASE_URL" -X -q -v ON_ERROR_STOP=1 -f upgrade.sql'],
      downgrade: ['sh', '-c', 'exec psql "$DATABASE_URL" -X -q -v ON_ERROR_STOP=1 -f downgrade.sql'],
      schemas: ['ledger'],
      copy: 'template',
      timeoutMs: 60_000,
    },
  ],
  criteria: [{ id: 'way-back', label: 'The downgrade is a way back', checks: ['rehearsal'] }],
});

export interface RoundTripEvidence {
  root: string;
  drop(): Promise<void>;
}

/** Collects the three deployments, in order, into a fresh evidence root. */
export async function collectRoundTrips(): Promise<RoundTripEvidence> {
  const name = `rte_${randomBytes(5).toString('hex')}`;
  await adminQuery(serverUrl('postgres'), `CREATE DATABASE ${name}`);
  const drop = async () => {
    await adminQuery(serverUrl('postgres'), `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  };
  try {
    await adminQuery(serverUrl(name), BASE);
    const root = await tempEvidenceRoot();
    const parsed = checklistSchema.parse(checklist());
    for (const [id, downgrade] of Object.entries(DOWNGRADES)) {
      const app = await mkdtemp(join(tmpdir(), 'rt-app-'));
      await writeFile(join(app, 'upgrade.sql'), UPGRADE);
      await writeFile(join(app, 'downgrade.sql'), downgrade);
      await collect({
        checklist: parsed,
        environment: 'staging',
        deploymentId: id,
        evidenceRoot: root,
        target: resolveConnection({ databaseUrl: serverUrl(name) }),
        appDir: app,
        params: {},
        allowMutating: { by: 'test', via: 'test' },
      });
    }
    return { root, drop };
  } catch (error) {
    await drop();
    throw error;
  }
}
