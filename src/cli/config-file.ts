/**
 * `deploy-evidence.config.json` (or `.ts`/`.mjs`/`.js`, default-exporting `defineConfig({…})`):
 * settings a team keeps beside its evidence, found in the working directory or named with
 * `--config`. Unknown keys are refused naming the key. The file is committed, so it names the
 * variable that holds an environment's database URL, never the URL.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { z } from 'astro/zod';
import { describeZodIssues } from '../format/index.ts';
import { UsageError } from './exit-codes.ts';
import { importModuleFile } from '../../collectors/load-module.ts';
import type { DeployEvidenceConfig as PublicConfig } from '../config.ts';

const CONFIG_FILES = ['deploy-evidence.config.json', 'deploy-evidence.config.ts', 'deploy-evidence.config.mjs', 'deploy-evidence.config.js'] as const;
export const CONFIG_FILE = CONFIG_FILES[0];

const environmentSchema = z
  .object({
    /** The environment variable holding this environment's connection URL (`STAGING_DATABASE_URL`). */
    databaseUrlEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'the name of an environment variable (the URL itself stays out of the file)').optional(),
    /** Let checks marked `mutating` (the migration) run in this environment's collections. */
    allowMutating: z.boolean().optional(),
  })
  .strict();

const configSchema = z
  .object({
    $schema: z.string().optional(),
    /** The URL the audit site is published at (`https://org.github.io`): permanent links become absolute. */
    site: z.string().url().optional(),
    /** The path the site is served under (`/repo/`). */
    base: z.string().min(1).optional(),
    /** Evidence root (default `evidence`), relative to the config file. */
    evidenceDir: z.string().min(1).optional(),
    /** The checklist `collect` runs when `--checklist` is not given: a built-in id or a file, relative to the config file. */
    checklist: z.string().min(1).optional(),
    /** Where command checks run (`--app-dir`), relative to the config file. */
    appDir: z.string().min(1).optional(),
    /** Let checks marked `mutating` (the migration) run in every collection made with this file. */
    allowMutating: z.boolean().optional(),
    /** The environments collections are made in; when given, `--env` must name one of them. */
    environments: z.record(z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a lowercase slug'), environmentSchema).optional(),
  })
  .strict();

/** What a config file holds, as written (`defineConfig` takes this). */
type ConfigInput = z.input<typeof configSchema>;

/**
 * The package's public type (src/config.ts, written out so that its declaration stays small) is
 * this schema's input, exactly: a key added to one and not the other fails the type check here.
 */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const publicConfigTypeMatches: Same<ConfigInput, PublicConfig> = true;
void publicConfigTypeMatches;
export type DeployEvidenceConfig = z.infer<typeof configSchema> & {
  file: string | null;
  /** A config file that is code, found but not run (`runCode: false`). */
  notRun?: string;
};

const isFile = (path: string) => stat(path).then((s) => s.isFile(), () => false);

/**
 * The config file, or an empty config when there is none (an explicitly named file must exist).
 * `runCode: false` — `verify`, the auditor's command (issue 24): a config file found in the
 * working directory that is code (`.ts`, `.mjs`, `.js`) is the repository's code, and whoever can
 * commit to the evidence could make it print OK; it is not run unless named with `--config`.
 */
export async function loadConfig(explicit: string | undefined, cwd = process.cwd(), { runCode = true } = {}): Promise<DeployEvidenceConfig> {
  let file: string;
  if (explicit !== undefined) {
    file = resolve(cwd, explicit);
    if (!(await isFile(file))) throw new UsageError(`no config file at ${file}`);
  } else {
    const found = [];
    for (const name of CONFIG_FILES) if (await isFile(resolve(cwd, name))) found.push(name);
    if (found.length > 1) throw new UsageError(`${cwd} has ${found.join(' and ')}: keep one config file`);
    if (found.length === 0) return { file: null };
    file = resolve(cwd, found[0]!);
    if (!runCode && extname(file) !== '.json') return { file: null, notRun: file };
  }
  const parsed = configSchema.safeParse(await readConfigData(file));
  if (!parsed.success) throw new UsageError(`${file} is not a valid config file:\n${describeZodIssues(parsed.error).map((l) => `  - ${l}`).join('\n')}`);
  const dir = resolve(file, '..');
  const rel = (path: string | undefined) => (path === undefined ? undefined : resolve(dir, path));
  const config = parsed.data;
  return {
    file,
    ...config,
    ...(config.evidenceDir ? { evidenceDir: rel(config.evidenceDir) } : {}),
    ...(config.appDir ? { appDir: rel(config.appDir) } : {}),
    // A file path is relative to the config file; a built-in id stays an id.
    ...(config.checklist ? { checklist: /[./\\]/.test(config.checklist) ? rel(config.checklist) : config.checklist } : {}),
  };
}

async function readConfigData(file: string): Promise<unknown> {
  if (extname(file) === '.json') {
    const text = await readFile(file, 'utf8').catch((error: Error) => {
      throw new UsageError(`cannot read the config file ${file}: ${error.message}`);
    });
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new UsageError(`${file}: not valid JSON: ${(error as Error).message}`);
    }
  }
  const module = await importModuleFile(file).catch((error: Error) => {
    throw new UsageError(`${file} cannot be loaded: ${error.message}`);
  });
  if (module.default === undefined) throw new UsageError(`${file} has no default export: end it with \`export default defineConfig({ … })\``);
  return module.default;
}
