/**
 * The GitLab runner the recipe test uses (test/harness/gitlab-ci-runner.ts) holds GitLab's rules
 * the template depends on: the including file wins over an include, `extends:` deep-merges hashes
 * and replaces arrays, `rules:` pick the first match, the script stops at its first failing line
 * (but not inside an `a && b` list), after_script runs in a shell of its own and always.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { GitRepo } from '../harness/git-repo.ts';
import { GitlabRunner, loadConfig, ruleMatches, type Pipeline } from '../harness/gitlab-ci-runner.ts';

const TEMPLATE = `
.base:
  variables: { A: from-template, B: from-template }
  before_script: ['echo template-before']
  script: ['echo template-script']
  artifacts: { paths: [out/] }
.job:
  extends: .base
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event" && $CI_MERGE_REQUEST_TITLE =~ /^Draft/
      when: never
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
shadowed:
  script: ['echo from-the-include']
`;

const CI = `
include:
  - local: ci/template.yml
shadowed:
  script: ['echo from-the-project']
job:
  extends: .job
  variables: { B: from-job }
  script:
    - 'echo "A=$A B=$B MR=$CI_MERGE_REQUEST_IID"'
    - 'mkdir -p out && echo kept > out/file'
    - 'export FROM_SCRIPT=yes'
    - 'false && echo not-reached'
    - 'echo "after an && list"'
    - '[ -z "$FAIL" ] || exit 7'
    - 'echo "last line"'
  after_script:
    - 'echo "after_script FROM_SCRIPT=\${FROM_SCRIPT:-unset} A=$A"'
`;

describe('the GitLab CI runner of the tests', () => {
  let remote = '';
  let sha = '';
  let runner: GitlabRunner;
  const mr = (title: string): Pipeline => ({ source: 'merge_request_event', sha, mr: { iid: 7, title, sourceBranch: 'topic', targetBranch: 'main' } });

  beforeAll(async () => {
    const project = await GitRepo.init('runner');
    await mkdir(project.path('ci'));
    await writeFile(project.path('ci', 'template.yml'), TEMPLATE);
    await writeFile(project.path('.gitlab-ci.yml'), CI);
    sha = await project.commitAll('CI');
    const parent = await mkdtemp(join(tmpdir(), 'gitlab-runner-'));
    remote = join(parent, 'runner.git');
    await execa('git', ['clone', '-q', '--bare', project.dir, remote]);
    await execa('git', ['--git-dir', remote, 'update-ref', 'refs/merge-requests/7/head', sha]);
    const gitconfig = join(parent, 'gitconfig');
    await execa('git', ['config', '--file', gitconfig, `url.${remote}.insteadOf`, 'https://gitlab-ci-token:job@gitlab.example/acme/runner.git']);
    runner = new GitlabRunner(
      { remote, id: '1', path: 'acme/runner', serverHost: 'gitlab.example', defaultBranch: 'main', apiUrl: 'http://127.0.0.1:9/api/v4', jobToken: 'job', pagesUrl: 'https://acme.gitlab.io/runner', variables: {} },
      { PATH: process.env.PATH ?? '', HOME: parent, TMPDIR: tmpdir(), GIT_CONFIG_GLOBAL: gitconfig, GIT_CONFIG_NOSYSTEM: '1' },
      join(parent, 'artifacts'),
    );
  });

  it('merges includes and extends as GitLab does', async () => {
    const config = await loadConfig(remote, sha);
    expect(config.jobs.shadowed!.script).toEqual(['echo from-the-project']);
    expect(config.jobs.job!.variables).toEqual({ A: 'from-template', B: 'from-job' });
    expect(config.jobs.job!.before_script).toEqual(['echo template-before']);
    expect(config.jobs.job!.script).toHaveLength(7);
    expect(Object.keys(config.jobs).sort()).toEqual(['job', 'shadowed']);
  });

  it('evaluates rules: the first match decides, an undefined variable is null', async () => {
    expect((await runner.jobsOf(mr('Add a view'))).sort()).toEqual(['job', 'shadowed']);
    expect(await runner.jobsOf(mr('Draft: Add a view'))).toEqual(['shadowed']);
    expect(await runner.jobsOf({ source: 'push', sha, branch: 'main' })).toEqual(['shadowed']);
    expect(ruleMatches('$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH', { CI_DEFAULT_BRANCH: 'main' })).toBe(false);
    expect(ruleMatches('$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH', { CI_DEFAULT_BRANCH: 'main', CI_COMMIT_BRANCH: 'main' })).toBe(true);
    expect(ruleMatches('$X == null || ($Y && $Y != "no")', { Y: 'yes' })).toBe(true);
    expect(ruleMatches('$X', { X: '' })).toBe(false);
  });

  it('runs the script as GitLab\'s bash runner: lines echoed, a failing line ends it, after_script apart and always', async () => {
    const ok = await runner.runJob('job', mr('Add a view'));
    expect(ok.ok, ok.log).toBe(true);
    expect(ok.log).toContain('$ echo template-before\ntemplate-before');
    expect(ok.log).toContain('A=from-template B=from-job MR=7');
    expect(ok.log).toContain('after an && list');
    expect(ok.log).toContain('last line');
    expect(ok.afterScript?.log).toContain('after_script FROM_SCRIPT=unset A=from-template');
    expect(ok.artifacts).not.toBeNull();

    const failed = await runner.runJob('job', mr('Add a view'), { FAIL: '1' });
    expect(failed.ok).toBe(false);
    expect(failed.exitCode).toBe(7);
    expect(failed.log).not.toContain('last line');
    expect(failed.afterScript?.exitCode).toBe(0);
    // artifacts: when on_success (the default) keeps nothing of a failed job.
    expect(failed.artifacts).toBeNull();
  });
});
