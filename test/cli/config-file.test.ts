/**
 * The config file (`deploy-evidence.config.json` or `.ts` through `defineConfig`): found in the
 * working directory, its paths relative to itself, refused naming an unknown key, and overridden
 * by the environment, which flags override in turn. `export` shows which site address won.
 */
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../harness/cli.ts';
import { evidenceFixture } from '../harness/committed-evidence.ts';

// A copy outside this repository: its git history is this tool's, in which the fixture was regenerated.
const fixtureEvidence = await evidenceFixture('evidence');
const ID = '2026-11-24-staging-pr73';

/** A team's repository: the config file in its root, its evidence in a folder the file names. */
async function project(config: Record<string, unknown> | null, file = 'deploy-evidence.config.json'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'config-file-'));
  await mkdir(join(dir, 'sub'));
  if (config) await writeFile(join(dir, file), JSON.stringify(config));
  return dir;
}

/** The permanent link of the deployment in its Markdown export. */
const reportLink = (markdown: string) => markdown.match(/\((https?:\/\/[^)\s]+\/deployments\/[^)\s]+\/)\)/)?.[1] ?? markdown.match(/\]\((\/[^)\s]*deployments\/[^)\s]+\/)\)/)?.[1];

describe('the config file', () => {
  it('gives evidence dir, site and base to export; the environment overrides it, and flags the environment', async () => {
    const dir = await project({ evidenceDir: fixtureEvidence, site: 'https://file.example', base: '/from-file/' });
    const fromFile = await runCli(['export', ID], {}, { cwd: dir });
    expect(fromFile.stderr).toBe('');
    expect(fromFile.exitCode).toBe(0);
    expect(reportLink(fromFile.stdout)).toBe(`https://file.example/from-file/deployments/${ID}/`);

    const fromEnv = await runCli(['export', ID], { DEPLOY_EVIDENCE_SITE: 'https://env.example', DEPLOY_EVIDENCE_BASE: '/from-env/' }, { cwd: dir });
    expect(reportLink(fromEnv.stdout)).toBe(`https://env.example/from-env/deployments/${ID}/`);

    const fromFlags = await runCli(['export', ID, '--site', 'https://flag.example', '--base', '/from-flag/'], { DEPLOY_EVIDENCE_SITE: 'https://env.example' }, { cwd: dir });
    expect(reportLink(fromFlags.stdout)).toBe(`https://flag.example/from-flag/deployments/${ID}/`);
  });

  it('takes paths relative to itself, whatever the working directory', async () => {
    const dir = await project(null);
    await writeFile(join(dir, 'sub', 'deploy-evidence.config.json'), JSON.stringify({ evidenceDir: relative(join(dir, 'sub'), fixtureEvidence) }));
    // Named with --config from elsewhere: evidenceDir still resolves against the file's folder.
    const run = await runCli(['verify', ID, '--config', join(dir, 'sub', 'deploy-evidence.config.json')], {}, { cwd: tmpdir() });
    expect(run.stdout).toContain(ID);
    expect(run.exitCode).toBe(0);
  });

  it('refuses an unknown key naming it, at the top and inside an environment (exit 2)', async () => {
    const top = await project({ site: 'https://x.example', sitee: 'https://typo.example' });
    const run = await runCli(['export', ID], {}, { cwd: top });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/deploy-evidence\.config\.json is not a valid config file:\n {2}- .*'sitee'/);

    const nested = await project({ environments: { staging: { databaseUrl: 'postgres://secret@db/app' } } });
    const inEnv = await runCli(['verify', '--all'], {}, { cwd: nested });
    expect(inEnv.exitCode).toBe(2);
    expect(inEnv.stderr).toMatch(/environments\.staging.*'databaseUrl'/);
    expect(inEnv.stderr).not.toContain('secret');
  });

  it('refuses two config files, a bad site and a bad base, naming where each came from', async () => {
    const two = await project({ site: 'https://x.example' });
    await writeFile(join(two, 'deploy-evidence.config.ts'), 'export default {};\n');
    const both = await runCli(['export', ID], {}, { cwd: two });
    expect(both.exitCode).toBe(2);
    expect(both.stderr).toContain('deploy-evidence.config.json and deploy-evidence.config.ts');

    const badSite = await project({ evidenceDir: fixtureEvidence, base: 'no-slash' });
    const run = await runCli(['export', ID], {}, { cwd: badSite });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/base in .*deploy-evidence\.config\.json takes a path like \/repo\/, got "no-slash"/);
    const env = await runCli(['export', ID, '--evidence-dir', fixtureEvidence], { DEPLOY_EVIDENCE_SITE: 'ftp://x' });
    expect(env.exitCode).toBe(2);
    expect(env.stderr).toContain('DEPLOY_EVIDENCE_SITE takes an http(s) URL, got "ftp://x"');
  });

  it('loads deploy-evidence.config.ts, with its own imports, without a TypeScript loader', async () => {
    const dir = await project(null);
    await writeFile(join(dir, 'sub', 'published.ts'), "export const published: { site: string; base: `/${string}/` } = { site: 'https://ts.example', base: '/ts-config/' };\n");
    await writeFile(
      join(dir, 'deploy-evidence.config.ts'),
      `import { published } from './sub/published.ts';\ninterface Config { evidenceDir: string; site: string; base: string }\nconst config: Config = { evidenceDir: ${JSON.stringify(fixtureEvidence)}, ...published };\nexport default config;\n`,
    );
    const run = await runCli(['export', ID], {}, { cwd: dir });
    expect(run.stderr).toBe('');
    expect(reportLink(run.stdout)).toBe(`https://ts.example/ts-config/deployments/${ID}/`);

    await writeFile(join(dir, 'deploy-evidence.config.ts'), 'export const site = 1;\n');
    const noDefault = await runCli(['export', ID], {}, { cwd: dir });
    expect(noDefault.exitCode).toBe(2);
    expect(noDefault.stderr).toContain('has no default export');
  });

  it('declares the environments: --env must name one, and its database URL comes from the variable it names', async () => {
    const dir = await project({ checklist: 'attempt-view-lock', environments: { staging: { databaseUrlEnv: 'STAGING_DATABASE_URL' }, production: {} } });
    const unknown = await runCli(['collect', '--env', 'prod'], {}, { cwd: dir });
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('--env prod is not an environment in');
    expect(unknown.stderr).toContain('(it has: staging, production)');

    const unset = await runCli(['collect', '--env', 'staging'], {}, { cwd: dir });
    expect(unset.exitCode).toBe(2);
    expect(unset.stderr).toContain("takes staging's database URL from $STAGING_DATABASE_URL, which is not set");

    // The URL is taken from that variable: nothing listens on port 1, so the database is unreachable (exit 3).
    const set = await runCli(['collect', '--env', 'staging'], { STAGING_DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/nowhere' }, { cwd: dir });
    expect(set.stderr).toContain('127.0.0.1:1/nowhere');
    expect(set.exitCode).toBe(3);
  });
});
