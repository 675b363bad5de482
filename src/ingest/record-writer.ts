import type { Item, ProtectedAttributes, User } from '../core/entities.js';
import type { Event } from '../core/event.js';
import type { QueryRecord, RecordKind, Store } from '../store/store.js';

/** A validated record, ready to store. */
export type ValidRecord =
  | { kind: 'item'; value: Item }
  | { kind: 'user'; value: User; protected?: ProtectedAttributes }
  | { kind: 'protected'; value: ProtectedAttributes }
  | { kind: 'event'; value: Event }
  | { kind: 'query'; value: QueryRecord };

/** What writing records of one kind did, summed over flushes. */
export interface KindTotals {
  /** New records stored. */
  inserted: number;
  /** Stored records whose content changed. */
  updated: number;
  /** Records already stored as they are (re-sent): nothing changed. */
  duplicates: number;
}

/**
 * Buffers validated records and writes them in large transactions: big batches amortise the index
 * writes that dominate SQLite bulk loads (see docs/benchmarks.md). Items are written before the
 * events of the same flush, so events derived with their items find them stored.
 */
export class RecordWriter {
  readonly totals = new Map<RecordKind, KindTotals>();
  /** Users created because events named them. */
  usersCreated = 0;
  private buffer: ValidRecord[] = [];

  constructor(
    private readonly store: Store,
    private readonly batchId: number,
    private readonly batchSize: number,
  ) {}

  /** Totals for one kind (zeros when none was written). */
  totalsOf(kind: RecordKind): KindTotals {
    return this.totals.get(kind) ?? { inserted: 0, updated: 0, duplicates: 0 };
  }

  /** Adds a record; writes the buffer when it is full. */
  async add(record: ValidRecord): Promise<void> {
    this.buffer.push(record);
    if (this.buffer.length >= this.batchSize) await this.flush();
  }

  async flush(): Promise<void> {
    const records = this.buffer;
    if (records.length === 0) return;
    this.buffer = [];
    const items: Item[] = [];
    const users: User[] = [];
    const protectedRecords: ProtectedAttributes[] = [];
    const events: Event[] = [];
    const queries: QueryRecord[] = [];
    for (const record of records) {
      if (record.kind === 'item') items.push(record.value);
      else if (record.kind === 'user') {
        users.push(record.value);
        if (record.protected) protectedRecords.push(record.protected);
      } else if (record.kind === 'protected') protectedRecords.push(record.value);
      else if (record.kind === 'event') events.push(record.value);
      else queries.push(record.value);
    }
    if (items.length > 0) this.addUpsert('item', await this.store.upsertItems(items));
    if (users.length > 0) this.addUpsert('user', await this.store.upsertUsers(users));
    if (protectedRecords.length > 0)
      this.addUpsert('protected', await this.store.upsertProtected(protectedRecords));
    if (events.length > 0) {
      const counts = await this.store.appendEvents(events, this.batchId);
      this.usersCreated += counts.usersCreated;
      this.addAppend('event', counts);
    }
    if (queries.length > 0) this.addAppend('query', await this.store.appendQueries(queries));
  }

  private totalsFor(kind: RecordKind): KindTotals {
    let totals = this.totals.get(kind);
    if (!totals) this.totals.set(kind, (totals = { inserted: 0, updated: 0, duplicates: 0 }));
    return totals;
  }

  private addUpsert(
    kind: RecordKind,
    counts: { inserted: number; updated: number; unchanged: number },
  ): void {
    const totals = this.totalsFor(kind);
    totals.inserted += counts.inserted;
    totals.updated += counts.updated;
    totals.duplicates += counts.unchanged;
  }

  private addAppend(kind: RecordKind, counts: { inserted: number; duplicates: number }): void {
    const totals = this.totalsFor(kind);
    totals.inserted += counts.inserted;
    totals.duplicates += counts.duplicates;
  }
}
