import { describe, expect, it } from 'vitest';
import {
  EventTableBuilder,
  eventTableOf,
  filterRows,
  rowsByItem,
  rowsByUser,
  timeOrder,
  typeCode,
} from './event-table.js';
import { stored } from './test-support/synthetic.js';

describe('EventTable', () => {
  const events = stored([
    { userId: 'a', itemId: 'x', type: 'view', timestamp: 3000, dwellMs: 12 },
    { userId: 'b', itemId: 'y', type: 'rating', value: 4, timestamp: 1000, sessionId: 's1' },
    { userId: 'a', type: 'search', query: 'tee', timestamp: 2000, eventId: 'e1' },
    { userId: 'a', itemId: 'y', type: 'view', timestamp: 2500 },
  ]);

  it('codes ids densely and keeps absent fields as NaN or -1', () => {
    const table = eventTableOf(events);
    expect(table.length).toBe(4);
    expect(table.users).toEqual(['a', 'b']);
    expect(table.items).toEqual(['x', 'y']);
    expect(Array.from(table.item)).toEqual([0, 1, -1, 1]);
    expect(table.value[1]).toBe(4);
    expect(Number.isNaN(table.value[0]!)).toBe(true);
    expect(table.dwell[0]).toBe(12);
    expect(Array.from(table.session)).toEqual([-1, 0, -1, -1]);
    expect(Array.from(table.hasEventId)).toEqual([0, 0, 1, 0]);
    expect(Array.from(table.hasQuery)).toEqual([0, 0, 1, 0]);
    expect(typeCode(table, 'rating')).toBe(1);
    expect(typeCode(table, 'cart')).toBe(-1);
  });

  it('reads the same table from column pages as from event objects', () => {
    const builder = new EventTableBuilder();
    builder.addColumns({
      length: events.length,
      seq: Float64Array.from(events, (e) => e.seq),
      userId: events.map((e) => e.userId),
      itemId: events.map((e) => e.itemId ?? ''),
      type: events.map((e) => e.type),
      value: Float64Array.from(events, (e) => e.value ?? Number.NaN),
      timestamp: Float64Array.from(events, (e) => e.timestamp),
      dwellMs: Float64Array.from(events, (e) => e.dwellMs ?? Number.NaN),
      sessionId: events.map((e) => e.sessionId ?? null),
      batchId: Int32Array.from(events, (e) => e.batchId),
      hasEventId: Uint8Array.from(events, (e) => (e.eventId ? 1 : 0)),
      hasQuery: Uint8Array.from(events, (e) => (e.query ? 1 : 0)),
    });
    expect(builder.build()).toEqual(eventTableOf(events));
  });

  it('orders rows by time, milliseconds within a second, and groups them per user and item', () => {
    const table = eventTableOf(
      stored([
        { userId: 'a', itemId: 'x', type: 'view', timestamp: 5_000_900 },
        { userId: 'a', itemId: 'x', type: 'click', timestamp: 5_000_100 },
        { userId: 'b', itemId: 'x', type: 'view', timestamp: 1_000 },
        // Far apart: seconds are packed into the sort key with the row number.
        { userId: 'b', itemId: 'y', type: 'view', timestamp: 900_000_000_000_000 },
      ]),
    );
    expect(Array.from(timeOrder(table))).toEqual([2, 1, 0, 3]);
    const byUser = rowsByUser(table);
    expect(Array.from(byUser.offsets)).toEqual([0, 2, 4]);
    expect(Array.from(byUser.rows)).toEqual([1, 0, 2, 3]);
    const byItem = rowsByItem(table);
    expect(Array.from(byItem.rows.subarray(byItem.offsets[0]!, byItem.offsets[1]!))).toEqual([2, 1, 0]);
  });

  it('filters rows into a table that shares the dictionaries, mapping rows back', () => {
    const table = eventTableOf(events);
    const { table: kept, rowMap } = filterRows(table, Uint8Array.from([1, 0, 1, 1]));
    expect(kept.length).toBe(3);
    expect(Array.from(rowMap)).toEqual([0, 2, 3]);
    expect(kept.users).toBe(table.users);
    expect(Array.from(kept.ts)).toEqual([3000, 2000, 2500]);
  });
});
