/**
 * No machine path in the evidence (issue 26): a command check records its working directory
 * relative to the application directory, and names the machine's directories in argv, output and
 * its tool's report by placeholders (`$APP_DIR`, `$REPORT_DIR`, `$TMPDIR`, `~`); the application
 * directory is recorded once, as its place in its git repository. Real processes, a real pytest
 * and real git.
 */
import { mkdir, mkdtemp, realpath, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { z } from 'astro/zod';
import { attemptViewLock } from '../../collectors/checklists/attempt-view-lock.ts';
import type { CheckContext } from '../../collectors/checks/check-context.ts';
import { runCommandCheck } from '../../collectors/checks/command-check.ts';
import type { DatabaseSession } from '../../collectors/db/session.ts';
import { Redactor } from '../../collectors/db/secrets.ts';
import { MachinePaths, MachinePathStream } from '../../collectors/process/machine-paths.ts';
import { commandCheckSchema, type CheckOf } from '../../src/format/index.ts';
import { toolingProblem } from '../harness/databases.ts';
import { readDeployment, tempEvidenceRoot } from '../harness/evidence.ts';
import { GitRepo } from '../harness/git-repo.ts';
import { collectTiny } from '../harness/tiny-collection.ts';

const noSession = new Proxy({}, { get: () => { throw new Error('a command check must not use the database session'); } }) as DatabaseSession;

function command(input: Partial<z.input<typeof commandCheckSchema>> & { argv: string[] }): CheckOf<'command'> {
  return commandCheckSchema.parse({ id: 'cmd', section: 'pre', title: 'cmd', kind: 'command', ...input });
}

/** An application directory in the temporary folder, with a subdirectory `service`. */
async function appDir(): Promise<{ ctx: CheckContext; dir: string }> {
  const dir = join(await mkdtemp(join(tmpdir(), 'machine-paths-')), 'app');
  await mkdir(join(dir, 'service', 'tests'), { recursive: true });
  const ctx: CheckContext = { session: noSession, checklist: attemptViewLock, params: new Map(), appDir: dir, commandEnv: {}, redactor: new Redactor([]), mutatingAllowed: false, attestations: [] };
  return { ctx, dir };
}

/** Every form of the machine's directories a recorded text could hold. */
async function machineDirs(app: string): Promise<string[]> {
  const dirs = [app, tmpdir(), await realpath(app), await realpath(tmpdir())];
  if (homedir().length > 1) dirs.push(homedir());
  return [...new Set(dirs)];
}

describe('machine paths written as placeholders', () => {
  const paths = new MachinePaths([
    { path: '/home/ci/work/app', as: '$APP_DIR' },
    { path: '/tmp/deploy-evidence-report-x1', as: '$REPORT_DIR' },
    { path: '/tmp', as: '$TMPDIR' },
    { path: '/home/ci', as: '~' },
  ]);

  it.each([
    ['rootdir: /home/ci/work/app', 'rootdir: $APP_DIR'],
    ['File "/home/ci/work/app/tests/test_x.py", line 3', 'File "$APP_DIR/tests/test_x.py", line 3'],
    ['generated xml file: /tmp/deploy-evidence-report-x1/report', 'generated xml file: $REPORT_DIR/report'],
    ['--basetemp=/tmp/pytest-of-ci', '--basetemp=$TMPDIR/pytest-of-ci'],
    ['/home/ci/.pyenv/versions/3.11.7/bin/python', '~/.pyenv/versions/3.11.7/bin/python'],
    // A longer name that starts or ends like a directory is another name (the one beside the application directory is still in the home directory).
    ['/home/ci/work/app-old/x /tmpfiles /var/tmp/y /home/cia', '~/work/app-old/x /tmpfiles /var/tmp/y /home/cia'],
  ])('%s', (text, written) => {
    expect(paths.rewrite(text)).toBe(written);
  });

  it('finds a directory split across the chunks a stream arrives in, wherever it is cut', () => {
    const text = `${'x'.repeat(40)} rootdir: /home/ci/work/app\nat /home/ci/work/app/tests/a.py and /home/ci/work/app-old, ${'y'.repeat(30)} /tmp/deploy-evidence-report-x1/report /home/ci`;
    const whole = paths.rewrite(text);
    expect(whole).toContain('rootdir: $APP_DIR\nat $APP_DIR/tests/a.py and ~/work/app-old, ');
    expect(whole).toMatch(/y \$REPORT_DIR\/report ~$/);
    for (let size = 1; size <= 23; size += 1) {
      const stream = new MachinePathStream(paths);
      let out = '';
      for (let i = 0; i < text.length; i += size) out += stream.push(text.slice(i, i + size));
      expect(out + stream.end(), `chunks of ${size}`).toBe(whole);
    }
  });

  it('records the working directory relative to the application directory, and the machine\'s directories in argv and output as placeholders', async () => {
    const { ctx, dir } = await appDir();
    const outside = join(tmpdir(), 'elsewhere', 'file.txt');
    const run = await runCommandCheck(command({ argv: ['sh', '-c', 'pwd; echo "$0"; echo "$1"', outside, join(dir, 'service', 'x')], cwd: 'service' }), ctx);
    expect(run.error).toBeNull();
    expect(run.source.cwd).toBe('service');
    expect(run.source.argv).toEqual(['sh', '-c', 'pwd; echo "$0"; echo "$1"', '$TMPDIR/elsewhere/file.txt', '$APP_DIR/service/x']);
    expect(run.result).toMatchObject({ kind: 'command', stdout: '$APP_DIR/service\n$TMPDIR/elsewhere/file.txt\n$APP_DIR/service/x\n' });
    const recorded = JSON.stringify(run);
    for (const machineDir of await machineDirs(dir)) expect(recorded).not.toContain(machineDir);
  });

  it.skipIf(toolingProblem !== null)('writes pytest\'s report folder as $REPORT_DIR and its rootdir as $APP_DIR, in argv, output and the parsed report', async () => {
    const { ctx, dir } = await appDir();
    await writeFile(join(dir, 'service', 'tests', 'test_paths.py'), 'def test_passes():\n    assert True\n\ndef test_fails():\n    assert 1 == 2, "one is not two"\n');
    const run = await runCommandCheck(command({ argv: ['pytest', 'tests', '-v', '-p', 'no:cacheprovider'], cwd: 'service', parser: 'pytest-junit' }), ctx);
    expect(run.error).toBeNull();
    expect(run.source.cwd).toBe('service');
    expect(run.source.argv?.at(-1)).toBe('--junitxml=$REPORT_DIR/report');
    const result = run.result?.kind === 'command' ? run.result : null;
    expect(result?.stdout).toMatch(/^rootdir: \$APP_DIR\/service$/m);
    expect(result?.stdout).toContain('generated xml file: $REPORT_DIR/report');
    expect(result?.parsed).toMatchObject({ kind: 'pytest', summary: { tests: 2, passed: 1, failed: 1 } });
    const recorded = JSON.stringify(run);
    expect(recorded).not.toContain('/deploy-evidence-report-');
    for (const machineDir of await machineDirs(dir)) expect(recorded).not.toContain(machineDir);
  }, 60_000);
});

describe('the application directory, recorded once', () => {
  it('as its place in its git repository', async () => {
    const repo = await GitRepo.init('team-repo');
    const app = join(repo.dir, 'services', 'api');
    await mkdir(app, { recursive: true });
    const result = await collectTiny(await tempEvidenceRoot(), { environment: 'staging', by: 'ci', appDir: app });
    const { deployment } = await readDeployment(result.dir);
    expect(deployment.appDir).toBe('services/api');
  }, 60_000);

  it('as null outside a git repository: its machine path is never written', async () => {
    const app = await mkdtemp(join(tmpdir(), 'no-repo-'));
    const root = await tempEvidenceRoot();
    const result = await collectTiny(root, { environment: 'staging', by: 'ci', appDir: app });
    const { deployment } = await readDeployment(result.dir);
    expect(deployment.appDir).toBeNull();
    expect(JSON.stringify(deployment)).not.toContain(app);
  }, 60_000);
});
