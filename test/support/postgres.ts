import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);
const scripts = fileURLToPath(new URL('../../scripts/postgres/', import.meta.url));

/**
 * Set to 1 to skip the PostgreSQL tests in your own clone (no PostgreSQL, no root to install it).
 * Refused where the environment says CI (`CI` set): there the suite must run on both stores.
 */
export const SKIP_POSTGRES_ENV = 'AISLE_SKIP_POSTGRES_TESTS';

/** True when the PostgreSQL tests were explicitly switched off (never in CI: that throws). */
export function postgresTestsSkipped(): boolean {
  if (process.env[SKIP_POSTGRES_ENV] !== '1') return false;
  if (process.env['CI']) {
    throw new Error(
      `${SKIP_POSTGRES_ENV}=1 is for local clones only; in CI the store contract must run on PostgreSQL too.`,
    );
  }
  return true;
}

/** A PostgreSQL server for tests, and fresh databases on it. */
export interface TestPostgres {
  /** The server's URL (database `aisle`). */
  url: string;
  /** Creates an empty database and returns its URL. */
  createDatabase(): Promise<string>;
  /** Drops a database made by `createDatabase` (its connections must be closed). */
  dropDatabase(url: string): Promise<void>;
  /** Stops the server if this process started it. */
  stop(): Promise<void>;
}

let counter = 0;

/**
 * Uses the server in `AISLE_TEST_DATABASE_URL` (as `npm run test:postgres` sets), or starts a
 * throw-away one with scripts/postgres/start.sh, which installs PostgreSQL when it is absent. Fails
 * with the script's output when that is impossible: the PostgreSQL tests are never skipped silently.
 */
export async function startTestPostgres(): Promise<TestPostgres> {
  let url = process.env['AISLE_TEST_DATABASE_URL'];
  let dir: string | undefined;
  if (!url) {
    try {
      const { stdout } = await run('bash', [`${scripts}start.sh`], { timeout: 600_000 });
      const vars = Object.fromEntries(
        [...stdout.matchAll(/^export (\w+)=(.*)$/gm)].map((match) => [match[1]!, match[2]!]),
      );
      url = vars['AISLE_TEST_DATABASE_URL'];
      dir = vars['AISLE_PG_DIR'];
      if (!url) throw new Error(`start.sh printed no URL:\n${stdout}`);
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr ?? '';
      throw new Error(
        `Could not start a throw-away PostgreSQL server for the store contract (scripts/postgres/start.sh): ${
          error instanceof Error ? error.message : String(error)
        }\n${stderr}\nInstall PostgreSQL, or point AISLE_TEST_DATABASE_URL at a server where the user may CREATE DATABASE, or (own clones only) set ${SKIP_POSTGRES_ENV}=1.`,
      );
    }
  }
  const admin = new pg.Pool({ connectionString: url, max: 2 });
  admin.on('error', () => undefined);
  const prefix = `aisle_test_${process.pid}_`;
  return {
    url,
    async createDatabase() {
      const name = `${prefix}${++counter}`;
      await admin.query(`DROP DATABASE IF EXISTS ${name}`);
      await admin.query(`CREATE DATABASE ${name}`);
      const target = new URL(url);
      target.pathname = `/${name}`;
      return target.toString();
    },
    async dropDatabase(databaseUrl) {
      const name = new URL(databaseUrl).pathname.slice(1);
      await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    },
    async stop() {
      await admin.end();
      if (dir) await run('bash', [`${scripts}stop.sh`, dir], { timeout: 120_000 });
    },
  };
}
