/**
 * The collector under attack (issue 8), through the real CLI against a real server:
 * - canaries — the connection password (with an unencoded `@`), an environment token a command
 *   gets, a secret parameter — in every common encoding and in another case, printed by commands
 *   and read from the database (cells, column names, a plan, the catalog: issue 25), searched for
 *   in every evidence file, every file of the built site, and stdout/stderr;
 * - a checklist holding the connection password is refused before anything is collected;
 * - a collector killed with SIGKILL, alone or with its process group, leaves no process of a
 *   command behind, not even one in a session of its own;
 * - evidence that cannot be written exits 4, naming the path;
 * - links and credentials the user hands in are refused or warned about.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containment } from '../../collectors/process/child-process.ts';
import { BIN, runCli, type CliRun } from '../harness/cli.ts';
import { cloneRealDatabase, realServer, toolingProblem, type TestDatabase } from '../harness/databases.ts';
import { readDeployment, tempEvidenceRoot } from '../harness/evidence.ts';
import { buildSite } from '../harness/site-build.ts';
import { adminQuery } from '../harness/seed-database.ts';
import { serverUrl } from '../harness/databases.ts';

const PASSWORD = 'Canary@Tail-Secret-9x';
const TOKEN = 'tok/En+Secret 42=zz';
const API_KEY = 'Param-Secret-77q';
const PUBLIC_VALUE = 'public-mode-value';
/** A secret parameter's default: written in the checklist, redacted from the copy deployment.json keeps. */
const DEFAULT_SECRET = 'Default-Secret-55k';
/** Passwords of URLs the tool knows nothing about: one in the database, one in a checklist's column alias. */
const OTHER_URL = 'https://svc:Other-Pass-31@127.0.0.2/hook';
const ALIAS_URL = 'https://svc:Alias-Pass-31@127.0.0.2/';
const URL_PASSWORDS = ['Other-Pass-31', 'Alias-Pass-31'];

/** Every form the tests look for, computed here the way the tools write them. */
function encodedForms(secret: string): Record<string, string> {
  const quote = (s: string, safe: string) =>
    [...Buffer.from(s)].map((b) => (/[A-Za-z0-9_.\-~]/.test(String.fromCharCode(b)) || safe.includes(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
  return {
    raw: secret,
    encodeURIComponent: encodeURIComponent(secret),
    quote: quote(secret, '/'),
    'quote lower': quote(secret, '').replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
    'lower-cased': secret.toLowerCase(),
    'upper-cased': secret.toUpperCase(),
    'percent-encoded, then lower-cased': encodeURIComponent(secret).toLowerCase(),
    quote_plus: quote(secret.replaceAll(' ', '\u0000'), '').replaceAll('%00', '+'),
    json: JSON.stringify(secret).slice(1, -1).replaceAll('/', '\\/'),
    base64: Buffer.from(secret).toString('base64'),
    'base64 user:': Buffer.from(`user:${secret}`).toString('base64').slice(8),
    base64url: Buffer.from(`ab${secret}`).toString('base64url').slice(4),
    hex: Buffer.from(secret).toString('hex'),
  };
}

/** The middle of each form: what must not survive anywhere (its ends may border ordinary text). */
function leaks(text: string, secrets: readonly string[]): string[] {
  const found: string[] = [];
  for (const secret of secrets) {
    for (const [name, form] of Object.entries(encodedForms(secret))) {
      const middle = form.slice(Math.floor(form.length / 4), Math.ceil((form.length * 3) / 4));
      if (text.includes(middle)) found.push(`${secret} as ${name} (${middle})`);
    }
  }
  // The tail a Python driver prints as a host name when it splits the URL at the first "@".
  if (text.includes('Tail-Secret')) found.push('the password fragment after its "@"');
  for (const secret of [DEFAULT_SECRET, ...URL_PASSWORDS]) if (text.includes(secret)) found.push(secret);
  return found;
}

async function textUnder(dir: string): Promise<{ file: string; text: string }[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return Promise.all(entries.filter((e) => e.isFile()).map(async (e) => ({ file: join(e.parentPath, e.name), text: await readFile(join(e.parentPath, e.name), 'utf8') })));
}

const TOKEN_SCRIPT = [
  'import os, re, json, base64, urllib.parse as u',
  "t = os.environ['API_TOKEN']",
  "print('raw', t)",
  "print('quote', u.quote(t))",
  "print('lower', re.sub(r'%[0-9A-F]{2}', lambda m: m.group(0).lower(), u.quote(t, safe='')))",
  "print('plus', u.quote_plus(t))",
  "print('json', json.dumps({'token': t}).replace('/', '\\\\/'))",
  "print('basic', base64.b64encode(('user:' + t).encode()).decode())",
  "print('b64', base64.b64encode(t.encode()).decode())",
  "print('b64url', base64.urlsafe_b64encode(('ab' + t).encode()).decode())",
  "print('hex', t.encode().hex())",
  "print('cases', t.lower(), t.upper(), u.quote(t, safe='').lower())",
  "print('mode', os.environ['APP_MODE'])",
].join('\n');

const leakyChecklist = {
  id: 'canary-leaks',
  version: '1.0.0',
  title: 'Every way a secret leaks',
  parameters: [
    { name: 'apiKey', description: 'an API key for the smoke test', secret: true },
    { name: 'hookToken', description: 'a token with a default written here', secret: true, default: DEFAULT_SECRET },
  ],
  sections: [{ number: '1', title: 'Leaks' }],
  checks: [
    { id: 'token-encodings', kind: 'command', section: '1', title: 'A tool prints its token in every encoding', argv: ['python3', '-c', TOKEN_SCRIPT], env: ['API_TOKEN', { name: 'APP_MODE', public: true }] },
    {
      id: 'driver-splits-at-first-at',
      kind: 'command',
      section: '1',
      title: 'SQLAlchemy splits the URL at the first @',
      argv: ['python3', '-c', "import os\nfrom sqlalchemy import create_engine\ncreate_engine(os.environ['DATABASE_URL'].replace('postgresql://', 'postgresql+psycopg2://', 1)).connect()"],
      env: ['DATABASE_URL'],
      timeoutMs: 60_000,
    },
    // 1000 bytes, the URL, 1000 more: a cap of 1368 bytes keeps a head of 1026 (the cut falls inside the password) and a tail of 342.
    { id: 'cap-cuts-url', kind: 'command', section: '1', title: 'The cap falls inside a printed URL', argv: ['python3', '-c', "import os, sys\nsys.stdout.write('x' * 1000 + os.environ['DATABASE_URL'] + 'y' * 1000)"], env: ['DATABASE_URL'], maxOutputBytes: 1368 },
    { id: 'param-in-argv', kind: 'command', section: '1', title: 'A secret parameter in argv', argv: ['echo', '--key={{apiKey}}'] },
    { id: 'who', kind: 'sql', section: '1', title: 'Who collects', sql: 'SELECT current_user AS who' },
    // Issue 25: what the database holds, read back (app_secrets and its views: see beforeAll).
    {
      id: 'secrets-in-rows',
      kind: 'sql',
      section: '1',
      title: 'A table holds the password and URLs',
      sql: `SELECT password, url, other_url, lower(password) AS lower_pw, upper(password) AS upper_pw, pct_lower, upper(url) AS upper_url, other_url AS "${ALIAS_URL}" FROM app_secrets`,
      assertions: [
        // A column named by its alias, which the evidence stores redacted: judged as stored.
        { type: 'no-nulls', fields: [ALIAS_URL] },
        { type: 'field-compare', field: 'other_url', op: 'eq', value: OTHER_URL },
      ],
    },
    {
      id: 'two-secrets-compared',
      kind: 'sql',
      section: '1',
      title: 'Two different secrets, equal once redacted',
      required: false,
      sql: 'SELECT password, upper(password) AS shouted FROM app_secrets',
      assertions: [{ type: 'fields-equal', fields: ['password', 'shouted'] }],
    },
    { id: 'columns-named-by-the-database', kind: 'sql', section: '1', title: 'A view names a column after the password', sql: 'SELECT * FROM leaky_columns' },
    { id: 'plan-holds-them', kind: 'explain', section: '1', title: 'A plan shows a view\'s constants and a parameter', sql: 'SELECT * FROM leaky_filter WHERE other_url <> $1', params: ['apiKey'] },
    {
      id: 'catalog-columns',
      kind: 'columns',
      section: '1',
      title: 'The catalog lists the column named after the password',
      relation: { schema: 'public', name: 'leaky_columns' },
      expect: { columns: [{ name: 'ok', type: 'integer', nullable: true }], exact: false, ordered: false },
    },
    { id: 'catalog-dependents', kind: 'dependents', section: '1', title: 'A view named after the password depends on the table', relation: { schema: 'public', name: 'app_secrets' } },
  ],
};

describe.skipIf(realServer() === null)('canaries: no secret in any encoding reaches evidence, site or terminal', () => {
  let db: TestDatabase;
  let root: string;
  let run: CliRun;
  let dir: string;

  beforeAll(async () => {
    db = await cloneRealDatabase();
    await adminQuery(serverUrl('postgres'), `DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'canary_at') THEN CREATE ROLE canary_at LOGIN PASSWORD '${PASSWORD}'; GRANT pg_read_all_data TO canary_at; END IF; END $$`);
    const server = realServer()!;
    const fullUrl = `postgresql://canary_at:${encodeURIComponent(PASSWORD)}@${server.host}:${server.port}/app`;
    await db.admin('CREATE TABLE public.app_secrets (password text, url text, other_url text, pct_lower text)');
    await db.admin('INSERT INTO public.app_secrets VALUES ($1, $2, $3, $4)', [PASSWORD, fullUrl, OTHER_URL, encodeURIComponent(PASSWORD).toLowerCase()]);
    // What the database itself holds, never the checklist: a column named after the password, a
    // view named after it lower-cased, a view whose constants (in a plan's Filter) are the secrets.
    await db.admin(`CREATE VIEW public.leaky_columns AS SELECT 1 AS ok, password AS "${PASSWORD}" FROM public.app_secrets`);
    await db.admin(`CREATE VIEW public."${PASSWORD.toLowerCase()}" AS SELECT url FROM public.app_secrets`);
    await db.admin(`CREATE VIEW public.leaky_filter AS SELECT * FROM public.app_secrets WHERE password <> '${PASSWORD.toUpperCase()}' AND url <> '${fullUrl.toUpperCase()}'`);
    root = await tempEvidenceRoot();
    const checklist = join(root, '..', `leaky-${Date.now()}.json`);
    await writeFile(checklist, JSON.stringify(leakyChecklist));
    // The password's "@" left unencoded, as users write it.
    const url = `postgresql://canary_at:${PASSWORD}@${server.host}:${server.port}/${new URL(db.url).pathname.slice(1)}`;
    run = await runCli(['collect', '--checklist', checklist, '--env', 'staging', '--id', 'canary', '--evidence-dir', root, '--database-url', url, '--param', `apiKey=${API_KEY}`], {
      API_TOKEN: TOKEN,
      APP_MODE: PUBLIC_VALUE,
    });
    dir = join(root, 'canary');
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('collects (no check asserts anything: exit 0) and warns that the URL should be percent-encoded', () => {
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/warning: the database URL has an unencoded "@" in its user or password: percent-encode it as %40/);
  });

  it('redacts what the commands printed, counting each form, and keeps the public value', async () => {
    const { snapshots: checks, deployment } = await readDeployment(dir);
    const token = checks.get('token-encodings')!.result;
    expect(token?.kind === 'command' && token.exitCode).toBe(0);
    expect(token?.kind === 'command' && token.stdout).toContain(`mode ${PUBLIC_VALUE}`);
    expect(token?.kind === 'command' && token.redactions).toBeGreaterThanOrEqual(9);
    if (toolingProblem === null) {
      const driver = checks.get('driver-splits-at-first-at')!.result;
      expect(driver?.kind === 'command' && driver.exitCode).not.toBe(0);
      expect(driver?.kind === 'command' && driver.redactions).toBeGreaterThanOrEqual(1);
      expect(driver?.kind === 'command' && driver.stderr).toContain('could not translate host name "***@');
    }
    const capped = checks.get('cap-cuts-url')!;
    expect(capped.truncation?.bytesOmitted).toBeGreaterThan(0);
    expect(capped.result?.kind === 'command' && capped.result.stdout).toMatch(/^x{1000}postgresql:\/\/canary_at:\*\*\*/);
    expect(checks.get('param-in-argv')!.source).toMatchObject({ argv: ['echo', '--key=***'] });
    expect(deployment.parameters).toEqual([
      { name: 'apiKey', value: '***', source: 'given' },
      { name: 'hookToken', value: '***', source: 'default' },
    ]);
    expect(deployment.target.privileges).toEqual({ superuser: false, roles: [] });
  });

  it('redacts what the database returned — cells, column names, a plan, the catalog — and says how many', async () => {
    const { snapshots: checks, deployment } = await readDeployment(dir);
    const rows = checks.get('secrets-in-rows')!;
    const result = rows.result;
    if (result?.kind !== 'sql') throw new Error('secrets-in-rows: no sql result');
    expect(result.columns.map((c) => c.name)).toEqual(['password', 'url', 'other_url', 'lower_pw', 'upper_pw', 'pct_lower', 'upper_url', 'https://svc:***@127.0.0.2/']);
    // Nothing but the secrets changed: the host, the user, the rest of each URL are as the database said.
    expect(result.rows).toEqual([['***', expect.stringMatching(/^postgresql:\/\/canary_at:\*\*\*@.+\/app$/), 'https://svc:***@127.0.0.2/hook', '***', '***', '***', expect.stringMatching(/^POSTGRESQL:\/\/CANARY_AT:\*\*\*@.+\/APP$/), 'https://svc:***@127.0.0.2/hook']]);
    // The digest is over the rows as stored.
    expect(result.reads[0]!.rowsSha256).toBe(createHash('sha256').update(JSON.stringify(result.rows)).digest('hex'));
    expect(rows.source.sql).toContain('AS "https://svc:***@127.0.0.2/"');
    // Counted in the snapshot (format v3): never silent.
    expect(rows.redactions).toBeGreaterThanOrEqual(10);
    // Judged as stored, against the check as deployment.json stores it.
    expect(rows.assertions.map((a) => a.status)).toEqual(['pass', 'pass']);
    expect(rows.status).toBe('pass');
    const stored = deployment.checklist.definition.checks.find((c) => c.id === 'secrets-in-rows')!;
    expect(stored.kind === 'sql' && stored.sql).toContain('AS "https://svc:***@127.0.0.2/"');

    // Different secrets, equal once both are ***: never a silent pass.
    const compared = checks.get('two-secrets-compared')!;
    expect(compared.status).toBe('error');
    expect(compared.error?.message).toContain('fields-equal gives fail on the values read but pass on the values stored');
    expect(compared.assertions.map((a) => a.status)).toEqual(['skipped']);

    const named = checks.get('columns-named-by-the-database')!.result;
    expect(named?.kind === 'sql' && named.columns.map((c) => c.name)).toEqual(['ok', '***']);
    const plan = checks.get('plan-holds-them')!;
    expect(plan.status, JSON.stringify(plan.error)).toBe('pass');
    expect(JSON.stringify(plan.result)).toContain('***');
    expect(plan.redactions).toBeGreaterThan(0);
    expect(checks.get('catalog-columns')!.redactions).toBeGreaterThan(0);
    const catalog = checks.get('catalog-columns')!;
    expect(catalog.result?.kind === 'columns' && catalog.result.columns.map((c) => c.name)).toEqual(['ok', '***']);
    expect(catalog.status).toBe('pass');
    const dependents = checks.get('catalog-dependents')!.result;
    // pg_identify_object quotes the name it had to quote: the quotes stay, the password goes.
    expect(dependents?.kind === 'dependents' && dependents.dependents.map((d) => d.name).sort()).toEqual(['"***"', 'leaky_columns', 'leaky_filter']);

    // The checklist as stored: the secret parameter's default and the URL passwords redacted.
    expect(deployment.checklist.definition.parameters.find((p) => p.name === 'hookToken')?.default).toBe('***');
    expect(run.stderr).toMatch(/warning: checklist canary-leaks: \d+ secrets \(a secret parameter's default, a URL's password…\) redacted from the copy stored in deployment\.json/);
  });

  it('verifies: every verdict re-derived from the redacted results is the one collected', async () => {
    const verify = await runCli(['verify', '--all', '--evidence-dir', root]);
    expect(verify.exitCode, verify.stdout + verify.stderr).toBe(0);
  });

  it('leaves no canary in any evidence file, any page of the built site, or the terminal', async () => {
    const secrets = [PASSWORD, TOKEN, API_KEY];
    for (const { file, text } of await textUnder(root)) expect(leaks(text, secrets), file).toEqual([]);
    expect(leaks(run.stdout + run.stderr, secrets)).toEqual([]);
    const site = await buildSite(root);
    expect(site.exitCode, site.output).toBe(0);
    expect(leaks(site.output, secrets)).toEqual([]);
    const pages = await textUnder(site.outDir);
    expect(pages.length).toBeGreaterThan(5);
    for (const { file, text } of pages) expect(leaks(text, secrets), file).toEqual([]);
  });
});

describe.skipIf(realServer() === null)('the collector killed with SIGKILL', () => {
  /** Running, not a zombie waiting for a parent (a container's init may never reap it). */
  const running = (pid: number) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
    } catch {
      return false;
    }
  };

  // Issue 25: a CI runner or `timeout --kill-after` kills the collector's whole process group,
  // which the supervisor is not in; a command that calls setsid leaves its own group.
  it.each([
    ['the collector', (pid: number) => process.kill(pid, 'SIGKILL')],
    ['the collector’s process group', (pid: number) => process.kill(-pid, 'SIGKILL')],
  ])('leaves no process of a running command behind when %s is killed', async (_, kill) => {
    const db = await cloneRealDatabase();
    const root = await tempEvidenceRoot();
    const pidFile = join(root, 'command.pid');
    const escapedFile = join(root, 'escaped.pid');
    const checklist = join(root, 'sleepy.json');
    // The escaper: a shell in a session of its own, found only below the supervisor (a subreaper on Linux with perl).
    const escaper = containment() === 'subreaper' ? `setsid sh -c 'echo $$ > ${escapedFile}; exec sleep 302' & ` : '';
    await writeFile(
      checklist,
      JSON.stringify({
        id: 'sleepy',
        version: '1.0.0',
        title: 'A command that outlives nothing',
        sections: [{ number: '1', title: 'Wait' }],
        checks: [{ id: 'sleep', kind: 'command', section: '1', title: 'Sleeps with a child', argv: ['sh', '-c', `${escaper}echo $$ > ${pidFile}; sleep 300 & sleep 301; wait`], timeoutMs: 600_000 }],
      }),
    );
    const pidIn = async (file: string) => Number((await readFile(file, 'utf8').catch(() => '')).trim());
    let child: ReturnType<typeof spawn> | null = null;
    try {
      // A process group of its own, as a CI job's shell has.
      child = spawn(process.execPath, [BIN, 'collect', '--checklist', checklist, '--env', 'staging', '--evidence-dir', join(root, 'evidence'), '--database-url', db.url], { stdio: 'ignore', detached: true });
      let pid = 0;
      let escaped = escaper ? 0 : -1;
      for (let i = 0; i < 200 && (!pid || !escaped); i += 1) {
        pid = await pidIn(pidFile);
        if (escaper) escaped = await pidIn(escapedFile);
        if (!pid || !escaped) await new Promise((r) => setTimeout(r, 50));
      }
      expect(pid).toBeGreaterThan(0);
      const alive = () => {
        try {
          process.kill(-pid, 0);
          return true;
        } catch {
          return false;
        }
      };
      expect(alive()).toBe(true);
      if (escaper) expect(running(escaped)).toBe(true);
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      kill(child.pid!);
      await exited;
      for (let i = 0; i < 100 && (alive() || (escaper && running(escaped))); i += 1) await new Promise((r) => setTimeout(r, 50));
      expect(alive(), `process group ${pid} outlived the collector`).toBe(false);
      const left = execFileSync('ps', ['-eo', 'pgid=,args='], { encoding: 'utf8' }).split('\n').filter((l) => l.trim().startsWith(`${pid} `));
      expect(left).toEqual([]);
      if (escaper) expect(running(escaped), `${escaped}, in a session of its own, outlived the collector`).toBe(false);
    } finally {
      // Only what this test started: the collector's group, the command's, the escaper.
      for (const target of [child?.pid ? -child.pid : 0, -(await pidIn(pidFile)), await pidIn(escapedFile)]) {
        try {
          if (target) process.kill(target, 'SIGKILL');
        } catch {
          // gone
        }
      }
      await db.drop();
    }
  });
});

describe.skipIf(realServer() === null)('evidence that cannot be written', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await cloneRealDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });
  const checklist = new URL('../fixtures/checklists/lossless.json', import.meta.url).pathname;

  it('exits 4 naming the path when the evidence folder is a file', async () => {
    const file = join(await tempEvidenceRoot(), 'not-a-folder');
    await writeFile(file, 'x');
    const run = await runCli(['collect', '--checklist', checklist, '--env', 'staging', '--evidence-dir', file, '--database-url', db.url]);
    expect(run.exitCode, run.stderr).toBe(4);
    expect(run.stderr).toContain(`deploy-evidence: cannot write the evidence: ${file}`);
  });

  it('exits 4 naming the path when the disk is full (a 16 KiB tmpfs)', async () => {
    const mountPoint = await mkdtemp(join(tmpdir(), 'full-disk-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', mountPoint]);
    } catch (error) {
      // Mounting needs root; CI runs as root. Elsewhere this case cannot be staged.
      if (process.env.CI && process.getuid?.() === 0) throw error;
      return;
    }
    try {
      const run = await runCli(['collect', '--checklist', checklist, '--env', 'staging', '--evidence-dir', mountPoint, '--database-url', db.url]);
      expect(run.exitCode, run.stderr).toBe(4);
      expect(run.stderr).toMatch(new RegExp(`cannot write the evidence: ${mountPoint}/\\S+: no space left on the device \\(ENOSPC\\)`));
    } finally {
      execFileSync('umount', [mountPoint]);
      await rm(mountPoint, { recursive: true, force: true });
    }
  });
});

describe('what the user hands in', () => {
  it.each(['javascript:alert(document.domain)', 'JaVaScRiPt:alert(1)', ' javascript:alert(1)', 'data:text/html,x', 'vbscript:msgbox(1)'])('refuses --pr-url %j with exit 2', async (url) => {
    const run = await runCli(['collect', '--env', 'staging', '--checklist', 'attempt-view-lock', '--pr-url', url, '--database-url', 'postgres://u@127.0.0.1:1/db']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/--pr-url must be an http:\/\/ or https:\/\/ address/);
  });

  it('warns about a literal credential in a checklist (validate and collect)', async () => {
    const file = join(await tempEvidenceRoot(), 'leaky.json');
    await writeFile(
      file,
      JSON.stringify({
        id: 'literal-secret',
        version: '1.0.0',
        title: 'x',
        sections: [{ number: '1', title: 'x' }],
        checks: [
          { id: 'psql', kind: 'command', section: '1', title: 'x', argv: ['sh', '-c', 'PGPASSWORD=hunter2-literal psql -c "select 1"'] },
          { id: 'q', kind: 'sql', section: '1', title: 'x', sql: "SELECT * FROM dblink_connect('host=db password=hunter3')" },
          { id: 'fine', kind: 'command', section: '1', title: 'x', argv: ['sh', '-c', 'PGPASSWORD=$PGPASSWORD psql'] },
        ],
      }),
    );
    const run = await runCli(['checklist', 'validate', file]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('literal-secret 1.0.0: valid, 3 checks, 2 warnings');
    expect(run.stderr).toContain('checks[0].argv[2] holds what looks like a credential (PGPASSWORD=)');
    expect(run.stderr).toContain('checks[1].sql holds what looks like a credential (password=)');
    expect(run.stderr).not.toContain('checks[2]');
    const collect = await runCli(['collect', '--checklist', file, '--env', 'staging', '--evidence-dir', await tempEvidenceRoot(), '--database-url', 'postgres://u@127.0.0.1:1/db']);
    expect(collect.stderr).toContain('checks[0].argv[2] holds what looks like a credential');
  });

  // Issue 25: the connection password written into a checklist, as is, in another case, encoded.
  // Refused before connecting (the port is closed: reaching it would exit 3), nothing written.
  it.each([
    ['a SQL literal', 'sql-literal', { kind: 'sql', sql: `SELECT 1 WHERE current_user <> '${PASSWORD}'` }],
    ['a column alias', 'alias', { kind: 'sql', sql: `SELECT 1 AS "${PASSWORD}"` }],
    ['PGPASSWORD in argv', 'psql', { kind: 'command', argv: ['sh', '-c', `PGPASSWORD='${PASSWORD}' psql -c 'select 1'`] }],
    ['lower-cased', 'lower', { kind: 'sql', sql: `SELECT '${PASSWORD.toLowerCase()}' AS x` }],
    ['upper-cased', 'upper', { kind: 'explain', sql: `SELECT '${PASSWORD.toUpperCase()}' AS x` }],
    ['percent-encoded, then lower-cased', 'pct-lower', { kind: 'sql', sql: `SELECT 'postgresql://u:${encodeURIComponent(PASSWORD).toLowerCase()}@h/db' AS x` }],
    ['in an assertion', 'asserted', { kind: 'command', argv: ['true'], assertions: [{ type: 'text-not-contains', stream: 'output', text: PASSWORD }] }],
  ])('refuses a checklist holding the connection password as %s (exit 2, naming the check)', async (_how, id, check) => {
    const root = await tempEvidenceRoot();
    const file = join(root, '..', `holds-password-${id}-${Date.now()}.json`);
    await writeFile(
      file,
      JSON.stringify({ id: 'holds-password', version: '1.0.0', title: 'x', sections: [{ number: '1', title: 'x' }], checks: [{ id: 'fine', kind: 'sql', section: '1', title: 'x', sql: 'SELECT 1' }, { id, section: '1', title: 'x', ...check }] }),
    );
    const run = await runCli(['collect', '--checklist', file, '--env', 'staging', '--id', 'refused', '--evidence-dir', root, '--database-url', `postgresql://canary_at:${encodeURIComponent(PASSWORD)}@127.0.0.1:1/db`]);
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`checklist holds-password: check ${id} \\(checks\\[1\\]\\.[a-z.\\[\\]0-9]+\\) holds the connection password`));
    expect(run.stderr).not.toContain('check fine');
    expect(leaks(run.stdout + run.stderr, [PASSWORD])).toEqual([]);
    expect(await readdir(root)).toEqual([]);
  });

  it.skipIf(realServer() === null)('warns when collecting as a superuser, and records it', async () => {
    const db = await cloneRealDatabase();
    try {
      const root = await tempEvidenceRoot();
      const run = await runCli(['collect', '--checklist', new URL('../fixtures/checklists/lossless.json', import.meta.url).pathname, '--env', 'staging', '--id', 'as-superuser', '--evidence-dir', root, '--database-url', db.url]);
      expect(run.stderr).toMatch(/warning: collected as a role that is superuser/);
      expect((await readDeployment(join(root, 'as-superuser'))).deployment.target.privileges?.superuser).toBe(true);
      expect(await stat(join(root, 'as-superuser', 'manifest.json'))).toBeTruthy();
    } finally {
      await db.drop();
    }
  });
});
