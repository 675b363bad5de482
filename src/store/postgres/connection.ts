import pg from 'pg';
import { AisleError } from '../../core/errors.js';
import { userToRow } from '../rows.js';
import { LATEST_POSTGRES_SCHEMA_VERSION, USER_HISTORY_INDEX, postgresMigrations } from './migrations.js';

/** A pooled client, or the pool itself: what queries run on. */
export type Queryable = pg.Pool | pg.PoolClient;

/**
 * Type parsers for this store's connections: BIGINT and NUMERIC (counts, sums, sequence numbers,
 * epoch milliseconds) come back as JS numbers, exact up to 2^53, instead of pg's default strings.
 */
const types = new pg.TypeOverrides();
types.setTypeParser(pg.types.builtins.INT8, (text: string) => Number(text));
types.setTypeParser(pg.types.builtins.NUMERIC, (text: string) => Number(text));

/** Connections per API node: enough for concurrent requests without exhausting the server's slots. */
const DEFAULT_POOL_SIZE = 10;

/** Options for a store's pool; `max` from the URL's `pool_max` parameter when given. */
export function poolConfig(url: string): pg.PoolConfig {
  const parsed = new URL(url);
  const max = Number(parsed.searchParams.get('pool_max') ?? DEFAULT_POOL_SIZE);
  parsed.searchParams.delete('pool_max');
  return {
    connectionString: parsed.toString(),
    types,
    max: Number.isInteger(max) && max > 0 ? max : DEFAULT_POOL_SIZE,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 10_000,
    application_name: 'aisle',
  };
}

/** The URL without its password, for logs and `store.location`. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

/** SQLSTATEs worth retrying the whole transaction for: serialization failure, deadlock. */
const RETRYABLE = new Set(['40001', '40P01']);

/**
 * Runs `work` in one transaction on a pooled client: commits, or rolls back and rethrows. A
 * transaction that lost a deadlock or a serialization conflict to a concurrent writer is retried
 * (a few times, with a short random pause), so concurrent nodes never see those errors.
 */
export async function inTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const client = await connect(pool);
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      const code = (error as { code?: string }).code;
      if (attempt < 5 && code !== undefined && RETRYABLE.has(code)) {
        // Jitter so that the two sides of a deadlock do not collide again.
        await new Promise((done) => setTimeout(done, 5 + (attempt * 17 + (Date.now() % 13)) * 2));
        continue;
      }
      throw error;
    } finally {
      client.release();
    }
  }
}

/** A pooled client, with a clear error when the server cannot be reached. */
export async function connect(pool: pg.Pool): Promise<pg.PoolClient> {
  try {
    return await pool.connect();
  } catch (error) {
    throw unavailable(error);
  }
}

export function unavailable(error: unknown, location = ''): AisleError {
  return new AisleError(
    'STORE_UNAVAILABLE',
    `Cannot reach PostgreSQL${location ? ` at ${location}` : ''}: ${error instanceof Error ? error.message : String(error)}. Check that the server runs and the URL (user, password, database) is right.`,
    { location },
    { cause: error },
  );
}

/** Key of the advisory lock that lets one node at a time migrate the schema. */
const MIGRATION_LOCK = 0x4149_534c; // "AISL"

/**
 * Brings the schema to the current version, one transaction per migration, under an advisory lock
 * (API nodes starting together migrate once). Also finishes a bulk load a crash cut off.
 */
export async function migrate(pool: pg.Pool, location: string): Promise<void> {
  const client = await connect(pool);
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS aisle_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
    const row = await client.query<{ value: string }>(
      "SELECT value FROM aisle_meta WHERE key = 'schema_version'",
    );
    const current = row.rows[0] ? Number(row.rows[0].value) : 0;
    if (current > LATEST_POSTGRES_SCHEMA_VERSION) {
      throw new AisleError(
        'STORE_SCHEMA_TOO_NEW',
        `${location} has schema version ${current}; this Aisle knows up to ${LATEST_POSTGRES_SCHEMA_VERSION}. Upgrade Aisle.`,
        { location, current, supported: LATEST_POSTGRES_SCHEMA_VERSION },
      );
    }
    for (const migration of postgresMigrations) {
      if (migration.version <= current) continue;
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query(
          `INSERT INTO aisle_meta (key, value) VALUES ('schema_version', $1)
           ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
          [String(migration.version)],
        );
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
  await finishBulkLoad(pool);
}

/**
 * Ends a bulk load (or completes one a crash cut off): builds the per-user history index and creates
 * every user the loaded events name. Returns the users created.
 */
export async function finishBulkLoad(pool: pg.Pool): Promise<number> {
  const pending = await pool.query<{ value: string }>(
    "SELECT value FROM aisle_meta WHERE key = 'bulk_load_after_seq'",
  );
  const after = pending.rows[0]?.value;
  if (after === undefined) {
    await pool.query(USER_HISTORY_INDEX);
    return 0;
  }
  return inTransaction(pool, async (client) => {
    await client.query(USER_HISTORY_INDEX);
    const created = await client.query(
      `INSERT INTO users (id, attributes, created_at, content_hash, updated_at)
       SELECT DISTINCT user_id, '{}', NULL::double precision, $1, $2::bigint FROM events WHERE seq > $3
       ON CONFLICT (id) DO NOTHING`,
      [userToRow({ id: '', attributes: {} }).content_hash, Date.now(), Number(after)],
    );
    await client.query("DELETE FROM aisle_meta WHERE key = 'bulk_load_after_seq'");
    return created.rowCount ?? 0;
  });
}
