/**
 * Runs one checked command under `supervisor.mjs`, which holds the command's process group and
 * kills it when the collector goes away — even under SIGKILL, when no exit hook of ours runs —
 * or at the command's timeout. Output arrives as raw chunks, for the caller to redact and cap.
 */
import { fileURLToPath } from 'node:url';
import type { Readable } from 'node:stream';
import { execa } from 'execa';

const SUPERVISOR = fileURLToPath(new URL('./supervisor.mjs', import.meta.url));

export interface SupervisedSpec {
  argv: readonly string[];
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  /** Between SIGTERM and SIGKILL at the timeout. */
  graceMs: number;
}

export interface SupervisedResult {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  durationMs: number;
  /** The command could not start (ENOENT, EACCES…). */
  spawnError: { code: string | null; message: string } | null;
}

export async function runSupervised(
  spec: SupervisedSpec,
  onStdout: (chunk: Buffer) => void,
  onStderr: (chunk: Buffer) => void,
): Promise<SupervisedResult> {
  const supervisor = execa(process.execPath, [SUPERVISOR], {
    // The environment travels in the spec over the pipe, never in argv (visible to `ps`).
    env: {},
    extendEnv: false,
    stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
    buffer: false,
    reject: false,
  });
  supervisor.stdout?.on('data', onStdout);
  supervisor.stderr?.on('data', onStderr);
  let status = '';
  const statusPipe = supervisor.stdio[3] as Readable;
  statusPipe.setEncoding('utf8');
  statusPipe.on('data', (chunk: string) => {
    status += chunk;
  });
  // stdin stays open while the command runs: its end is the supervisor's signal that we are gone.
  supervisor.stdin?.on('error', () => {});
  supervisor.stdin?.write(`${JSON.stringify(spec)}\n`);
  const ended = await supervisor;
  supervisor.stdin?.destroy();
  const line = status.trim();
  if (!line) {
    throw new Error(`the command supervisor ended without a status (exit ${ended.exitCode ?? ended.signal ?? 'unknown'})${ended.stderr ? `: ${String(ended.stderr)}` : ''}`);
  }
  return JSON.parse(line) as SupervisedResult;
}
