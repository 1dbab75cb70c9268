/**
 * A local stand-in for the part of GitHub's and GitLab's REST APIs that `deploy-evidence comment`
 * talks to (issue 27, point 4): a pull request's issue comments and a merge request's notes, on
 * 127.0.0.1 and a free port. It holds the documented contract, not a convenient one:
 *
 * - GitHub (https://docs.github.com/en/rest/issues/comments): `GET /repos/{owner}/{repo}/issues/{n}/comments`
 *   paginated by `per_page`/`page` with a `Link: <…>; rel="next"` header; `POST` there;
 *   `PATCH` and `DELETE /repos/{owner}/{repo}/issues/comments/{id}`; `GET /user`, which answers 403
 *   "Resource not accessible by integration" to an installation token (`ghs_…`, what Actions'
 *   GITHUB_TOKEN is) and the user to any other. 401 "Bad credentials" for any other token; 422
 *   "body is too long (maximum is 65536 characters)".
 * - GitLab (https://docs.gitlab.com/api/notes/): `GET /projects/:id/merge_requests/:iid/notes`
 *   paginated by `per_page`/`page` with `X-Next-Page` (empty on the last page); `POST`; `PUT` and
 *   `DELETE …/notes/:note_id`; `GET /user`. `PRIVATE-TOKEN` is accepted; a `JOB-TOKEN` is refused
 *   (401) on all of these, as GitLab's job token may call only the endpoints its docs list
 *   (https://docs.gitlab.com/ci/jobs/ci_job_token/), and the Notes API and `/user` are not among them.
 *   400 "Note is too long" past 1,000,000 characters.
 * - Both: 404 for an unknown route, repository/project, pull/merge request or comment; 413 for a
 *   request body over 4 MiB. Every request is recorded (method and path) in `requests`.
 *
 * Each request is handled to its end in one turn of the event loop once its body has arrived, so
 * two CLI runs at once (two CI jobs) see a consistent store: no lost comment, no duplicate id.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';

export interface StandInComment {
  id: number;
  body: string;
  author: string;
}

export interface ForgeStandIn {
  /** http://127.0.0.1:<port> */
  url: string;
  /** `${url}/github`: what GITHUB_API_URL is set to. */
  githubApiUrl: string;
  /** `${url}/gitlab/api/v4`: what CI_API_V4_URL is set to. */
  gitlabApiUrl: string;
  /** The only token accepted (401 otherwise). */
  token: string;
  githubComments(repo: string, pr: number): StandInComment[];
  gitlabNotes(projectId: string, mr: number): StandInComment[];
  /** A human's (or an attacker's) comment, as someone else than the token's user. */
  addGithubComment(repo: string, pr: number, body: string, author: string): StandInComment;
  addGitlabNote(projectId: string, mr: number, body: string, author: string): StandInComment;
  requests: { method: string; path: string }[];
  close(): Promise<void>;
}

export interface ForgeStandInOptions {
  /** The largest page the lists return, whatever `per_page` asks (default 100, GitHub's and GitLab's maximum). */
  pageSize?: number;
  /** The token accepted (default: a `ghs_…` token, as Actions' GITHUB_TOKEN). */
  token?: string;
  /** Who comments made with the token are by on GitHub (default `github-actions[bot]`). */
  githubBotLogin?: string;
  /** Who notes made with the token are by on GitLab (default `deploy-evidence-bot`). */
  gitlabBotUsername?: string;
  /**
   * A second token that may read but not write: POST, PATCH, PUT and DELETE answer 403, as GitHub
   * does to a GITHUB_TOKEN without `pull-requests: write` (a pull request from a fork gets one).
   */
  readOnlyToken?: string;
  /**
   * The pull requests (GitHub, by `owner/name`) and merge requests (GitLab, by project id or
   * path) that exist; any other answers 404. Absent: every well-formed one exists.
   */
  openPullRequests?: { github?: Record<string, number[]>; gitlab?: Record<string, number[]> };
}

const GITHUB_BODY_LIMIT = 65_536;
const GITLAB_NOTE_LIMIT = 1_000_000;
const REQUEST_LIMIT = 4 * 1024 * 1024;

/** Characters as Ruby counts them (code points), which is how both forges validate a body's length. */
const characters = (text: string) => [...text].length;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly payload: unknown,
  ) {
    super(`HTTP ${status}`);
  }
}

export async function startForgeStandIn(options: ForgeStandInOptions = {}): Promise<ForgeStandIn> {
  const pageSize = options.pageSize ?? 100;
  const token = options.token ?? `ghs_standin${randomBytes(12).toString('hex')}`;
  const githubBot = options.githubBotLogin ?? 'github-actions[bot]';
  const gitlabBot = options.gitlabBotUsername ?? 'deploy-evidence-bot';
  const readOnly = options.readOnlyToken;
  const github = new Map<string, StandInComment[]>();
  const gitlab = new Map<string, StandInComment[]>();
  let nextId = 1000;
  const requests: { method: string; path: string }[] = [];
  let base = '';

  const threadOf = (store: Map<string, StandInComment[]>, key: string) => {
    let list = store.get(key);
    if (!list) store.set(key, (list = []));
    return list;
  };
  const add = (store: Map<string, StandInComment[]>, key: string, body: string, author: string): StandInComment => {
    const comment = { id: nextId++, body, author };
    threadOf(store, key).push(comment);
    return { ...comment };
  };
  const exists = (forge: 'github' | 'gitlab', project: string, number: number) => {
    const open = options.openPullRequests?.[forge];
    return Number.isInteger(number) && number > 0 && (!open || (open[project] ?? []).includes(number));
  };

  const githubJson = (comment: StandInComment, repo: string, pr: number) => ({
    id: comment.id,
    node_id: `IC_${comment.id}`,
    html_url: `${base}/${repo}/pull/${pr}#issuecomment-${comment.id}`,
    issue_url: `${base}/github/repos/${repo}/issues/${pr}`,
    body: comment.body,
    user: { login: comment.author, type: comment.author.endsWith('[bot]') ? 'Bot' : 'User' },
  });
  const gitlabJson = (note: StandInComment, mr: number) => ({
    id: note.id,
    type: null,
    body: note.body,
    author: { id: note.author.length, username: note.author },
    system: false,
    noteable_type: 'MergeRequest',
    noteable_iid: mr,
  });

  /** One page of a list, and whether there is a next one. */
  const page = <T>(items: T[], query: URLSearchParams) => {
    const perPage = Math.min(pageSize, Math.max(1, Number(query.get('per_page') ?? 20) || 20));
    const number = Math.max(1, Number(query.get('page') ?? 1) || 1);
    const slice = items.slice((number - 1) * perPage, number * perPage);
    return { slice, next: number * perPage < items.length ? number + 1 : null, perPage };
  };

  function github_(method: string, path: string, query: URLSearchParams, headers: IncomingMessage['headers'], body: unknown): { status: number; payload: unknown; headers?: Record<string, string> } {
    const auth = /^(?:Bearer|token) (.+)$/i.exec(headers.authorization ?? '')?.[1];
    if (auth !== token && (readOnly === undefined || auth !== readOnly)) throw new HttpError(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
    const writes = method !== 'GET';
    if (writes && auth === readOnly) throw new HttpError(403, { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest/issues/comments' });
    if (method === 'GET' && path === '/user') {
      if (auth.startsWith('ghs_')) throw new HttpError(403, { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest/users/users#get-the-authenticated-user' });
      return { status: 200, payload: { login: githubBot, id: 1, type: githubBot.endsWith('[bot]') ? 'Bot' : 'User' } };
    }
    const list = /^\/repos\/([A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+)\/issues\/(\d+)\/comments$/.exec(path);
    if (list) {
      const [, repo, n] = list as unknown as [string, string, string];
      const pr = Number(n);
      if (!exists('github', repo, pr)) throw new HttpError(404, { message: 'Not Found' });
      const thread = threadOf(github, `${repo}#${pr}`);
      if (method === 'GET') {
        const { slice, next, perPage } = page(thread, query);
        const link = next ? { link: `<${base}/github${path}?per_page=${perPage}&page=${next}>; rel="next"` } : undefined;
        return { status: 200, payload: slice.map((c) => githubJson(c, repo, pr)), ...(link ? { headers: link } : {}) };
      }
      if (method === 'POST') {
        const text = bodyField(body, 'body');
        if (characters(text) > GITHUB_BODY_LIMIT) throw tooLongForGithub();
        return { status: 201, payload: githubJson(add(github, `${repo}#${pr}`, text, githubBot), repo, pr) };
      }
      throw new HttpError(404, { message: 'Not Found' });
    }
    const one = /^\/repos\/([A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+)\/issues\/comments\/(\d+)$/.exec(path);
    if (one) {
      const [, repo, id] = one as unknown as [string, string, string];
      const found = [...github.entries()].filter(([key]) => key.startsWith(`${repo}#`)).flatMap(([key, thread]) => thread.filter((c) => c.id === Number(id)).map((c) => ({ key, thread, c })))[0];
      if (!found) throw new HttpError(404, { message: 'Not Found' });
      const pr = Number(found.key.slice(repo.length + 1));
      if (method === 'PATCH') {
        const text = bodyField(body, 'body');
        if (characters(text) > GITHUB_BODY_LIMIT) throw tooLongForGithub();
        // A token with write access may edit anyone's comment on GitHub: refusing here would hide a client that tries.
        found.c.body = text;
        return { status: 200, payload: githubJson(found.c, repo, pr) };
      }
      if (method === 'DELETE') {
        found.thread.splice(found.thread.indexOf(found.c), 1);
        return { status: 204, payload: null };
      }
      if (method === 'GET') return { status: 200, payload: githubJson(found.c, repo, pr) };
    }
    throw new HttpError(404, { message: 'Not Found' });
  }

  function gitlab_(method: string, path: string, query: URLSearchParams, headers: IncomingMessage['headers'], body: unknown): { status: number; payload: unknown; headers?: Record<string, string> } {
    const privateToken = headers['private-token'];
    if (headers['job-token'] !== undefined && privateToken === undefined) {
      // GitLab's job token reaches only the endpoints listed in its docs; these are not among them.
      throw new HttpError(401, { message: '401 Unauthorized' });
    }
    const auth = typeof privateToken === 'string' ? privateToken : /^Bearer (.+)$/i.exec(headers.authorization ?? '')?.[1];
    if (auth !== token && (readOnly === undefined || auth !== readOnly)) throw new HttpError(401, { message: '401 Unauthorized' });
    if (method !== 'GET' && auth === readOnly) throw new HttpError(403, { message: '403 Forbidden' });
    if (method === 'GET' && path === '/user') return { status: 200, payload: { id: 1, username: gitlabBot, bot: true } };
    const match = /^\/projects\/([^/]+)\/merge_requests\/(\d+)\/notes(?:\/(\d+))?$/.exec(path);
    if (!match) throw new HttpError(404, { message: '404 Not Found' });
    const [, encoded, iid, noteId] = match as unknown as [string, string, string, string | undefined];
    const project = decodeURIComponent(encoded);
    const mr = Number(iid);
    if (!exists('gitlab', project, mr)) throw new HttpError(404, { message: '404 Not found' });
    const key = `${project}!${mr}`;
    const thread = threadOf(gitlab, key);
    if (noteId === undefined) {
      if (method === 'GET') {
        // GitLab lists notes newest first unless asked otherwise.
        const ordered = query.get('sort') === 'asc' ? [...thread] : [...thread].reverse();
        const { slice, next } = page(ordered, query);
        return { status: 200, payload: slice.map((n) => gitlabJson(n, mr)), headers: { 'x-next-page': next ? String(next) : '', 'x-per-page': String(Math.min(pageSize, Number(query.get('per_page') ?? 20) || 20)) } };
      }
      if (method === 'POST') {
        const text = bodyField(body, 'body');
        if (characters(text) > GITLAB_NOTE_LIMIT) throw tooLongForGitlab();
        return { status: 201, payload: gitlabJson(add(gitlab, key, text, gitlabBot), mr) };
      }
      throw new HttpError(405, { message: '405 Method Not Allowed' });
    }
    const note = thread.find((n) => n.id === Number(noteId));
    if (!note) throw new HttpError(404, { message: '404 Note Not Found' });
    if (method === 'PUT') {
      const text = bodyField(body, 'body');
      if (characters(text) > GITLAB_NOTE_LIMIT) throw tooLongForGitlab();
      note.body = text;
      return { status: 200, payload: gitlabJson(note, mr) };
    }
    if (method === 'DELETE') {
      thread.splice(thread.indexOf(note), 1);
      return { status: 204, payload: null };
    }
    if (method === 'GET') return { status: 200, payload: gitlabJson(note, mr) };
    throw new HttpError(405, { message: '405 Method Not Allowed' });
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > REQUEST_LIMIT) {
        if (!refused) send(res, 413, { message: 'Payload Too Large' });
        refused = true;
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (refused) return;
      const url = new URL(req.url ?? '/', 'http://stand-in');
      const method = req.method ?? 'GET';
      requests.push({ method, path: url.pathname });
      try {
        const raw = Buffer.concat(chunks).toString('utf8');
        let body: unknown = null;
        if (raw !== '') {
          try {
            body = JSON.parse(raw);
          } catch {
            throw new HttpError(400, { message: 'Problems parsing JSON' });
          }
        }
        const answer = url.pathname.startsWith('/github/')
          ? github_(method, url.pathname.slice('/github'.length), url.searchParams, req.headers, body)
          : url.pathname.startsWith('/gitlab/api/v4/')
            ? gitlab_(method, url.pathname.slice('/gitlab/api/v4'.length), url.searchParams, req.headers, body)
            : (() => {
                throw new HttpError(404, { message: 'Not Found' });
              })();
        send(res, answer.status, answer.payload, answer.headers);
      } catch (error) {
        if (error instanceof HttpError) send(res, error.status, error.payload);
        else send(res, 500, { message: String(error) });
      }
    });
  });
  server.unref();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  base = `http://127.0.0.1:${port}`;

  return {
    url: base,
    githubApiUrl: `${base}/github`,
    gitlabApiUrl: `${base}/gitlab/api/v4`,
    token,
    githubComments: (repo, pr) => (github.get(`${repo}#${pr}`) ?? []).map((c) => ({ ...c })),
    gitlabNotes: (projectId, mr) => (gitlab.get(`${projectId}!${mr}`) ?? []).map((c) => ({ ...c })),
    addGithubComment: (repo, pr, body, author) => add(github, `${repo}#${pr}`, body, author),
    addGitlabNote: (projectId, mr, body, author) => add(gitlab, `${projectId}!${mr}`, body, author),
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function bodyField(body: unknown, field: string): string {
  const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[field] : undefined;
  if (typeof value !== 'string' || value === '') throw new HttpError(422, { message: 'Validation Failed', errors: [{ resource: 'IssueComment', code: 'missing_field', field }] });
  return value;
}

const tooLongForGithub = () =>
  new HttpError(422, { message: 'Validation Failed', errors: [{ resource: 'IssueComment', code: 'custom', field: 'body', message: `body is too long (maximum is ${GITHUB_BODY_LIMIT} characters)` }], documentation_url: 'https://docs.github.com/rest/issues/comments#create-an-issue-comment', status: '422' });
const tooLongForGitlab = () => new HttpError(400, { message: { note: [`is too long (maximum is ${GITLAB_NOTE_LIMIT} characters)`] } });

function send(res: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  if (status === 204) {
    res.writeHead(204, headers).end();
    return;
  }
  const text = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers }).end(text);
}
