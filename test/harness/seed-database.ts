/** Loads the seedtest-api schema and data into a real server database, as the embedded one has them. */
import pg from 'pg';
import { loadSeedtestDatabase, type SeedOptions } from '../../examples/seedtest-api/database.ts';

export async function seedDatabase(url: string, options: SeedOptions & { withoutView?: boolean }): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await loadSeedtestDatabase((sql) => client.query(sql), options);
  } finally {
    await client.end();
  }
}

export async function adminQuery(url: string, sql: string, values: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql, values);
  } finally {
    await client.end();
  }
}
