import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import type pg from 'pg';
import { AisleError } from '../../core/errors.js';
import { openStore } from '../open-store.js';
import { type PostgresStore, openPostgresStore } from './postgres-store.js';
import { insertRows } from './sql.js';

/** What was copied from one table, and whether both sides agree. */
export interface TableMigration {
  table: string;
  sourceRows: number;
  targetRows: number;
  /** Order-independent checksum of every row's values (sum of per-row SHA-256 prefixes mod 2^64). */
  sourceChecksum: string;
  targetChecksum: string;
  match: boolean;
}

export interface MigrationReport {
  from: string;
  to: string;
  schemaVersion: number;
  tables: TableMigration[];
  /** True when every table has the same row count and checksum on both sides. */
  verified: boolean;
  seconds: number;
}

export interface MigrateOptions {
  /** Called with a line of progress now and then. */
  onProgress?: (message: string) => void;
  /** Rows per INSERT (default 5,000; artifacts go one at a time). */
  pageSize?: number;
}

/**
 * Copies every table of a SQLite store into an empty PostgreSQL store, row by row with the same ids
 * (event seq, batch ids, quarantine ids, quality findings and their event lists, artifact versions),
 * in one PostgreSQL transaction (all or nothing), then compares row counts and checksums of every
 * table on both sides. Both stores are first brought to the current schema.
 *
 * @example
 * const report = await migrateSqliteToPostgres('sqlite:./aisle.db', 'postgres://aisle@db/aisle');
 * if (!report.verified) throw new Error('mismatch');
 */
export async function migrateSqliteToPostgres(
  from: string,
  to: string,
  options: MigrateOptions = {},
): Promise<MigrationReport> {
  const started = Date.now();
  const progress = options.onProgress ?? (() => undefined);
  const source = await openStore(from);
  const sourcePath = source.location;
  await source.close();
  if (source.kind !== 'sqlite') {
    throw new AisleError('INVALID_ARGUMENT', `--from must be a SQLite store (sqlite:<path>), got ${from}`);
  }
  if (!/^postgres(ql)?:/i.test(to)) {
    throw new AisleError('INVALID_ARGUMENT', `--to must be a postgres:// URL, got ${to}`);
  }
  const sqlite = new Database(sourcePath, { readonly: true, fileMustExist: true });
  const target = await openPostgresStore(to);
  try {
    const sourceVersion = Number(
      sqlite.prepare("SELECT value FROM aisle_meta WHERE key = 'schema_version'").pluck().get(),
    );
    const targetVersion = Number(
      (
        await target.pool.query<{ value: string }>(
          "SELECT value FROM aisle_meta WHERE key = 'schema_version'",
        )
      ).rows[0]?.value,
    );
    if (sourceVersion !== targetVersion) {
      throw new AisleError(
        'CONFLICT',
        `The SQLite store is at schema version ${sourceVersion} and PostgreSQL at ${targetVersion}; migrate with one Aisle version.`,
      );
    }
    const tables = await planTables(sqlite, target.pool);
    await requireEmpty(
      target.pool,
      tables.map((table) => table.name),
    );
    const client = await target.pool.connect();
    try {
      await client.query('BEGIN');
      for (const table of tables) {
        const copied = await copyTable(sqlite, client, table, options.pageSize ?? 5_000);
        progress(`copied ${table.name}: ${copied.toLocaleString('en')} rows`);
      }
      await resetIdentities(
        client,
        tables.map((table) => table.name),
      );
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
    const results: TableMigration[] = [];
    for (const table of tables) {
      const sourceSum = checksumSqlite(sqlite, table);
      const targetSum = await checksumPostgres(target, table);
      const match = sourceSum.rows === targetSum.rows && sourceSum.checksum === targetSum.checksum;
      results.push({
        table: table.name,
        sourceRows: sourceSum.rows,
        targetRows: targetSum.rows,
        sourceChecksum: sourceSum.checksum,
        targetChecksum: targetSum.checksum,
        match,
      });
      progress(`verified ${table.name}: ${match ? 'same rows and checksum' : 'MISMATCH'}`);
    }
    return {
      from: sourcePath,
      to: target.location,
      schemaVersion: sourceVersion,
      tables: results,
      verified: results.every((result) => result.match),
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    sqlite.close();
    await target.close();
  }
}

interface TablePlan {
  name: string;
  columns: string[];
  /** PostgreSQL element type of each column, for unnest. */
  types: string[];
}

/** Every SQLite table but the bookkeeping ones, with the column types the PostgreSQL table has. */
async function planTables(sqlite: Database.Database, pool: pg.Pool): Promise<TablePlan[]> {
  const names = sqlite
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'aisle_meta' ORDER BY name",
    )
    .pluck()
    .all() as string[];
  const { rows } = await pool.query<{ table_name: string; column_name: string; udt_name: string }>(
    `SELECT table_name, column_name, udt_name FROM information_schema.columns
     WHERE table_schema = current_schema()`,
  );
  const targetTypes = new Map(rows.map((row) => [`${row.table_name}.${row.column_name}`, row.udt_name]));
  const references = await pool.query<{ child: string; parent: string }>(
    `SELECT c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent
     FROM pg_constraint c WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace`,
  );
  const plans = names.map((name) => {
    const columns = (
      sqlite.prepare(`PRAGMA table_info(${quoteSqlite(name)})`).all() as { name: string }[]
    ).map((column) => column.name);
    const types = columns.map((column) => {
      const type = targetTypes.get(`${name}.${column}`);
      if (type === undefined) {
        throw new AisleError(
          'CONFLICT',
          `PostgreSQL has no column ${name}.${column} for the SQLite one; the two schemas differ (upgrade Aisle on both sides).`,
          { table: name, column },
        );
      }
      return type;
    });
    return { name, columns, types };
  });
  return parentsFirst(plans, references.rows);
}

/** Tables ordered so that a table comes after the tables its foreign keys reference. */
function parentsFirst(
  plans: readonly TablePlan[],
  references: readonly { child: string; parent: string }[],
): TablePlan[] {
  const ordered: TablePlan[] = [];
  const placed = new Set<string>();
  const visit = (plan: TablePlan, path: Set<string>): void => {
    if (placed.has(plan.name) || path.has(plan.name)) return;
    path.add(plan.name);
    for (const { child, parent } of references) {
      const parentPlan = plans.find((candidate) => candidate.name === parent);
      if (child === plan.name && parentPlan) visit(parentPlan, path);
    }
    placed.add(plan.name);
    ordered.push(plan);
  };
  for (const plan of plans) visit(plan, new Set());
  return ordered;
}

async function requireEmpty(pool: pg.Pool, tables: readonly string[]): Promise<void> {
  for (const table of tables) {
    const { rows } = await pool.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${quotePg(table)}`);
    if ((rows[0]?.n ?? 0) > 0) {
      throw new AisleError(
        'CONFLICT',
        `The PostgreSQL store is not empty (${table} has ${rows[0]!.n} rows); migrate into a new database.`,
        { table },
      );
    }
  }
}

async function copyTable(
  sqlite: Database.Database,
  client: pg.PoolClient,
  table: TablePlan,
  pageSize: number,
): Promise<number> {
  const columns = table.columns.map((column, at) => [quotePg(column), table.types[at]!] as const);
  const rows = sqlite
    .prepare(`SELECT ${table.columns.map(quoteSqlite).join(', ')} FROM ${quoteSqlite(table.name)}`)
    .raw()
    .iterate() as IterableIterator<unknown[]>;
  // Artifacts are large: one per statement keeps memory at one artifact.
  const limit = table.name === 'artifacts' ? 1 : pageSize;
  let page: Record<string, unknown>[] = [];
  let copied = 0;
  const flush = async (): Promise<void> => {
    await insertRows(client, quotePg(table.name), columns, page);
    copied += page.length;
    page = [];
  };
  for (const row of rows) {
    const record: Record<string, unknown> = {};
    columns.forEach(([column], at) => {
      record[column] = row[at];
    });
    page.push(record);
    if (page.length >= limit) await flush();
  }
  if (page.length > 0) await flush();
  return copied;
}

/** Identity columns continue after the copied ids. */
async function resetIdentities(client: pg.PoolClient, tables: readonly string[]): Promise<void> {
  const { rows } = await client.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns
     WHERE table_schema = current_schema() AND is_identity = 'YES' AND table_name = ANY($1::text[])`,
    [tables],
  );
  for (const { table_name: table, column_name: column } of rows) {
    await client.query(
      `SELECT setval(pg_get_serial_sequence($1, $2), GREATEST(MAX(${quotePg(column)}), 1), MAX(${quotePg(column)}) IS NOT NULL)
       FROM ${quotePg(table)}`,
      [quotePg(table), column],
    );
  }
}

const MASK = (1n << 64n) - 1n;

/** A row's values as one canonical string: numbers in shortest form, bytes in hex, null as null. */
function rowDigest(values: readonly unknown[]): bigint {
  const canonical = JSON.stringify(
    values.map((value) =>
      Buffer.isBuffer(value) || value instanceof Uint8Array
        ? `x${Buffer.from(value).toString('hex')}`
        : typeof value === 'number' || typeof value === 'bigint'
          ? `n${String(value)}`
          : value,
    ),
  );
  return createHash('sha256').update(canonical).digest().readBigUInt64BE(0);
}

function checksumSqlite(sqlite: Database.Database, table: TablePlan): { rows: number; checksum: string } {
  let sum = 0n;
  let rows = 0;
  const statement = sqlite
    .prepare(`SELECT ${table.columns.map(quoteSqlite).join(', ')} FROM ${quoteSqlite(table.name)}`)
    .raw();
  for (const row of statement.iterate() as IterableIterator<unknown[]>) {
    sum = (sum + rowDigest(row)) & MASK;
    rows++;
  }
  return { rows, checksum: sum.toString(16).padStart(16, '0') };
}

async function checksumPostgres(
  store: PostgresStore,
  table: TablePlan,
): Promise<{ rows: number; checksum: string }> {
  const client = await store.pool.connect();
  let sum = 0n;
  let rows = 0;
  try {
    await client.query('BEGIN READ ONLY');
    await client.query(
      `DECLARE rows_cursor NO SCROLL CURSOR FOR SELECT ${table.columns.map(quotePg).join(', ')} FROM ${quotePg(table.name)}`,
    );
    for (;;) {
      const page = await client.query<unknown[]>({
        text: `FETCH ${table.name === 'artifacts' ? 1 : 5_000} FROM rows_cursor`,
        rowMode: 'array',
      });
      if (page.rows.length === 0) break;
      for (const row of page.rows) {
        sum = (sum + rowDigest(row)) & MASK;
        rows++;
      }
    }
    await client.query('COMMIT');
  } finally {
    client.release();
  }
  return { rows, checksum: sum.toString(16).padStart(16, '0') };
}

function quoteSqlite(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function quotePg(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
