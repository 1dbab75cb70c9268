/**
 * `deploy-evidence.config.json`: settings a team keeps beside its evidence, found in the working
 * directory (or named with `--config`). Unknown keys are refused naming the key; flags override
 * the environment, which overrides the file.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'astro/zod';
import { describeZodIssues } from '../format/index.ts';
import { UsageError } from './errors.ts';

export const CONFIG_FILE = 'deploy-evidence.config.json';

export const configSchema = z
  .object({
    $schema: z.string().optional(),
    /** The checklist `collect` runs when `--checklist` is not given: a built-in id or a file, relative to the config file. */
    checklist: z.string().min(1).optional(),
    /** Evidence root (default `evidence`), relative to the config file. */
    evidenceDir: z.string().min(1).optional(),
    /** Where command checks run (`--app-dir`), relative to the config file. */
    appDir: z.string().min(1).optional(),
    /** Let checks marked `mutating` (the migration) run in every collection made with this file. */
    allowMutating: z.boolean().optional(),
  })
  .strict();
export type DeployEvidenceConfig = z.infer<typeof configSchema> & { file: string | null };

/** The config file, or an empty config when there is none (an explicitly named file must exist). */
export async function loadConfig(explicit: string | undefined, cwd = process.cwd()): Promise<DeployEvidenceConfig> {
  const file = resolve(cwd, explicit ?? CONFIG_FILE);
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' && explicit === undefined) return null;
    throw new UsageError(`cannot read the config file ${file}: ${error.message}`);
  });
  if (text === null) return { file: null };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file}: not valid JSON: ${(error as Error).message}`);
  }
  const parsed = configSchema.safeParse(data);
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
