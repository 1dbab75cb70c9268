/** The tool's own identity, recorded in every deployment and used as application_name. */
import { readFileSync } from 'node:fs';
import { packagePath } from './package-root.ts';

const pkg = JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string };

export const TOOL_NAME = 'deploy-evidence' as const;
export const TOOL_VERSION: string = pkg.version;
export const APPLICATION_NAME = `${TOOL_NAME}/${TOOL_VERSION}`;
