/**
 * The package's import for a team's `deploy-evidence.config.ts`:
 *
 *   import { defineConfig } from 'deploy-evidence';
 *   export default defineConfig({ site: 'https://org.github.io', base: '/repo/' });
 *
 * It only types the object; the CLI validates it like the JSON file. The type is written out
 * here, not inferred from the schema, so that the package's declaration is this file alone
 * (tsconfig.types.json); src/cli/config-file.ts checks that the two say the same.
 */

/** A team's settings (docs/cli.md, "Settings and the config file"). Paths are relative to the file. */
export interface DeployEvidenceConfig {
  $schema?: string | undefined;
  /** The URL the audit site is published at (`https://org.github.io`): permanent links become absolute. */
  site?: string | undefined;
  /** The path the site is served under (`/repo/`). */
  base?: string | undefined;
  /** Evidence root (default `evidence`), relative to the config file. */
  evidenceDir?: string | undefined;
  /** The checklist `collect` runs when `--checklist` is not given: a built-in id or a file, relative to the config file. */
  checklist?: string | undefined;
  /** Where command checks run (`--app-dir`), relative to the config file. */
  appDir?: string | undefined;
  /** Let checks marked `mutating` (the migration) run in every collection made with this file. */
  allowMutating?: boolean | undefined;
  /** The environments collections are made in; when given, `--env` must name one of them. */
  environments?:
    | Record<
        string,
        {
          /** The environment variable holding this environment's connection URL (`STAGING_DATABASE_URL`): the URL itself stays out of the file. */
          databaseUrlEnv?: string | undefined;
          /** Let checks marked `mutating` (the migration) run in this environment's collections. */
          allowMutating?: boolean | undefined;
        }
      >
    | undefined;
}

export function defineConfig(config: DeployEvidenceConfig): DeployEvidenceConfig {
  return config;
}
