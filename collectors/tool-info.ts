/** The tool's own identity, recorded in every deployment and used as application_name. */
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

export const TOOL_NAME = 'deploy-evidence' as const;
export const TOOL_VERSION: string = pkg.version;
export const APPLICATION_NAME = `${TOOL_NAME}/${TOOL_VERSION}`;
