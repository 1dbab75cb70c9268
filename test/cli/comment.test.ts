/**
 * `deploy-evidence comment` (issue 27, point 4) against the local forge stand-in
 * (test/harness/forge-stand-in.ts), which holds GitHub's and GitLab's REST contract: one comment
 * per pull request, created once and then updated in place; ours found past the first page; a
 * comment carrying our marker by someone else never taken for ours; the errors' exit codes and
 * messages; an over-long report cut; the job summary written.
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';
import { afterAll, describe, expect, it } from 'vitest';
import { COMMENT_MARKER } from '../../src/core/export/pr-comment.ts';
import { runCli } from '../harness/cli.ts';
import { committedEvidence, copyOfCommittedEvidence } from '../harness/committed-evidence.ts';
import { forge } from '../harness/forgery.ts';
import { githubThread } from '../../src/cli/forges/github.ts';
import { upsertComment } from '../../src/cli/forges/sticky-comment.ts';
import { startForgeStandIn, type ForgeStandIn } from '../harness/forge-stand-in.ts';

const ID = 'sample-staging-pr73';
const REPO = 'acme/inventory';
const SITE = ['--site', 'https://audit.example.com', '--base', '/repo/'];
const evidence = await committedEvidence();

/** Nothing of the CI the tests themselves may run in reaches the CLI: each test says what it sets. */
const NO_CI = {
  CI: undefined,
  GITHUB_ACTIONS: undefined,
  GITHUB_TOKEN: undefined,
  GITHUB_REPOSITORY: undefined,
  GITHUB_API_URL: undefined,
  GITHUB_STEP_SUMMARY: undefined,
  GITLAB_CI: undefined,
  GITLAB_TOKEN: undefined,
  CI_JOB_TOKEN: undefined,
  CI_API_V4_URL: undefined,
  CI_PROJECT_ID: undefined,
  CI_PROJECT_URL: undefined,
};

const servers: ForgeStandIn[] = [];
async function standIn(options: Parameters<typeof startForgeStandIn>[0] = {}): Promise<ForgeStandIn> {
  const server = await startForgeStandIn(options);
  servers.push(server);
  return server;
}
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

const inActions = (s: ForgeStandIn, extra: Record<string, string | undefined> = {}) => ({ ...NO_CI, GITHUB_ACTIONS: 'true', GITHUB_TOKEN: s.token, GITHUB_API_URL: s.githubApiUrl, GITHUB_REPOSITORY: REPO, ...extra });
const inGitlab = (s: ForgeStandIn, extra: Record<string, string | undefined> = {}) => ({ ...NO_CI, GITLAB_CI: 'true', GITLAB_TOKEN: s.token, CI_API_V4_URL: s.gitlabApiUrl, CI_PROJECT_ID: '42', CI_PROJECT_URL: 'https://gitlab.example.com/acme/inventory', ...extra });
const comment = (env: Record<string, string | undefined>, root = evidence, ...args: string[]) => runCli(['comment', ID, '--pr', '73', '--evidence-dir', root, ...SITE, ...args], env);

type Node = { type: string; depth?: number; url?: string; children?: Node[] };
const parse = (markdown: string) => fromMarkdown(markdown, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] }) as unknown as Node;
const all = (node: Node, type: string): Node[] => [...(node.type === type ? [node] : []), ...(node.children ?? []).flatMap((c) => all(c, type))];

describe('deploy-evidence comment on GitHub', () => {
  it('creates the comment once, then updates it in place (PATCH, never a second POST), finding it on the second page; the job summary gets the Markdown', async () => {
    const s = await standIn({ pageSize: 2 });
    // Three comments by people first: with two a page, ours is on page 2.
    for (const text of ['LGTM', 'Please check the row count', 'Re-running']) s.addGithubComment(REPO, 73, text, 'alice');
    const summary = join(tmpdir(), `step-summary-${process.pid}-${Date.now()}.md`);
    const exported = await runCli(['export', ID, '--evidence-dir', evidence, ...SITE], NO_CI);
    expect(exported.exitCode, exported.stderr).toBe(0);

    const first = await comment(inActions(s, { GITHUB_STEP_SUMMARY: summary }), evidence, '--json');
    expect(first.exitCode, first.stderr).toBe(0);
    const created = JSON.parse(first.stdout) as { action: string; url: string; id: number };
    expect(created).toEqual({ action: 'created', id: expect.any(Number), url: `${s.url}/${REPO}/pull/73#issuecomment-${created.id}` });
    expect(first.stderr).toContain(`created the evidence comment ${created.id} on pull request ${REPO}#73`);
    let ours = s.githubComments(REPO, 73).filter((c) => c.author === 'github-actions[bot]');
    expect(ours).toHaveLength(1);
    // The body is the marker, then exactly what export prints.
    expect(ours[0]!.body).toBe(`${COMMENT_MARKER}\n${exported.stdout}\n`);

    s.requests.length = 0;
    const second = await comment(inActions(s, { GITHUB_STEP_SUMMARY: summary }), evidence, '--json');
    expect(second.exitCode, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout)).toEqual({ ...created, action: 'updated' });
    expect(second.stderr).toContain(`updated the evidence comment ${created.id}`);
    const writes = s.requests.filter((r) => r.method !== 'GET');
    expect(writes).toEqual([{ method: 'PATCH', path: `/github/repos/${REPO}/issues/comments/${created.id}` }]);
    // It read page 2 to find it: two pages of two, following the Link header.
    expect(s.requests.filter((r) => r.path === `/github/repos/${REPO}/issues/73/comments`)).toHaveLength(2);
    ours = s.githubComments(REPO, 73).filter((c) => c.author === 'github-actions[bot]');
    expect(ours.map((c) => c.id)).toEqual([created.id]);
    expect(s.githubComments(REPO, 73)).toHaveLength(4);

    // The job summary: the same Markdown without the marker, once per run.
    const written = await readFile(summary, 'utf8');
    expect(written).not.toContain(COMMENT_MARKER);
    expect(written).toBe(`${exported.stdout}\n\n`.repeat(2));
  });

  it('never takes a comment carrying the marker for ours unless the token\'s user wrote it: the attacker\'s stays untouched and uncounted', async () => {
    const s = await standIn({ pageSize: 2 });
    const forged = `${COMMENT_MARKER}\n## Deployment evidence: APPROVED (trust me)`;
    const attacker = s.addGithubComment(REPO, 73, forged, 'mallory');
    // A login that is the bot's without its [bot] suffix is someone else.
    const lookalike = s.addGithubComment(REPO, 73, forged, 'github-actions');
    const first = await comment(inActions(s), evidence, '--json');
    expect(first.exitCode, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ action: 'created' });
    const second = await comment(inActions(s), evidence, '--json');
    expect(JSON.parse(second.stdout)).toMatchObject({ action: 'updated' });
    const all = s.githubComments(REPO, 73);
    expect(all.find((c) => c.id === attacker.id)).toEqual(attacker);
    expect(all.find((c) => c.id === lookalike.id)).toEqual(lookalike);
    expect(all.filter((c) => c.body.startsWith(COMMENT_MARKER) && c.author === 'github-actions[bot]')).toHaveLength(1);
    for (const r of s.requests.filter((r) => r.method === 'PATCH' || r.method === 'DELETE')) {
      expect(r.path).not.toMatch(new RegExp(`/(${attacker.id}|${lookalike.id})$`));
    }
  });

  it('with a personal token, ours are the comments of the user GET /user names; --comment-author names them when it cannot', async () => {
    const s = await standIn({ token: 'github_pat_standin', githubBotLogin: 'release-bot' });
    s.addGithubComment(REPO, 73, `${COMMENT_MARKER}\nold`, 'github-actions[bot]');
    const env = { ...NO_CI, GITHUB_TOKEN: s.token, GITHUB_API_URL: s.githubApiUrl, GITHUB_REPOSITORY: REPO };
    const run = await comment(env, evidence, '--forge', 'github', '--json');
    expect(run.exitCode, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ action: 'created' });
    expect(s.githubComments(REPO, 73).map((c) => c.author)).toEqual(['github-actions[bot]', 'release-bot']);

    // An installation token outside Actions: GitHub does not say whose it is.
    const app = await standIn({ token: 'ghs_apptoken' });
    const refused = await comment({ ...env, GITHUB_TOKEN: app.token, GITHUB_API_URL: app.githubApiUrl }, evidence, '--forge', 'github');
    expect(refused.exitCode).toBe(3);
    expect(refused.stderr).toContain('pass --comment-author <login>');
    expect(app.githubComments(REPO, 73)).toEqual([]);
    const named = await comment({ ...env, GITHUB_TOKEN: app.token, GITHUB_API_URL: app.githubApiUrl }, evidence, '--forge', 'github', '--comment-author', 'github-actions[bot]', '--json');
    expect(named.exitCode, named.stderr).toBe(0);
    expect(app.requests.filter((r) => r.path === '/github/user')).toHaveLength(1);
  });

  it('two runs at once for the same pull request end with one comment', async () => {
    const s = await standIn({ pageSize: 2 });
    s.addGithubComment(REPO, 73, 'first!', 'alice');
    const runs = await Promise.all([comment(inActions(s)), comment(inActions(s))]);
    for (const run of runs) expect(run.exitCode, run.stderr).toBe(0);
    expect(s.githubComments(REPO, 73).filter((c) => c.author === 'github-actions[bot]')).toHaveLength(1);
    expect(s.githubComments(REPO, 73)).toHaveLength(2);
  });

  it('when another job creates its comment between this one\'s look and its own, the oldest is kept with this run\'s body and the other deleted', async () => {
    for (const otherFirst of [true, false]) {
      const s = await standIn({ pageSize: 2 });
      s.addGithubComment(REPO, 73, 'first!', 'alice');
      const thread = githubThread({ apiUrl: s.githubApiUrl, token: s.token, repo: REPO, pr: 73, inActions: true });
      const create = thread.create.bind(thread);
      // The other job's POST lands just before (or just after) this one's: both found none.
      thread.create = async (body) => {
        if (otherFirst) s.addGithubComment(REPO, 73, `${COMMENT_MARKER}\nthe other job`, 'github-actions[bot]');
        const made = await create(body);
        if (!otherFirst) s.addGithubComment(REPO, 73, `${COMMENT_MARKER}\nthe other job`, 'github-actions[bot]');
        return made;
      };
      const result = await upsertComment(thread, `${COMMENT_MARKER}\nthis run`, await thread.author());
      const ours = s.githubComments(REPO, 73).filter((c) => c.author === 'github-actions[bot]');
      expect(ours, String(otherFirst)).toHaveLength(1);
      expect(ours[0]!.body).toBe(`${COMMENT_MARKER}\nthis run`);
      expect(result.id).toBe(ours[0]!.id);
      expect(result.action).toBe(otherFirst ? 'updated' : 'created');
      expect(result.removed).toHaveLength(1);
    }
  });

  it('cuts a report longer than GitHub takes (here between two rows of its checks table), with a line linking the whole report; GitLab takes it whole', async () => {
    const root = await copyOfCommittedEvidence();
    // Long check titles (a consistent forgery, so the deployment verifies): the checks table alone is over 65,536 characters.
    await forge(root, ID, { edits: { 'deployment.json': (d) => (d.checks as { title: string }[]).forEach((c) => (c.title = `${c.title} ${'and more words '.repeat(450)}`)) } });
    const whole = await runCli(['export', ID, '--evidence-dir', root, ...SITE], NO_CI);
    expect(whole.exitCode, whole.stderr).toBe(0);
    expect(whole.stdout.length).toBeGreaterThan(65_536);

    const s = await standIn();
    const run = await comment(inActions(s), root);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toContain('the comment is cut where it fits');
    const body = s.githubComments(REPO, 73)[0]!.body;
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body.startsWith(`${COMMENT_MARKER}\n## Deployment evidence`)).toBe(true);
    // The checks table alone is over the limit: cut between two of its rows, the rows before whole; the note links the full report.
    expect(body).toContain('| Criterion | Status | Decided by |');
    expect(body).toContain('### Checks');
    expect(body).not.toContain('### Key figures');
    expect(body).toMatch(/_This report is cut here: it is longer than the 65,536 characters GitHub takes in one comment\. The whole report: \[the deployment on the audit site\]\(https:\/\/audit\.example\.com\/repo\/deployments\/sample-staging-pr73\/\)\._\n$/);
    const tree = parse(body);
    expect(all(tree, 'heading').map((h) => h.depth)).toEqual([2, 3]);
    const [, checks] = all(tree, 'table');
    const rows = (checks?.children?.length ?? 0) - 1;
    expect(rows).toBeGreaterThan(3);
    expect(rows).toBeLessThan(16);
    for (const row of checks!.children!.slice(1)) expect(row.children).toHaveLength(4);

    const gitlab = await standIn();
    const onGitlab = await comment(inGitlab(gitlab), root);
    expect(onGitlab.exitCode, onGitlab.stderr).toBe(0);
    expect(gitlab.gitlabNotes('42', 73)[0]!.body).toBe(`${COMMENT_MARKER}\n${whole.stdout}\n`);
  });
});

describe('deploy-evidence comment on GitLab', () => {
  it('creates the note once, then updates it in place (PUT), finding it past the first page, and leaves a note with the marker by someone else alone', async () => {
    const s = await standIn({ pageSize: 2 });
    const forged = s.addGitlabNote('42', 73, `${COMMENT_MARKER}\nforged`, 'mallory');
    for (const text of ['LGTM', 'one more thing']) s.addGitlabNote('42', 73, text, 'alice');
    const first = await comment(inGitlab(s), evidence, '--json');
    expect(first.exitCode, first.stderr).toBe(0);
    const created = JSON.parse(first.stdout) as { action: string; url: string; id: number };
    expect(created).toEqual({ action: 'created', id: expect.any(Number), url: `https://gitlab.example.com/acme/inventory/-/merge_requests/73#note_${created.id}` });

    s.requests.length = 0;
    const second = await comment(inGitlab(s), evidence, '--json');
    expect(second.exitCode, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout)).toEqual({ ...created, action: 'updated' });
    expect(s.requests.filter((r) => r.method !== 'GET')).toEqual([{ method: 'PUT', path: `/gitlab/api/v4/projects/42/merge_requests/73/notes/${created.id}` }]);
    expect(s.requests.filter((r) => r.path === '/gitlab/api/v4/projects/42/merge_requests/73/notes')).toHaveLength(2);
    const notes = s.gitlabNotes('42', 73);
    expect(notes.find((n) => n.id === forged.id)).toEqual(forged);
    expect(notes.filter((n) => n.author === 'deploy-evidence-bot')).toHaveLength(1);
    expect(notes).toHaveLength(4);
  });

  it('says what to use instead when only the CI job token is there: GitLab does not let it write notes', async () => {
    const s = await standIn();
    const run = await comment(inGitlab(s, { GITLAB_TOKEN: undefined, CI_JOB_TOKEN: s.token }));
    expect(run.exitCode).toBe(3);
    expect(run.stderr).toContain('GitLab answered 401');
    expect(run.stderr).toContain('https://docs.gitlab.com/ci/jobs/ci_job_token/');
    expect(run.stderr).toContain('set GITLAB_TOKEN to a project access token with the api scope');
    expect(s.gitlabNotes('42', 73)).toEqual([]);
  });
});

describe('deploy-evidence comment errors', () => {
  it('exits 2 naming what is missing (token, repository, forge), before talking to any forge', async () => {
    const s = await standIn();
    const noToken = await comment(inActions(s, { GITHUB_TOKEN: undefined }));
    expect(noToken.exitCode).toBe(2);
    expect(noToken.stderr).toContain('GITHUB_TOKEN is not set');
    const noRepo = await comment(inActions(s, { GITHUB_REPOSITORY: undefined }));
    expect(noRepo.exitCode).toBe(2);
    expect(noRepo.stderr).toContain('GITHUB_REPOSITORY is not set and --repo was not given');
    const noGitlabToken = await comment(inGitlab(s, { GITLAB_TOKEN: undefined }));
    expect(noGitlabToken.exitCode).toBe(2);
    expect(noGitlabToken.stderr).toContain('GITLAB_TOKEN is not set (nor CI_JOB_TOKEN)');
    const noForge = await comment({ ...NO_CI, GITHUB_TOKEN: s.token });
    expect(noForge.exitCode).toBe(2);
    expect(noForge.stderr).toContain('--forge github|gitlab is needed');
    const badPr = await runCli(['comment', ID, '--pr', 'seventy', '--evidence-dir', evidence], inActions(s));
    expect(badPr.exitCode).toBe(2);
    expect(s.requests).toEqual([]);
  });

  it('exits 3 with the status and what to check when GitHub refuses (403 read-only token, 401, 404) or cannot be reached; nothing is claimed', async () => {
    const s = await standIn({ readOnlyToken: 'ghs_readonly', openPullRequests: { github: { [REPO]: [73] } } });
    const readOnly = await comment(inActions(s, { GITHUB_TOKEN: 'ghs_readonly' }), evidence, '--json');
    expect(readOnly.exitCode).toBe(3);
    expect(readOnly.stderr).toContain(`GitHub answered 403 (Resource not accessible by integration) to POST /repos/${REPO}/issues/73/comments`);
    expect(readOnly.stderr).toContain('permissions: pull-requests: write');
    expect(readOnly.stdout).toBe('');
    expect(readOnly.stderr).not.toMatch(/created|updated the evidence comment/);
    expect(s.githubComments(REPO, 73)).toEqual([]);

    const badToken = await comment(inActions(s, { GITHUB_TOKEN: 'ghs_wrong' }));
    expect(badToken.exitCode).toBe(3);
    expect(badToken.stderr).toContain('GitHub answered 401 (Bad credentials)');
    expect(badToken.stderr).toContain('check GITHUB_TOKEN');
    expect(badToken.stderr).not.toContain('ghs_wrong');

    const noSuchPr = await runCli(['comment', ID, '--pr', '74', '--evidence-dir', evidence], inActions(s));
    expect(noSuchPr.exitCode).toBe(3);
    expect(noSuchPr.stderr).toContain(`GitHub answered 404 (Not Found) to GET /repos/${REPO}/issues/74/comments: check the repository (${REPO}, from --repo or GITHUB_REPOSITORY) and the pull request (#74)`);

    const closed = await startForgeStandIn();
    const nowhere = closed.githubApiUrl;
    await closed.close();
    const unreachable = await comment(inActions(s, { GITHUB_API_URL: nowhere }));
    expect(unreachable.exitCode).toBe(3);
    expect(unreachable.stderr).toContain('could not reach GitHub');
  });

  it('posts a hostile PR title as text: no mention that pings (GitHub @org/team, GitLab @all), no HTML, no image, no block started by a lone CR', async () => {
    const root = await copyOfCommittedEvidence();
    const title = 'Fix @acme/everyone and @all\r# Approved by security\r<img src="http://127.0.0.2/pixel.png"> ![x](http://127.0.0.2/x.png) $(id) mail alice@example.com';
    await forge(root, ID, { edits: { 'deployment.json': (d) => void (d.pr.title = title) } });
    for (const [server, env, bodyOf] of [
      [await standIn(), (s: ForgeStandIn) => inActions(s), (s: ForgeStandIn) => s.githubComments(REPO, 73)[0]!.body],
      [await standIn(), (s: ForgeStandIn) => inGitlab(s), (s: ForgeStandIn) => s.gitlabNotes('42', 73)[0]!.body],
    ] as const) {
      const run = await comment(env(server), root);
      expect(run.exitCode, run.stderr).toBe(0);
      const tree = parse(bodyOf(server));
      const text = all(tree, 'text').map((t) => (t as unknown as { value: string }).value).join('');
      // The title is all there, as words; a mention is an @ right before a name, which no text keeps.
      expect(text).toContain('Fix @\u200bacme/everyone and @\u200ball # Approved by security <img src="http://127.0.0.2/pixel.png"> ![x](http://127.0.0.2/x.png) $(id) mail alice@\u200bexample.com');
      expect(text).not.toMatch(/@[A-Za-z0-9_]/);
      expect(all(tree, 'heading').map((h) => h.depth)).toEqual([2, 3, 3]);
      expect(all(tree, 'image')).toEqual([]);
      // The only HTML is the marker and the collapsed block the report itself opens and closes.
      const html = all(tree, 'html').map((h) => (h as unknown as { value: string }).value);
      expect(html.filter((h) => !h.startsWith('<details>') && !h.startsWith('</details>'))).toEqual([COMMENT_MARKER]);
      // A bare address is autolinked by GFM, as the forge would: shown as itself, never disguised.
      for (const link of all(tree, 'link').filter((l) => l.url!.includes('127.0.0.2'))) expect(link.children!.map((c) => (c as unknown as { value: string }).value).join('')).toBe(link.url);
    }
  });

  it('never sends the token to another host: a redirect is refused, a next-page link elsewhere is not followed', async () => {
    // "Another host" is 127.0.0.2: it records whatever reaches it.
    const seen: { url: string; authorization: string | undefined }[] = [];
    const elsewhere = createServer((req, res) => {
      seen.push({ url: req.url ?? '', authorization: req.headers.authorization });
      res.writeHead(200, { 'content-type': 'application/json' }).end('[]');
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.2', resolve));
    const away = `http://127.0.0.2:${(elsewhere.address() as AddressInfo).port}`;
    const posted: string[] = [];
    // The API answers every request with a redirect there (as a compromised or misconfigured proxy might) ...
    const redirecting = createServer((req, res) => res.writeHead(307, { location: `${away}${req.url}` }).end());
    // ... or lists no comment on its first page but points its next page there.
    const pointing = createServer((req, res) => {
      if (req.method === 'POST') {
        posted.push(req.url ?? '');
        res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 5, body: '', user: { login: 'github-actions[bot]' } }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', link: `<${away}${req.url}&page=2>; rel="next"` }).end('[]');
    });
    const listen = async (server: ReturnType<typeof createServer>) => {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    };
    try {
      const token = 'ghs_secret_never_elsewhere';
      const viaRedirect = await comment({ ...NO_CI, GITHUB_ACTIONS: 'true', GITHUB_TOKEN: token, GITHUB_API_URL: await listen(redirecting), GITHUB_REPOSITORY: REPO }, evidence, '--comment-author', 'github-actions[bot]');
      expect(viaRedirect.exitCode).toBe(3);
      expect(viaRedirect.stderr).toContain('could not reach GitHub');
      expect(viaRedirect.stderr).not.toContain(token);
      const viaLink = await comment({ ...NO_CI, GITHUB_ACTIONS: 'true', GITHUB_TOKEN: token, GITHUB_API_URL: await listen(pointing), GITHUB_REPOSITORY: REPO }, evidence, '--comment-author', 'github-actions[bot]');
      expect(viaLink.exitCode, viaLink.stderr).toBe(0);
      expect(posted).toHaveLength(1);
      expect(seen).toEqual([]);
    } finally {
      for (const server of [elsewhere, redirecting, pointing]) server.close();
    }
  });

  it('posts nothing for evidence that does not verify (exit 1)', async () => {
    const root = await copyOfCommittedEvidence();
    await forge(root, ID, { edits: { 'deployment.json': (d) => void (d.pr.title = 'edited after the fact') }, rehash: false });
    const s = await standIn();
    const run = await comment(inActions(s), root);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain(`${ID} does not verify`);
    expect(s.requests).toEqual([]);
  });
});
