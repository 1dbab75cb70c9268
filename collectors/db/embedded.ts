/**
 * The embedded database: PGlite (PostgreSQL in WASM), loaded by the caller's script (the demo
 * loads the example application's schema and data), served on 127.0.0.1 through pglite-socket
 * so the collector (node-pg) and child processes (alembic, pytest, psql) reach it like any server.
 * Known limits: one session shared by every connection; statement_timeout is not enforced.
 */
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { resolveConnection, type ConnectionTarget } from './connection.ts';

export interface EmbeddedDatabase {
  target: ConnectionTarget;
  db: PGlite;
  /** Milliseconds spent creating the schema and generating the data. */
  seedMs: number;
  stop(): Promise<void>;
}

/** Fills a fresh database through a function that runs a multi-statement SQL script. */
export type DatabaseLoader = (exec: (sql: string) => Promise<unknown>) => Promise<void>;

export async function startEmbeddedDatabase(load: DatabaseLoader): Promise<EmbeddedDatabase> {
  const started = performance.now();
  const db = await PGlite.create();
  await load((sql) => db.exec(sql));
  const seedMs = performance.now() - started;

  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 8 });
  await server.start();
  const [host, port] = server.getServerConn().split(':');
  const target = resolveConnection({
    databaseUrl: `postgresql://postgres@${host}:${port}/postgres`,
    kind: 'embedded',
    // Our own complete URL: nothing of the environment says where the embedded database is.
    env: {},
  });
  return {
    target,
    db,
    seedMs,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
