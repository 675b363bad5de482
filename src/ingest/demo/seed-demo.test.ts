import { describe, expect, it } from 'vitest';
import { TEST_NOW, memoryContext } from '../../../test/support/ingest.js';
import { createRng } from '../../core/rng.js';
import { generateDemoBehaviour } from './demo-behaviour.js';
import { generateDemoCatalogue } from './demo-catalogue.js';
import { seedDemo } from './seed-demo.js';

describe('demo shop', () => {
  it('is the same for the same seed', () => {
    const make = () => {
      const rng = createRng(5);
      const items = generateDemoCatalogue(rng, { items: 200, sellers: 20, anchor: TEST_NOW });
      return {
        items: items.map((item) => item.input),
        ...generateDemoBehaviour(rng, items, { users: 50, sessionsPerUser: 4, anchor: TEST_NOW, days: 30 }),
      };
    };
    expect(make()).toEqual(make());
  });

  it('has Chinese, English and mixed titles, categories, brands, prices and sellers', () => {
    const items = generateDemoCatalogue(createRng(1), { items: 500, sellers: 30, anchor: TEST_NOW }).map(
      (item) => item.input,
    );
    const chinese = items.filter(
      (item) => /[\u4e00-\u9fff]/.test(item.title) && !/[A-Za-z]{3}/.test(item.title),
    );
    const english = items.filter((item) => !/[\u4e00-\u9fff]/.test(item.title));
    const mixed = items.filter(
      (item) => /[\u4e00-\u9fff]/.test(item.title) && /[A-Za-z]{3}/.test(item.title),
    );
    expect(chinese.length).toBeGreaterThan(100);
    expect(english.length).toBeGreaterThan(50);
    expect(mixed.length).toBeGreaterThan(10);
    expect(
      items.every((item) => item.categoryPath.length === 2 && item.price > 0 && item.sellerId && item.brand),
    ).toBe(true);
    expect(new Set(items.map((item) => item.sellerId)).size).toBeGreaterThan(15);
  });

  it('imports through the normal path with nothing quarantined, and re-seeding changes nothing', async () => {
    const { store, context } = await memoryContext();
    const options = { seed: 3, items: 300, users: 100, sessionsPerUser: 5, anchor: TEST_NOW };
    const summary = await seedDemo(context, options);
    expect(summary.steps.every((step) => step.quarantined === 0)).toBe(true);
    const stats = await store.stats();
    expect(stats).toMatchObject({ items: 300, users: 100, usersWithProtected: 100, quarantined: 0 });
    expect(stats.events).toBeGreaterThan(1000);
    const types = new Set<string>();
    for await (const page of store.scanEvents()) for (const event of page) types.add(event.type);
    expect([...types].sort()).toEqual(['cart', 'click', 'favorite', 'purchase', 'rating', 'search', 'view']);
    await seedDemo(context, options);
    expect(await store.stats()).toEqual(stats);
  });
});
