/** Runs the real CLI (`bin/deploy-evidence.js`) as a child process. */
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/deploy-evidence.js', import.meta.url));

export interface CliRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export async function runCli(args: string[], env: Record<string, string | undefined> = {}, options: { cwd?: string } = {}): Promise<CliRun> {
  const clean: Record<string, string | undefined> = { DATABASE_URL: undefined, PGHOST: undefined, PGDATABASE: undefined, PGUSER: undefined, PGPORT: undefined, PGPASSWORD: undefined, PGHOSTADDR: undefined, PGSERVICE: undefined, ...env };
  const result = await execa(process.execPath, [BIN, ...args], { env: clean, reject: false, timeout: 180_000, ...(options.cwd ? { cwd: options.cwd } : {}) });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}
