import type { Item } from '../../core/entities.js';
import { type EventTable, rowsByUser } from '../event-table.js';

/** What the import summary says about a batch (the gate's checks start from it). */
export interface BatchFacts {
  batchId: number;
  kind: string;
  source: string;
  read: number;
  accepted: number;
  duplicates: number;
  quarantined: number;
  quarantinedByReason: Record<string, number>;
}

/** Optional event fields whose presence the completeness check follows. */
export const profiledFields = ['eventId', 'itemId', 'value', 'sessionId', 'dwellMs', 'query'] as const;
export type ProfiledField = (typeof profiledFields)[number];

/**
 * A batch as the checks see it: the import's counts plus distributions of the events it stored.
 * Plain JSON: each gate run stores its profile, and later batches are compared with earlier ones.
 */
export interface BatchProfile extends Omit<BatchFacts, 'batchId'> {
  /** Events the batch stored (new ones; re-sent ones are `duplicates`). */
  events: number;
  users: number;
  items: number;
  types: Record<string, number>;
  /** Events per top-level category of their item; `(none)` without category, `(unknown item)` for items not in the catalogue. */
  categories: Record<string, number>;
  /** Users by events in the batch, in powers of two: 1, 2–3, 4–7, … , ≥ 1024. */
  eventsPerUser: number[];
  present: Record<ProfiledField, number>;
  minTs: number | null;
  maxTs: number | null;
  /** Events naming an item the catalogue does not hold. */
  unknownItems: number;
  /** Events dated before their item's `createdAt`. */
  beforeItemCreated: number;
  /** Events repeating the user's previous event (same item and type) within `nearDuplicateMs`. */
  nearDuplicates: number;
}

const USER_BINS = 11;

/**
 * Profiles a batch's stored events. `catalogue` holds the stored items the events name (missing ones
 * count as unknown references).
 */
export function profileBatch(
  facts: BatchFacts,
  table: EventTable,
  catalogue: ReadonlyMap<string, Item>,
  nearDuplicateMs: number,
): BatchProfile {
  const counts = {
    kind: facts.kind,
    source: facts.source,
    read: facts.read,
    accepted: facts.accepted,
    duplicates: facts.duplicates,
    quarantined: facts.quarantined,
    quarantinedByReason: facts.quarantinedByReason,
  };
  const types: Record<string, number> = {};
  const categories: Record<string, number> = {};
  const present: Record<ProfiledField, number> = {
    eventId: 0,
    itemId: 0,
    value: 0,
    sessionId: 0,
    dwellMs: 0,
    query: 0,
  };
  let minTs = Number.POSITIVE_INFINITY;
  let maxTs = Number.NEGATIVE_INFINITY;
  let unknownItems = 0;
  let beforeItemCreated = 0;
  const itemCategory = table.items.map((id) => {
    const item = catalogue.get(id);
    return item === undefined ? '(unknown item)' : (item.categoryPath[0] ?? '(none)');
  });
  const itemCreated = table.items.map((id) => catalogue.get(id)?.createdAt ?? Number.NEGATIVE_INFINITY);
  const typeCounts = new Float64Array(table.types.length);
  const categoryIndex = new Map<string, number>();
  const categoryCounts: number[] = [];
  for (let row = 0; row < table.length; row++) {
    typeCounts[table.type[row]!]!++;
    const ts = table.ts[row]!;
    if (ts < minTs) minTs = ts;
    if (ts > maxTs) maxTs = ts;
    if (table.hasEventId[row]) present.eventId++;
    if (!Number.isNaN(table.value[row]!)) present.value++;
    if (table.session[row]! >= 0) present.sessionId++;
    if (!Number.isNaN(table.dwell[row]!)) present.dwellMs++;
    if (table.hasQuery[row]) present.query++;
    const item = table.item[row]!;
    if (item < 0) continue;
    present.itemId++;
    const category = itemCategory[item]!;
    let index = categoryIndex.get(category);
    if (index === undefined) {
      categoryIndex.set(category, (index = categoryCounts.length));
      categoryCounts.push(0);
    }
    categoryCounts[index]!++;
    if (category === '(unknown item)') unknownItems++;
    else if (ts < itemCreated[item]!) beforeItemCreated++;
  }
  table.types.forEach((type, code) => {
    if (typeCounts[code]! > 0) types[type] = typeCounts[code]!;
  });
  for (const [category, index] of categoryIndex) categories[category] = categoryCounts[index]!;
  const byUser = rowsByUser(table);
  const eventsPerUser = new Array<number>(USER_BINS).fill(0);
  let users = 0;
  let nearDuplicates = 0;
  for (let user = 0; user < table.users.length; user++) {
    const from = byUser.offsets[user]!;
    const to = byUser.offsets[user + 1]!;
    if (to === from) continue;
    users++;
    eventsPerUser[Math.min(USER_BINS - 1, Math.floor(Math.log2(to - from)))]!++;
    for (let at = from + 1; at < to; at++) {
      const row = byUser.rows[at]!;
      const previous = byUser.rows[at - 1]!;
      if (
        table.item[row] === table.item[previous] &&
        table.type[row] === table.type[previous] &&
        table.ts[row]! - table.ts[previous]! <= nearDuplicateMs
      ) {
        nearDuplicates++;
      }
    }
  }
  let items = 0;
  const seen = new Uint8Array(table.items.length);
  for (let row = 0; row < table.length; row++) {
    const item = table.item[row]!;
    if (item >= 0 && !seen[item]) {
      seen[item] = 1;
      items++;
    }
  }
  return {
    ...counts,
    events: table.length,
    users,
    items,
    types,
    categories,
    eventsPerUser,
    present,
    minTs: table.length > 0 ? minTs : null,
    maxTs: table.length > 0 ? maxTs : null,
    unknownItems,
    beforeItemCreated,
    nearDuplicates,
  };
}
