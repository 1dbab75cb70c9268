/**
 * Evidence collected a year ago still renders: one evidence root holding a deployment written in
 * format v1 (the frozen fixture) beside one written in the current format builds into one site;
 * each report renders, each raw file and the JSON Schemas of both versions are published byte for
 * byte, and the v1 report (whose checklist could not declare sign-off roles) has no Sign-Off.
 */
import { cp, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SCHEMA_DIR, SCHEMA_VERSION } from '../../src/format/common.ts';
import { buildSite, type SiteBuild } from '../harness/site-build.ts';

const fixtures = new URL('../fixtures/', import.meta.url).pathname;
const V1 = '2026-11-24-staging-pr73';
const CURRENT = 'staging-pr73-full';

let root: string;
let build: SiteBuild;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'mixed-versions-'));
  await cp(join(fixtures, 'evidence', '_schemas', 'v1'), join(root, '_schemas', 'v1'), { recursive: true });
  await cp(join(fixtures, 'evidence', V1), join(root, V1), { recursive: true });
  await cp(join(fixtures, 'site-evidence', SCHEMA_DIR), join(root, SCHEMA_DIR), { recursive: true });
  await cp(join(fixtures, 'site-evidence', CURRENT), join(root, CURRENT), { recursive: true });
  build = await buildSite(root, { strict: true });
  if (build.exitCode !== 0) throw new Error(`site build failed:\n${build.output}`);
}, 300_000);

const html = (path: string) => readFile(join(build.outDir, path), 'utf8');

describe('a site over evidence of two format versions', () => {
  it('renders both reports; only the current one, whose checklist declares roles, has a Sign-Off section', async () => {
    const v1 = await html(`deployments/${V1}/index.html`);
    const current = await html(`deployments/${CURRENT}/index.html`);
    expect(v1).toContain('id="decision"');
    expect(v1).not.toContain('id="signoff"');
    expect(current).toContain('id="signoff"');
    expect(current).toContain('Approved for production');
  });

  it('publishes each raw file as written and lists the JSON Schemas of both versions', async () => {
    for (const [id, file] of [[V1, 'deployment.json'], [V1, 'checks/row-count.json'], [CURRENT, 'deployment.json']] as const) {
      expect(await readFile(join(build.outDir, 'evidence', id, file), 'utf8'), `${id}/${file}`).toBe(await readFile(join(root, id, file), 'utf8'));
    }
    expect(JSON.parse(await readFile(join(build.outDir, 'evidence', V1, 'deployment.json'), 'utf8')).schemaVersion).toBe(1);
    const index = await html('evidence/index.html');
    for (const version of [1, SCHEMA_VERSION]) {
      expect(index).toContain(`JSON Schema (format v${version})`);
      const path = `_schemas/v${version}/deployment.schema.json`;
      expect(index).toContain(`href="/evidence/${path}"`);
      expect(await readFile(join(build.outDir, 'evidence', path), 'utf8')).toBe(await readFile(join(root, path), 'utf8'));
    }
  });
});
