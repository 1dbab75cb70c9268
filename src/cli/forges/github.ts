/**
 * A pull request's comments through GitHub's REST API (https://docs.github.com/en/rest/issues/comments):
 * a pull request's conversation comments are its issue's comments. Token from GITHUB_TOKEN, API
 * base from GITHUB_API_URL (GitHub Enterprise sets it), as in Actions.
 */
import type { ForgeComment } from '../../core/export/pr-comment.ts';
import { ForgeError, forgeMessage, forgeRequest, MAX_PAGES, sameOrigin, withoutQuery, type ForgeResponse } from './forge-http.ts';
import type { CommentThread } from './sticky-comment.ts';

export interface GithubTarget {
  apiUrl: string;
  token: string;
  /** owner/name */
  repo: string;
  pr: number;
  /** Whose comments are ours, when given (`--comment-author`). */
  commentAuthor?: string;
  /** Running in GitHub Actions: a token GET /user refuses is the workflow's GITHUB_TOKEN. */
  inActions: boolean;
}

/** Who Actions' GITHUB_TOKEN writes as. */
const ACTIONS_BOT = 'github-actions[bot]';

interface GithubComment {
  id: number;
  body?: string | null;
  html_url?: string;
  user?: { login?: string } | null;
}

export function githubThread(target: GithubTarget): CommentThread & { assumedAuthor: boolean } {
  const api = target.apiUrl.replace(/\/+$/, '');
  const headers = { authorization: `Bearer ${target.token}`, accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28', 'user-agent': 'deploy-evidence' };
  const urls = new Map<number, string>();
  const name = `pull request ${target.repo}#${target.pr}`;
  const toComment = (c: GithubComment): ForgeComment => {
    if (c.html_url) urls.set(c.id, c.html_url);
    return { id: c.id, body: c.body ?? '', author: c.user?.login ?? '' };
  };
  const call = async (method: string, url: string, body?: unknown): Promise<ForgeResponse> => {
    const response = await forgeRequest(url, { method, headers, ...(body === undefined ? {} : { body }) }, 'GitHub');
    if (response.status >= 200 && response.status < 300) return response;
    throw new ForgeError(githubFailure(method, url.slice(api.length), response, target));
  };
  const thread = {
    name,
    assumedAuthor: false,
    async author() {
      if (target.commentAuthor) return target.commentAuthor;
      const response = await forgeRequest(`${api}/user`, { method: 'GET', headers }, 'GitHub');
      const login = (response.json as { login?: unknown } | null)?.login;
      if (response.status === 200 && typeof login === 'string') return login;
      // An installation token (Actions' GITHUB_TOKEN, a GitHub App's) may not read /user: 403.
      if (response.status === 403 && target.inActions) {
        thread.assumedAuthor = true;
        return ACTIONS_BOT;
      }
      if (response.status === 403) throw new ForgeError(`GitHub does not say whose the token is (GET /user answered 403: a GitHub App's token?): pass --comment-author <login>, e.g. my-app[bot], so that only its comments are taken for ours`);
      throw new ForgeError(githubFailure('GET', '/user', response, target));
    },
    async list() {
      const comments: ForgeComment[] = [];
      let url: string | null = `${api}/repos/${target.repo}/issues/${target.pr}/comments?per_page=100`;
      for (let pages = 0; url && pages < MAX_PAGES; pages++) {
        const response: ForgeResponse = await call('GET', url);
        if (!Array.isArray(response.json)) throw new ForgeError(`GitHub answered GET ${withoutQuery(url.slice(api.length))} with something that is not a list of comments`);
        comments.push(...(response.json as GithubComment[]).map(toComment));
        const next: string | null = nextLink(response.headers.get('link'));
        url = next && sameOrigin(next, api) ? next : null;
      }
      return comments;
    },
    async create(body: string) {
      return toComment((await call('POST', `${api}/repos/${target.repo}/issues/${target.pr}/comments`, { body })).json as GithubComment);
    },
    async update(id: number, body: string) {
      return toComment((await call('PATCH', `${api}/repos/${target.repo}/issues/comments/${id}`, { body })).json as GithubComment);
    },
    async remove(id: number) {
      const response = await forgeRequest(`${api}/repos/${target.repo}/issues/comments/${id}`, { method: 'DELETE', headers }, 'GitHub');
      // Already gone (the other run deleted it): what was asked is done.
      if (response.status === 404 || (response.status >= 200 && response.status < 300)) return;
      throw new ForgeError(githubFailure('DELETE', `/repos/${target.repo}/issues/comments/${id}`, response, target));
    },
    urlOf: (id: number) => urls.get(id) ?? null,
  };
  return thread;
}

/** The `rel="next"` URL of a Link header (RFC 8288), as GitHub paginates. */
function nextLink(header: string | null): string | null {
  if (!header) return null;
  for (const part of header.split(',')) {
    const match = /^\s*<([^>]*)>(.*)$/.exec(part);
    const rel = match ? /;\s*rel\s*=\s*"?([^";]*)"?/i.exec(match[2]!)?.[1] : undefined;
    if (match && rel?.toLowerCase().split(/\s+/).includes('next')) return match[1]!;
  }
  return null;
}

function githubFailure(method: string, path: string, response: ForgeResponse, target: GithubTarget): string {
  const said = forgeMessage(response.json);
  const answer = `GitHub answered ${response.status}${said ? ` (${said})` : ''} to ${method} ${withoutQuery(path)}`;
  switch (response.status) {
    case 401:
      return `${answer}: check GITHUB_TOKEN — it is missing, expired or not a token for ${target.apiUrl}`;
    case 403:
      return `${answer}: the token may not do this — give the workflow \`permissions: pull-requests: write\` (or \`issues: write\`), or a token with that permission; a pull request from a fork gets a read-only GITHUB_TOKEN`;
    case 404:
      return `${answer}: check the repository (${target.repo}, from --repo or GITHUB_REPOSITORY) and the pull request (#${target.pr}), and that the token can see the repository`;
    case 422:
      return `${answer}: GitHub refused the comment's content`;
    default:
      return answer;
  }
}
