/**
 * The site's loader stays bounded whatever a checklist kept (issue 9): a check file of 5,000
 * rows reaches pages as at most SITE_MAX_ROWS, its own page shows CHECK_PAGE_ROWS and says the
 * raw file has the rest.
 */
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEvidence, SITE_MAX_ROWS } from '../../src/site/load-evidence.ts';
import { SnapshotStore } from '../../src/site/data/snapshot-store.ts';
import { readDeploymentDir } from '../../src/format/read-deployment-dir.ts';
import { CHECK_PAGE_ROWS, checkView } from '../../src/site/view-models/check-view.ts';

const FIXTURE = new URL('../fixtures/site-evidence/', import.meta.url).pathname;

describe('loading a large result for the site', () => {
  it('keeps at most SITE_MAX_ROWS rows in the data store, and the check page says how many the file keeps', async () => {
    const root = await mkdtemp(join(tmpdir(), 'big-result-'));
    await cp(join(FIXTURE, '_schemas'), join(root, '_schemas'), { recursive: true });
    await cp(join(FIXTURE, 'production-pr73-approved'), join(root, 'production-pr73-approved'), { recursive: true });
    const file = join(root, 'production-pr73-approved', 'checks', 'long-result.json');
    const snapshot = JSON.parse(await readFile(file, 'utf8'));
    const row = snapshot.result.rows[0];
    snapshot.result.rows = Array.from({ length: 5_000 }, () => row);
    snapshot.result.rowCount = 6_000;
    snapshot.truncation = { rowsTotal: 6_000, rowsKept: 5_000, bytesOmitted: 0 };
    await writeFile(file, JSON.stringify(snapshot, null, 2));

    const loaded = await loadEvidence(root);
    const stored = loaded.snapshots.get('production-pr73-approved').get('long-result')!;
    expect(stored.result?.kind === 'sql' && stored.result.rows.length).toBe(SITE_MAX_ROWS);
    const { deployment, files } = loaded.deployments[0]!;
    const raw = files.find((f) => f.path === 'checks/long-result.json');
    const view = checkView({ deployment, definition: deployment.checklist.definition.checks.find((c) => c.id === 'long-result'), entry: deployment.checks.find((c) => c.id === 'long-result')!, snapshot: stored, raw });
    expect(view.result?.kind === 'sql' && view.result.table.rows.length).toBe(CHECK_PAGE_ROWS);
    expect(view.result?.kind === 'sql' && view.result.table.note).toBe('The query returned 6,000 rows; the evidence keeps the first 5,000. Showing 500 of the 5,000 rows kept; the raw evidence file has them all.');
  });
});

describe('loading a bad evidence file', () => {
  it.each([
    ['check-bad-status.json', 'staging-pr74-blocked/checks/too-many-rows.json', /status: Invalid enum value.*received 'ok'/],
    ['check-unknown-version.json', 'staging-pr74-blocked/checks/too-many-rows.json', /schemaVersion: 99 is not supported/],
    ['deployment-bad-decision.json', 'staging-pr74-blocked/deployment.json', /decision\.status: Invalid enum value/],
    ['check-not-json.json', 'staging-pr74-blocked/checks/too-many-rows.json', /not valid JSON/],
  ])('%s stops the load naming the file and the field, with a hint and no stack trace', async (broken, into, message) => {
    const root = await mkdtemp(join(tmpdir(), 'bad-evidence-'));
    await cp(join(FIXTURE, '_schemas'), join(root, '_schemas'), { recursive: true });
    await cp(join(FIXTURE, 'staging-pr74-blocked'), join(root, 'staging-pr74-blocked'), { recursive: true });
    await writeFile(join(root, into), await readFile(new URL(`../fixtures/broken/${broken}`, import.meta.url)));
    const error = await loadEvidence(root).then(() => null, (e: Error & { hint?: string }) => e);
    expect(error).not.toBeNull();
    expect(error!.message).toContain(join(root, into));
    expect(error!.message).toMatch(message);
    expect(error!.hint).toMatch(/Fix or remove the file/);
    expect(error!.stack).toBe('');
  });
});

describe('the snapshots kept between pages (issue 14)', () => {
  it('gives back every validated snapshot as the loader read it, whichever deployments were parsed before', async () => {
    const loaded = await loadEvidence(FIXTURE);
    expect(loaded.deployments.length).toBeGreaterThan(2);
    // One kept parsed at a time: every second read parses its text again.
    const store = new SnapshotStore(1);
    for (const { id } of loaded.deployments) store.put(id, loaded.snapshots.get(id).values());
    for (const round of [1, 2]) {
      for (const { id } of loaded.deployments) {
        const read = (await readDeploymentDir(FIXTURE, id))!;
        expect(read.snapshots.size, `${id}, round ${round}`).toBeGreaterThan(0);
        expect(new Map(store.get(id)), `${id}, round ${round}`).toEqual(read.snapshots);
      }
    }
    expect(store.get('no-such-deployment').size).toBe(0);
  });
});
