import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/store/open-store.js';
import { type ApiNode, startApiNode, stopApiNode } from './support/cluster.js';
import { tempDir } from './support/temp.js';

/**
 * Durability of acknowledged events on the embedded store: clients post event batches to a real
 * `aisle serve` process on a SQLite file while it is killed with SIGKILL (no shutdown, no flush).
 * Every event the API answered 2xx for must be in the file afterwards, exactly once; a batch the
 * crash cut off may be stored whole or not at all (one transaction), never in part.
 */
const temp = tempDir('aisle-crash-');
const nodes: ApiNode[] = [];

afterAll(async () => {
  await Promise.all(nodes.map((node) => stopApiNode(node)));
  temp.cleanup();
});

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

describe('kill -9 during ingestion (SQLite)', () => {
  it('loses no event the API acknowledged, and stores unanswered batches whole or not at all', async () => {
    const db = join(temp.dir, 'crash.db');
    const env = { AISLE_DB: db };
    const node = await startApiNode('crash', env);
    nodes.push(node);
    const acknowledged = new Set<string>();
    const sent = new Map<string, string[]>();
    let killed = false;
    let batches = 0;

    async function client(id: number): Promise<void> {
      for (let n = 0; !killed; n++) {
        const batch = Array.from({ length: 20 }, (_, at) => ({
          eventId: `crash-${id}-${n}-${at}`,
          userId: `u${(id * 31 + n) % 200}`,
          itemId: `i${(n * 7 + at) % 300}`,
          type: at % 5 === 0 ? 'cart' : 'view',
          timestamp: Date.now() - 1000,
        }));
        const key = `${id}-${n}`;
        sent.set(
          key,
          batch.map((event) => event.eventId),
        );
        try {
          const response = await fetch(`${node.base}/events`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ events: batch }),
          });
          const body = (await response.json()) as { accepted: number; duplicates: number };
          if (response.ok && body.accepted + body.duplicates === batch.length) {
            for (const event of batch) acknowledged.add(event.eventId);
            batches++;
          }
        } catch {
          return; // the server is gone
        }
      }
    }

    const clients = Array.from({ length: 6 }, (_, id) => client(id));
    // Kill while batches are in flight: after a fair number have been acknowledged.
    while (batches < 150) await sleep(20);
    const exited = new Promise((done) => node.process.once('exit', done));
    node.process.kill('SIGKILL');
    killed = true;
    await exited;
    await Promise.all(clients);
    expect(node.process.signalCode).toBe('SIGKILL');

    const store = await openStore(`sqlite:${db}`);
    try {
      const stored = new Map<string, number>();
      for await (const page of store.scanEvents({ batchSize: 5000 }))
        for (const event of page)
          if (event.eventId !== undefined) stored.set(event.eventId, (stored.get(event.eventId) ?? 0) + 1);
      const lost = [...acknowledged].filter((id) => !stored.has(id));
      expect(lost).toEqual([]);
      expect([...stored.values()].every((count) => count === 1)).toBe(true);
      expect(acknowledged.size).toBeGreaterThanOrEqual(150 * 20);
      // Nothing stored that was never sent, and no batch stored in part.
      for (const ids of sent.values()) {
        const present = ids.filter((id) => stored.has(id)).length;
        expect([0, ids.length]).toContain(present);
      }
      const sentIds = new Set([...sent.values()].flat());
      expect([...stored.keys()].every((id) => sentIds.has(id))).toBe(true);
    } finally {
      await store.close();
    }

    // The file opens cleanly for a new server, which serves the stored events.
    const restarted = await startApiNode('crash-restarted', env);
    nodes.push(restarted);
    const stats = (await (await fetch(`${restarted.base}/stats`)).json()) as { events: number };
    expect(stats.events).toBeGreaterThanOrEqual(acknowledged.size);
  }, 120_000);
});
