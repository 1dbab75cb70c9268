/**
 * The embedded default database: PGlite (PostgreSQL in WASM) loaded with the seedtest-api
 * schema and deterministic data, served on 127.0.0.1 through pglite-socket so the collector
 * (node-pg) and child processes (alembic, pytest, psql) reach it like any server.
 * Known limits: one session shared by every connection; statement_timeout is not enforced.
 */
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { loadSeedtestDatabase, type SeedOptions } from '../../examples/seedtest-api/database.ts';
import { resolveConnection, type ConnectionTarget } from './connection.ts';

export interface EmbeddedDatabase {
  target: ConnectionTarget;
  db: PGlite;
  /** Milliseconds spent creating the schema and generating the data. */
  seedMs: number;
  stop(): Promise<void>;
}

export interface EmbeddedOptions extends Partial<SeedOptions> {
  /** Create only the base tables (the state before `alembic upgrade head`). */
  withoutView?: boolean;
}

export async function startEmbeddedDatabase(options: EmbeddedOptions = {}): Promise<EmbeddedDatabase> {
  const started = performance.now();
  const db = await PGlite.create();
  await loadSeedtestDatabase((sql) => db.exec(sql), {
    attempts: options.attempts ?? 50_000,
    ...(options.anchor !== undefined ? { anchor: options.anchor } : {}),
    ...(options.withoutView !== undefined ? { withoutView: options.withoutView } : {}),
  });
  const seedMs = performance.now() - started;

  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 8 });
  await server.start();
  const [host, port] = server.getServerConn().split(':');
  const target = resolveConnection({
    databaseUrl: `postgresql://postgres@${host}:${port}/postgres`,
    kind: 'embedded',
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
