/**
 * A merge request's notes through GitLab's REST API (https://docs.gitlab.com/api/notes/). API base
 * from CI_API_V4_URL, the project from CI_PROJECT_ID (or `--repo group/name`, URL-encoded), the
 * token from GITLAB_TOKEN (a project or personal access token with the `api` scope: PRIVATE-TOKEN)
 * or else CI_JOB_TOKEN (JOB-TOKEN). GitLab's job token may call only the endpoints its docs list
 * (https://docs.gitlab.com/ci/jobs/ci_job_token/): the Notes API and GET /user are not among them,
 * so with the job token alone GitLab refuses, and the message says what to set instead.
 */
import type { ForgeComment } from '../../core/export/pr-comment.ts';
import { ForgeError, forgeMessage, forgeRequest, MAX_PAGES, withoutQuery, type ForgeResponse } from './forge-http.ts';
import type { CommentThread } from './sticky-comment.ts';

export interface GitlabTarget {
  apiUrl: string;
  token: { kind: 'private' | 'job'; value: string };
  /** A project id, or a project path (group/name). */
  project: string;
  mr: number;
  commentAuthor?: string;
  /** The project's web address (CI_PROJECT_URL), for a link to the note. */
  projectUrl?: string;
}

interface GitlabNote {
  id: number;
  body?: string | null;
  system?: boolean;
  author?: { username?: string } | null;
}

const JOB_TOKEN_HELP =
  'the CI/CD job token (CI_JOB_TOKEN) may call only the endpoints GitLab lists at https://docs.gitlab.com/ci/jobs/ci_job_token/, and merge request notes are not among them: set GITLAB_TOKEN to a project access token with the api scope and at least the Reporter role (a masked CI/CD variable)';

export function gitlabThread(target: GitlabTarget): CommentThread {
  const api = target.apiUrl.replace(/\/+$/, '');
  const headers = { [target.token.kind === 'private' ? 'private-token' : 'job-token']: target.token.value, 'user-agent': 'deploy-evidence' };
  const notes = `${api}/projects/${encodeURIComponent(target.project)}/merge_requests/${target.mr}/notes`;
  const toComment = (n: GitlabNote): ForgeComment => ({ id: n.id, body: n.body ?? '', author: n.author?.username ?? '' });
  const call = async (method: string, url: string, body?: unknown): Promise<ForgeResponse> => {
    const response = await forgeRequest(url, { method, headers, ...(body === undefined ? {} : { body }) }, 'GitLab');
    if (response.status >= 200 && response.status < 300) return response;
    throw new ForgeError(gitlabFailure(method, url.slice(api.length), response, target));
  };
  return {
    name: `merge request !${target.mr} of ${target.project}`,
    async author() {
      if (target.commentAuthor) return target.commentAuthor;
      const login = ((await call('GET', `${api}/user`)).json as { username?: unknown } | null)?.username;
      if (typeof login !== 'string') throw new ForgeError('GitLab answered GET /user without a username: pass --comment-author <username>');
      return login;
    },
    async list() {
      const comments: ForgeComment[] = [];
      let page: string | null = '1';
      for (let pages = 0; page && pages < MAX_PAGES; pages++) {
        const response: ForgeResponse = await call('GET', `${notes}?per_page=100&page=${encodeURIComponent(page)}&sort=asc&order_by=created_at`);
        if (!Array.isArray(response.json)) throw new ForgeError(`GitLab answered GET ${withoutQuery(notes.slice(api.length))} with something that is not a list of notes`);
        // System notes ("added 1 commit") are GitLab's own, never ours.
        comments.push(...(response.json as GitlabNote[]).filter((n) => !n.system).map(toComment));
        const next = response.headers.get('x-next-page');
        page = next && /^\d+$/.test(next) ? next : null;
      }
      return comments;
    },
    async create(body: string) {
      return toComment((await call('POST', notes, { body })).json as GitlabNote);
    },
    async update(id: number, body: string) {
      return toComment((await call('PUT', `${notes}/${id}`, { body })).json as GitlabNote);
    },
    async remove(id: number) {
      const response = await forgeRequest(`${notes}/${id}`, { method: 'DELETE', headers }, 'GitLab');
      if (response.status === 404 || (response.status >= 200 && response.status < 300)) return;
      throw new ForgeError(gitlabFailure('DELETE', `${notes.slice(api.length)}/${id}`, response, target));
    },
    urlOf: (id: number) => (target.projectUrl ? `${target.projectUrl.replace(/\/+$/, '')}/-/merge_requests/${target.mr}#note_${id}` : null),
  };
}

function gitlabFailure(method: string, path: string, response: ForgeResponse, target: GitlabTarget): string {
  const said = forgeMessage(response.json);
  const answer = `GitLab answered ${response.status}${said ? ` (${said})` : ''} to ${method} ${withoutQuery(path)}`;
  const job = target.token.kind === 'job';
  switch (response.status) {
    case 401:
      return `${answer}: ${job ? JOB_TOKEN_HELP : 'check GITLAB_TOKEN — it is missing, expired, revoked or not a token for this GitLab'}`;
    case 403:
      return `${answer}: ${job ? JOB_TOKEN_HELP : 'the token may not do this — it needs the api scope and at least the Reporter role in the project'}`;
    case 404:
      return `${answer}: check the project (${target.project}, from --repo or CI_PROJECT_ID) and the merge request (!${target.mr}), and that the token can see the project${job ? `; ${JOB_TOKEN_HELP}` : ''}`;
    default:
      return answer;
  }
}
