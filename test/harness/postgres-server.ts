/**
 * A throwaway PostgreSQL server from the machine's own binaries (/usr/lib/postgresql/<v>/bin):
 * initdb in a temporary directory, 127.0.0.1 only, password (scram) auth over TCP. PostgreSQL
 * refuses to run as root, so as root everything runs as the `postgres` user via runuser.
 * A watchdog stops the server when the process that started it is gone, so a killed test
 * run never leaves a server behind.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../collectors/process/free-port.ts';

export interface PostgresServer {
  host: string;
  port: number;
  superuser: string;
  password: string;
  version: string;
  /** postgres:// URL for a database on this server. */
  url(database: string, user?: string, password?: string): string;
  stop(): Promise<void>;
}

export function findPostgresBinaries(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')) && existsSync(join(root, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : null;
}

const asRoot = process.getuid?.() === 0;

/** Runs a server binary, as `postgres` when we are root. */
function run(bin: string, args: string[]): string {
  const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  return execFileSync(file, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export async function startPostgres(options: { password?: string } = {}): Promise<PostgresServer> {
  const bin = findPostgresBinaries();
  if (!bin) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql/*/bin');
  const dir = await mkdtemp(join(tmpdir(), 'deploy-evidence-pg-'));
  const data = join(dir, 'data');
  const password = options.password ?? `pw-${Math.random().toString(36).slice(2)}`;
  const pwfile = join(dir, 'pwfile');
  await writeFile(pwfile, `${password}\n`);
  if (asRoot) execFileSync('chown', ['-R', 'postgres:', dir]);
  else await chmod(dir, 0o700);
  run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth-local=trust', '--auth-host=scram-sha-256', `--pwfile=${pwfile}`, '-E', 'UTF8', '--no-locale']);
  const port = await freePort();
  const options_ = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=40`;
  run(join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '60', '-o', options_, 'start']);

  // The watchdog: stops the server as soon as this process is gone.
  const pgCtl = join(bin, 'pg_ctl');
  // Checked through /proc: as the postgres user, `kill -0` on a root process fails with EPERM.
  const script = `while [ -d /proc/${process.pid} ]; do sleep 1; done; ${pgCtl} -D ${data} stop -m immediate >/dev/null 2>&1; rm -rf ${dir}`;
  const watchdog = asRoot
    ? spawn('runuser', ['-u', 'postgres', '--', 'sh', '-c', script], { detached: true, stdio: 'ignore' })
    : spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' });
  watchdog.unref();

  const version = run(join(bin, 'postgres'), ['--version']).trim();
  return {
    host: '127.0.0.1',
    port,
    superuser: 'postgres',
    password,
    version,
    url: (database, user = 'postgres', pw = password) => `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(pw)}@127.0.0.1:${port}/${encodeURIComponent(database)}`,
    async stop() {
      try {
        run(pgCtl, ['-D', data, 'stop', '-m', 'fast', '-w']);
      } finally {
        watchdog.kill();
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
