import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryContext } from '../../../test/support/ingest.js';
import { tempDir } from '../../../test/support/temp.js';
import { importAmazonReviews } from './amazon.js';
import { importInstacart, repairName } from './instacart.js';
import { importQueryLog } from './query-log.js';
import { decodeHtmlEntities, importTaobaoTitles } from './taobao-titles.js';
import { importTaobao } from './taobao.js';

const temp = tempDir('aisle-adapters-');
afterAll(() => temp.cleanup());

describe('Taobao UserBehavior adapter', () => {
  it('maps behaviour codes, derives items with their category and quarantines a cut-off last line', async () => {
    const path = temp.file(
      'UserBehavior.csv.gz',
      gzipSync(
        '1,100,7,pv,1511658000\n1,100,7,cart,1511658060\n2,200,8,buy,1511658100\n2,300,9,like-it,1511658200\n3,100,7,fav,15',
      ),
    );
    const { store, context } = await memoryContext();
    const summary = await importTaobao(context, path);
    const [step] = summary.steps;
    expect(step).toMatchObject({
      read: 5,
      accepted: 3,
      quarantined: 2,
      usersCreated: 2,
      derived: { item: { inserted: 2 } },
    });
    expect(step?.quarantinedByReason).toEqual({ unknown_event_type: 1, timestamp_too_old: 1 });
    expect((await store.userEvents('1')).map((event) => event.type)).toEqual(['cart', 'view']);
    expect((await store.userEvents('2'))[0]).toMatchObject({ type: 'purchase', itemId: '200' });
    expect((await store.getItems(['100']))[0]).toMatchObject({
      categoryPath: ['7'],
      title: 'Taobao item 100',
    });
  });
});

describe('Amazon reviews adapter', () => {
  it('reads reviews as ratings and keeps no reviewer names', async () => {
    const lines = [
      {
        reviewerID: 'A1',
        asin: 'B001',
        reviewerName: 'Jane Doe',
        overall: 5.0,
        unixReviewTime: 1393545600,
        reviewText: 'great',
      },
      { reviewerID: 'A2', asin: 'B001', overall: 2.0, unixReviewTime: 1363392000 },
      { reviewerID: 'A3', asin: 'B002', overall: 'five', unixReviewTime: 1363392000 },
    ].map((line) => JSON.stringify(line));
    const path = temp.file('reviews.json.gz', gzipSync(`${lines.join('\n')}\n{"reviewerID": "A4", "asin"`));
    const { store, context } = await memoryContext();
    const [step] = (await importAmazonReviews(context, path)).steps;
    expect(step).toMatchObject({
      read: 4,
      accepted: 2,
      quarantined: 2,
      quarantinedByReason: { invalid_type: 1, truncated_record: 1 },
    });
    expect((await store.userEvents('A1'))[0]).toMatchObject({
      type: 'rating',
      value: 5,
      itemId: 'B001',
      timestamp: 1_393_545_600_000,
    });
    expect(JSON.stringify(await store.getUsers(['A1']))).not.toMatch(/Jane/);
  });
});

describe('Instacart adapter', () => {
  it('reads damaged product lines, repairs names and quarantines order lines of unknown orders', async () => {
    const dir = join(temp.dir, 'instacart');
    mkdirSync(dir);
    writeFileSync(join(dir, 'aisles.csv'), 'aisle_id,aisle\n94,tea\n85,food storage\n');
    writeFileSync(join(dir, 'depertments.csv'), 'department_id,department\n7,beverages\n17,household\n');
    writeFileSync(
      join(dir, 'products.csv'),
      [
        'product_id,product_name,aisle_id,department_id',
        '483,"\\""Constant Comment\\"""" Decaffeinated Black Tea Blend""",94,7',
        '1147,"Pop Up Notes, 3"" X 3"",85,17\r',
        '2,Ros<U+00E9> Tea,94,7',
        '3,RosÃ© Wine Tea,94,7',
        '4,Orphan,999,7',
      ].join('\n') + '\n',
    );
    writeFileSync(
      join(dir, 'orders.csv'),
      'order_id,user_id,eval_set,order_number,order_dow,order_hour_of_day,days_since_prior_order\n10,u1,prior,1,2,"09",\n11,u1,prior,2,3,"10",7.0\n',
    );
    writeFileSync(
      join(dir, 'order_products__prior.csv'),
      'order_id,product_id,add_to_cart_order,reordered\n10,483,1,0\n11,2,1,0\n12,3,1,0\n',
    );
    const { store, context } = await memoryContext();
    const summary = await importInstacart(context, dir);
    expect(summary.steps.map((step) => [step.kind, step.accepted, step.quarantined])).toEqual([
      ['item', 4, 1],
      ['event', 2, 1],
    ]);
    const titles = Object.fromEntries(
      (await store.getItems(['483', '1147', '2', '3'])).map((item) => [item.id, item.title]),
    );
    expect(titles).toEqual({
      '483': '"Constant Comment" Decaffeinated Black Tea Blend',
      '1147': 'Pop Up Notes, 3" X 3"',
      '2': 'Rosé Tea',
      '3': 'Rosé Wine Tea',
    });
    expect((await store.getItems(['483']))[0]?.categoryPath).toEqual(['beverages', 'tea']);
    const history = await store.userEvents('u1');
    expect(history.map((event) => [event.itemId, event.sessionId, event.timestamp])).toEqual([
      ['2', '11', Date.UTC(2017, 0, 8, 10)],
      ['483', '10', Date.UTC(2017, 0, 1, 9)],
    ]);
    expect(
      (await store.listQuarantine()).map(
        (entry) => `${entry.problems[0]?.reason}:${entry.problems[0]?.field}`,
      ),
    ).toEqual(['unknown_reference:aisle_id', 'unknown_reference:order_id']);
  });

  it('repairs escaped and mis-decoded names', () => {
    expect(repairName('"Pretzel \\""Shells\\"""""""')).toBe('Pretzel "Shells"');
    expect(repairName("Natur<U+0435>'s Sweetener")).toBe("Naturе's Sweetener");
    expect(repairName("NaturÐµ's Sweetener")).toBe("Naturе's Sweetener");
    expect(repairName('Crème Brûlée')).toBe('Crème Brûlée');
  });
});

describe('Taobao product titles adapter', () => {
  it('turns annotated titles into a Chinese catalogue', async () => {
    const lines = [
      {
        split: 'train',
        title: '耐克nike运动鞋&mdash男款',
        entities: [
          { type: 'HPPX', text: '耐克' },
          { type: 'HCCX', text: '运动鞋' },
          { type: 'XH', text: 'x5' },
        ],
      },
      { split: 'dev', title: '', entities: [] },
    ].map((line) => JSON.stringify(line));
    const path = temp.file('titles.jsonl.gz', gzipSync(lines.join('\n')));
    const { store, context } = await memoryContext();
    const [step] = (await importTaobaoTitles(context, path)).steps;
    expect(step).toMatchObject({ accepted: 1, quarantined: 1, quarantinedByReason: { missing_field: 1 } });
    expect((await store.getItems(['title-1']))[0]).toMatchObject({
      title: '耐克nike运动鞋—男款',
      brand: '耐克',
      tags: ['运动鞋'],
      attributes: { split: 'train', model: 'x5' },
      language: 'zh',
    });
  });

  it('decodes HTML entities with or without the semicolon', () => {
    expect(decodeHtmlEntities('a&amp;b &hellip &#26032; &unknown;')).toBe('a&b … 新 &unknown;');
  });
});

describe('query log adapter', () => {
  it('reads id<TAB>query lines with prefixed ids, once', async () => {
    const path = temp.file('dev.query.txt', '200000\t减速器链条\n200001\ttasco望远镜\n\n200002\n');
    const { store, context } = await memoryContext();
    const [first] = (await importQueryLog(context, path)).steps;
    expect(first).toMatchObject({ read: 3, accepted: 2, quarantined: 1, blankLines: 1 });
    const [second] = (await importQueryLog(context, path)).steps;
    expect(second).toMatchObject({ accepted: 0, duplicates: 2 });
    const queries = [];
    for await (const page of store.scanQueries()) queries.push(...page);
    expect(queries.map((query) => `${query.id}=${query.text}`)).toEqual([
      'dev.query:200000=减速器链条',
      'dev.query:200001=tasco望远镜',
    ]);
  });
});
