/**
 * Real git repositories for tests, made in the temporary folder: `git init`, a local identity, and
 * commits the test makes. Git runs without the caller's GIT_* variables (a test started from a git
 * hook would otherwise act on this project's own repository) and with no hooks, no signing and no
 * global identity required.
 */
import { cp, mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

function cleanGitEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) if (value !== undefined && !name.startsWith('GIT_')) env[name] = value;
  return { ...env, LC_ALL: 'C' };
}

export class GitRepo {
  private constructor(readonly dir: string) {}

  static async init(name = 'repo'): Promise<GitRepo> {
    const parent = await mkdtemp(join(tmpdir(), 'git-anchor-'));
    const dir = join(parent, name);
    await mkdir(dir);
    const repo = new GitRepo(dir);
    await repo.git('init', '-q', '-b', 'main');
    const hooks = join(parent, 'no-hooks');
    await mkdir(hooks);
    for (const [key, value] of [
      ['user.name', 'Test Engineer'],
      ['user.email', 'engineer@example.test'],
      ['commit.gpgsign', 'false'],
      ['tag.gpgsign', 'false'],
      ['core.hooksPath', hooks],
      ['merge.conflictStyle', 'merge'],
    ] as const) {
      await repo.git('config', key, value);
    }
    return repo;
  }

  /** Runs git in the repository; throws with git's output when it fails (unless `allowFailure`). */
  async git(...args: string[]): Promise<string> {
    const result = await execa('git', args, { cwd: this.dir, env: cleanGitEnv(), extendEnv: false, reject: false, stdin: 'ignore' });
    if (result.exitCode !== 0) throw new Error(`git ${args.join(' ')} failed in ${this.dir}:\n${result.stdout}\n${result.stderr}`);
    return result.stdout;
  }

  /** git, where a non-zero exit is expected (a merge that conflicts). */
  async gitMayFail(...args: string[]): Promise<number> {
    const result = await execa('git', args, { cwd: this.dir, env: cleanGitEnv(), extendEnv: false, reject: false, stdin: 'ignore' });
    return result.exitCode ?? -1;
  }

  /** Stages everything and commits it; returns the new commit's hash. */
  async commitAll(message: string): Promise<string> {
    await this.git('add', '-A');
    await this.git('commit', '-q', '--allow-empty', '-m', message);
    return this.head();
  }

  async head(): Promise<string> {
    return (await this.git('rev-parse', 'HEAD')).trim();
  }

  path(...parts: string[]): string {
    return join(this.dir, ...parts);
  }

  /** Copies a folder (or file) into the repository's work tree. */
  async copyIn(from: string, ...to: string[]): Promise<void> {
    await cp(from, this.path(...to), { recursive: true });
  }
}
