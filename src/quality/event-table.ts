import type { EventColumns, StoredEvent } from '../store/store.js';

/**
 * Events in columns (typed arrays), with user, item, type and session ids coded as dense indices.
 * Detectors run their hot loops over these columns: no object per event, no string compares.
 * Rows are in the order they were added (log order); `timeOrder` gives them sorted by time.
 */
export interface EventTable {
  readonly length: number;
  readonly seq: Float64Array;
  /** Index into `users`. */
  readonly user: Int32Array;
  /** Index into `items`; -1 for events without an item (searches). */
  readonly item: Int32Array;
  /** Index into `types`. */
  readonly type: Uint8Array;
  /** NaN when the event has no value. */
  readonly value: Float32Array;
  readonly ts: Float64Array;
  /** NaN when the event has no dwell time. */
  readonly dwell: Float32Array;
  /** Index into the session ids; -1 when the event has no session. */
  readonly session: Int32Array;
  readonly batch: Int32Array;
  /** 1 when the client sent an event id. */
  readonly hasEventId: Uint8Array;
  /** 1 when the event carries a query. */
  readonly hasQuery: Uint8Array;
  readonly users: readonly string[];
  readonly items: readonly string[];
  readonly types: readonly string[];
  readonly sessionCount: number;
  readonly userIndex: ReadonlyMap<string, number>;
  readonly itemIndex: ReadonlyMap<string, number>;
}

/** Rows grouped by a key (user or item), each group's rows in time order. */
export interface Grouping {
  /** Group g's rows are `rows[offsets[g]]` … `rows[offsets[g + 1] - 1]`. */
  readonly offsets: Int32Array;
  readonly rows: Int32Array;
}

class Dictionary {
  readonly values: string[] = [];
  readonly index = new Map<string, number>();

  code(value: string): number {
    let code = this.index.get(value);
    if (code === undefined) {
      code = this.values.length;
      this.values.push(value);
      this.index.set(value, code);
    }
    return code;
  }
}

/**
 * Builds an `EventTable` from pages of stored events (as `Store.scanEvents` yields them).
 *
 * @example
 * const builder = new EventTableBuilder();
 * for await (const page of store.scanEvents()) builder.add(page);
 * const table = builder.build();
 */
export class EventTableBuilder {
  private capacity = 0;
  private size = 0;
  private seq = new Float64Array(0);
  private user = new Int32Array(0);
  private item = new Int32Array(0);
  private type = new Uint8Array(0);
  private value = new Float32Array(0);
  private ts = new Float64Array(0);
  private dwell = new Float32Array(0);
  private session = new Int32Array(0);
  private batch = new Int32Array(0);
  private hasEventId = new Uint8Array(0);
  private hasQuery = new Uint8Array(0);
  private readonly users = new Dictionary();
  private readonly items = new Dictionary();
  private readonly types = new Dictionary();
  private readonly sessions = new Dictionary();

  get length(): number {
    return this.size;
  }

  add(events: readonly StoredEvent[]): void {
    this.reserve(this.size + events.length);
    for (const event of events) {
      const row = this.size++;
      this.seq[row] = event.seq;
      this.user[row] = this.users.code(event.userId);
      this.item[row] = event.itemId === undefined ? -1 : this.items.code(event.itemId);
      const type = this.types.code(event.type);
      // Types are a closed, configured set; 256 is far beyond any shop's, but say so if not.
      if (type > 255) throw new RangeError('An event table holds at most 256 event types');
      this.type[row] = type;
      this.value[row] = event.value ?? Number.NaN;
      this.ts[row] = event.timestamp;
      this.dwell[row] = event.dwellMs ?? Number.NaN;
      this.session[row] = event.sessionId === undefined ? -1 : this.sessions.code(event.sessionId);
      this.batch[row] = event.batchId;
      this.hasEventId[row] = event.eventId === undefined ? 0 : 1;
      this.hasQuery[row] = event.query === undefined ? 0 : 1;
    }
  }

  /** Adds a page of events in columns (as `Store.scanEventColumns` yields them). */
  addColumns(page: EventColumns): void {
    this.reserve(this.size + page.length);
    for (let at = 0; at < page.length; at++) {
      const row = this.size++;
      this.seq[row] = page.seq[at]!;
      this.user[row] = this.users.code(page.userId[at]!);
      const itemId = page.itemId[at]!;
      this.item[row] = itemId === '' ? -1 : this.items.code(itemId);
      const type = this.types.code(page.type[at]!);
      if (type > 255) throw new RangeError('An event table holds at most 256 event types');
      this.type[row] = type;
      this.value[row] = page.value[at]!;
      this.ts[row] = page.timestamp[at]!;
      this.dwell[row] = page.dwellMs[at]!;
      const session = page.sessionId[at];
      this.session[row] = session === null || session === undefined ? -1 : this.sessions.code(session);
      this.batch[row] = page.batchId[at]!;
      this.hasEventId[row] = page.hasEventId[at]!;
      this.hasQuery[row] = page.hasQuery[at]!;
    }
  }

  build(): EventTable {
    const n = this.size;
    return {
      length: n,
      seq: this.seq.slice(0, n),
      user: this.user.slice(0, n),
      item: this.item.slice(0, n),
      type: this.type.slice(0, n),
      value: this.value.slice(0, n),
      ts: this.ts.slice(0, n),
      dwell: this.dwell.slice(0, n),
      session: this.session.slice(0, n),
      batch: this.batch.slice(0, n),
      hasEventId: this.hasEventId.slice(0, n),
      hasQuery: this.hasQuery.slice(0, n),
      users: this.users.values,
      items: this.items.values,
      types: this.types.values,
      sessionCount: this.sessions.values.length,
      userIndex: this.users.index,
      itemIndex: this.items.index,
    };
  }

  private reserve(needed: number): void {
    if (needed <= this.capacity) return;
    const capacity = Math.max(needed, this.capacity * 2, 1024);
    const grow = <T extends Float64Array | Float32Array | Int32Array | Uint8Array>(
      array: T,
      make: (size: number) => T,
    ): T => {
      const next = make(capacity);
      next.set(array);
      return next;
    };
    this.seq = grow(this.seq, (size) => new Float64Array(size));
    this.user = grow(this.user, (size) => new Int32Array(size));
    this.item = grow(this.item, (size) => new Int32Array(size));
    this.type = grow(this.type, (size) => new Uint8Array(size));
    this.value = grow(this.value, (size) => new Float32Array(size));
    this.ts = grow(this.ts, (size) => new Float64Array(size));
    this.dwell = grow(this.dwell, (size) => new Float32Array(size));
    this.session = grow(this.session, (size) => new Int32Array(size));
    this.batch = grow(this.batch, (size) => new Int32Array(size));
    this.hasEventId = grow(this.hasEventId, (size) => new Uint8Array(size));
    this.hasQuery = grow(this.hasQuery, (size) => new Uint8Array(size));
    this.capacity = capacity;
  }
}

/** A table of the given events (for tests and small inputs). */
export function eventTableOf(events: readonly StoredEvent[]): EventTable {
  const builder = new EventTableBuilder();
  builder.add(events);
  return builder.build();
}

const timeOrders = new WeakMap<EventTable, Int32Array>();

/**
 * The table's rows sorted by time (ties in log order). Cached per table.
 * Times are packed with the row number into one float64 — (seconds since the first event) × n + row —
 * so the engine's native numeric sort does the work; within one second rows keep log order. Spans too
 * long for 53 bits fall back to a comparison sort.
 */
export function timeOrder(table: EventTable): Int32Array {
  const cached = timeOrders.get(table);
  if (cached) return cached;
  const n = table.length;
  const order = new Int32Array(n);
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let row = 0; row < n; row++) {
    const t = table.ts[row]!;
    if (t < min) min = t;
    if (t > max) max = t;
  }
  const spanMs = n === 0 ? 0 : max - min + 1;
  // Millisecond resolution when it fits in 53 bits, else seconds (then each second is fixed up).
  const unit = spanMs * n < Number.MAX_SAFE_INTEGER ? 1 : 1000;
  if ((Math.floor(spanMs / unit) + 1) * n < Number.MAX_SAFE_INTEGER) {
    const packed = new Float64Array(n);
    for (let row = 0; row < n; row++) packed[row] = Math.floor((table.ts[row]! - min) / unit) * n + row;
    packed.sort();
    for (let at = 0; at < n; at++) order[at] = packed[at]! % n;
    if (unit > 1) sortWithinSeconds(table.ts, order, min);
  } else {
    for (let row = 0; row < n; row++) order[row] = row;
    order.sort((a, b) => table.ts[a]! - table.ts[b]! || a - b);
  }
  timeOrders.set(table, order);
  return order;
}

/** Rows packed by whole seconds keep log order within a second; sort such runs by milliseconds. */
function sortWithinSeconds(ts: Float64Array, order: Int32Array, min: number): void {
  let start = 0;
  while (start < order.length) {
    const second = Math.floor((ts[order[start]!]! - min) / 1000);
    let end = start + 1;
    let sorted = true;
    while (end < order.length && Math.floor((ts[order[end]!]! - min) / 1000) === second) {
      if (ts[order[end]!]! < ts[order[end - 1]!]!) sorted = false;
      end++;
    }
    if (!sorted) order.subarray(start, end).sort((a, b) => ts[a]! - ts[b]! || a - b);
    start = end;
  }
}

/**
 * Groups rows by a key column (counting sort over the time order, so each group stays in time
 * order). Rows whose key is negative (no item) are left out.
 */
export function groupRows(table: EventTable, keys: Int32Array, groupCount: number): Grouping {
  const order = timeOrder(table);
  const offsets = new Int32Array(groupCount + 1);
  for (let row = 0; row < table.length; row++) {
    const key = keys[row]!;
    if (key >= 0) offsets[key + 1]!++;
  }
  for (let g = 0; g < groupCount; g++) offsets[g + 1]! += offsets[g]!;
  const cursor = offsets.slice(0, groupCount);
  const rows = new Int32Array(offsets[groupCount]!);
  for (let at = 0; at < order.length; at++) {
    const row = order[at]!;
    const key = keys[row]!;
    if (key >= 0) rows[cursor[key]!++] = row;
  }
  return { offsets, rows };
}

const userGroupings = new WeakMap<EventTable, Grouping>();
const itemGroupings = new WeakMap<EventTable, Grouping>();

/** Each user's rows in time order (cached per table). */
export function rowsByUser(table: EventTable): Grouping {
  let grouping = userGroupings.get(table);
  if (!grouping) userGroupings.set(table, (grouping = groupRows(table, table.user, table.users.length)));
  return grouping;
}

/** Each item's rows in time order (cached per table). */
export function rowsByItem(table: EventTable): Grouping {
  let grouping = itemGroupings.get(table);
  if (!grouping) itemGroupings.set(table, (grouping = groupRows(table, table.item, table.items.length)));
  return grouping;
}

/** The code of an event type in this table, or -1 when no event has it. */
export function typeCode(table: EventTable, type: string): number {
  return table.types.indexOf(type);
}

/**
 * The rows of `table` whose `keep` flag is set, as a table of its own that shares the user, item and
 * type dictionaries (indices stay valid), with `rowMap` from its rows back to the original rows.
 */
export function filterRows(table: EventTable, keep: Uint8Array): { table: EventTable; rowMap: Int32Array } {
  let n = 0;
  for (let row = 0; row < table.length; row++) if (keep[row]) n++;
  const rowMap = new Int32Array(n);
  for (let row = 0, at = 0; row < table.length; row++) if (keep[row]) rowMap[at++] = row;
  const pick = <T extends Float64Array | Float32Array | Int32Array | Uint8Array>(
    column: T,
    make: (size: number) => T,
  ): T => {
    const out = make(n);
    for (let at = 0; at < n; at++) out[at] = column[rowMap[at]!]!;
    return out;
  };
  return {
    rowMap,
    table: {
      ...table,
      length: n,
      seq: pick(table.seq, (size) => new Float64Array(size)),
      user: pick(table.user, (size) => new Int32Array(size)),
      item: pick(table.item, (size) => new Int32Array(size)),
      type: pick(table.type, (size) => new Uint8Array(size)),
      value: pick(table.value, (size) => new Float32Array(size)),
      ts: pick(table.ts, (size) => new Float64Array(size)),
      dwell: pick(table.dwell, (size) => new Float32Array(size)),
      session: pick(table.session, (size) => new Int32Array(size)),
      batch: pick(table.batch, (size) => new Int32Array(size)),
      hasEventId: pick(table.hasEventId, (size) => new Uint8Array(size)),
      hasQuery: pick(table.hasQuery, (size) => new Uint8Array(size)),
    },
  };
}
