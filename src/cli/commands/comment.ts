/**
 * `deploy-evidence comment <id> --pr <n>` (issue 27, point 4): that deployment's PR Markdown — what
 * `export` prints — as one comment on the pull request (GitHub) or merge request (GitLab), marked
 * as ours and updated in place on every later run, so a pull request carries one evidence comment
 * however often CI runs. In GitHub Actions it also appends the Markdown to the job summary.
 *
 * Exit codes: 0 posted; 1 the evidence does not verify (nothing posted); 2 a missing token,
 * repository, forge or bad option; 3 the forge could not be reached or refused.
 */
import { appendFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { COMMENT_LIMIT, commentBody, type Forge } from '../../core/export/pr-comment.ts';
import { markdownReport } from '../../core/export/markdown.ts';
import { permalink, routes } from '../../core/routes.ts';
import { EXIT, UsageError } from '../exit-codes.ts';
import { evidenceOptions, siteOptions } from '../settings.ts';
import { log, type Streams } from '../output.ts';
import { gitOptions, type GitFlags } from '../verify-evidence-root.ts';
import { verifiedExportInput } from './export.ts';
import { githubThread } from '../forges/github.ts';
import { gitlabThread } from '../forges/gitlab.ts';
import { upsertComment, type CommentThread } from '../forges/sticky-comment.ts';

const commentExamples = `
Examples:
  # in GitHub Actions (permissions: pull-requests: write; GITHUB_TOKEN in the step's env)
  $ deploy-evidence comment 2026-11-24-staging-pr73 --pr 73 --site https://org.github.io --base /repo/
  # in a GitLab merge request pipeline (GITLAB_TOKEN: a project access token with the api scope)
  $ deploy-evidence comment 2026-11-24-staging-pr73 --pr "$CI_MERGE_REQUEST_IID" --json

Variables:
  GitHub: GITHUB_TOKEN, GITHUB_REPOSITORY (or --repo), GITHUB_API_URL (default https://api.github.com),
          GITHUB_STEP_SUMMARY (the job summary, appended to when set)
  GitLab: GITLAB_TOKEN or CI_JOB_TOKEN, CI_PROJECT_ID (or --repo group/name), CI_API_V4_URL, CI_PROJECT_URL`;

interface CommentFlags extends GitFlags {
  pr: string;
  repo?: string;
  forge?: Forge;
  commentAuthor?: string;
  json?: boolean;
  allowUnverified?: boolean;
  site?: string;
  base?: string;
  evidenceDir?: string;
  config?: string;
}

export function commentCommand(streams: Streams, setExit: (code: number) => void): Command {
  return gitOptions(siteOptions(evidenceOptions(new Command('comment'))))
    .description("post a deployment's PR Markdown as one comment on the pull request (GitHub) or merge request (GitLab), updated in place on later runs")
    .argument('<id>', 'the deployment')
    .requiredOption('--pr <number>', 'the pull request (GitHub) or merge request iid (GitLab)')
    .option('--repo <owner/name>', 'GitHub: the repository (default: $GITHUB_REPOSITORY); GitLab: the project path (default: the project $CI_PROJECT_ID)')
    .addOption(new Option('--forge <forge>', 'where the pull request is (default: github when GITHUB_ACTIONS=true, gitlab when GITLAB_CI=true)').choices(['github', 'gitlab']))
    .option('--comment-author <login>', "whose comments are ours (default: the token's user, from GET /user; in GitHub Actions github-actions[bot])")
    .option('--allow-unverified', 'comment evidence that does not verify anyway, with INTEGRITY FAILED where its decision would be')
    .option('--json', 'print { action, url, id } to stdout')
    .addHelpText('after', commentExamples)
    .action(async (id: string, flags: CommentFlags) => {
      const env = streams.env;
      const pr = Number(flags.pr);
      if (!/^\d+$/.test(flags.pr) || !Number.isSafeInteger(pr) || pr < 1) throw new UsageError(`--pr takes a pull request number, got "${flags.pr}"`);
      const forge: Forge | undefined = flags.forge ?? (env.GITHUB_ACTIONS === 'true' ? 'github' : env.GITLAB_CI === 'true' ? 'gitlab' : undefined);
      if (!forge) throw new UsageError('--forge github|gitlab is needed outside GitHub Actions (GITHUB_ACTIONS=true) and GitLab CI (GITLAB_CI=true)');
      const thread = forge === 'github' ? githubTarget(pr, flags, env) : gitlabTarget(pr, flags, env);

      const input = await verifiedExportInput(id, flags, streams);
      if (!input) {
        setExit(EXIT.failed);
        return;
      }
      if (input.deployment.pr.number !== null && input.deployment.pr.number !== undefined && input.deployment.pr.number !== pr) {
        log(streams, `note: ${id} records PR #${input.deployment.pr.number}; commenting on #${pr} as asked`);
      }
      const comment = commentBody(markdownReport(input), {
        limit: COMMENT_LIMIT[forge],
        forge,
        fullReport: permalink(routes.deployment(id), input.where),
        siteKnown: Boolean(input.where.site),
      });
      if (comment.cut) log(streams, `the report is longer than ${COMMENT_LIMIT[forge].toLocaleString('en-US')} characters: the comment is cut where it fits, with a line linking the whole report${input.where.site ? '' : ' (give --site for a link that works from the pull request)'}`);

      const summaryFile = env.GITHUB_STEP_SUMMARY;
      if (summaryFile) {
        await appendFile(summaryFile, `${comment.markdown}\n`).catch((error: unknown) => {
          throw new UsageError(`could not append to the job summary GITHUB_STEP_SUMMARY=${summaryFile}: ${error instanceof Error ? error.message : String(error)}`);
        });
        log(streams, `job summary: appended ${id} to ${summaryFile}`);
      }

      const author = await thread.author();
      const result = await upsertComment(thread, comment.body, author);
      const assumed = 'assumedAuthor' in thread && thread.assumedAuthor ? ` (the token's user taken to be ${author}, as Actions' GITHUB_TOKEN writes; --comment-author says otherwise)` : '';
      log(streams, `${result.action} the evidence comment ${result.id} on ${thread.name}${result.url ? `: ${result.url}` : ''}${assumed}`);
      if (result.removed.length > 0) log(streams, `deleted ${result.removed.length} older evidence comment${result.removed.length === 1 ? '' : 's'} of ours on the same ${forge === 'github' ? 'pull' : 'merge'} request (${result.removed.join(', ')}): one comment per ${forge === 'github' ? 'pull' : 'merge'} request`);
      if (result.warning) log(streams, `warning: ${result.warning}`);
      if (flags.json) streams.stdout.write(`${JSON.stringify({ action: result.action, url: result.url, id: result.id })}\n`);
      setExit(EXIT.ok);
    });
}

function required(env: NodeJS.ProcessEnv, name: string, why: string): string {
  const value = env[name];
  if (!value) throw new UsageError(`${name} is not set: ${why}`);
  return value;
}

function githubTarget(pr: number, flags: CommentFlags, env: NodeJS.ProcessEnv): CommentThread & { assumedAuthor: boolean } {
  const token = required(env, 'GITHUB_TOKEN', "the token to comment with (in Actions: env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}, with permissions: pull-requests: write)");
  const repo = flags.repo ?? env.GITHUB_REPOSITORY;
  if (!repo) throw new UsageError('GITHUB_REPOSITORY is not set and --repo was not given: the repository (owner/name) of the pull request');
  if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repo)) throw new UsageError(`${flags.repo ? '--repo' : 'GITHUB_REPOSITORY'} takes owner/name, got "${repo}"`);
  const apiUrl = env.GITHUB_API_URL || 'https://api.github.com';
  if (!/^https?:\/\/[^/]+/.test(apiUrl)) throw new UsageError(`GITHUB_API_URL takes an http(s) URL, got "${apiUrl}"`);
  return githubThread({ apiUrl, token, repo, pr, inActions: env.GITHUB_ACTIONS === 'true', ...(flags.commentAuthor ? { commentAuthor: flags.commentAuthor } : {}) });
}

function gitlabTarget(mr: number, flags: CommentFlags, env: NodeJS.ProcessEnv): CommentThread {
  const apiUrl = required(env, 'CI_API_V4_URL', 'the GitLab API base (https://gitlab.example.com/api/v4), which GitLab CI sets');
  if (!/^https?:\/\/[^/]+/.test(apiUrl)) throw new UsageError(`CI_API_V4_URL takes an http(s) URL, got "${apiUrl}"`);
  const project = flags.repo ?? env.CI_PROJECT_ID;
  if (!project) throw new UsageError('CI_PROJECT_ID is not set and --repo was not given: the project (its id, or its path group/name) of the merge request');
  const token = env.GITLAB_TOKEN ? { kind: 'private' as const, value: env.GITLAB_TOKEN } : env.CI_JOB_TOKEN ? { kind: 'job' as const, value: env.CI_JOB_TOKEN } : undefined;
  if (!token) throw new UsageError('GITLAB_TOKEN is not set (nor CI_JOB_TOKEN): a project access token with the api scope and at least the Reporter role, as a masked CI/CD variable');
  return gitlabThread({
    apiUrl,
    token,
    project,
    mr,
    ...(flags.commentAuthor ? { commentAuthor: flags.commentAuthor } : {}),
    ...(env.CI_PROJECT_URL && !flags.repo ? { projectUrl: env.CI_PROJECT_URL } : {}),
  });
}
