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
  {
    version: 2,
    description: 'quality gate: runs, findings on users and items with their events, policy',
    sql: `
      -- The event-log position when a batch began: its events are the ones after it with its id.
      ALTER TABLE ingest_batches ADD COLUMN after_seq INTEGER;

      CREATE TABLE quality_runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,               -- 'batch' | 'scan'
        batch_id INTEGER,
        started_at INTEGER NOT NULL,
        finished_at INTEGER,
        summary TEXT                      -- JSON: check results, batch profile, detector totals
      );

      -- One finding per (subject, subject id, detector); re-runs update it, nothing is deleted.
      CREATE TABLE quality_flags (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        subject TEXT NOT NULL,            -- 'user' | 'item'
        subject_id TEXT NOT NULL,
        detector TEXT NOT NULL,
        score REAL NOT NULL,
        action TEXT NOT NULL,
        weight REAL NOT NULL,
        covers TEXT NOT NULL,             -- 'all': every event of the user; 'listed': quality_flag_events
        reason TEXT NOT NULL,
        message TEXT NOT NULL,
        evidence TEXT NOT NULL,           -- JSON object
        status TEXT NOT NULL DEFAULT 'open',
        first_run INTEGER NOT NULL,
        last_run INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        reviewed_at INTEGER,
        note TEXT,
        UNIQUE (subject, subject_id, detector)
      );
      CREATE INDEX quality_flags_score ON quality_flags (status, score DESC);
      -- Findings that cover every event of a user, looked up per event when training reads the log.
      CREATE INDEX quality_flags_covering ON quality_flags (subject_id) WHERE subject = 'user' AND covers = 'all';

      CREATE TABLE quality_flag_events (
        flag_id INTEGER NOT NULL REFERENCES quality_flags (id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        score REAL NOT NULL,
        PRIMARY KEY (flag_id, seq)
      ) WITHOUT ROWID;
      CREATE INDEX quality_flag_events_seq ON quality_flag_events (seq);

      CREATE TABLE quality_policy (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        body TEXT NOT NULL,               -- JSON, as saved (defaults fill the rest)
        updated_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 3,
    description: 'serving state kept across restarts (amortized-exposure controllers)',
    sql: `
      CREATE TABLE serving_state (
        key TEXT PRIMARY KEY,
        body TEXT NOT NULL,               -- JSON
        updated_at INTEGER NOT NULL
      );
    `,
  },
];

/**
 * The per-user history index. Bulk loads drop it and build it once at the end (sorting is far cheaper
 * than millions of random inserts); every open re-creates it if a bulk load was cut off.
 */
export const USER_HISTORY_INDEX = 'CREATE INDEX IF NOT EXISTS events_user ON events (user_id, ts)';

export const LATEST_SCHEMA_VERSION = Math.max(...sqliteMigrations.map((m) => m.version));
