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

/** A serving process's state kept across restarts (see `Store.saveServingState`), with when saved. */
export interface ServingStateRecord {
  body: Record<string, unknown>;
  updatedAt: number;
}

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
  /** Only the events this import batch stored. */
  batchId?: number;
  /** Only events at or after this time (epoch ms). */
  fromTs?: EpochMs;
  /** Only events before this time (epoch ms). */
  toTs?: EpochMs;
}

/**
 * A page of events in columns, for analyses that read millions of events (the quality gate):
 * no object per event. Absent numbers are NaN, an absent item is '', absent texts are null.
 */
export interface EventColumns {
  length: number;
  seq: Float64Array;
  userId: string[];
  itemId: string[];
  type: string[];
  value: Float64Array;
  timestamp: Float64Array;
  dwellMs: Float64Array;
  sessionId: (string | null)[];
  batchId: Int32Array;
  /** 1 when the event has a client event id. */
  hasEventId: Uint8Array;
  /** 1 when the event carries a query. */
  hasQuery: Uint8Array;
}

/**
 * What the quality gate does with the events a finding implicates (docs/quality.md):
 * `flag` records and reports only; `down-weight` multiplies their training weight; `exclude` keeps
 * them out of training; `quarantine` keeps them out of training and serving until an operator decides.
 */
export type QualityAction = 'flag' | 'down-weight' | 'exclude' | 'quarantine';

/**
 * Where a finding stands: `open` (raised by the gate, awaiting review; its action applies),
 * `confirmed` (an operator agreed; the action applies and later runs cannot clear it),
 * `readmitted` (an operator overruled it; the events count fully again and later runs keep it so),
 * `cleared` (a later full scan no longer found it; nothing applies).
 */
export type QualityFlagStatus = 'open' | 'confirmed' | 'readmitted' | 'cleared';

/** A finding of the quality gate about one user or item, as a detector raises it. */
export interface QualityFlagInput {
  subject: 'user' | 'item';
  subjectId: string;
  /** The detector that raised it (`bot`, `burst`, `lockstep`, `shilling`). */
  detector: string;
  /** Suspicion in [0, 1]. */
  score: number;
  action: QualityAction;
  /** Training weight of the implicated events while the flag applies: 1 for flag, 0 for exclude/quarantine. */
  weight: number;
  /** Stable reason code, e.g. `inhuman_rate`, `lockstep_group`, `shilling_profile`. */
  reason: string;
  message: string;
  /** The facts behind the score (feature values, thresholds, the group, the target items …). */
  evidence: Record<string, unknown>;
  /**
   * The events it implicates: `all` means every event of the user (now and later); otherwise only
   * the listed events. `scores` lists events with their own suspicion (for review) either way.
   */
  covers: 'all' | 'listed';
  events: readonly { seq: number; score: number }[];
}

/** A stored finding with its review state. */
export interface QualityFlag extends Omit<QualityFlagInput, 'events'> {
  id: number;
  status: QualityFlagStatus;
  /** Number of events listed with the flag. */
  listedEvents: number;
  firstRunId: number;
  lastRunId: number;
  createdAt: EpochMs;
  updatedAt: EpochMs;
  reviewedAt: EpochMs | null;
  note: string | null;
}

export interface QualityFlagFilter {
  status?: QualityFlagStatus;
  detector?: string;
  subject?: 'user' | 'item';
  subjectId?: string;
  minScore?: number;
  /** Only flags with an id greater than this (paging in id order). */
  afterId?: number;
  /** `score`: highest first (the default); `id`: oldest first, for paging. */
  order?: 'score' | 'id';
  limit?: number;
}

/** An operator's decision on a finding. */
export interface QualityReview {
  status: 'open' | 'confirmed' | 'readmitted';
  note?: string;
}

/** What saving a gate run's findings did. */
export interface QualityFlagCounts {
  inserted: number;
  updated: number;
  /** Findings on subjects an operator re-admitted: their evidence is updated, their status kept. */
  keptReadmitted: number;
}

/** One run of the quality gate (on an import batch, or a full scan), with its summary. */
export interface QualityRun {
  id: number;
  kind: 'batch' | 'scan';
  batchId: number | null;
  startedAt: EpochMs;
  finishedAt: EpochMs | null;
  summary: Record<string, unknown> | null;
}

/** An event with the training weight the quality gate gives it (1 untouched, 0 excluded). */
export interface WeightedEvent extends StoredEvent {
  weight: number;
}

export interface ScanTrainingEventsOptions {
  afterSeq?: number;
  batchSize?: number;
  /** Also yield events the gate excluded (weight 0); by default they are left out. */
  includeExcluded?: boolean;
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
  /**
   * The items inserted or changed at or after `since` (their `updated_at`: when the writing process
   * wrote them, by its clock), in pages of ids ascending. A re-sent unchanged item keeps its time.
   */
  scanItemsUpdatedSince(since: EpochMs, batchSize?: number): AsyncIterable<Item[]>;
  /** The newest `updated_at` among the items, 0 when there are none. */
  latestItemUpdate(): Promise<EpochMs>;

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
  /**
   * The highest `seq` among a user's events, 0 when they have none: an index-only probe that tells a
   * cache of the user's events whether anything was appended (or erased) since it was read, by any
   * process on the store.
   */
  latestUserEventSeq(userId: string): Promise<number>;
  scanEvents(options?: ScanEventsOptions): AsyncIterable<StoredEvent[]>;
  /** The same events as `scanEvents`, a page at a time in columns. */
  scanEventColumns(options?: ScanEventsOptions): AsyncIterable<EventColumns>;
  /** Erases a user, their events, protected attributes, queries, quarantined records and quality findings (right to be forgotten). */
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
  /**
   * Calls `listener` whenever any process saves an artifact in this store, and returns the function
   * that unsubscribes. Optional: the PostgreSQL store announces saves with LISTEN/NOTIFY; stores
   * without notifications leave it out and readers poll `listArtifacts`.
   */
  onArtifactSaved?(listener: (artifact: { name: string; version: number }) => void): () => void;
  loadArtifact(name: string, version?: number): Promise<ArtifactRecord | undefined>;
  listArtifacts(name?: string): Promise<ArtifactInfo[]>;

  saveReport(kind: string, body: Record<string, unknown>): Promise<number>;
  listReports(kind: string, limit?: number): Promise<ReportRecord[]>;

  /** Starts a quality-gate run (on an import batch, or a full scan); returns its id. */
  beginQualityRun(kind: QualityRun['kind'], batchId: number | null): Promise<number>;
  finishQualityRun(runId: number, summary: Record<string, unknown>): Promise<void>;
  /** Runs, newest first. */
  listQualityRuns(limit?: number): Promise<QualityRun[]>;
  /**
   * Records a run's findings, one per (subject, subject id, detector): a new finding is inserted
   * `open`; a finding already stored is updated (score, action, evidence, listed events), keeping an
   * operator's `confirmed` or `readmitted` decision; a `cleared` one opens again. Nothing is deleted.
   */
  saveQualityFlags(runId: number, flags: readonly QualityFlagInput[]): Promise<QualityFlagCounts>;
  /**
   * After a full scan: `open` findings of these detectors that the run `runId` did not raise again are
   * marked `cleared`. Returns how many.
   */
  clearStaleQualityFlags(runId: number, detectors: readonly string[]): Promise<number>;
  listQualityFlags(filter?: QualityFlagFilter): Promise<QualityFlag[]>;
  getQualityFlag(id: number): Promise<QualityFlag | undefined>;
  /** The events a finding lists, with their scores (highest first). */
  qualityFlagEvents(id: number, limit?: number): Promise<{ seq: number; score: number }[]>;
  /** Records an operator's decision; throws NOT_FOUND for an unknown id. */
  reviewQualityFlag(id: number, review: QualityReview): Promise<QualityFlag>;
  /** Flags counted by detector, subject, status and action. */
  countQualityFlags(): Promise<
    { detector: string; subject: string; status: string; action: string; count: number }[]
  >;
  /**
   * The events a training run should use, in log order, each with its quality weight: the smallest
   * weight of the open or confirmed findings that cover it (1 when none). Events of weight 0
   * (excluded, quarantined) are left out unless `includeExcluded`.
   */
  scanTrainingEvents(options?: ScanTrainingEventsOptions): AsyncIterable<WeightedEvent[]>;
  /** The stored quality policy (JSON as saved), or undefined when the defaults apply. */
  loadQualityPolicy(): Promise<Record<string, unknown> | undefined>;
  saveQualityPolicy(policy: Record<string, unknown>): Promise<void>;
  /**
   * Small state a serving process keeps across restarts (the amortized-exposure controllers), by
   * key: each save replaces the body; with several processes the last save wins.
   */
  saveServingState(key: string, body: Record<string, unknown>): Promise<void>;
  /** The body last saved under `key`, with when; undefined when none was. */
  loadServingState(key: string): Promise<ServingStateRecord | undefined>;
}
