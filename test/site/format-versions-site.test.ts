/**
 * Evidence collected a year ago still renders: one evidence root holding a deployment written in
 * format v1 (the frozen fixture), one written in v2 (the site fixture) and one collected now in the
 * current format builds into one site; each report renders, each raw file and the JSON Schemas of
 * every version are published byte for byte, and the v1 report (whose checklist could not declare
 * sign-off roles) has no Sign-Off.
 */
import { cp, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION, schemaDir } from '../../src/format/common.ts';
import { buildSite, type SiteBuild } from '../harness/site-build.ts';
import { collectTiny } from '../harness/tiny-collection.ts';

const fixtures = new URL('../fixtures/', import.meta.url).pathname;
const V1 = '2026-11-24-staging-pr73';
const V2 = 'staging-pr73-full';
const CURRENT = 'qa-current';

let root: string;
let build: SiteBuild;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'mixed-versions-'));
  await cp(join(fixtures, 'evidence', '_schemas', 'v1'), join(root, '_schemas', 'v1'), { recursive: true });
  await cp(join(fixtures, 'evidence', V1), join(root, V1), { recursive: true });
  await cp(join(fixtures, 'site-evidence', schemaDir(2)), join(root, schemaDir(2)), { recursive: true });
  await cp(join(fixtures, 'site-evidence', V2), join(root, V2), { recursive: true });
  // A collection now, in its own environment (its chain starts here); it writes its version's schemas.
  await collectTiny(root, { environment: 'qa', by: 'Release Bot', deploymentId: CURRENT });
  build = await buildSite(root, { strict: true });
  if (build.exitCode !== 0) throw new Error(`site build failed:\n${build.output}`);
}, 300_000);

const html = (path: string) => readFile(join(build.outDir, path), 'utf8');

describe('a site over evidence of three format versions', () => {
  it('renders every report; only those whose checklist declares roles (v2 and later) have a Sign-Off section', async () => {
    const v1 = await html(`deployments/${V1}/index.html`);
    expect(v1).toContain('id="decision"');
    expect(v1).not.toContain('id="signoff"');
    for (const id of [V2, CURRENT]) {
      const report = await html(`deployments/${id}/index.html`);
      expect(report, id).toContain('id="signoff"');
      expect(report, id).toContain('Approved for production');
    }
  });

  it('publishes each raw file as written and lists the JSON Schemas of every version', async () => {
    for (const [id, file] of [[V1, 'deployment.json'], [V1, 'checks/row-count.json'], [V2, 'deployment.json'], [CURRENT, 'deployment.json']] as const) {
      expect(await readFile(join(build.outDir, 'evidence', id, file), 'utf8'), `${id}/${file}`).toBe(await readFile(join(root, id, file), 'utf8'));
    }
    for (const [id, version] of [[V1, 1], [V2, 2], [CURRENT, SCHEMA_VERSION]] as const) {
      expect(JSON.parse(await readFile(join(build.outDir, 'evidence', id, 'deployment.json'), 'utf8')).schemaVersion, id).toBe(version);
    }
    const index = await html('evidence/index.html');
    for (const version of [1, 2, SCHEMA_VERSION]) {
      expect(index).toContain(`JSON Schema (format v${version})`);
      const path = `_schemas/v${version}/deployment.schema.json`;
      expect(index).toContain(`href="/evidence/${path}"`);
      expect(await readFile(join(build.outDir, 'evidence', path), 'utf8')).toBe(await readFile(join(root, path), 'utf8'));
    }
  });
});
