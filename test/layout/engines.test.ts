/**
 * Every installed package runs on the Node this project supports (package.json `engines`: the
 * machine's Node 20): an engine warning from a transitive dependency is ours to fix. astro's
 * `unifont` 0.7.5 brought undici 8 (Node 22.19 and later); `overrides` pins the 0.7.4 astro's range
 * allows, which fetches with ofetch instead.
 */
import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8')) as { packages: Record<string, { engines?: { node?: string } | string[]; optional?: boolean; dev?: boolean }> };
const ours = (JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { engines: { node: string } }).engines.node;

describe('engines', () => {
  it('every package in the lock file accepts the Node versions this project supports', () => {
    const lowest = semver.minVersion(ours)!.version;
    const refused = Object.entries(lock.packages)
      .filter(([path, entry]) => path !== '' && entry.engines && !Array.isArray(entry.engines) && entry.engines.node)
      .filter(([, entry]) => {
        const range = (entry.engines as { node: string }).node;
        return !semver.satisfies(process.version, range) || !semver.satisfies(lowest, range);
      })
      .map(([path, entry]) => `${path.replace(/^.*node_modules\//, '')} wants node ${(entry.engines as { node: string }).node}`);
    expect(refused).toEqual([]);
  });
});
