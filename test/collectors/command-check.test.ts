/**
 * Command checks run real processes: a missing executable is skipped with the reason, a hang
 * is killed at its timeout with the output so far, output is capped and redacted, and only
 * allow-listed environment variables reach the command.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { attemptViewLock } from '../../collectors/checklists/attempt-view-lock.ts';
import type { CheckContext } from '../../collectors/checks/check-context.ts';
import { runCommandCheck } from '../../collectors/checks/command-check.ts';
import { runCheck } from '../../collectors/checks/run-check.ts';
import type { DatabaseSession } from '../../collectors/db/session.ts';
import { Redactor } from '../../collectors/db/secrets.ts';
import type { z } from 'astro/zod';
import { commandCheckSchema, type CheckOf } from '../../src/format/index.ts';

// Command checks never touch the session; a stand-in keeps the context honest about that.
const noSession = new Proxy({}, { get: () => { throw new Error('a command check must not use the database session'); } }) as DatabaseSession;

const ctx: CheckContext = {
  session: noSession,
  checklist: attemptViewLock,
  params: new Map([['targetRevision', 'abc123']]),
  appDir: '/tmp',
  commandEnv: { DATABASE_URL: 'postgresql://app:Sup3r-Secret@db:5432/seed' },
  redactor: new Redactor(['Sup3r-Secret']),
  mutatingAllowed: false,
  attestations: [],
};

function command(input: Partial<z.input<typeof commandCheckSchema>> & { argv: string[] }): CheckOf<'command'> {
  return commandCheckSchema.parse({ id: 'cmd', section: 'pre', title: 'cmd', kind: 'command', ...input });
}

describe('command checks', () => {
  it('records argv, cwd, exit code, stdout and stderr', async () => {
    const run = await runCommandCheck(command({ argv: ['sh', '-c', 'echo out; echo err >&2; exit 3'] }), ctx);
    // The working directory relative to the application directory (here /tmp): `.` for the directory itself.
    expect(run.source).toMatchObject({ argv: ['sh', '-c', 'echo out; echo err >&2; exit 3'], cwd: '.', env: ['PATH'] });
    expect(run.result).toMatchObject({ kind: 'command', exitCode: 3, stdout: 'out\n', stderr: 'err\n', timedOut: false, signal: null });
    expect(run.error).toBeNull();
  });

  it('skips a missing executable with the reason and how to install it, instead of crashing', async () => {
    const check = command({ argv: ['alembic-not-installed-here', 'history'], requires: { installHint: 'pip install alembic' } });
    const snapshot = await runCheck(check, ctx, 'd');
    expect(snapshot).toMatchObject({ status: 'skipped', skipReason: 'alembic-not-installed-here not found on PATH (install with: pip install alembic)', result: null });
  });

  it('skips when a required Python module is missing', async () => {
    const run = await runCommandCheck(command({ argv: ['true'], requires: { pythonModules: ['no_such_module_xyz', 'json'] } }), ctx);
    expect(run.skipReason).toBe('Python module no_such_module_xyz not importable by python3');
  });

  it('records a missing working directory as error, never a pass', async () => {
    const snapshot = await runCheck(command({ argv: ['true'], cwd: 'does/not/exist', assertions: [{ type: 'exit-code', equals: 0 }] }), ctx, 'd');
    expect(snapshot).toMatchObject({ status: 'error', error: { kind: 'spawn', message: 'working directory does not exist: does/not/exist (in the application directory)' } });
    expect(snapshot.source.cwd).toBe('does/not/exist');
    expect(snapshot.assertions[0]?.status).toBe('skipped');
  });

  it('kills a hanging command and its children at the timeout, keeping the output so far', async () => {
    const started = performance.now();
    const snapshot = await runCheck(command({ argv: ['sh', '-c', 'echo started; sleep 30 & wait'], timeoutMs: 500, assertions: [{ type: 'exit-code', equals: 0 }] }), ctx, 'd');
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(snapshot).toMatchObject({ status: 'error', error: { kind: 'timeout' }, result: { timedOut: true, stdout: 'started\n', signal: 'SIGTERM' } });
  });

  it('caps the output to a head and a tail, digests the whole stream, and records how much was left out', async () => {
    const run = await runCommandCheck(command({ argv: ['sh', '-c', "printf HEAD; head -c 100000 /dev/zero | tr '\\0' a; printf TAIL"], maxOutputBytes: 1000 }), ctx);
    const result = run.result?.kind === 'command' ? run.result : null;
    const whole = `HEAD${'a'.repeat(100_000)}TAIL`;
    expect(result?.stdout).toBe(whole.slice(0, 750));
    expect(result?.streams?.stdout).toEqual({ bytes: whole.length, sha256: createHash('sha256').update(whole).digest('hex'), tail: whole.slice(-250) });
    expect(result?.streams?.stderr).toEqual({ bytes: 0, sha256: createHash('sha256').digest('hex'), tail: null });
    expect(run.truncation).toEqual({ rowsTotal: null, rowsKept: null, bytesOmitted: whole.length - 1000 });
  });

  it('passes only allow-listed variables, and redacts secrets from what the command prints', async () => {
    const run = await runCommandCheck(command({ argv: ['sh', '-c', 'echo "home=${HOME:-unset} url=$DATABASE_URL"'], env: ['DATABASE_URL'] }), ctx);
    expect(run.source.env).toEqual(['PATH', 'DATABASE_URL']);
    expect(run.result).toMatchObject({ stdout: 'home=unset url=postgresql://app:***@db:5432/seed\n', redactions: 1 });
  });

  it('records which of the variables it asked for the command got, and which were missing: names only', async () => {
    const run = await runCommandCheck(command({ argv: ['sh', '-c', 'echo "${APP_MODE_XYZ:-unset}"'], env: ['DATABASE_URL', 'APP_MODE_XYZ'] }), ctx);
    expect(run.source.env).toEqual(['PATH', 'DATABASE_URL', 'APP_MODE_XYZ']);
    expect(run.result).toMatchObject({ stdout: 'unset\n', environment: { present: ['PATH', 'DATABASE_URL'], missing: ['APP_MODE_XYZ'] } });
    // Never a value: the connection URL's password and host appear nowhere in what was recorded.
    expect(JSON.stringify(run)).not.toMatch(/Sup3r|db:5432/);
  });

  it('fills {{parameters}} into argv, and skips when one is not set', async () => {
    const run = await runCommandCheck(command({ argv: ['echo', '{{targetRevision}}:-1'] }), ctx);
    expect(run.result).toMatchObject({ stdout: 'abc123:-1\n' });
    expect(run.source.argv).toEqual(['echo', 'abc123:-1']);
    const unset = await runCheck(command({ argv: ['echo', '{{sampleStudentId}}'] }), ctx, 'd');
    expect(unset).toMatchObject({ status: 'skipped', skipReason: 'parameter sampleStudentId not set (--param sampleStudentId=…)' });
  });
});
