import { afterAll, describe, expect, it } from 'vitest';
import { memoryContext } from '../../test/support/ingest.js';
import { tempDir } from '../../test/support/temp.js';
import { openFileSource } from './file-sources.js';
import { importRecords } from './import-records.js';
import { readmitQuarantined } from './readmit.js';

const temp = tempDir('aisle-readmit-');
afterAll(() => temp.cleanup());

async function setup() {
  const { store, context } = await memoryContext();
  const csv = Buffer.concat([
    Buffer.from('user,item,type,value,ts\nu1,i1,teleport,,1700000000\nu2,i2,rating,9,1700000001\nu3,caf'),
    Buffer.from([0xff]),
    Buffer.from(',view,,1700000002\nu4,i4,vi'),
  ]);
  const path = temp.file(`bad-${Math.random()}.csv`, csv);
  await importRecords(context, await openFileSource(path, 'event'));
  const open = await store.listQuarantine({ status: 'open' });
  const idOf = (line: number) => open.find((entry) => entry.line === line)!.id;
  return { store, context, idOf };
}

describe('readmitQuarantined', () => {
  it('stores a fixed record and marks it readmitted', async () => {
    const { store, context, idOf } = await setup();
    const [outcome] = await readmitQuarantined(
      context,
      [idOf(2)],
      new Map([[idOf(2), { set: { type: 'click' } }]]),
    );
    expect(outcome).toMatchObject({ readmitted: true, duplicate: false });
    expect((await store.userEvents('u1'))[0]).toMatchObject({ type: 'click', itemId: 'i1' });
    expect(await store.getQuarantine(idOf(2))).toMatchObject({
      status: 'readmitted',
      record: { type: 'click' },
    });
    expect((await store.stats()).quarantined).toBe(3);
  });

  it('keeps a record that is still invalid in quarantine with its new problems', async () => {
    const { store, context, idOf } = await setup();
    const [outcome] = await readmitQuarantined(
      context,
      [idOf(3)],
      new Map([[idOf(3), { set: { value: '7' } }]]),
    );
    expect(outcome).toMatchObject({
      readmitted: false,
      problems: [{ field: 'value', reason: 'out_of_range' }],
    });
    expect(await store.getQuarantine(idOf(3))).toMatchObject({ status: 'open', record: { value: '7' } });
    expect(await store.userEvents('u2')).toEqual([]);
  });

  it('refuses text that still shows invalid bytes unless fixed or accepted', async () => {
    const { store, context, idOf } = await setup();
    const id = idOf(4);
    expect((await readmitQuarantined(context, [id]))[0]).toMatchObject({
      readmitted: false,
      problems: [{ field: 'itemId', reason: 'invalid_utf8' }],
    });
    expect(
      (await readmitQuarantined(context, [id], new Map([[id, { set: { itemId: 'café' } }]])))[0]?.readmitted,
    ).toBe(true);
    expect((await store.userEvents('u3'))[0]?.itemId).toBe('café');
  });

  it('needs a whole record for one that could not be read, and reports re-sent records as duplicates', async () => {
    const { store, context, idOf } = await setup();
    const id = idOf(5);
    expect((await readmitQuarantined(context, [id]))[0]).toMatchObject({
      readmitted: false,
      problems: [{ reason: 'unreadable' }],
    });
    const record = { userId: 'u1', itemId: 'i1', type: 'view', timestamp: 1_700_000_000 };
    await store.appendEvents([{ userId: 'u1', itemId: 'i1', type: 'view', timestamp: 1_700_000_000_000 }], 0);
    expect((await readmitQuarantined(context, [id], new Map([[id, { record }]])))[0]).toMatchObject({
      readmitted: true,
      duplicate: true,
    });
  });

  it('fails clearly for unknown or already resolved ids', async () => {
    const { context, idOf } = await setup();
    await expect(readmitQuarantined(context, [424242])).rejects.toThrow(
      /No quarantined record with id 424242/,
    );
    await readmitQuarantined(context, [idOf(2)], new Map([[idOf(2), { set: { type: 'view' } }]]));
    await expect(readmitQuarantined(context, [idOf(2)])).rejects.toThrow(/already readmitted/);
  });
});
