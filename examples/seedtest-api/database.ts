/**
 * The seedtest-api database as SQL files, in the order a fresh database needs them.
 * The embedded database runs them directly; the alembic revisions run the same files.
 */
import { readFile } from 'node:fs/promises';
import { packagePath } from '../../collectors/package-root.ts';

const sqlDir = `${packagePath('examples', 'seedtest-api', 'sql')}/`;

const schemaFiles = ['001_base_tables.sql', '002_attempt_view_v1.sql'] as const;

/** The alembic revisions that run those files (migrations/versions/). */
export const BASE_REVISION = '20251020_1200_base_tables';
const VIEW_REVISION = '20251101_0900_attempt_view_lock';
const seedFile = 'seed_data.sql';

export async function readSql(name: string): Promise<string> {
  return readFile(`${sqlDir}${name}`, 'utf8');
}

export interface SeedOptions {
  /** Attempt rows to generate (rounded up to a multiple of ten). */
  attempts: number;
  /** Newest completion date, YYYY-MM-DD; defaults to today on the server. */
  anchor?: string;
}

/** `SET` statements that parameterize seed_data.sql. */
export function seedSettingsSql({ attempts, anchor }: SeedOptions): string {
  if (!Number.isInteger(attempts) || attempts < 1) throw new Error(`attempts must be a positive integer, got ${attempts}`);
  if (anchor !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(anchor)) throw new Error(`anchor must be YYYY-MM-DD, got ${anchor}`);
  return `SET seedtest.attempts = '${attempts}'; SET seedtest.anchor = '${anchor ?? ''}';`;
}

/**
 * Creates the schema (with the V1 view, or as before the upgrade without it), stamps
 * alembic_version accordingly, and generates the data, through any
 * function that runs a multi-statement SQL script: PGlite's `exec`, node-pg's `query`.
 */
export async function loadSeedtestDatabase(
  exec: (sql: string) => Promise<unknown>,
  options: SeedOptions & { withoutView?: boolean },
): Promise<void> {
  for (const file of options.withoutView ? schemaFiles.slice(0, 1) : schemaFiles) await exec(await readSql(file));
  // Stamped as alembic would leave it, so `alembic upgrade head` and the checks see a real state.
  await exec(
    `CREATE TABLE alembic_version (version_num varchar(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)); INSERT INTO alembic_version VALUES ('${options.withoutView ? BASE_REVISION : VIEW_REVISION}');`,
  );
  await exec(seedSettingsSql(options));
  await exec(await readSql(seedFile));
  await exec('RESET seedtest.attempts; RESET seedtest.anchor;');
}

/** The loader for an embedded database (`startEmbeddedDatabase(seedtestLoader({ attempts: 500 }))`). */
export function seedtestLoader(options: Partial<SeedOptions> & { withoutView?: boolean } = {}): (exec: (sql: string) => Promise<unknown>) => Promise<void> {
  return (exec) => loadSeedtestDatabase(exec, { attempts: options.attempts ?? 50_000, ...options });
}
