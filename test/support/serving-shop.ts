import type { Aisle } from '../../src/aisle.js';
import { seedDemo } from '../../src/ingest/demo/seed-demo.js';
import { trainFromStore } from '../../src/models/train.js';

/**
 * The small shop the serving tests run on: a seeded demo shop (300 items, 120 shoppers, dated
 * before November 2026) with EASE trained as serving version 1. Returns the first shopper in the
 * event log with a purchase, a user whose feed has history behind it.
 */
export async function seedServingShop(aisle: Aisle): Promise<{ userWithHistory: string }> {
  await seedDemo(aisle.importContext(), {
    items: 300,
    users: 120,
    sessionsPerUser: 6,
    anchor: Date.UTC(2026, 10, 1),
  });
  await trainFromStore(aisle.store, aisle.config, { model: 'ease', seed: 1 });
  for await (const page of aisle.store.scanEvents({ batchSize: 5000 })) {
    const userId = page.find((event) => event.type === 'purchase')?.userId;
    if (userId) return { userWithHistory: userId };
  }
  throw new Error('the demo shop has no purchase');
}
