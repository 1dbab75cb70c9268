/**
 * knip (`npm run knip`): files, exports and dependencies nothing uses. An optional tool for
 * contributors, not part of `npm test`. Astro pages, astro.config.mjs, src/middleware.ts, the
 * vitest config and test files, and the files npm scripts run are found by knip's own plugins;
 * what they cannot see is listed here.
 */
import type { KnipConfig } from 'knip';

const config: KnipConfig = {
  entry: [
    // The CLI: bin/deploy-evidence.js runs lib/src/cli/main.js, compiled from this (tsconfig.build.json).
    // It loads each command as `(await import('./commands/x.ts')).xCommand`, which knip reads as a
    // use of every export of src/cli/commands/*: a dead export there is for a reader to find.
    'src/cli/main.ts',
    // The package's one export (package.json "exports" → lib/src/config.js): a team's deploy-evidence.config.ts imports it.
    'src/config.ts',
    // Astro integrations, named in astro.config.mjs.
    'src/integrations/*.ts',
    // The bench: `npm run bench` runs three of them; the others are run by path or by them.
    'bench/*.ts',
    // Every child process runs under it, started by path (collectors/process/child-process.ts).
    'collectors/process/supervisor.mjs',
    // Run by .ci/run, a shell script.
    '.ci/summarize.mjs',
    // Fixture generators, run by hand (`npx tsx test/fixtures/make-site-evidence.ts`, README "Tests").
    'test/fixtures/make-*.ts',
    // A checklist module the CLI tests load by path (`--checklist …/module-checklist.mjs`).
    'test/fixtures/checklists/*.mjs',
  ],
  // evidence/ is data: a deployment's notes.mdx is read as text by src/site/notes.ts, never imported.
  project: ['**/*.{js,mjs,ts,mts,astro,mdx}', '!evidence/**'],
  // Started as processes, never installed from npm: system tools the tests use (mount, runuser),
  // the Python tooling the example runs (alembic, pytest), and this package's own bin, which the
  // installed-package test runs from the tarball it installs.
  ignoreBinaries: ['mount', 'umount', 'runuser', 'alembic', 'pytest', 'deploy-evidence'],
  // Injected into Chromium from its file (test/site/site.test.ts resolves 'axe-core/axe.min.js'
  // through createRequire), which knip does not follow.
  // unifont: a dependency of astro, pinned here at 0.7.4 so that a consumer's npm dedupes astro's
  // `~0.7.3` to it (0.7.5 brings undici 8, which wants Node 22.19); nothing imports it
  // (test/install/clean-install.test.ts).
  ignoreDependencies: ['axe-core', 'unifont'],
};

export default config;
