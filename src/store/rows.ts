import { createHash } from 'node:crypto';
import type { Item, ProtectedAttributes, User } from '../core/entities.js';
import type { Event } from '../core/event.js';
import type {
  QuarantineInput,
  QuarantineRecord,
  QuarantineStatus,
  RecordKind,
  StoredEvent,
} from './store.js';

/** Field names (lower-cased) under which a quarantined source record may carry a user id (erasure). */
export const USER_ID_FIELDS: readonly string[] = ['userid', 'user_id', 'user', 'reviewerid', 'uid'];

/**
 * Row shapes shared by the SQL stores (SQLite and PostgreSQL use the same column names) and the
 * mapping between rows and domain objects. JSON columns hold arrays and objects.
 */

export interface ItemRow {
  id: string;
  title: string;
  description: string | null;
  category_path: string;
  brand: string | null;
  price: number | null;
  currency: string | null;
  seller_id: string | null;
  attributes: string;
  tags: string;
  language: string | null;
  created_at: number | null;
  available: number;
  content_hash: string;
}

export function itemToRow(item: Item): ItemRow {
  const row: ItemRow = {
    id: item.id,
    title: item.title,
    description: item.description ?? null,
    category_path: JSON.stringify(item.categoryPath),
    brand: item.brand ?? null,
    price: item.price ?? null,
    currency: item.currency ?? null,
    seller_id: item.sellerId ?? null,
    attributes: JSON.stringify(item.attributes),
    tags: JSON.stringify(item.tags),
    language: item.language ?? null,
    created_at: item.createdAt ?? null,
    available: item.available ? 1 : 0,
    content_hash: '',
  };
  row.content_hash = contentHash(row);
  return row;
}

export function rowToItem(row: ItemRow): Item {
  const item: Item = {
    id: row.id,
    title: row.title,
    categoryPath: JSON.parse(row.category_path) as string[],
    attributes: JSON.parse(row.attributes) as Item['attributes'],
    tags: JSON.parse(row.tags) as string[],
    available: Boolean(row.available),
  };
  if (row.description !== null) item.description = row.description;
  if (row.brand !== null) item.brand = row.brand;
  if (row.price !== null) item.price = Number(row.price);
  if (row.currency !== null) item.currency = row.currency;
  if (row.seller_id !== null) item.sellerId = row.seller_id;
  if (row.language !== null) item.language = row.language;
  if (row.created_at !== null) item.createdAt = Number(row.created_at);
  return item;
}

export interface UserRow {
  id: string;
  attributes: string;
  created_at: number | null;
  content_hash: string;
}

export function userToRow(user: User): UserRow {
  const row: UserRow = {
    id: user.id,
    attributes: JSON.stringify(user.attributes),
    created_at: user.createdAt ?? null,
    content_hash: '',
  };
  row.content_hash = contentHash(row);
  return row;
}

export function rowToUser(row: UserRow): User {
  const user: User = { id: row.id, attributes: JSON.parse(row.attributes) as User['attributes'] };
  if (row.created_at !== null) user.createdAt = Number(row.created_at);
  return user;
}

export interface ProtectedRow {
  user_id: string;
  gender: string | null;
  age_band: string | null;
  region: string | null;
  occupation: string | null;
  other: string;
  content_hash: string;
}

export function protectedToRow(record: ProtectedAttributes): ProtectedRow {
  const row: ProtectedRow = {
    user_id: record.userId,
    gender: record.gender ?? null,
    age_band: record.ageBand ?? null,
    region: record.region ?? null,
    occupation: record.occupation ?? null,
    other: JSON.stringify(record.other),
    content_hash: '',
  };
  row.content_hash = contentHash(row);
  return row;
}

export function rowToProtected(row: ProtectedRow): ProtectedAttributes {
  const record: ProtectedAttributes = {
    userId: row.user_id,
    other: JSON.parse(row.other) as Record<string, string>,
  };
  if (row.gender !== null) record.gender = row.gender;
  if (row.age_band !== null) record.ageBand = row.age_band;
  if (row.region !== null) record.region = row.region;
  if (row.occupation !== null) record.occupation = row.occupation;
  return record;
}

/** Column values of an event, in the order of the shared INSERT statement. */
export function eventToParams(event: Event, batchId: number): (string | number | null)[] {
  return [
    event.eventId ?? null,
    event.userId,
    event.itemId ?? '',
    event.type,
    event.value ?? null,
    event.query ?? null,
    event.sessionId ?? null,
    event.timestamp,
    event.dwellMs ?? null,
    batchId,
  ];
}

export const EVENT_COLUMNS =
  'event_id, user_id, item_id, type, value, query, session_id, ts, dwell_ms, batch_id';

export interface EventRow {
  seq: number;
  event_id: string | null;
  user_id: string;
  item_id: string;
  type: string;
  value: number | null;
  query: string | null;
  session_id: string | null;
  ts: number;
  dwell_ms: number | null;
  batch_id: number;
}

export function rowToEvent(row: EventRow): StoredEvent {
  const event: StoredEvent = {
    seq: Number(row.seq),
    userId: row.user_id,
    type: row.type,
    timestamp: Number(row.ts),
    batchId: Number(row.batch_id),
  };
  if (row.event_id !== null) event.eventId = row.event_id;
  if (row.item_id !== '') event.itemId = row.item_id;
  if (row.value !== null) event.value = Number(row.value);
  if (row.query !== null) event.query = row.query;
  if (row.session_id !== null) event.sessionId = row.session_id;
  if (row.dwell_ms !== null) event.dwellMs = Number(row.dwell_ms);
  return event;
}

export interface QuarantineRow {
  id: number;
  kind: string;
  source: string;
  line: number | null;
  problems: string;
  raw: string;
  record: string | null;
  batch_id: number;
  status: string;
  created_at: number;
  resolved_at: number | null;
  note: string | null;
}

/** The row values of a new quarantine entry; `dedup_key` makes re-imports of the same bad row a no-op. */
export function quarantineToRow(input: QuarantineInput, now: number) {
  const first = input.problems[0];
  return {
    dedup_key: sha1([input.kind, input.source, String(input.line ?? ''), input.raw].join('\u0000')),
    kind: input.kind,
    source: input.source,
    line: input.line,
    field: first?.field ?? null,
    reason: first?.reason ?? 'invalid_record',
    problems: JSON.stringify(input.problems),
    raw: input.raw,
    record: input.record === null ? null : JSON.stringify(input.record),
    batch_id: input.batchId,
    created_at: now,
  };
}

export function rowToQuarantine(row: QuarantineRow): QuarantineRecord {
  return {
    id: Number(row.id),
    kind: row.kind as RecordKind,
    source: row.source,
    line: row.line === null ? null : Number(row.line),
    problems: JSON.parse(row.problems) as QuarantineRecord['problems'],
    raw: row.raw,
    record: row.record === null ? null : (JSON.parse(row.record) as Record<string, unknown>),
    batchId: Number(row.batch_id),
    status: row.status as QuarantineStatus,
    createdAt: Number(row.created_at),
    resolvedAt: row.resolved_at === null ? null : Number(row.resolved_at),
    note: row.note,
  };
}

/** A short, stable digest of a row's content, to tell "unchanged" from "updated" on upsert. */
function contentHash(row: object): string {
  return sha1(JSON.stringify(row)).slice(0, 24);
}

function sha1(text: string): string {
  return createHash('sha1').update(text).digest('base64url');
}
