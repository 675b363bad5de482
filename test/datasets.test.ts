import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configSchema } from '../src/core/config.js';
import { importAmazonReviews } from '../src/ingest/adapters/amazon.js';
import { importInstacart } from '../src/ingest/adapters/instacart.js';
import { importMovieLens } from '../src/ingest/adapters/movielens.js';
import { importQueryLog } from '../src/ingest/adapters/query-log.js';
import { importTaobaoTitles } from '../src/ingest/adapters/taobao-titles.js';
import { importTaobao } from '../src/ingest/adapters/taobao.js';
import type { ImportContext } from '../src/ingest/import-records.js';
import { createRecordSchemas } from '../src/ingest/validators.js';
import { openStore } from '../src/store/open-store.js';
import type { Store } from '../src/store/store.js';
import { dataset } from './support/datasets.js';
import { tempDir } from './support/temp.js';

/**
 * Every real data set in ../shared/datasets imports, with the counts its README states.
 * Each runs against a real SQLite file.
 */
const temp = tempDir('aisle-datasets-');
afterAll(() => temp.cleanup());

async function fileContext(name: string): Promise<{ store: Store; context: ImportContext }> {
  const store = await openStore(join(temp.dir, `${name}.db`));
  return {
    store,
    context: { store, schemas: createRecordSchemas(configSchema.parse({})), batchSize: 50_000 },
  };
}

const ml100k = dataset('ml-100k');
describe.skipIf(!ml100k.present)('real data: MovieLens 100K', () => {
  it('imports 100,000 events, 943 users with protected attributes and 1,682 items, and a second run changes nothing', async () => {
    const { store, context } = await fileContext('ml-100k');
    await importMovieLens(context, ml100k.path);
    const stats = await store.stats();
    expect(stats).toEqual({
      items: 1682,
      users: 943,
      usersWithProtected: 943,
      events: 100_000,
      quarantined: 0,
    });
    const again = await importMovieLens(context, ml100k.path);
    expect(again.steps.every((step) => step.accepted === 0 && step.quarantined === 0)).toBe(true);
    expect(await store.stats()).toEqual(stats);
    expect((await store.getItems(['543']))[0]?.title).toBe('Misérables, Les (1995)');
    await store.close();
  });
});

const mlLatest = dataset('ml-latest-small');
describe.skipIf(!mlLatest.present)('real data: MovieLens latest-small', () => {
  it('imports 9,742 movies and 100,836 ratings of 610 users', async () => {
    const { store, context } = await fileContext('ml-latest');
    const summary = await importMovieLens(context, mlLatest.path);
    expect(await store.stats()).toEqual({
      items: 9742,
      users: 610,
      usersWithProtected: 0,
      events: 100_836,
      quarantined: 0,
    });
    expect(summary.notes.join(' ')).toMatch(/tags/);
    await store.close();
  });
});

const taobaoHistories = dataset('taobao-userbehavior', 'betashepherd-HotItems', 'UserBehavior.csv.gz');
const taobaoSlice = dataset('taobao-userbehavior', 'rdav27-flink_ecommerce', 'UserBehavior.csv.gz');
describe.skipIf(!taobaoHistories.present || !taobaoSlice.present)('real data: Taobao UserBehavior', () => {
  it('imports both subsets with their users and items', async () => {
    const histories = await fileContext('taobao-histories');
    await importTaobao(histories.context, taobaoHistories.path);
    expect(await histories.store.stats()).toEqual({
      items: 7623,
      users: 114,
      usersWithProtected: 0,
      events: 10_000,
      quarantined: 0,
    });
    const slice = await fileContext('taobao-slice');
    await importTaobao(slice.context, taobaoSlice.path);
    expect(await slice.store.stats()).toEqual({
      items: 75_384,
      users: 58_732,
      usersWithProtected: 0,
      events: 96_168,
      quarantined: 0,
    });
    await histories.store.close();
    await slice.store.close();
  });
});

const amazon = dataset('amazon-musical-instruments-5core', 'Musical_Instruments.json.gz');
describe.skipIf(!amazon.present)('real data: Amazon 5-core reviews', () => {
  it('imports 10,261 ratings of 1,429 users on 900 items', async () => {
    const { store, context } = await fileContext('amazon');
    await importAmazonReviews(context, amazon.path);
    expect(await store.stats()).toEqual({
      items: 900,
      users: 1429,
      usersWithProtected: 0,
      events: 10_261,
      quarantined: 0,
    });
    await store.close();
  });
});

const instacartA = dataset('instacart', 'billyrohh-instacart_dataset');
const instacartB = dataset('instacart', 'Santoshmandati-Market-Analysis');
describe.skipIf(!instacartA.present || !instacartB.present)(
  'real data: Instacart (two damaged copies)',
  () => {
    it('imports every product of both copies, agreeing on their overlap, and quarantines order lines of missing orders', async () => {
      const { store, context } = await fileContext('instacart');
      const b = await importInstacart(context, instacartB.path);
      expect(b.steps[0]).toMatchObject({ read: 19_428, accepted: 19_428, quarantined: 0 });
      const a = await importInstacart(context, instacartA.path);
      // The files share 3,646 ids (the folder README says 3,629; counting the files gives 3,646 and a
      // union of 25,070). Once repaired, both copies name every shared product identically: no "changed".
      expect(a.steps[0]).toMatchObject({
        read: 9288,
        inserted: 9288 - 3646,
        updated: 0,
        duplicates: 3646,
        quarantined: 0,
      });
      expect(a.steps[1]).toMatchObject({
        read: 32_290,
        accepted: 30_121,
        quarantined: 2169,
        quarantinedByReason: { unknown_reference: 2169 },
      });
      expect((await store.stats()).items).toBe(25_070);
      await store.close();
    });
  },
);

const titles = dataset('taobao-product-titles-ner');
describe.skipIf(!titles.present)('real data: Taobao product titles', () => {
  it('imports 7,998 Chinese titles with brands and product words', async () => {
    const { store, context } = await fileContext('titles');
    const [step] = (await importTaobaoTitles(context, titles.path)).steps;
    expect(step).toMatchObject({ read: 7998, accepted: 7998, quarantined: 0 });
    const items = await store.getItems(['title-1', 'title-2']);
    expect(items.every((item) => item.language === 'zh' && item.title.length > 0)).toBe(true);
    await store.close();
  });
});

const queries = dataset('multi-cpr-ecom-queries');
describe.skipIf(!queries.present)('real data: Multi-CPR query log', () => {
  it('imports 100,000 training and 1,000 dev queries', async () => {
    const { store, context } = await fileContext('queries');
    const [train] = (await importQueryLog(context, join(queries.path, 'train.query.txt.gz'))).steps;
    const [dev] = (await importQueryLog(context, join(queries.path, 'dev.query.txt'))).steps;
    expect(train).toMatchObject({ read: 100_000, accepted: 100_000, quarantined: 0 });
    expect(dev).toMatchObject({ read: 1000, accepted: 1000, quarantined: 0 });
    await store.close();
  });
});
