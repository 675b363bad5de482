import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
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
  BulkLoad,
  EventAppendCounts,
  EventColumns,
  ArtifactInfo,
  ArtifactRecord,
  IngestBatch,
  QuarantineFilter,
  QuarantineInput,
  QuarantineRecord,
  QuarantineStatus,
  QuarantineUpdate,
  QualityFlag,
  QualityFlagCounts,
  QualityFlagFilter,
  QualityFlagInput,
  QualityReview,
  QualityRun,
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
import { LATEST_SCHEMA_VERSION, USER_HISTORY_INDEX, sqliteMigrations } from './migrations.js';
import { SqliteQualityTables } from './sqlite-quality.js';

type Db = Database.Database;

/**
 * An import expected to add at least this many events, and at least as many as are stored, drops the
 * per-user history index and rebuilds it at the end (docs/benchmarks.md: ingestion).
 */
const BULK_LOAD_MIN_EVENTS = 500_000;

/** Most user ids remembered as stored by one store instance. */
const KNOWN_USERS_CACHE = 500_000;

/** Events per multi-row INSERT (10 parameters each, well under SQLite's limit). */
const EVENT_ROWS_PER_INSERT = 64;

/** SQLite limits bound parameters per statement; lookups by id go in chunks of this size. */
const ID_CHUNK = 500;

/**
 * The embedded store: one SQLite file in WAL mode (readers never block the writer), migrated on open.
 * better-sqlite3 is synchronous; the async interface keeps callers identical to the PostgreSQL store.
 *
 * @example
 * const store = openSqliteStore('./aisle.db');
 */
export function openSqliteStore(path: string): SqliteStore {
  const location = path === ':memory:' ? path : resolve(path);
  if (location !== ':memory:') mkdirSync(dirname(location), { recursive: true });
  let db: Db;
  try {
    db = new Database(location);
  } catch (error) {
    throw new AisleError(
      'STORE_UNAVAILABLE',
      `Cannot open SQLite database ${location}: ${String(error)}`,
      { location },
      { cause: error },
    );
  }
  // Larger pages halve the page splits of bulk loads; only a new (empty) database takes the setting.
  db.pragma('page_size = 16384');
  db.pragma('journal_mode = WAL');
  // NORMAL is durable across application crashes in WAL mode (a power loss may lose the last commit).
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // 32 MB of page cache: measured as fast as 64 MB for bulk loads, keeping a 5 M-event import under 500 MB.
  db.pragma('cache_size = -32768');
  // Sorts for index builds spill to temporary files rather than memory (a second sorter thread was
  // measured faster by a few per cent but costs tens of megabytes at the peak).
  db.pragma('temp_store = FILE');
  migrate(db, location);
  return new SqliteStore(db, location);
}

function migrate(db: Db, location: string): void {
  db.exec('CREATE TABLE IF NOT EXISTS aisle_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
  const row = db.prepare("SELECT value FROM aisle_meta WHERE key = 'schema_version'").get() as
    { value: string } | undefined;
  const current = row ? Number(row.value) : 0;
  if (current > LATEST_SCHEMA_VERSION) {
    throw new AisleError(
      'STORE_SCHEMA_TOO_NEW',
      `${location} has schema version ${current}; this Aisle knows up to ${LATEST_SCHEMA_VERSION}. Upgrade Aisle.`,
      { location, current, supported: LATEST_SCHEMA_VERSION },
    );
  }
  for (const migration of sqliteMigrations) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.prepare(
        "INSERT INTO aisle_meta (key, value) VALUES ('schema_version', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
      ).run(String(migration.version));
    })();
  }
  finishBulkLoad(db);
}

/**
 * Ends a bulk load (or completes one a crash cut off): builds the per-user history index and creates
 * every user the loaded events name, in one grouped insert. Returns the users created.
 */
function finishBulkLoad(db: Db): number {
  const pending = db
    .prepare("SELECT value FROM aisle_meta WHERE key = 'bulk_load_after_seq'")
    .pluck()
    .get() as string | undefined;
  return db.transaction(() => {
    db.exec(USER_HISTORY_INDEX);
    if (pending === undefined) return 0;
    const created = db
      .prepare(
        `INSERT INTO users (id, attributes, created_at, content_hash, updated_at)
         SELECT user_id, '{}', NULL, ?, ? FROM events WHERE seq > ? GROUP BY user_id ON CONFLICT(id) DO NOTHING`,
      )
      .run(emptyUserHash(), Date.now(), Number(pending)).changes;
    db.prepare("DELETE FROM aisle_meta WHERE key = 'bulk_load_after_seq'").run();
    return created;
  })();
}

export class SqliteStore implements Store {
  readonly kind = 'sqlite';
  private readonly statements: ReturnType<typeof prepareStatements>;
  private readonly quality: SqliteQualityTables;
  /** Users known to be stored (bounded), so appends do not look each one up again. */
  private readonly knownUsers = new Set<string>();
  /** During a bulk load: the last event seq before it (users are created from its events at the end). */
  private bulkLoadAfterSeq: number | undefined;

  constructor(
    private readonly db: Db,
    readonly location: string,
  ) {
    this.statements = prepareStatements(db);
    this.quality = new SqliteQualityTables(db);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async beginBatch(source: string, kind: string): Promise<number> {
    const afterSeq = (this.statements.maxSeq.get() as number | null) ?? 0;
    const info = this.statements.beginBatch.run(source, kind, Date.now(), afterSeq);
    return Number(info.lastInsertRowid);
  }

  async finishBatch(batchId: number, summary: Record<string, unknown>): Promise<void> {
    this.statements.finishBatch.run(Date.now(), JSON.stringify(summary), batchId);
  }

  async listBatches(limit = 50): Promise<IngestBatch[]> {
    const rows = this.db.prepare('SELECT * FROM ingest_batches ORDER BY id DESC LIMIT ?').all(limit) as {
      id: number;
      source: string;
      kind: string;
      started_at: number;
      finished_at: number | null;
      summary: string | null;
    }[];
    return rows.map((row) => ({
      id: row.id,
      source: row.source,
      kind: row.kind,
      startedAt: row.started_at,
      finishedAt: row.finished_at,
      summary: row.summary === null ? null : (JSON.parse(row.summary) as Record<string, unknown>),
    }));
  }

  async upsertItems(items: readonly Item[]): Promise<UpsertCounts> {
    const { itemHash, insertItem, updateItem } = this.statements;
    return this.db.transaction(() =>
      upsertRows(items.map(itemToRow), (row) => row.id, itemHash, insertItem, updateItem),
    )();
  }

  async getItems(ids: readonly string[]): Promise<Item[]> {
    return this.selectByIds<ItemRow>('items', 'id', ids).map(rowToItem);
  }

  async *scanItems(batchSize = 10_000): AsyncIterable<Item[]> {
    for (const rows of this.scanByKey<ItemRow>('items', 'id', batchSize)) yield rows.map(rowToItem);
  }

  // No index on updated_at (a schema change older binaries would refuse): the scan reads the id
  // index and compares an integer per row, about 10 ms per 100,000 items, and parses only matches.
  async *scanItemsUpdatedSince(since: EpochMs, batchSize = 10_000): AsyncIterable<Item[]> {
    const rows = this.scanByKey<ItemRow>('items', 'id', batchSize, { sql: 'updated_at >= ?', value: since });
    for (const page of rows) yield page.map(rowToItem);
  }

  async latestItemUpdate(): Promise<EpochMs> {
    const row = this.db.prepare('SELECT MAX(updated_at) AS latest FROM items').get() as {
      latest: number | null;
    };
    return row.latest ?? 0;
  }

  async upsertUsers(users: readonly User[]): Promise<UpsertCounts> {
    const { userHash, insertUser, updateUser } = this.statements;
    return this.db.transaction(() =>
      upsertRows(users.map(userToRow), (row) => row.id, userHash, insertUser, updateUser),
    )();
  }

  async ensureUsers(ids: readonly string[]): Promise<number> {
    const { ensureUser } = this.statements;
    const now = Date.now();
    const emptyHash = userToRow({ id: '', attributes: {} }).content_hash;
    return this.db.transaction(() => {
      let created = 0;
      for (const id of ids) created += ensureUser.run(id, emptyHash, now).changes;
      return created;
    })();
  }

  async getUsers(ids: readonly string[]): Promise<User[]> {
    return this.selectByIds<UserRow>('users', 'id', ids).map(rowToUser);
  }

  async upsertProtected(records: readonly ProtectedAttributes[]): Promise<UpsertCounts> {
    const { protectedHash, insertProtected, updateProtected } = this.statements;
    return this.db.transaction(() =>
      upsertRows(
        records.map(protectedToRow),
        (row) => row.user_id,
        protectedHash,
        insertProtected,
        updateProtected,
      ),
    )();
  }

  async getProtected(userIds: readonly string[]): Promise<ProtectedAttributes[]> {
    return this.selectByIds<ProtectedRow>('protected_attributes', 'user_id', userIds).map(rowToProtected);
  }

  async *scanProtected(batchSize = 10_000): AsyncIterable<ProtectedAttributes[]> {
    for (const rows of this.scanByKey<ProtectedRow>('protected_attributes', 'user_id', batchSize)) {
      yield rows.map(rowToProtected);
    }
  }

  async beginBulkLoad(expectedEvents: number): Promise<BulkLoad> {
    const stored = (this.statements.maxSeq.get() as number | null) ?? 0;
    if (this.bulkLoadAfterSeq !== undefined || expectedEvents < Math.max(BULK_LOAD_MIN_EVENTS, stored)) {
      return { bulk: false, finish: async () => ({ usersCreated: 0 }) };
    }
    // Recorded first, so that a load cut off by a crash is completed when the file is next opened.
    this.db.transaction(() => {
      this.db
        .prepare("INSERT OR REPLACE INTO aisle_meta (key, value) VALUES ('bulk_load_after_seq', ?)")
        .run(String(stored));
      this.db.exec('DROP INDEX IF EXISTS events_user');
    })();
    this.bulkLoadAfterSeq = stored;
    return {
      bulk: true,
      finish: async () => {
        this.bulkLoadAfterSeq = undefined;
        return { usersCreated: finishBulkLoad(this.db) };
      },
    };
  }

  async appendEvents(events: readonly Event[], batchId: number): Promise<EventAppendCounts> {
    const bulk = this.bulkLoadAfterSeq !== undefined;
    // A bulk load creates users once at its end; otherwise inserts return the users of the events
    // actually stored, and those not known to exist are created.
    const [one, many] = bulk
      ? [this.statements.insertEvent, this.statements.insertEvents]
      : [this.statements.insertEventReturning, this.statements.insertEventsReturning];
    const run = (statement: Database.Statement, params: unknown[], storedUsers: string[]): number => {
      if (bulk) return statement.run(params).changes;
      const users = statement.all(params) as string[];
      for (const user of users) storedUsers.push(user);
      return users.length;
    };
    // Sorting by the natural key makes consecutive inserts touch neighbouring index pages.
    const ordered = [...events].sort(compareNaturalKey);
    const emptyHash = emptyUserHash();
    const now = Date.now();
    const created = new Set<string>();
    const counts = this.db.transaction(() => {
      let inserted = 0;
      const storedUsers: string[] = [];
      // Many rows per statement: one call into SQLite per EVENT_ROWS_PER_INSERT events.
      let at = 0;
      const params: (string | number | null)[] = [];
      for (; at + EVENT_ROWS_PER_INSERT <= ordered.length; at += EVENT_ROWS_PER_INSERT) {
        params.length = 0;
        for (let n = at; n < at + EVENT_ROWS_PER_INSERT; n++)
          params.push(...eventToParams(ordered[n]!, batchId));
        inserted += run(many, params, storedUsers);
      }
      for (; at < ordered.length; at++)
        inserted += run(one, eventToParams(ordered[at]!, batchId), storedUsers);
      let usersCreated = 0;
      for (const userId of storedUsers) {
        if (this.knownUsers.has(userId) || created.has(userId)) continue;
        created.add(userId);
        usersCreated += this.statements.ensureUser.run(userId, emptyHash, now).changes;
      }
      return { inserted, duplicates: events.length - inserted, usersCreated };
    })();
    // Only after the commit: a rolled-back batch must not leave users marked as stored.
    if (this.knownUsers.size + created.size > KNOWN_USERS_CACHE) this.knownUsers.clear();
    for (const id of created) this.knownUsers.add(id);
    return counts;
  }

  async userEvents(userId: string, limit = 200): Promise<StoredEvent[]> {
    const rows = this.statements.userEvents.all(userId, limit) as EventRow[];
    return rows.map(rowToEvent);
  }

  async latestUserEventSeq(userId: string): Promise<number> {
    return (this.statements.latestUserEventSeq.pluck().get(userId) as number | null) ?? 0;
  }

  async *scanEvents(options: ScanEventsOptions = {}): AsyncIterable<StoredEvent[]> {
    for (const rows of this.eventPages<EventRow>('*', options, (row) => row.seq)) yield rows.map(rowToEvent);
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
    const columns =
      'seq, user_id, item_id, type, value, ts, dwell_ms, session_id, batch_id, event_id IS NOT NULL, query IS NOT NULL';
    // Arrays rather than objects per row: about twice as fast to read (docs/quality.md, speed).
    for (const rows of this.eventPages<Raw>(columns, options, (row) => row[0], true)) {
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

  /** Pages through the events in log order with the scan filters, without holding a read open between pages. */
  private *eventPages<Row>(
    columns: string,
    options: ScanEventsOptions,
    seqOf: (row: Row) => number,
    raw = false,
  ): Generator<Row[]> {
    const batchSize = options.batchSize ?? 50_000;
    let after = options.afterSeq ?? 0;
    const filters: [string, number][] = [];
    if (options.batchId !== undefined) {
      // A batch's events all come after the log position recorded when it began.
      const start = this.db
        .prepare('SELECT after_seq FROM ingest_batches WHERE id = ?')
        .pluck()
        .get(options.batchId) as number | null | undefined;
      after = Math.max(after, start ?? 0);
      filters.push(['batch_id = ?', options.batchId]);
    }
    if (options.fromTs !== undefined) filters.push(['ts >= ?', options.fromTs]);
    if (options.toTs !== undefined) filters.push(['ts < ?', options.toTs]);
    const statement = this.db.prepare(
      `SELECT ${columns} FROM events WHERE seq > ? ${filters.map(([clause]) => `AND ${clause}`).join(' ')} ORDER BY seq LIMIT ?`,
    );
    const page = raw ? statement.raw() : statement;
    const values = filters.map(([, value]) => value);
    for (;;) {
      const rows = page.all(after, ...values, batchSize) as Row[];
      if (rows.length === 0) return;
      after = seqOf(rows[rows.length - 1]!);
      yield rows;
    }
  }

  async deleteUser(userId: string): Promise<{ events: number; found: boolean }> {
    this.knownUsers.delete(userId);
    return this.db.transaction(() => {
      this.quality.deleteUser(userId);
      const events = this.db.prepare('DELETE FROM events WHERE user_id = ?').run(userId).changes;
      this.db.prepare('DELETE FROM protected_attributes WHERE user_id = ?').run(userId);
      this.db.prepare('DELETE FROM queries WHERE user_id = ?').run(userId);
      // Quarantined records keep the fields as read, under whatever name the source used.
      this.db
        .prepare(
          `DELETE FROM quarantine WHERE record IS NOT NULL AND EXISTS (
             SELECT 1 FROM json_each(quarantine.record)
             WHERE lower(json_each.key) IN (${USER_ID_FIELDS.map(() => '?').join(', ')}) AND json_each.value = ?)
           OR (kind IN ('user', 'protected') AND record IS NOT NULL AND json_extract(record, '$.id') = ?)`,
        )
        .run(...USER_ID_FIELDS, userId, userId);
      const users = this.db.prepare('DELETE FROM users WHERE id = ?').run(userId).changes;
      return { events, found: users > 0 || events > 0 };
    })();
  }

  async appendQueries(queries: readonly QueryRecord[]): Promise<AppendCounts> {
    const { insertQuery } = this.statements;
    return this.db.transaction(() => {
      let inserted = 0;
      for (const query of queries) {
        inserted += insertQuery.run(
          query.id,
          query.text,
          query.userId ?? null,
          query.timestamp ?? null,
        ).changes;
      }
      return { inserted, duplicates: queries.length - inserted };
    })();
  }

  async *scanQueries(batchSize = 10_000): AsyncIterable<QueryRecord[]> {
    type QueryRow = { id: string; text: string; user_id: string | null; ts: number | null };
    for (const rows of this.scanByKey<QueryRow>('queries', 'id', batchSize)) {
      yield rows.map((row) => {
        const query: QueryRecord = { id: row.id, text: row.text };
        if (row.user_id !== null) query.userId = row.user_id;
        if (row.ts !== null) query.timestamp = row.ts;
        return query;
      });
    }
  }

  async addQuarantine(records: readonly QuarantineInput[]): Promise<AppendCounts> {
    const { insertQuarantine } = this.statements;
    const now = Date.now();
    return this.db.transaction(() => {
      let inserted = 0;
      for (const record of records) inserted += insertQuarantine.run(quarantineToRow(record, now)).changes;
      return { inserted, duplicates: records.length - inserted };
    })();
  }

  async listQuarantine(filter: QuarantineFilter = {}): Promise<QuarantineRecord[]> {
    const conditions: [string, string | number | undefined][] = [
      ['status = ?', filter.status],
      ['kind = ?', filter.kind],
      ['reason = ?', filter.reason],
      ['source = ?', filter.source],
      ['id > ?', filter.afterId],
    ];
    const used = conditions.filter(
      (condition): condition is [string, string | number] => condition[1] !== undefined,
    );
    const where = used.map(([clause]) => clause);
    const params = used.map(([, value]) => value);
    const sql = `SELECT * FROM quarantine ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id LIMIT ?`;
    const rows = this.db.prepare(sql).all(...params, filter.limit ?? 1000) as QuarantineRow[];
    return rows.map(rowToQuarantine);
  }

  async getQuarantine(id: number): Promise<QuarantineRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM quarantine WHERE id = ?').get(id) as QuarantineRow | undefined;
    return row ? rowToQuarantine(row) : undefined;
  }

  async updateQuarantine(id: number, update: QuarantineUpdate): Promise<void> {
    const first = update.problems?.[0];
    const info = this.db
      .prepare(
        `UPDATE quarantine SET status = ?, note = COALESCE(?, note), resolved_at = ?,
           problems = COALESCE(?, problems), field = CASE WHEN ? IS NULL THEN field ELSE ? END,
           reason = COALESCE(?, reason), record = COALESCE(?, record)
         WHERE id = ?`,
      )
      .run(
        update.status,
        update.note ?? null,
        update.status === 'open' ? null : Date.now(),
        update.problems ? JSON.stringify(update.problems) : null,
        first ? 1 : null,
        first?.field ?? null,
        first?.reason ?? null,
        update.record ? JSON.stringify(update.record) : null,
        id,
      );
    if (info.changes === 0) throw new AisleError('NOT_FOUND', `No quarantined record with id ${id}`, { id });
  }

  async countQuarantineByReason(status: QuarantineStatus = 'open'): Promise<Record<string, number>> {
    const rows = this.db
      .prepare(
        'SELECT reason, COUNT(*) AS n FROM quarantine WHERE status = ? GROUP BY reason ORDER BY reason',
      )
      .all(status) as { reason: string; n: number }[];
    return Object.fromEntries(rows.map((row) => [row.reason, row.n]));
  }

  async stats(): Promise<StoreStats> {
    const count = (sql: string): number => (this.db.prepare(sql).get() as { n: number }).n;
    return {
      items: count('SELECT COUNT(*) AS n FROM items'),
      users: count('SELECT COUNT(*) AS n FROM users'),
      usersWithProtected: count('SELECT COUNT(*) AS n FROM protected_attributes'),
      events: count('SELECT COUNT(*) AS n FROM events'),
      quarantined: count("SELECT COUNT(*) AS n FROM quarantine WHERE status = 'open'"),
    };
  }

  async saveArtifact(name: string, meta: Record<string, unknown>, data: Uint8Array): Promise<number> {
    return this.db.transaction(() => {
      const row = this.db.prepare('SELECT MAX(version) AS v FROM artifacts WHERE name = ?').get(name) as {
        v: number | null;
      };
      const version = (row.v ?? 0) + 1;
      this.db
        .prepare('INSERT INTO artifacts (name, version, created_at, meta, data) VALUES (?, ?, ?, ?, ?)')
        .run(
          name,
          version,
          Date.now(),
          JSON.stringify(meta),
          Buffer.from(data.buffer, data.byteOffset, data.byteLength),
        );
      return version;
    })();
  }

  async loadArtifact(name: string, version?: number): Promise<ArtifactRecord | undefined> {
    type Row = { name: string; version: number; created_at: number; meta: string; data: Buffer };
    const row = (
      version === undefined
        ? this.db.prepare('SELECT * FROM artifacts WHERE name = ? ORDER BY version DESC LIMIT 1').get(name)
        : this.db.prepare('SELECT * FROM artifacts WHERE name = ? AND version = ?').get(name, version)
    ) as Row | undefined;
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
    const sql = `SELECT name, version, created_at, meta, LENGTH(data) AS bytes FROM artifacts
      ${name === undefined ? '' : 'WHERE name = ?'} ORDER BY name, version`;
    const rows = (name === undefined ? this.db.prepare(sql).all() : this.db.prepare(sql).all(name)) as Row[];
    return rows.map((row) => ({
      name: row.name,
      version: row.version,
      createdAt: row.created_at,
      meta: JSON.parse(row.meta) as Record<string, unknown>,
      bytes: row.bytes,
    }));
  }

  async saveReport(kind: string, body: Record<string, unknown>): Promise<number> {
    const info = this.db
      .prepare('INSERT INTO reports (kind, created_at, body) VALUES (?, ?, ?)')
      .run(kind, Date.now(), JSON.stringify(body));
    return Number(info.lastInsertRowid);
  }

  async listReports(kind: string, limit = 20): Promise<ReportRecord[]> {
    const rows = this.db
      .prepare('SELECT * FROM reports WHERE kind = ? ORDER BY id DESC LIMIT ?')
      .all(kind, limit) as { id: number; kind: string; created_at: number; body: string }[];
    return rows.map((row) => ({
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
    this.quality.finishRun(runId, summary);
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
    this.quality.savePolicy(policy);
  }

  async saveServingState(key: string, body: Record<string, unknown>): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO serving_state (key, body, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at`,
      )
      .run(key, JSON.stringify(body), Date.now());
  }

  async loadServingState(key: string): Promise<ServingStateRecord | undefined> {
    const row = this.db.prepare('SELECT body, updated_at FROM serving_state WHERE key = ?').get(key) as
      { body: string; updated_at: number } | undefined;
    return row && { body: JSON.parse(row.body) as Record<string, unknown>, updatedAt: row.updated_at };
  }

  private selectByIds<Row>(table: string, key: string, ids: readonly string[]): Row[] {
    const rows: Row[] = [];
    for (let start = 0; start < ids.length; start += ID_CHUNK) {
      const chunk = ids.slice(start, start + ID_CHUNK);
      const placeholders = chunk.map(() => '?').join(',');
      rows.push(
        ...(this.db
          .prepare(`SELECT * FROM ${table} WHERE ${key} IN (${placeholders})`)
          .all(...chunk) as Row[]),
      );
    }
    return rows;
  }

  /** Pages through a table in key order without holding a read transaction open between pages. */
  private *scanByKey<Row>(
    table: string,
    key: string,
    batchSize: number,
    filter?: { sql: string; value: number },
  ): Generator<Row[]> {
    const where = filter ? ` AND ${filter.sql}` : '';
    const page = this.db.prepare(`SELECT * FROM ${table} WHERE ${key} > ?${where} ORDER BY ${key} LIMIT ?`);
    let after = '';
    for (;;) {
      const rows = (filter ? page.all(after, filter.value, batchSize) : page.all(after, batchSize)) as Row[];
      if (rows.length === 0) return;
      after = (rows[rows.length - 1] as Record<string, string>)[key]!;
      yield rows;
    }
  }
}

function prepareStatements(db: Db) {
  return {
    beginBatch: db.prepare(
      'INSERT INTO ingest_batches (source, kind, started_at, after_seq) VALUES (?, ?, ?, ?)',
    ),
    finishBatch: db.prepare('UPDATE ingest_batches SET finished_at = ?, summary = ? WHERE id = ?'),
    itemHash: db.prepare('SELECT content_hash FROM items WHERE id = ?').pluck(),
    insertItem: db.prepare(
      `INSERT INTO items (id, title, description, category_path, brand, price, currency, seller_id, attributes,
         tags, language, created_at, available, content_hash, updated_at)
       VALUES (@id, @title, @description, @category_path, @brand, @price, @currency, @seller_id, @attributes,
         @tags, @language, @created_at, @available, @content_hash, @updated_at)`,
    ),
    updateItem: db.prepare(
      `UPDATE items SET title = @title, description = @description, category_path = @category_path,
         brand = @brand, price = @price, currency = @currency, seller_id = @seller_id, attributes = @attributes,
         tags = @tags, language = @language, created_at = @created_at, available = @available,
         content_hash = @content_hash, updated_at = @updated_at
       WHERE id = @id`,
    ),
    userHash: db.prepare('SELECT content_hash FROM users WHERE id = ?').pluck(),
    insertUser: db.prepare(
      `INSERT INTO users (id, attributes, created_at, content_hash, updated_at)
       VALUES (@id, @attributes, @created_at, @content_hash, @updated_at)`,
    ),
    updateUser: db.prepare(
      `UPDATE users SET attributes = @attributes, created_at = @created_at, content_hash = @content_hash,
         updated_at = @updated_at WHERE id = @id`,
    ),
    ensureUser: db.prepare(
      `INSERT INTO users (id, attributes, created_at, content_hash, updated_at) VALUES (?, '{}', NULL, ?, ?)
       ON CONFLICT(id) DO NOTHING`,
    ),
    protectedHash: db.prepare('SELECT content_hash FROM protected_attributes WHERE user_id = ?').pluck(),
    insertProtected: db.prepare(
      `INSERT INTO protected_attributes (user_id, gender, age_band, region, occupation, other, content_hash, updated_at)
       VALUES (@user_id, @gender, @age_band, @region, @occupation, @other, @content_hash, @updated_at)`,
    ),
    updateProtected: db.prepare(
      `UPDATE protected_attributes SET gender = @gender, age_band = @age_band, region = @region,
         occupation = @occupation, other = @other, content_hash = @content_hash, updated_at = @updated_at
       WHERE user_id = @user_id`,
    ),
    insertEvent: db.prepare(
      `INSERT INTO events (${EVENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    ),
    insertEventReturning: db
      .prepare(
        `INSERT INTO events (${EVENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING user_id`,
      )
      .pluck(),
    insertEventsReturning: db
      .prepare(
        `INSERT INTO events (${EVENT_COLUMNS}) VALUES ${Array.from({ length: EVENT_ROWS_PER_INSERT }, () => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}
         ON CONFLICT DO NOTHING RETURNING user_id`,
      )
      .pluck(),
    insertEvents: db.prepare(
      `INSERT INTO events (${EVENT_COLUMNS}) VALUES ${Array.from({ length: EVENT_ROWS_PER_INSERT }, () => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}
       ON CONFLICT DO NOTHING`,
    ),
    maxSeq: db.prepare('SELECT MAX(seq) FROM events').pluck(),
    userEvents: db.prepare('SELECT * FROM events WHERE user_id = ? ORDER BY ts DESC, seq DESC LIMIT ?'),
    // events_user (user_id, ts) holds the rowid (seq): answered from the index alone.
    latestUserEventSeq: db.prepare('SELECT max(seq) FROM events WHERE user_id = ?'),
    insertQuery: db.prepare(
      'INSERT INTO queries (id, text, user_id, ts) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
    ),
    insertQuarantine: db.prepare(
      `INSERT INTO quarantine (dedup_key, kind, source, line, field, reason, problems, raw, record, batch_id, created_at)
       VALUES (@dedup_key, @kind, @source, @line, @field, @reason, @problems, @raw, @record, @batch_id, @created_at)
       ON CONFLICT DO NOTHING`,
    ),
  };
}

function emptyUserHash(): string {
  return userToRow({ id: '', attributes: {} }).content_hash;
}

/** The order of the idempotency index (time, then user), so a batch's inserts walk the index once. */
function compareNaturalKey(a: Event, b: Event): number {
  if (a.timestamp !== b.timestamp) return a.timestamp - b.timestamp;
  return a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0;
}

/** Inserts new rows, updates changed ones, counts the rest as unchanged (compared by content hash). */
function upsertRows<Row extends { content_hash: string }>(
  rows: readonly Row[],
  keyOf: (row: Row) => string,
  hashStatement: Database.Statement,
  insert: Database.Statement,
  update: Database.Statement,
): UpsertCounts {
  const counts: UpsertCounts = { inserted: 0, updated: 0, unchanged: 0 };
  const now = Date.now();
  for (const row of rows) {
    const stored = hashStatement.get(keyOf(row)) as string | undefined;
    if (stored === undefined) {
      insert.run({ ...row, updated_at: now });
      counts.inserted++;
    } else if (stored !== row.content_hash) {
      update.run({ ...row, updated_at: now });
      counts.updated++;
    } else {
      counts.unchanged++;
    }
  }
  return counts;
}
