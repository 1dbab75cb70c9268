/**
 * The package's import for a team's `deploy-evidence.config.ts`:
 *
 *   import { defineConfig } from 'deploy-evidence';
 *   export default defineConfig({ site: 'https://org.github.io', base: '/repo/' });
 *
 * It only types the object; the CLI validates it like the JSON file.
 */
import type { ConfigInput } from './cli/config-file.ts';

export type { ConfigInput as DeployEvidenceConfig };

export function defineConfig(config: ConfigInput): ConfigInput {
  return config;
}
