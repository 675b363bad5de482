import type { Item, ProtectedAttributes, User } from '../core/entities.js';
import type { Event } from '../core/event.js';
import type { EpochMs } from '../core/time.js';

/** What a write of catalogue-like records did. Re-sending the same records yields only `unchanged`. */
export interface UpsertCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

/** What an append of events did. Re-sending the same events yields only `duplicates`. */
export interface AppendCounts {
  inserted: number;
  duplicates: number;
}

/** What an append of events did, including the users it created (events may name users first). */
export interface EventAppendCounts extends AppendCounts {
  usersCreated: number;
}

/** An import in bulk-load mode (or not, when `bulk` is false: then `finish` has nothing to do). */
export interface BulkLoad {
  bulk: boolean;
  /** Restores what the load suspended; reports the users created from the loaded events. */
  finish(): Promise<{ usersCreated: number }>;
}

/** An event as stored: with its position in the log and the import batch that wrote it. */
export interface StoredEvent extends Event {
  /** Position in the store's append order; increases with every accepted event. */
  seq: number;
  batchId: number;
}

/** A past search query (from a query log or the search API), used for suggestions and text models. */
export interface QueryRecord {
  /** Idempotency key: re-sending the same id changes nothing. */
  id: string;
  text: string;
  userId?: string;
  timestamp?: EpochMs;
}

/** The kinds of record Aisle ingests. */
export type RecordKind = 'item' | 'user' | 'protected' | 'event' | 'query';

/** One thing wrong with a record: the field (or null for the whole record), a reason code, a message. */
export interface RecordProblem {
  field: string | null;
  reason: string;
  message: string;
}

/** A rejected record, kept with everything needed to understand, fix and re-admit it. */
export interface QuarantineInput {
  kind: RecordKind;
  /** The file path, or `api:<route>` for records posted to the HTTP API. */
  source: string;
  /** 1-based line in the file (first line of a multi-line record), or 1-based position in an API batch. */
  line: number | null;
  problems: RecordProblem[];
  /** The raw text as read (bytes that were not valid UTF-8 appear as U+FFFD). */
  raw: string;
  /** The record's fields as read, before validation: the starting point of a fix. Null if unreadable. */
  record: Record<string, unknown> | null;
  batchId: number;
}

export type QuarantineStatus = 'open' | 'readmitted' | 'discarded';

export interface QuarantineRecord extends QuarantineInput {
  id: number;
  status: QuarantineStatus;
  createdAt: EpochMs;
  resolvedAt: EpochMs | null;
  note: string | null;
}

/** A change to a quarantined record: its new status, and for a failed fix its new problems and fields. */
export interface QuarantineUpdate {
  status: QuarantineStatus;
  note?: string;
  problems?: RecordProblem[];
  record?: Record<string, unknown>;
}

export interface QuarantineFilter {
  status?: QuarantineStatus;
  kind?: RecordKind;
  reason?: string;
  source?: string;
  /** Only records with an id greater than this (for paging). */
  afterId?: number;
  limit?: number;
}

/** One import run or API batch: its source and, when finished, its summary. */
export interface IngestBatch {
  id: number;
  source: string;
  kind: string;
  startedAt: EpochMs;
  finishedAt: EpochMs | null;
  summary: Record<string, unknown> | null;
}

/** The counts `aisle stats --json` prints. */
export interface StoreStats {
  items: number;
  users: number;
  usersWithProtected: number;
  events: number;
  quarantined: number;
}

/** A saved model (or index) artifact: opaque bytes plus JSON metadata, versioned per name. */
export interface ArtifactRecord {
  name: string;
  version: number;
  createdAt: EpochMs;
  meta: Record<string, unknown>;
  data: Uint8Array;
}

export type ArtifactInfo = Omit<ArtifactRecord, 'data'> & { bytes: number };

/** A stored report (quality, fairness, evaluation): JSON with a kind and a time. */
export interface ReportRecord {
  id: number;
  kind: string;
  createdAt: EpochMs;
  body: Record<string, unknown>;
}

export interface ScanEventsOptions {
  /** Only events with seq greater than this (to follow the log). */
  afterSeq?: number;
  batchSize?: number;
}

/**
 * Everything Aisle persists, behind one asynchronous interface: the embedded SQLite store and the
 * PostgreSQL store implement it, and `test/store-contract.ts` runs the same suite against each.
 * Writes are idempotent: re-sending the same records or the same batch changes nothing.
 */
export interface Store {
  /** `sqlite` or `postgres`. */
  readonly kind: string;
  /** Where the data lives (file path or URL without password). */
  readonly location: string;

  close(): Promise<void>;
  /** Cheap liveness check for /health. */
  ping(): Promise<void>;

  beginBatch(source: string, kind: string): Promise<number>;
  finishBatch(batchId: number, summary: Record<string, unknown>): Promise<void>;
  listBatches(limit?: number): Promise<IngestBatch[]>;

  upsertItems(items: readonly Item[]): Promise<UpsertCounts>;
  getItems(ids: readonly string[]): Promise<Item[]>;
  scanItems(batchSize?: number): AsyncIterable<Item[]>;

  upsertUsers(users: readonly User[]): Promise<UpsertCounts>;
  /** Creates bare users for ids not stored yet (users are often known only from their events). */
  ensureUsers(ids: readonly string[]): Promise<number>;
  getUsers(ids: readonly string[]): Promise<User[]>;

  upsertProtected(records: readonly ProtectedAttributes[]): Promise<UpsertCounts>;
  getProtected(userIds: readonly string[]): Promise<ProtectedAttributes[]>;
  scanProtected(batchSize?: number): AsyncIterable<ProtectedAttributes[]>;

  /**
   * Prepares for an import of about `expectedEvents` events. A store may suspend work it can do
   * faster once at the end (a secondary index, creating the users events name); `finish` does it and
   * must be called when the import ends, also when it fails.
   */
  beginBulkLoad(expectedEvents: number): Promise<BulkLoad>;
  /**
   * Appends events in one transaction; events already stored (same eventId or natural key) are
   * skipped, and users the events name are created if they do not exist yet.
   */
  appendEvents(events: readonly Event[], batchId: number): Promise<EventAppendCounts>;
  /** A user's most recent events, newest first. */
  userEvents(userId: string, limit?: number): Promise<StoredEvent[]>;
  scanEvents(options?: ScanEventsOptions): AsyncIterable<StoredEvent[]>;
  /** Erases a user, their events and protected attributes (right to be forgotten). */
  deleteUser(userId: string): Promise<{ events: number; found: boolean }>;

  appendQueries(queries: readonly QueryRecord[]): Promise<AppendCounts>;
  scanQueries(batchSize?: number): AsyncIterable<QueryRecord[]>;

  /** Stores rejected records; the same record from the same place twice is kept once. */
  addQuarantine(records: readonly QuarantineInput[]): Promise<AppendCounts>;
  listQuarantine(filter?: QuarantineFilter): Promise<QuarantineRecord[]>;
  getQuarantine(id: number): Promise<QuarantineRecord | undefined>;
  /** Marks a record readmitted or discarded, or (status open) records the problems of a failed fix. */
  updateQuarantine(id: number, update: QuarantineUpdate): Promise<void>;
  countQuarantineByReason(status?: QuarantineStatus): Promise<Record<string, number>>;

  stats(): Promise<StoreStats>;

  saveArtifact(name: string, meta: Record<string, unknown>, data: Uint8Array): Promise<number>;
  loadArtifact(name: string, version?: number): Promise<ArtifactRecord | undefined>;
  listArtifacts(name?: string): Promise<ArtifactInfo[]>;

  saveReport(kind: string, body: Record<string, unknown>): Promise<number>;
  listReports(kind: string, limit?: number): Promise<ReportRecord[]>;
}
