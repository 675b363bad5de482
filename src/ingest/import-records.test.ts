import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryContext } from '../../test/support/ingest.js';
import { tempDir } from '../../test/support/temp.js';
import { openFileSource } from './file-sources.js';
import { type ImportContext, type ImportSummary, importRecords } from './import-records.js';
import type { RecordKind } from '../store/store.js';

const temp = tempDir('aisle-import-');
afterAll(() => temp.cleanup());

async function importFile(
  context: ImportContext,
  name: string,
  content: string | Buffer,
  kind: RecordKind,
  columns?: string[],
) {
  const path = temp.file(name, content);
  return importRecords(context, await openFileSource(path, kind, columns ? { columns } : {}));
}

function expectAccounted(summary: ImportSummary): void {
  expect(summary.read).toBe(summary.accepted + summary.duplicates + summary.quarantined);
}

/** Good rows with every kind of bad row between them, as the foundation issue lists. */
const BAD_EVENTS = Buffer.concat([
  Buffer.from(
    [
      'user_id,item_id,type,value,timestamp', // 1 header
      'u1,i1,view,,1700000000', // 2 good
      'u2,i2,rating,abc,1700000001', // 3 wrong type
      ',i3,view,,1700000002', // 4 missing user id
      'u4,,click,,1700000003', // 5 missing item id
      'u5,i5,teleport,,1700000004', // 6 unknown event type
      'u6,i6,view,,4070908800', // 7 timestamp in 2099
      'u7,i7,rating,4,1700000006', // 8 good
      'u8,i8,view,,yesterday', // 9 not a timestamp
      'u9,i9,view,1700000008', // 10 a column short
      '', // 11 blank
      'u10,caf',
    ].join('\n'),
  ),
  Buffer.from([0xe9, 0xff]), // 12 invalid UTF-8 inside the item id
  Buffer.from(',view,,1700000010\nu11,i11,purchase,,1700000011\n'), // 13 good
  Buffer.from('u12,i12,vi'), // 14 truncated last line
]);

describe('importRecords', () => {
  it('imports every good row and quarantines every bad one with its line and reason', async () => {
    const { store, context } = await memoryContext();
    const summary = await importFile(context, 'bad-events.csv', BAD_EVENTS, 'event');
    expect(summary).toMatchObject({ read: 12, accepted: 3, duplicates: 0, quarantined: 9, blankLines: 1 });
    expectAccounted(summary);
    const quarantined = await store.listQuarantine({ status: 'open' });
    expect(
      quarantined.map((entry) => [entry.line, entry.problems[0]?.reason, entry.problems[0]?.field]),
    ).toEqual([
      [3, 'invalid_type', 'value'],
      [4, 'missing_field', 'userId'],
      [5, 'missing_field', 'itemId'],
      [6, 'unknown_event_type', 'type'],
      [7, 'timestamp_in_future', 'timestamp'],
      [9, 'invalid_timestamp', 'timestamp'],
      [10, 'wrong_column_count', null],
      [12, 'invalid_utf8', 'itemId'],
      [14, 'truncated_record', null],
    ]);
    expect(
      quarantined.every((entry) => entry.source.endsWith('bad-events.csv') && entry.raw.length > 0),
    ).toBe(true);
    const stats = await store.stats();
    expect(stats).toMatchObject({ events: 3, quarantined: 9 });
    expect((await store.userEvents('u7'))[0]).toMatchObject({
      type: 'rating',
      value: 4,
      timestamp: 1_700_000_006_000,
    });
  });

  it('changes nothing when the same file is imported again', async () => {
    const { store, context } = await memoryContext();
    await importFile(context, 'again.csv', BAD_EVENTS, 'event');
    const before = await store.stats();
    const again = await importFile(context, 'again.csv', BAD_EVENTS, 'event');
    expect(again).toMatchObject({ accepted: 0, duplicates: 3, quarantined: 9, alreadyQuarantined: 9 });
    expect(await store.stats()).toEqual(before);
  });

  it('never damages stored records: a bad update is quarantined and the stored item stays', async () => {
    const { store, context } = await memoryContext();
    await importFile(context, 'items.csv', 'id,title,price\na,Red tee,79\nb,Blue tee,89\n', 'item');
    const summary = await importFile(
      context,
      'items-bad.csv',
      'id,title,price\na,Red tee,-5\nb,Blue tee v2,99\n',
      'item',
    );
    expect(summary).toMatchObject({
      accepted: 1,
      updated: 1,
      quarantined: 1,
      quarantinedByReason: { out_of_range: 1 },
    });
    const items = await store.getItems(['a', 'b']);
    expect(items.find((item) => item.id === 'a')).toMatchObject({ title: 'Red tee', price: 79 });
    expect(items.find((item) => item.id === 'b')).toMatchObject({ title: 'Blue tee v2', price: 99 });
  });

  it('reads item columns by their usual names and keeps extra columns as attributes', async () => {
    const { store, context } = await memoryContext();
    const csv = [
      'SKU,Product Name,Category,Brand,Price,Currency,Seller,Tags,In Stock,color,attr.size,Description',
      'p1,优衣库 男士红色纯棉T恤,服装 > 男装 > T恤,Uniqlo,79.9,cny,s1,新品|包邮,no,红色,XL,"纯棉, 舒适\n夏季"',
    ].join('\n');
    const summary = await importFile(context, 'catalogue.csv', csv, 'item');
    expect(summary).toMatchObject({ accepted: 1, quarantined: 0 });
    expect((await store.getItems(['p1']))[0]).toEqual({
      id: 'p1',
      title: '优衣库 男士红色纯棉T恤',
      description: '纯棉, 舒适\n夏季',
      categoryPath: ['服装', '男装', 'T恤'],
      brand: 'Uniqlo',
      price: 79.9,
      currency: 'CNY',
      sellerId: 's1',
      tags: ['新品', '包邮'],
      attributes: { color: '红色', size: 'XL' },
      available: false,
    });
  });

  it('routes sensitive columns of a users file to protected attributes, storing age only as a band', async () => {
    const { store, context } = await memoryContext();
    const summary = await importFile(
      context,
      'users.csv',
      'user_id,gender,age,region,tier\nu1,女,29,上海,gold\nu2,,,,basic\n',
      'user',
    );
    expect(summary).toMatchObject({ accepted: 2, derived: { protected: { inserted: 1 } } });
    expect(await store.getUsers(['u1'])).toEqual([{ id: 'u1', attributes: { tier: 'gold' } }]);
    expect(await store.getProtected(['u1', 'u2'])).toEqual([
      { userId: 'u1', gender: 'female', ageBand: '25-34', region: '上海', other: {} },
    ]);
  });

  it('reads JSON Lines and quarantines lines that are not JSON objects', async () => {
    const { store, context } = await memoryContext();
    const jsonl = [
      '{"userId": 1, "itemId": "i1", "type": "pv", "timestamp": "2024-05-01T10:00:00Z"}',
      '{"userId": "u2", "itemId": "i2", "type": "rating", "value": 9, "timestamp": 1700000000}',
      'not json',
      '[1, 2]',
      '{"user_id": "u3", "item_id": "i3", "event_type": "buy", "ts": 1700000000000, "platform": "ios"}',
      '{"userId": "u4", "type": "search", "timestamp": 1700000000}',
      '{"userId": "u5", "type": "search", "query": "红色T恤", "timestamp": 1700000000}',
      '{"userId": "u6", "itemId": "i6", "type": "view", "timestamp": 1700000000, "dwellMs": -3}',
      '{"userId": "u7", "itemId": {"nested": true}, "type": "view", "timestamp": 1700000000}',
    ].join('\n');
    const summary = await importFile(context, 'events.jsonl', jsonl, 'event');
    expectAccounted(summary);
    expect(summary).toMatchObject({ read: 9, accepted: 3, quarantined: 6 });
    expect(summary.quarantinedByReason).toEqual({
      out_of_range: 2,
      invalid_json: 2,
      missing_field: 1,
      invalid_type: 1,
    });
    expect(summary.ignoredFields).toEqual({ platform: 1 });
    expect((await store.userEvents('1'))[0]).toMatchObject({
      type: 'view',
      timestamp: Date.UTC(2024, 4, 1, 10),
    });
    expect((await store.userEvents('u3'))[0]).toMatchObject({ type: 'purchase', itemId: 'i3' });
    expect((await store.userEvents('u5'))[0]).toMatchObject({ type: 'search', query: '红色T恤' });
  });

  it('reads gzip files, headerless files with given columns, and large files in several batches', async () => {
    const { store, context } = await memoryContext({}, 7);
    const rows = Array.from({ length: 50 }, (_, n) => `u${n % 5},i${n},click,,${1_700_000_000 + n}`).join(
      '\n',
    );
    const summary = await importFile(context, 'events.csv.gz', gzipSync(rows), 'event', [
      'user',
      'item',
      'type',
      'value',
      'time',
    ]);
    expect(summary).toMatchObject({ read: 50, accepted: 50, usersCreated: 5 });
    expect((await store.stats()).events).toBe(50);
  });

  it('quarantines a row with a stray quote and reads the rows after it', async () => {
    const { store, context } = await memoryContext();
    const lines = [
      'id,title',
      'a,"Pop Up Notes 3" X 3"',
      ...Array.from({ length: 250 }, (_, n) => `b${n},Note ${n}`),
    ];
    const summary = await importFile(context, 'quotes.csv', lines.join('\n'), 'item');
    expect(summary).toMatchObject({ accepted: 250, quarantined: 1, quarantinedByReason: { invalid_csv: 1 } });
    expect((await store.stats()).items).toBe(250);
  });

  it('keeps custom event types declared in the config and their aliases', async () => {
    const { store, context } = await memoryContext({
      events: { weights: { share: 5 }, aliases: { 'shared-it': 'share' } },
    });
    const summary = await importFile(
      context,
      'custom.csv',
      'user,item,type,ts\nu1,i1,share,1700000000\nu1,i2,shared-it,1700000001\n',
      'event',
    );
    expect(summary).toMatchObject({ accepted: 2, quarantined: 0 });
    expect((await store.userEvents('u1')).map((event) => event.type)).toEqual(['share', 'share']);
  });
});
