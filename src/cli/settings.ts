/**
 * The settings every command shares, each from the first place that gives it: a flag, then the
 * environment (`DEPLOY_EVIDENCE_*`), then the config file, then the default. `build` and `export`
 * take the site's address from here alike, so exported links and the built site agree.
 */
import { resolve } from 'node:path';
import { Command } from 'commander';
import { UsageError } from './exit-codes.ts';
import { CONFIG_FILE, loadConfig, type DeployEvidenceConfig } from './config-file.ts';

const SETTING_ENV = {
  evidenceDir: 'DEPLOY_EVIDENCE_EVIDENCE_DIR',
  site: 'DEPLOY_EVIDENCE_SITE',
  base: 'DEPLOY_EVIDENCE_BASE',
  checklist: 'DEPLOY_EVIDENCE_CHECKLIST',
  appDir: 'DEPLOY_EVIDENCE_APP_DIR',
} as const;

export interface SettingFlags {
  config?: string;
  evidenceDir?: string;
  site?: string;
  base?: string;
  checklist?: string;
  appDir?: string;
}

export interface Settings {
  config: DeployEvidenceConfig;
  /** Absolute. */
  evidenceDir: string;
  site: string | undefined;
  /** Always starts and ends with `/`. */
  base: string;
  checklist: string | undefined;
  appDir: string | undefined;
}

type Where = 'flag' | 'environment' | 'config';

export async function resolveSettings(flags: SettingFlags, env: NodeJS.ProcessEnv, cwd = process.cwd(), { runCode = true } = {}): Promise<Settings> {
  const config = await loadConfig(flags.config, cwd, { runCode });
  // Values from flags and the environment are relative to the working directory; the config
  // file's were made absolute against the file's own folder when it was read.
  const pick = (key: keyof typeof SETTING_ENV): { value: string; from: Where } | undefined => {
    const flag = flags[key];
    if (flag !== undefined) return { value: flag, from: 'flag' };
    const fromEnv = env[SETTING_ENV[key]];
    if (fromEnv) return { value: fromEnv, from: 'environment' };
    const fromFile = config[key];
    return fromFile === undefined ? undefined : { value: fromFile, from: 'config' };
  };
  const named = (key: keyof typeof SETTING_ENV, from: Where) =>
    from === 'flag' ? `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}` : from === 'environment' ? SETTING_ENV[key] : `${key} in ${config.file}`;
  const site = pick('site');
  if (site && !/^https?:\/\/[^/]+/.test(site.value)) throw new UsageError(`${named('site', site.from)} takes an http(s) URL, got "${site.value}"`);
  const base = pick('base');
  const baseValue = base ? (base.value.endsWith('/') ? base.value : `${base.value}/`) : '/';
  if (base && !/^\/([A-Za-z0-9._~-]+\/)*$/.test(baseValue)) throw new UsageError(`${named('base', base.from)} takes a path like /repo/, got "${base.value}"`);
  const path = (key: 'evidenceDir' | 'appDir') => {
    const got = pick(key);
    return got === undefined ? undefined : resolve(cwd, got.value);
  };
  const checklist = pick('checklist');
  return {
    config,
    evidenceDir: path('evidenceDir') ?? resolve(cwd, 'evidence'),
    site: site?.value,
    base: baseValue,
    // A built-in id stays an id; a path from a flag or the environment is relative to the working directory.
    checklist: checklist && checklist.from !== 'config' && /[./\\]/.test(checklist.value) ? resolve(cwd, checklist.value) : checklist?.value,
    appDir: path('appDir'),
  };
}

/** `--config`, which every command that takes a setting takes. */
export function configOption(command: Command): Command {
  return command.option('--config <file>', `config file (default: ./${CONFIG_FILE} or .ts/.mjs/.js when present)`);
}

/** `--evidence-dir` (and `--config`), which every command that reads evidence takes. */
export function evidenceOptions(command: Command): Command {
  return configOption(command.option('--evidence-dir <dir>', `evidence root (default: $${SETTING_ENV.evidenceDir}, evidenceDir in the config file, or evidence)`));
}

/** `--site` and `--base`, which mean the same for `build` and `export`. */
export function siteOptions(command: Command): Command {
  return command
    .option('--site <url>', `the URL the site is published at (https://org.github.io): permanent links become absolute (default: $${SETTING_ENV.site} or site in the config file)`)
    .option('--base <path>', `the path it is served under (/repo/): every page, asset and link works there (default: $${SETTING_ENV.base}, base in the config file, or /)`);
}
