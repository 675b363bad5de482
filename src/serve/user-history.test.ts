import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/temp.js';
import { defaultConfig } from '../core/config.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { ActivityReader } from './user-history.js';

/**
 * The request-time history cache against a real SQLite file opened twice, as two workers or two
 * nodes open it: the second handle writes, the first one's reader must see it on the next read.
 */
describe('ActivityReader', () => {
  const temp = tempDir('aisle-history-');
  const opened: Store[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });

  async function twoHandles(): Promise<[Store, Store]> {
    const path = join(temp.dir, `${opened.length}.db`);
    const reader = await openStore(`sqlite:${path}`);
    const writer = await openStore(`sqlite:${path}`);
    opened.push(reader, writer);
    return [reader, writer];
  }

  const config = defaultConfig();
  const view = (userId: string, itemId: string, timestamp: number) => ({
    userId,
    itemId,
    type: 'view',
    timestamp,
  });

  it('reuses a cached history while the store has nothing new for the user', async () => {
    const [reader, writer] = await twoHandles();
    await writer.appendEvents([view('u1', 'i1', 1000)], await writer.beginBatch('t', 'event'));
    const activity = new ActivityReader(reader, config);
    const first = await activity.read('u1');
    // Another user's event changes nothing for u1.
    await writer.appendEvents([view('u2', 'i2', 2000)], await writer.beginBatch('t', 'event'));
    expect(await activity.read('u1')).toBe(first);
    expect([activity.hits, activity.misses]).toEqual([1, 1]);
  });

  it('shows an event written through another handle on the very next read, and an erasure too', async () => {
    const [reader, writer] = await twoHandles();
    await writer.appendEvents([view('u1', 'i1', 1000)], await writer.beginBatch('t', 'event'));
    const activity = new ActivityReader(reader, config);
    expect([...(await activity.read('u1')).weights.keys()]).toEqual(['i1']);
    await writer.appendEvents([view('u1', 'i2', 500)], await writer.beginBatch('t', 'event'));
    expect([...(await activity.read('u1')).weights.keys()].sort()).toEqual(['i1', 'i2']);
    await writer.deleteUser('u1');
    expect((await activity.read('u1')).eventCount).toBe(0);
  });
});
