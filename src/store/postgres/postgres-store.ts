import pg from 'pg';
import type { Item, ProtectedAttributes, User } from '../../core/entities.js';
import type { EpochMs } from '../../core/time.js';
import { AisleError } from '../../core/errors.js';
import type { Event } from '../../core/event.js';
import {
  EVENT_COLUMNS,
  type EventRow,
  type ItemRow,
  type ProtectedRow,
  type QuarantineRow,
  type UserRow,
  eventToParams,
  itemToRow,
  protectedToRow,
  quarantineToRow,
  rowToEvent,
  rowToItem,
  rowToProtected,
  rowToQuarantine,
  rowToUser,
  userToRow,
  USER_ID_FIELDS,
} from '../rows.js';
import type {
  AppendCounts,
  ArtifactInfo,
  ArtifactRecord,
  BulkLoad,
  EventAppendCounts,
  EventColumns,
  IngestBatch,
  QualityFlag,
  QualityFlagCounts,
  QualityFlagFilter,
  QualityFlagInput,
  QualityReview,
  QualityRun,
  QuarantineFilter,
  QuarantineInput,
  QuarantineRecord,
  QuarantineStatus,
  QuarantineUpdate,
  QueryRecord,
  ReportRecord,
  ScanEventsOptions,
  ScanTrainingEventsOptions,
  ServingStateRecord,
  Store,
  StoreStats,
  StoredEvent,
  UpsertCounts,
  WeightedEvent,
} from '../store.js';
import { finishBulkLoad, inTransaction, migrate, poolConfig, redactUrl, unavailable } from './connection.js';
import { ArtifactListener } from './artifact-listener.js';
import { PostgresQualityTables } from './postgres-quality.js';
import { type ColumnSpec, insertRows, whereClause } from './sql.js';

/** An import expected to add at least this many events (and as many as are stored) runs in bulk mode. */
const BULK_LOAD_MIN_EVENTS = 500_000;

/** Most user ids remembered as stored by one store instance. */
const KNOWN_USERS_CACHE = 500_000;

/**
 * Advisory lock taken by every event append for the length of its transaction: appends from all
 * nodes commit one at a time, so `seq` order is commit order and a reader following the log by
 * `afterSeq` never skips an event a slower transaction commits later. Appends are short (one
 * statement), so the lock costs little next to the insert itself.
 */
const EVENT_LOG_LOCK = 0x4149_5345; // "AISE"

/** The channel artifact saves are announced on (payload: JSON `{ name, version }`). */
export const ARTIFACT_CHANNEL = 'aisle_artifacts';

const ITEM_COLUMNS: readonly ColumnSpec[] = [
  ['id', 'text'],
  ['title', 'text'],
  ['description', 'text'],
  ['category_path', 'text'],
  ['brand', 'text'],
  ['price', 'float8'],
  ['currency', 'text'],
  ['seller_id', 'text'],
  ['attributes', 'text'],
  ['tags', 'text'],
  ['language', 'text'],
  ['created_at', 'float8'],
  ['available', 'int2'],
  ['content_hash', 'text'],
  ['updated_at', 'int8'],
];
const USER_COLUMNS: readonly ColumnSpec[] = [
  ['id', 'text'],
  ['attributes', 'text'],
  ['created_at', 'float8'],
  ['content_hash', 'text'],
  ['updated_at', 'int8'],
];
const PROTECTED_COLUMNS: readonly ColumnSpec[] = [
  ['user_id', 'text'],
  ['gender', 'text'],
  ['age_band', 'text'],
  ['region', 'text'],
  ['occupation', 'text'],
  ['other', 'text'],
  ['content_hash', 'text'],
  ['updated_at', 'int8'],
];
const EVENT_TYPES = ['text', 'text', 'text', 'text', 'float8', 'text', 'text', 'float8', 'float8', 'int8'];
const QUARANTINE_COLUMNS: readonly ColumnSpec[] = [
  ['dedup_key', 'text'],
  ['kind', 'text'],
  ['source', 'text'],
  ['line', 'int8'],
  ['field', 'text'],
  ['reason', 'text'],
  ['problems', 'text'],
  ['raw', 'text'],
  ['record', 'text'],
  ['batch_id', 'int8'],
  ['created_at', 'int8'],
];

/**
 * Opens (and migrates) the PostgreSQL store at `url` (`postgres://user:password@host:port/database`).
 * `?pool_max=N` sets the connections this process keeps (default 10).
 *
 * @example
 * const store = await openPostgresStore('postgres://aisle@127.0.0.1:5432/aisle');
 */
export async function openPostgresStore(url: string): Promise<PostgresStore> {
  const location = redactUrl(url);
  let config: pg.PoolConfig;
  try {
    config = poolConfig(url);
  } catch (error) {
    throw new AisleError(
      'INVALID_ARGUMENT',
      `Not a PostgreSQL URL: ${location}`,
      { location },
      { cause: error },
    );
  }
  const pool = new pg.Pool(config);
  // An idle client losing its connection (server restart) must not crash the process; the pool
  // replaces it on the next query.
  pool.on('error', () => undefined);
  try {
    await migrate(pool, location);
  } catch (error) {
    await pool.end();
    if (error instanceof AisleError) throw error;
    throw unavailable(error, location);
  }
  return new PostgresStore(pool, location, config);
}

/**
 * The shared store for several API nodes: PostgreSQL through a connection pool. The same data and
 * behaviour as the SQLite store (the contract suite runs on both); writes are idempotent under
 * concurrent writers (unique indexes with ON CONFLICT), and saved artifacts are announced with
 * NOTIFY so API nodes swap in a new model version at once.
 */
export class PostgresStore implements Store {
  readonly kind = 'postgres';
  private readonly quality: PostgresQualityTables;
  private readonly knownUsers = new Set<string>();
  private bulkLoadAfterSeq: number | undefined;
  private listener: ArtifactListener | undefined;
  private closed = false;

  constructor(
    /** The connection pool (for tools that copy tables: `aisle migrate`). */
    readonly pool: pg.Pool,
    readonly location: string,
    private readonly config: pg.PoolConfig,
  ) {
    this.quality = new PostgresQualityTables(pool);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.listener?.close();
    await this.pool.end();
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  /**
   * Calls `listener` for every artifact saved by any process on this database (LISTEN/NOTIFY on a
   * dedicated connection, re-established after a drop). Returns the unsubscribe function.
   */
  onArtifactSaved(listener: (artifact: { name: string; version: number }) => void): () => void {
    this.listener ??= new ArtifactListener(this.config, ARTIFACT_CHANNEL);
    return this.listener.add(listener);
  }

  async beginBatch(source: string, kind: string): Promise<number> {
    const result = await this.pool.query<{ id: number }>(
      `INSERT INTO ingest_batches (source, kind, started_at, after_seq)
       VALUES ($1, $2, $3, (SELECT COALESCE(MAX(seq), 0) FROM events)) RETURNING id`,
      [source, kind, Date.now()],
    );
    return result.rows[0]!.id;
  }

  async finishBatch(batchId: number, summary: Record<string, unknown>): Promise<void> {
    await this.pool.query('UPDATE ingest_batches SET finished_at = $1, summary = $2 WHERE id = $3', [
      Date.now(),
      JSON.stringify(summary),
      batchId,
    ]);
  }

  async listBatches(limit = 50): Promise<IngestBatch[]> {
    const result = await this.pool.query<{
      id: number;
      source: string;
      kind: string;
      started_at: number;
      finished_at: number | null;
      summary: string | null;
    }>('SELECT * FROM ingest_batches ORDER BY id DESC LIMIT $1', [limit]);
    return result.rows.map((row) => ({
      id: row.id,
      source: row.source,
      kind: row.kind,
      startedAt: row.started_at,
      finishedAt: row.finished_at,
      summary: row.summary === null ? null : (JSON.parse(row.summary) as Record<string, unknown>),
    }));
  }

  async upsertItems(items: readonly Item[]): Promise<UpsertCounts> {
    return this.upsert('items', 'id', ITEM_COLUMNS, items.map(itemToRow), (row) => row.id);
  }

  async getItems(ids: readonly string[]): Promise<Item[]> {
    return (await this.selectByIds<ItemRow>('items', 'id', ids)).map(rowToItem);
  }

  async *scanItems(batchSize = 10_000): AsyncIterable<Item[]> {
    for await (const rows of this.scanByKey<ItemRow>('items', 'id', batchSize)) yield rows.map(rowToItem);
  }

  async *scanItemsUpdatedSince(since: EpochMs, batchSize = 10_000): AsyncIterable<Item[]> {
    const filter = { sql: 'updated_at >= $3', value: since };
    for await (const rows of this.scanByKey<ItemRow>('items', 'id', batchSize, filter))
      yield rows.map(rowToItem);
  }

  async latestItemUpdate(): Promise<EpochMs> {
    const result = await this.pool.query('SELECT MAX(updated_at) AS latest FROM items');
    // int8 arrives as a string.
    return Number((result.rows[0] as { latest: string | null }).latest ?? 0);
  }

  async upsertUsers(users: readonly User[]): Promise<UpsertCounts> {
    return this.upsert('users', 'id', USER_COLUMNS, users.map(userToRow), (row) => row.id);
  }

  async ensureUsers(ids: readonly string[]): Promise<number> {
    const result = await this.pool.query(
      `INSERT INTO users (id, attributes, created_at, content_hash, updated_at)
       SELECT id, '{}', NULL, $2, $3 FROM unnest($1::text[]) AS t(id) ON CONFLICT (id) DO NOTHING`,
      [ids, emptyUserHash(), Date.now()],
    );
    return result.rowCount ?? 0;
  }

  async getUsers(ids: readonly string[]): Promise<User[]> {
    return (await this.selectByIds<UserRow>('users', 'id', ids)).map(rowToUser);
  }

  async upsertProtected(records: readonly ProtectedAttributes[]): Promise<UpsertCounts> {
    return this.upsert(
      'protected_attributes',
      'user_id',
      PROTECTED_COLUMNS,
      records.map(protectedToRow),
      (row) => row.user_id,
    );
  }

  async getProtected(userIds: readonly string[]): Promise<ProtectedAttributes[]> {
    return (await this.selectByIds<ProtectedRow>('protected_attributes', 'user_id', userIds)).map(
      rowToProtected,
    );
  }

  async *scanProtected(batchSize = 10_000): AsyncIterable<ProtectedAttributes[]> {
    for await (const rows of this.scanByKey<ProtectedRow>('protected_attributes', 'user_id', batchSize)) {
      yield rows.map(rowToProtected);
    }
  }

  async beginBulkLoad(expectedEvents: number): Promise<BulkLoad> {
    const stored = await this.maxSeq();
    if (this.bulkLoadAfterSeq !== undefined || expectedEvents < Math.max(BULK_LOAD_MIN_EVENTS, stored)) {
      return { bulk: false, finish: async () => ({ usersCreated: 0 }) };
    }
    // Recorded first, so that a load cut off by a crash is completed when the store is next opened.
    await inTransaction(this.pool, async (client) => {
      await client.query(
        `INSERT INTO aisle_meta (key, value) VALUES ('bulk_load_after_seq', $1)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
        [String(stored)],
      );
      await client.query('DROP INDEX IF EXISTS events_user');
    });
    this.bulkLoadAfterSeq = stored;
    return {
      bulk: true,
      finish: async () => {
        this.bulkLoadAfterSeq = undefined;
        return { usersCreated: await finishBulkLoad(this.pool) };
      },
    };
  }

  async appendEvents(events: readonly Event[], batchId: number): Promise<EventAppendCounts> {
    const bulk = this.bulkLoadAfterSeq !== undefined;
    // Sorted by the natural key: neighbouring index pages, and concurrent writers lock keys in one order.
    const ordered = [...events].sort(compareNaturalKey);
    const columns: unknown[][] = EVENT_TYPES.map(() => new Array<unknown>(ordered.length));
    ordered.forEach((event, at) => {
      eventToParams(event, batchId).forEach((value, column) => {
        columns[column]![at] = value;
      });
    });
    const arrays = EVENT_TYPES.map((type, at) => `$${at + 1}::${type}[]`).join(', ');
    const created = new Set<string>();
    const counts = await inTransaction(this.pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [EVENT_LOG_LOCK]);
      const result = await client.query<{ user_id: string }>(
        `INSERT INTO events (${EVENT_COLUMNS}) SELECT * FROM unnest(${arrays})
         ON CONFLICT DO NOTHING ${bulk ? '' : 'RETURNING user_id'}`,
        columns,
      );
      const inserted = result.rowCount ?? 0;
      let usersCreated = 0;
      if (!bulk) {
        // Users of the events actually stored that this instance does not know to exist.
        for (const { user_id: userId } of result.rows) if (!this.knownUsers.has(userId)) created.add(userId);
        if (created.size > 0) {
          const users = await client.query(
            `INSERT INTO users (id, attributes, created_at, content_hash, updated_at)
             SELECT id, '{}', NULL, $2, $3 FROM unnest($1::text[]) AS t(id) ON CONFLICT (id) DO NOTHING`,
            [[...created], emptyUserHash(), Date.now()],
          );
          usersCreated = users.rowCount ?? 0;
        }
      }
      return { inserted, duplicates: events.length - inserted, usersCreated };
    });
    // Only after the commit: a rolled-back batch must not leave users marked as stored.
    if (this.knownUsers.size + created.size > KNOWN_USERS_CACHE) this.knownUsers.clear();
    for (const id of created) this.knownUsers.add(id);
    return counts;
  }

  async latestUserEventSeq(userId: string): Promise<number> {
    const result = await this.pool.query<{ seq: string | null }>(
      'SELECT max(seq) AS seq FROM events WHERE user_id = $1',
      [userId],
    );
    return Number(result.rows[0]?.seq ?? 0);
  }

  async userEvents(userId: string, limit = 200): Promise<StoredEvent[]> {
    const result = await this.pool.query<EventRow>(
      'SELECT * FROM events WHERE user_id = $1 ORDER BY ts DESC, seq DESC LIMIT $2',
      [userId, limit],
    );
    return result.rows.map(rowToEvent);
  }

  async *scanEvents(options: ScanEventsOptions = {}): AsyncIterable<StoredEvent[]> {
    for await (const rows of this.eventPages<EventRow>('*', options, (row) => row.seq)) {
      yield rows.map(rowToEvent);
    }
  }

  async *scanEventColumns(options: ScanEventsOptions = {}): AsyncIterable<EventColumns> {
    type Raw = [
      number,
      string,
      string,
      string,
      number | null,
      number,
      number | null,
      string | null,
      number,
      number,
      number,
    ];
    const columns = `seq, user_id, item_id, type, value, ts, dwell_ms, session_id, batch_id,
      (event_id IS NOT NULL)::int, (query IS NOT NULL)::int`;
    for await (const rows of this.eventPages<Raw>(columns, options, (row) => row[0], true)) {
      const n = rows.length;
      const page: EventColumns = {
        length: n,
        seq: new Float64Array(n),
        userId: new Array<string>(n),
        itemId: new Array<string>(n),
        type: new Array<string>(n),
        value: new Float64Array(n),
        timestamp: new Float64Array(n),
        dwellMs: new Float64Array(n),
        sessionId: new Array<string | null>(n),
        batchId: new Int32Array(n),
        hasEventId: new Uint8Array(n),
        hasQuery: new Uint8Array(n),
      };
      for (let at = 0; at < n; at++) {
        const row = rows[at]!;
        page.seq[at] = row[0];
        page.userId[at] = row[1];
        page.itemId[at] = row[2];
        page.type[at] = row[3];
        page.value[at] = row[4] ?? Number.NaN;
        page.timestamp[at] = row[5];
        page.dwellMs[at] = row[6] ?? Number.NaN;
        page.sessionId[at] = row[7];
        page.batchId[at] = row[8];
        page.hasEventId[at] = row[9];
        page.hasQuery[at] = row[10];
      }
      yield page;
    }
  }

  async deleteUser(userId: string): Promise<{ events: number; found: boolean }> {
    this.knownUsers.delete(userId);
    return inTransaction(this.pool, async (client) => {
      await this.quality.deleteUser(client, userId);
      const events = (await client.query('DELETE FROM events WHERE user_id = $1', [userId])).rowCount ?? 0;
      await client.query('DELETE FROM protected_attributes WHERE user_id = $1', [userId]);
      await client.query('DELETE FROM queries WHERE user_id = $1', [userId]);
      // Quarantined records keep the fields as read, under whatever name the source used.
      await client.query(
        `DELETE FROM quarantine q WHERE q.record IS NOT NULL AND (
           EXISTS (SELECT 1 FROM jsonb_each(${asObject('q.record')}) f
                   WHERE lower(f.key) = ANY($1::text[]) AND f.value = to_jsonb($2::text))
           OR (q.kind IN ('user', 'protected') AND ${asObject('q.record')} ->> 'id' = $2))`,
        [USER_ID_FIELDS, userId],
      );
      const users = (await client.query('DELETE FROM users WHERE id = $1', [userId])).rowCount ?? 0;
      return { events, found: users > 0 || events > 0 };
    });
  }

  async appendQueries(queries: readonly QueryRecord[]): Promise<AppendCounts> {
    const { rowCount } = await insertRows(
      this.pool,
      'queries',
      [
        ['id', 'text'],
        ['text', 'text'],
        ['user_id', 'text'],
        ['ts', 'float8'],
      ],
      queries.map((query) => ({
        id: query.id,
        text: query.text,
        user_id: query.userId ?? null,
        ts: query.timestamp ?? null,
      })),
      'ON CONFLICT DO NOTHING',
    );
    return { inserted: rowCount, duplicates: queries.length - rowCount };
  }

  async *scanQueries(batchSize = 10_000): AsyncIterable<QueryRecord[]> {
    type QueryRow = { id: string; text: string; user_id: string | null; ts: number | null };
    for await (const rows of this.scanByKey<QueryRow>('queries', 'id', batchSize)) {
      yield rows.map((row) => {
        const query: QueryRecord = { id: row.id, text: row.text };
        if (row.user_id !== null) query.userId = row.user_id;
        if (row.ts !== null) query.timestamp = row.ts;
        return query;
      });
    }
  }

  async addQuarantine(records: readonly QuarantineInput[]): Promise<AppendCounts> {
    const now = Date.now();
    const { rowCount } = await insertRows(
      this.pool,
      'quarantine',
      QUARANTINE_COLUMNS,
      records.map((record) => quarantineToRow(record, now)),
      'ON CONFLICT DO NOTHING',
    );
    return { inserted: rowCount, duplicates: records.length - rowCount };
  }

  async listQuarantine(filter: QuarantineFilter = {}): Promise<QuarantineRecord[]> {
    const { where, params } = whereClause([
      ['status = ?', filter.status],
      ['kind = ?', filter.kind],
      ['reason = ?', filter.reason],
      ['source = ?', filter.source],
      ['id > ?', filter.afterId],
    ]);
    const result = await this.pool.query<QuarantineRow>(
      `SELECT * FROM quarantine ${where} ORDER BY id LIMIT $${params.length + 1}`,
      [...params, filter.limit ?? 1000],
    );
    return result.rows.map(rowToQuarantine);
  }

  async getQuarantine(id: number): Promise<QuarantineRecord | undefined> {
    const result = await this.pool.query<QuarantineRow>('SELECT * FROM quarantine WHERE id = $1', [id]);
    return result.rows[0] ? rowToQuarantine(result.rows[0]) : undefined;
  }

  async updateQuarantine(id: number, update: QuarantineUpdate): Promise<void> {
    const first = update.problems?.[0];
    const result = await this.pool.query(
      `UPDATE quarantine SET status = $1, note = COALESCE($2, note), resolved_at = $3,
         problems = COALESCE($4, problems), field = CASE WHEN $5::boolean THEN $6 ELSE field END,
         reason = COALESCE($7, reason), record = COALESCE($8, record)
       WHERE id = $9`,
      [
        update.status,
        update.note ?? null,
        update.status === 'open' ? null : Date.now(),
        update.problems ? JSON.stringify(update.problems) : null,
        first !== undefined,
        first?.field ?? null,
        first?.reason ?? null,
        update.record ? JSON.stringify(update.record) : null,
        id,
      ],
    );
    if (result.rowCount === 0)
      throw new AisleError('NOT_FOUND', `No quarantined record with id ${id}`, { id });
  }

  async countQuarantineByReason(status: QuarantineStatus = 'open'): Promise<Record<string, number>> {
    const result = await this.pool.query<{ reason: string; n: number }>(
      'SELECT reason, COUNT(*) AS n FROM quarantine WHERE status = $1 GROUP BY reason ORDER BY reason',
      [status],
    );
    return Object.fromEntries(result.rows.map((row) => [row.reason, row.n]));
  }

  async stats(): Promise<StoreStats> {
    const result = await this.pool.query<StoreStats>(
      `SELECT (SELECT COUNT(*) FROM items) AS items, (SELECT COUNT(*) FROM users) AS users,
         (SELECT COUNT(*) FROM protected_attributes) AS "usersWithProtected",
         (SELECT COUNT(*) FROM events) AS events,
         (SELECT COUNT(*) FROM quarantine WHERE status = 'open') AS quarantined`,
    );
    return { ...result.rows[0]! };
  }

  async saveArtifact(name: string, meta: Record<string, unknown>, data: Uint8Array): Promise<number> {
    return inTransaction(this.pool, async (client) => {
      // Two trainers saving the same name at once get consecutive versions, never the same one.
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`aisle.artifact:${name}`]);
      const row = await client.query<{ v: number | null }>(
        'SELECT MAX(version) AS v FROM artifacts WHERE name = $1',
        [name],
      );
      const version = (row.rows[0]?.v ?? 0) + 1;
      await client.query(
        'INSERT INTO artifacts (name, version, created_at, meta, data) VALUES ($1, $2, $3, $4, $5)',
        [
          name,
          version,
          Date.now(),
          JSON.stringify(meta),
          Buffer.from(data.buffer, data.byteOffset, data.byteLength),
        ],
      );
      // Delivered to listeners when (and only if) the transaction commits.
      await client.query('SELECT pg_notify($1, $2)', [ARTIFACT_CHANNEL, JSON.stringify({ name, version })]);
      return version;
    });
  }

  async loadArtifact(name: string, version?: number): Promise<ArtifactRecord | undefined> {
    type Row = { name: string; version: number; created_at: number; meta: string; data: Buffer };
    const result =
      version === undefined
        ? await this.pool.query<Row>(
            'SELECT * FROM artifacts WHERE name = $1 ORDER BY version DESC LIMIT 1',
            [name],
          )
        : await this.pool.query<Row>('SELECT * FROM artifacts WHERE name = $1 AND version = $2', [
            name,
            version,
          ]);
    const row = result.rows[0];
    if (!row) return undefined;
    return {
      name: row.name,
      version: row.version,
      createdAt: row.created_at,
      meta: JSON.parse(row.meta) as Record<string, unknown>,
      data: new Uint8Array(row.data.buffer, row.data.byteOffset, row.data.byteLength),
    };
  }

  async listArtifacts(name?: string): Promise<ArtifactInfo[]> {
    type Row = { name: string; version: number; created_at: number; meta: string; bytes: number };
    const sql = `SELECT name, version, created_at, meta, octet_length(data) AS bytes FROM artifacts
      ${name === undefined ? '' : 'WHERE name = $1'} ORDER BY name, version`;
    const result = await this.pool.query<Row>(sql, name === undefined ? [] : [name]);
    return result.rows.map((row) => ({
      name: row.name,
      version: row.version,
      createdAt: row.created_at,
      meta: JSON.parse(row.meta) as Record<string, unknown>,
      bytes: row.bytes,
    }));
  }

  async saveReport(kind: string, body: Record<string, unknown>): Promise<number> {
    const result = await this.pool.query<{ id: number }>(
      'INSERT INTO reports (kind, created_at, body) VALUES ($1, $2, $3) RETURNING id',
      [kind, Date.now(), JSON.stringify(body)],
    );
    return result.rows[0]!.id;
  }

  async listReports(kind: string, limit = 20): Promise<ReportRecord[]> {
    const result = await this.pool.query<{ id: number; kind: string; created_at: number; body: string }>(
      'SELECT * FROM reports WHERE kind = $1 ORDER BY id DESC LIMIT $2',
      [kind, limit],
    );
    return result.rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      createdAt: row.created_at,
      body: JSON.parse(row.body) as Record<string, unknown>,
    }));
  }

  async beginQualityRun(kind: QualityRun['kind'], batchId: number | null): Promise<number> {
    return this.quality.beginRun(kind, batchId);
  }

  async finishQualityRun(runId: number, summary: Record<string, unknown>): Promise<void> {
    return this.quality.finishRun(runId, summary);
  }

  async listQualityRuns(limit = 50): Promise<QualityRun[]> {
    return this.quality.listRuns(limit);
  }

  async saveQualityFlags(runId: number, flags: readonly QualityFlagInput[]): Promise<QualityFlagCounts> {
    return this.quality.saveFlags(runId, flags);
  }

  async clearStaleQualityFlags(runId: number, detectors: readonly string[]): Promise<number> {
    return this.quality.clearStale(runId, detectors);
  }

  async listQualityFlags(filter: QualityFlagFilter = {}): Promise<QualityFlag[]> {
    return this.quality.listFlags(filter);
  }

  async getQualityFlag(id: number): Promise<QualityFlag | undefined> {
    return this.quality.getFlag(id);
  }

  async qualityFlagEvents(id: number, limit = 1000): Promise<{ seq: number; score: number }[]> {
    return this.quality.flagEvents(id, limit);
  }

  async reviewQualityFlag(id: number, review: QualityReview): Promise<QualityFlag> {
    return this.quality.review(id, review);
  }

  async countQualityFlags(): Promise<
    { detector: string; subject: string; status: string; action: string; count: number }[]
  > {
    return this.quality.countFlags();
  }

  async *scanTrainingEvents(options: ScanTrainingEventsOptions = {}): AsyncIterable<WeightedEvent[]> {
    yield* this.quality.scanTrainingEvents(options);
  }

  async loadQualityPolicy(): Promise<Record<string, unknown> | undefined> {
    return this.quality.loadPolicy();
  }

  async saveQualityPolicy(policy: Record<string, unknown>): Promise<void> {
    return this.quality.savePolicy(policy);
  }

  async saveServingState(key: string, body: Record<string, unknown>): Promise<void> {
    await this.pool.query(
      `INSERT INTO serving_state (key, body, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (key) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at`,
      [key, JSON.stringify(body), Date.now()],
    );
  }

  async loadServingState(key: string): Promise<ServingStateRecord | undefined> {
    const result = await this.pool.query<{ body: string; updated_at: string }>(
      'SELECT body, updated_at FROM serving_state WHERE key = $1',
      [key],
    );
    const row = result.rows[0];
    return (
      row && { body: JSON.parse(row.body) as Record<string, unknown>, updatedAt: Number(row.updated_at) }
    );
  }

  private async maxSeq(): Promise<number> {
    const result = await this.pool.query<{ seq: number }>('SELECT COALESCE(MAX(seq), 0) AS seq FROM events');
    return result.rows[0]!.seq;
  }

  /**
   * Inserts new rows, updates changed ones, counts the rest unchanged (by content hash), in one
   * statement per round: ON CONFLICT … DO UPDATE … WHERE the hash differs, so concurrent writers of
   * the same ids never fail. A batch naming an id twice is split into rounds (a statement may touch
   * a row once), so the second copy counts as an update of the first, as on SQLite.
   */
  private async upsert<Row extends { content_hash: string }>(
    table: string,
    key: string,
    columns: readonly ColumnSpec[],
    rows: readonly Row[],
    keyOf: (row: Row) => string,
  ): Promise<UpsertCounts> {
    const now = Date.now();
    const rounds: Row[][] = [];
    const seenIn: Set<string>[] = [];
    for (const row of rows) {
      const id = keyOf(row);
      let round = seenIn.findIndex((seen) => !seen.has(id));
      if (round < 0) {
        round = rounds.length;
        rounds.push([]);
        seenIn.push(new Set());
      }
      rounds[round]!.push({ ...row, updated_at: now });
      seenIn[round]!.add(id);
    }
    const assignments = columns
      .filter(([name]) => name !== key)
      .map(([name]) => `${name} = excluded.${name}`)
      .join(', ');
    return inTransaction(this.pool, async (client) => {
      const counts: UpsertCounts = { inserted: 0, updated: 0, unchanged: 0 };
      for (const round of rounds) {
        // xmax is 0 on a freshly inserted row version, non-zero on one an update wrote.
        const result = await insertRows<Row & Record<string, unknown>, { inserted: boolean }>(
          client,
          table,
          columns,
          round as (Row & Record<string, unknown>)[],
          `ON CONFLICT (${key}) DO UPDATE SET ${assignments}
           WHERE ${table}.content_hash IS DISTINCT FROM excluded.content_hash
           RETURNING (xmax = 0) AS inserted`,
        );
        const inserted = result.rows.filter((row) => row.inserted).length;
        counts.inserted += inserted;
        counts.updated += result.rows.length - inserted;
        counts.unchanged += round.length - result.rows.length;
      }
      return counts;
    });
  }

  private async selectByIds<Row>(table: string, key: string, ids: readonly string[]): Promise<Row[]> {
    if (ids.length === 0) return [];
    const result = await this.pool.query(`SELECT * FROM ${table} WHERE ${key} = ANY($1::text[])`, [ids]);
    return result.rows as Row[];
  }

  /** Pages through a table in key order, one short query per page. */
  private async *scanByKey<Row>(
    table: string,
    key: string,
    batchSize: number,
    filter?: { sql: string; value: number },
  ): AsyncGenerator<Row[]> {
    const where = filter ? ` AND ${filter.sql}` : '';
    let after = '';
    for (;;) {
      const result = await this.pool.query(
        `SELECT * FROM ${table} WHERE ${key} > $1${where} ORDER BY ${key} LIMIT $2`,
        filter ? [after, batchSize, filter.value] : [after, batchSize],
      );
      const rows = result.rows as Record<string, string>[];
      if (rows.length === 0) return;
      after = rows[rows.length - 1]![key]!;
      yield rows as Row[];
    }
  }

  /** Pages through the events in log order with the scan filters. */
  private async *eventPages<Row>(
    columns: string,
    options: ScanEventsOptions,
    seqOf: (row: Row) => number,
    raw = false,
  ): AsyncGenerator<Row[]> {
    const batchSize = options.batchSize ?? 50_000;
    let after = options.afterSeq ?? 0;
    const filters: [string, number][] = [];
    if (options.batchId !== undefined) {
      // A batch's events all come after the log position recorded when it began.
      const start = await this.pool.query<{ after_seq: number | null }>(
        'SELECT after_seq FROM ingest_batches WHERE id = $1',
        [options.batchId],
      );
      after = Math.max(after, start.rows[0]?.after_seq ?? 0);
      filters.push(['batch_id = ?', options.batchId]);
    }
    if (options.fromTs !== undefined) filters.push(['ts >= ?', options.fromTs]);
    if (options.toTs !== undefined) filters.push(['ts < ?', options.toTs]);
    const clauses = filters.map(([clause], at) => `AND ${clause.replace('?', `$${at + 2}`)}`).join(' ');
    const text = `SELECT ${columns} FROM events WHERE seq > $1 ${clauses} ORDER BY seq LIMIT $${filters.length + 2}`;
    const values = filters.map(([, value]) => value);
    for (;;) {
      const params = [after, ...values, batchSize];
      const result = raw
        ? await this.pool.query({ text, values: params, rowMode: 'array' })
        : await this.pool.query(text, params);
      const rows = result.rows as Row[];
      if (rows.length === 0) return;
      after = seqOf(rows[rows.length - 1]!);
      yield rows;
    }
  }
}

/** A TEXT column holding JSON as a jsonb object ('{}' when it holds another JSON value). */
function asObject(column: string): string {
  return `(CASE WHEN jsonb_typeof(${column}::jsonb) = 'object' THEN ${column}::jsonb ELSE '{}'::jsonb END)`;
}

function emptyUserHash(): string {
  return userToRow({ id: '', attributes: {} }).content_hash;
}

/** The order of the idempotency index (time, then user). */
function compareNaturalKey(a: Event, b: Event): number {
  if (a.timestamp !== b.timestamp) return a.timestamp - b.timestamp;
  return a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0;
}
