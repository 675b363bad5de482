/**
 * Schema migrations, applied in order inside one transaction each. Never edit a released migration:
 * append a new one. `aisle_meta.schema_version` records the last applied.
 */
export const sqliteMigrations: readonly { version: number; description: string; sql: string }[] = [
  {
    version: 1,
    description: 'catalogue, users, protected attributes, events, queries, quarantine, batches',
    sql: `
      CREATE TABLE items (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        description TEXT,
        category_path TEXT NOT NULL,      -- JSON array, root first
        brand TEXT,
        price REAL,
        currency TEXT,
        seller_id TEXT,
        attributes TEXT NOT NULL,         -- JSON object
        tags TEXT NOT NULL,               -- JSON array
        language TEXT,
        created_at INTEGER,
        available INTEGER NOT NULL,
        content_hash TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      );

      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        attributes TEXT NOT NULL,
        created_at INTEGER,
        content_hash TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      );

      -- Kept apart from users: read only by audits and admin APIs.
      CREATE TABLE protected_attributes (
        user_id TEXT PRIMARY KEY,
        gender TEXT,
        age_band TEXT,
        region TEXT,
        occupation TEXT,
        other TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      );

      CREATE TABLE events (
        seq INTEGER PRIMARY KEY,
        event_id TEXT,
        user_id TEXT NOT NULL,
        item_id TEXT NOT NULL,            -- '' for events without an item (searches)
        type TEXT NOT NULL,
        value REAL,
        query TEXT,
        session_id TEXT,
        ts INTEGER NOT NULL,
        dwell_ms INTEGER,
        batch_id INTEGER NOT NULL
      );
      -- Idempotency key. Time first: a behaviour log arrives in time order, so its inserts land at
      -- the end of this index instead of all over it.
      CREATE UNIQUE INDEX events_natural_key ON events (ts, user_id, type, item_id);
      CREATE UNIQUE INDEX events_event_id ON events (event_id) WHERE event_id IS NOT NULL;
      -- Per-user history (see USER_HISTORY_INDEX: dropped during bulk loads, rebuilt after).
      CREATE INDEX events_user ON events (user_id, ts);

      CREATE TABLE queries (
        id TEXT PRIMARY KEY,
        text TEXT NOT NULL,
        user_id TEXT,
        ts INTEGER
      );

      CREATE TABLE ingest_batches (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        source TEXT NOT NULL,
        kind TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        finished_at INTEGER,
        summary TEXT
      );

      CREATE TABLE quarantine (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        dedup_key TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        source TEXT NOT NULL,
        line INTEGER,
        field TEXT,
        reason TEXT NOT NULL,
        problems TEXT NOT NULL,           -- JSON array of {field, reason, message}
        raw TEXT NOT NULL,
        record TEXT,                      -- JSON object of the fields as read
        batch_id INTEGER NOT NULL,
        status TEXT NOT NULL DEFAULT 'open',
        created_at INTEGER NOT NULL,
        resolved_at INTEGER,
        note TEXT
      );
      CREATE INDEX quarantine_status ON quarantine (status, id);

      CREATE TABLE artifacts (
        name TEXT NOT NULL,
        version INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        meta TEXT NOT NULL,
        data BLOB NOT NULL,
        PRIMARY KEY (name, version)
      );

      CREATE TABLE reports (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        body TEXT NOT NULL
      );
      CREATE INDEX reports_kind ON reports (kind, id);
    `,
  },
];

/**
 * The per-user history index. Bulk loads drop it and build it once at the end (sorting is far cheaper
 * than millions of random inserts); every open re-creates it if a bulk load was cut off.
 */
export const USER_HISTORY_INDEX = 'CREATE INDEX IF NOT EXISTS events_user ON events (user_id, ts)';

export const LATEST_SCHEMA_VERSION = Math.max(...sqliteMigrations.map((m) => m.version));
