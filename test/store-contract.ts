import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Item } from '../src/core/entities.js';
import type { Event } from '../src/core/event.js';
import type { QualityFlagInput, QuarantineInput, Store } from '../src/store/store.js';

/**
 * The store contract: every Store implementation (SQLite, PostgreSQL) must pass this same suite.
 * `open` returns a fresh, empty store; `dispose` removes it.
 */
export function runStoreContract(
  name: string,
  open: () => Promise<Store>,
  dispose: (store: Store) => Promise<void>,
): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await dispose(store);
    });

    const item = (id: string, overrides: Partial<Item> = {}): Item => ({
      id,
      title: `Item ${id} 红色T恤`,
      categoryPath: ['服装', 'T恤'],
      attributes: { color: 'red', size: 'M', organic: true, weight: 0.2 },
      tags: ['新品'],
      available: true,
      ...overrides,
    });
    const event = (
      userId: string,
      itemId: string,
      timestamp: number,
      overrides: Partial<Event> = {},
    ): Event => ({
      userId,
      itemId,
      type: 'view',
      timestamp,
      ...overrides,
    });

    it('starts empty', async () => {
      expect(await store.stats()).toEqual({
        items: 0,
        users: 0,
        usersWithProtected: 0,
        events: 0,
        quarantined: 0,
      });
    });

    it('round-trips items with every field and tells new, changed and unchanged apart', async () => {
      const full = item('a', {
        description: 'desc',
        brand: 'Uniqlo',
        price: 79.9,
        currency: 'CNY',
        sellerId: 's1',
        language: 'zh',
        createdAt: 1_700_000_000_000,
        available: false,
      });
      expect(await store.upsertItems([full, item('b')])).toEqual({ inserted: 2, updated: 0, unchanged: 0 });
      expect(await store.upsertItems([full, item('b')])).toEqual({ inserted: 0, updated: 0, unchanged: 2 });
      expect(await store.upsertItems([{ ...full, price: 69.9 }])).toEqual({
        inserted: 0,
        updated: 1,
        unchanged: 0,
      });
      const [stored] = await store.getItems(['a']);
      expect(stored).toEqual({ ...full, price: 69.9 });
      expect(await store.getItems(['missing'])).toEqual([]);
    });

    it('scans every item in pages', async () => {
      await store.upsertItems(Array.from({ length: 25 }, (_, n) => item(`i${String(n).padStart(2, '0')}`)));
      const pages: number[] = [];
      const ids: string[] = [];
      for await (const page of store.scanItems(10)) {
        pages.push(page.length);
        ids.push(...page.map((entry) => entry.id));
      }
      expect(pages).toEqual([10, 10, 5]);
      expect(new Set(ids).size).toBe(25);
    });

    it('lists the items written since a time, and the newest write time', async () => {
      expect(await store.latestItemUpdate()).toBe(0);
      await store.upsertItems([item('a'), item('b'), item('c')]);
      const first = await store.latestItemUpdate();
      expect(first).toBeGreaterThan(0);
      // The next write is stamped strictly later.
      while (Date.now() <= first) await new Promise((resolve) => setTimeout(resolve, 1));
      await store.upsertItems([item('b'), { ...item('c'), title: 'changed' }, item('d')]);
      const second = await store.latestItemUpdate();
      expect(second).toBeGreaterThan(first);
      const since = async (time: number, batchSize?: number) => {
        const pages: string[][] = [];
        for await (const page of store.scanItemsUpdatedSince(time, batchSize))
          pages.push(page.map((entry) => entry.id));
        return pages;
      };
      // b was re-sent unchanged: it keeps its first time.
      expect(await since(second)).toEqual([['c', 'd']]);
      expect((await since(first, 2)).flat()).toEqual(['a', 'b', 'c', 'd']);
      expect(await since(first, 2)).toEqual([
        ['a', 'b'],
        ['c', 'd'],
      ]);
      expect(await since(second + 1)).toEqual([]);
      const [changed] = await store.getItems(['c']);
      expect(changed?.title).toBe('changed');
    });

    it('keeps users and protected attributes apart', async () => {
      expect(await store.upsertUsers([{ id: 'u1', attributes: { tier: 'gold' } }])).toEqual({
        inserted: 1,
        updated: 0,
        unchanged: 0,
      });
      expect(
        await store.upsertProtected([
          { userId: 'u1', gender: 'female', ageBand: '25-34', region: '上海', other: { religion: 'x' } },
        ]),
      ).toEqual({ inserted: 1, updated: 0, unchanged: 0 });
      expect(await store.getUsers(['u1'])).toEqual([{ id: 'u1', attributes: { tier: 'gold' } }]);
      expect(await store.getProtected(['u1'])).toEqual([
        { userId: 'u1', gender: 'female', ageBand: '25-34', region: '上海', other: { religion: 'x' } },
      ]);
      const scanned = [];
      for await (const page of store.scanProtected()) scanned.push(...page);
      expect(scanned).toHaveLength(1);
      expect(await store.stats()).toMatchObject({ users: 1, usersWithProtected: 1 });
    });

    it('creates only the users that do not exist yet', async () => {
      await store.upsertUsers([{ id: 'u1', attributes: { tier: 'gold' } }]);
      expect(await store.ensureUsers(['u1', 'u2', 'u3'])).toBe(2);
      expect(await store.ensureUsers(['u1', 'u2', 'u3'])).toBe(0);
      expect((await store.getUsers(['u1']))[0]?.attributes).toEqual({ tier: 'gold' });
    });

    it('appends events idempotently, by event id and by natural key', async () => {
      const batch = await store.beginBatch('test', 'event');
      const events = [
        event('u1', 'i1', 1000, { eventId: 'e1' }),
        event('u1', 'i2', 2000),
        event('u2', 'i1', 3000, { type: 'rating', value: 4.5, sessionId: 's1', dwellMs: 1200 }),
        { userId: 'u2', type: 'search', query: '红色 T恤', timestamp: 4000 },
      ];
      expect(await store.appendEvents(events, batch)).toEqual({
        inserted: 4,
        duplicates: 0,
        usersCreated: 2,
      });
      expect(await store.appendEvents(events, batch)).toEqual({
        inserted: 0,
        duplicates: 4,
        usersCreated: 0,
      });
      // Same event id, other content: still the same event.
      expect(await store.appendEvents([event('u9', 'i9', 9999, { eventId: 'e1' })], batch)).toMatchObject({
        inserted: 0,
        duplicates: 1,
      });
      // Same user, time, type and item without ids: a re-sent event.
      expect(await store.appendEvents([event('u1', 'i2', 2000)], batch)).toMatchObject({
        inserted: 0,
        duplicates: 1,
      });
      // Another type at the same moment is another event.
      expect(await store.appendEvents([event('u1', 'i2', 2000, { type: 'click' })], batch)).toMatchObject({
        inserted: 1,
        duplicates: 0,
      });
      expect(await store.stats()).toMatchObject({ events: 5, users: 2 });
    });

    it('returns a user history newest first, with every field', async () => {
      const batch = await store.beginBatch('test', 'event');
      await store.appendEvents(
        [
          event('u1', 'i1', 1000),
          event('u1', 'i2', 3000, { type: 'rating', value: 4, sessionId: 's', dwellMs: 10, eventId: 'x' }),
          event('u1', 'i3', 2000),
          event('u2', 'i1', 5000),
          { userId: 'u1', type: 'search', query: 'tee', timestamp: 4000 },
        ],
        batch,
      );
      const history = await store.userEvents('u1', 3);
      expect(history.map((entry) => entry.timestamp)).toEqual([4000, 3000, 2000]);
      expect(history[0]).toMatchObject({ userId: 'u1', type: 'search', query: 'tee' });
      expect(history[0]?.itemId).toBeUndefined();
      expect(history[1]).toMatchObject({
        itemId: 'i2',
        type: 'rating',
        value: 4,
        sessionId: 's',
        dwellMs: 10,
        eventId: 'x',
        batchId: batch,
      });
    });

    it("tells the latest seq of a user's events, which moves with every append of theirs only", async () => {
      expect(await store.latestUserEventSeq('u1')).toBe(0);
      const batch = await store.beginBatch('test', 'event');
      await store.appendEvents([event('u1', 'i1', 1000), event('u2', 'i1', 1500)], batch);
      const first = await store.latestUserEventSeq('u1');
      const history = await store.userEvents('u1');
      expect(first).toBe(Math.max(...history.map((entry) => entry.seq)));
      await store.appendEvents([event('u2', 'i2', 2000)], batch);
      expect(await store.latestUserEventSeq('u1')).toBe(first);
      // An older event arriving late still gets a new, higher seq.
      await store.appendEvents([event('u1', 'i3', 500)], batch);
      expect(await store.latestUserEventSeq('u1')).toBeGreaterThan(first);
      await store.deleteUser('u1');
      expect(await store.latestUserEventSeq('u1')).toBe(0);
    });

    it('follows the event log by sequence number', async () => {
      const batch = await store.beginBatch('test', 'event');
      await store.appendEvents(
        Array.from({ length: 7 }, (_, n) => event(`u${n}`, 'i', n)),
        batch,
      );
      const seen: number[] = [];
      let last = 0;
      for await (const page of store.scanEvents({ batchSize: 3 })) {
        for (const entry of page) {
          expect(entry.seq).toBeGreaterThan(last);
          last = entry.seq;
          seen.push(entry.timestamp);
        }
      }
      expect(seen).toHaveLength(7);
      await store.appendEvents([event('late', 'i', 99)], batch);
      const after = [];
      for await (const page of store.scanEvents({ afterSeq: last })) after.push(...page);
      expect(after.map((entry) => entry.userId)).toEqual(['late']);
    });

    it('writes a batch all or nothing', async () => {
      const batch = await store.beginBatch('test', 'event');
      const broken = { userId: null, itemId: 'i', type: 'view', timestamp: 2 } as unknown as Event;
      await expect(store.appendEvents([event('u1', 'i1', 1), broken], batch)).rejects.toThrow();
      expect((await store.stats()).events).toBe(0);
    });

    it('creates the users that events name, keeping users already stored as they are', async () => {
      const batch = await store.beginBatch('test', 'event');
      await store.upsertUsers([{ id: 'u1', attributes: { tier: 'gold' } }]);
      const counts = await store.appendEvents(
        [event('u1', 'i1', 1), event('u2', 'i1', 2), event('u2', 'i2', 3), event('u3', 'i1', 4)],
        batch,
      );
      expect(counts).toEqual({ inserted: 4, duplicates: 0, usersCreated: 2 });
      expect((await store.getUsers(['u1', 'u2', 'u3'])).map((user) => [user.id, user.attributes])).toEqual([
        ['u1', { tier: 'gold' }],
        ['u2', {}],
        ['u3', {}],
      ]);
    });

    it('bulk-loads events and leaves users and history lookups as an ordinary append would', async () => {
      await store.upsertUsers([{ id: 'u1', attributes: { tier: 'gold' } }]);
      const load = await store.beginBulkLoad(10_000_000);
      const batch = await store.beginBatch('bulk', 'event');
      const events = Array.from({ length: 300 }, (_, n) => event(`u${n % 7}`, `i${n}`, 1000 + n));
      expect(await store.appendEvents(events.slice(0, 200), batch)).toMatchObject({
        inserted: 200,
        duplicates: 0,
      });
      expect(await store.appendEvents(events.slice(150), batch)).toMatchObject({
        inserted: 100,
        duplicates: 50,
      });
      const { usersCreated } = await load.finish();
      expect(usersCreated).toBe(6);
      expect(await store.stats()).toMatchObject({ events: 300, users: 7 });
      expect((await store.getUsers(['u1']))[0]?.attributes).toEqual({ tier: 'gold' });
      expect((await store.userEvents('u3', 2)).map((entry) => entry.timestamp)).toEqual([1297, 1290]);
      // After the load, appends create users again.
      expect(await store.appendEvents([event('late', 'i', 5)], batch)).toMatchObject({
        inserted: 1,
        usersCreated: 1,
      });
    });

    it('loads small imports without bulk mode', async () => {
      const load = await store.beginBulkLoad(10);
      expect(load.bulk).toBe(false);
      expect(await load.finish()).toEqual({ usersCreated: 0 });
    });

    it('erases a user with their events and protected attributes', async () => {
      const batch = await store.beginBatch('test', 'event');
      await store.upsertUsers([
        { id: 'u1', attributes: {} },
        { id: 'u2', attributes: {} },
      ]);
      await store.upsertProtected([{ userId: 'u1', gender: 'male', other: {} }]);
      await store.appendEvents([event('u1', 'i1', 1), event('u1', 'i2', 2), event('u2', 'i1', 3)], batch);
      const quarantined = (line: number, kind: 'event' | 'user', record: Record<string, unknown>) => ({
        kind,
        source: 'erase.csv',
        line,
        problems: [{ field: 'type', reason: 'unknown_event_type', message: 'no such type' }],
        raw: JSON.stringify(record),
        record,
        batchId: batch,
      });
      await store.addQuarantine([
        quarantined(1, 'event', { user_id: 'u1', item_id: 'i1', type: 'teleport' }),
        quarantined(2, 'event', { userId: 'u1', itemId: 'i2', type: 'teleport' }),
        quarantined(3, 'user', { id: 'u1', age: 'old' }),
        quarantined(4, 'event', { user_id: 'u2', item_id: 'i1', type: 'teleport' }),
      ]);
      expect(await store.deleteUser('u1')).toEqual({ events: 2, found: true });
      // Their quarantined records go too (they hold the user's behaviour); others' stay.
      expect((await store.listQuarantine({})).map((entry) => entry.line)).toEqual([4]);
      expect(await store.userEvents('u1')).toEqual([]);
      expect(await store.getProtected(['u1'])).toEqual([]);
      expect(await store.stats()).toMatchObject({ users: 1, events: 1, usersWithProtected: 0 });
      expect(await store.deleteUser('nobody')).toEqual({ events: 0, found: false });
    });

    it('stores queries once', async () => {
      expect(
        await store.appendQueries([
          { id: 'q1', text: '红色T恤' },
          { id: 'q2', text: 'iphone charger', userId: 'u1', timestamp: 5 },
        ]),
      ).toEqual({
        inserted: 2,
        duplicates: 0,
      });
      expect(await store.appendQueries([{ id: 'q1', text: '红色T恤' }])).toEqual({
        inserted: 0,
        duplicates: 1,
      });
      const all = [];
      for await (const page of store.scanQueries()) all.push(...page);
      expect(all).toEqual([
        { id: 'q1', text: '红色T恤' },
        { id: 'q2', text: 'iphone charger', userId: 'u1', timestamp: 5 },
      ]);
    });

    it('keeps quarantined records once, filters them and records their resolution', async () => {
      const batch = await store.beginBatch('file.csv', 'event');
      const bad = (line: number, reason: string): QuarantineInput => ({
        kind: 'event',
        source: 'file.csv',
        line,
        problems: [{ field: 'type', reason, message: `type is bad (${reason})` }],
        raw: `u1,i1,teleport,${line}`,
        record: { userId: 'u1', itemId: 'i1', type: 'teleport', timestamp: String(line) },
        batchId: batch,
      });
      expect(
        await store.addQuarantine([
          bad(2, 'unknown_event_type'),
          bad(3, 'unknown_event_type'),
          bad(4, 'invalid_type'),
        ]),
      ).toEqual({
        inserted: 3,
        duplicates: 0,
      });
      expect(await store.addQuarantine([bad(2, 'unknown_event_type')])).toEqual({
        inserted: 0,
        duplicates: 1,
      });
      expect(await store.countQuarantineByReason()).toEqual({ invalid_type: 1, unknown_event_type: 2 });
      const open = await store.listQuarantine({ status: 'open', reason: 'unknown_event_type' });
      expect(open.map((entry) => entry.line)).toEqual([2, 3]);
      expect(open[0]).toMatchObject({
        kind: 'event',
        source: 'file.csv',
        status: 'open',
        record: { type: 'teleport' },
      });
      await store.updateQuarantine(open[0]!.id, { status: 'readmitted', note: 'fixed' });
      const fixed = await store.getQuarantine(open[0]!.id);
      expect(fixed).toMatchObject({ status: 'readmitted', note: 'fixed' });
      expect(fixed?.resolvedAt).toBeTypeOf('number');
      await store.updateQuarantine(open[1]!.id, {
        status: 'open',
        problems: [{ field: 'timestamp', reason: 'invalid_timestamp', message: 'still bad' }],
        record: { userId: 'u1' },
      });
      expect(await store.getQuarantine(open[1]!.id)).toMatchObject({
        status: 'open',
        problems: [{ reason: 'invalid_timestamp' }],
        record: { userId: 'u1' },
      });
      expect((await store.stats()).quarantined).toBe(2);
      expect(await store.listQuarantine({ afterId: open[0]!.id, limit: 1 })).toHaveLength(1);
      await expect(store.updateQuarantine(999_999, { status: 'discarded' })).rejects.toThrow(
        /No quarantined record/,
      );
    });

    it('records import batches with their summaries', async () => {
      const id = await store.beginBatch('u.data', 'event');
      await store.finishBatch(id, { read: 10, accepted: 9 });
      const [batch] = await store.listBatches(1);
      expect(batch).toMatchObject({
        id,
        source: 'u.data',
        kind: 'event',
        summary: { read: 10, accepted: 9 },
      });
      expect(batch?.finishedAt).toBeTypeOf('number');
    });

    it('versions artifacts per name', async () => {
      expect(await store.saveArtifact('ease', { lambda: 500 }, new Uint8Array([1, 2, 3]))).toBe(1);
      expect(await store.saveArtifact('ease', { lambda: 800 }, new Uint8Array([4, 5]))).toBe(2);
      expect(await store.saveArtifact('ials', {}, new Uint8Array([9]))).toBe(1);
      const latest = await store.loadArtifact('ease');
      expect(latest).toMatchObject({ name: 'ease', version: 2, meta: { lambda: 800 } });
      expect([...latest!.data]).toEqual([4, 5]);
      expect([...(await store.loadArtifact('ease', 1))!.data]).toEqual([1, 2, 3]);
      expect(await store.loadArtifact('missing')).toBeUndefined();
      expect(
        (await store.listArtifacts()).map((info) => `${info.name}@${info.version}:${info.bytes}`),
      ).toEqual(['ease@1:3', 'ease@2:2', 'ials@1:1']);
    });

    it('keeps reports newest first', async () => {
      await store.saveReport('quality', { n: 1 });
      await store.saveReport('quality', { n: 2 });
      await store.saveReport('fairness', { n: 3 });
      expect((await store.listReports('quality')).map((report) => report.body)).toEqual([{ n: 2 }, { n: 1 }]);
    });

    it('scans the events of one batch and of a time range', async () => {
      const first = await store.beginBatch('a', 'event');
      await store.appendEvents([event('u1', 'i1', 1000), event('u1', 'i2', 2000)], first);
      const second = await store.beginBatch('b', 'event');
      await store.appendEvents([event('u2', 'i1', 1500), event('u1', 'i1', 1000)], second);
      const ofBatch = async (options: Parameters<Store['scanEvents']>[0]) => {
        const seen = [];
        for await (const page of store.scanEvents(options)) seen.push(...page);
        return seen.map((entry) => `${entry.userId}@${entry.timestamp}#${entry.batchId}`);
      };
      expect(await ofBatch({ batchId: second })).toEqual([`u2@1500#${second}`]);
      expect(await ofBatch({ batchId: first, batchSize: 1 })).toEqual([
        `u1@1000#${first}`,
        `u1@2000#${first}`,
      ]);
      expect(await ofBatch({ fromTs: 1200, toTs: 2000 })).toEqual([`u2@1500#${second}`]);
    });

    it('scans the same events in columns, absent fields as NaN, empty or null', async () => {
      const batch = await store.beginBatch('a', 'event');
      await store.appendEvents(
        [
          event('u1', 'i1', 1000, { eventId: 'e', value: 4, dwellMs: 30, sessionId: 's' }),
          { userId: 'u2', type: 'search', query: 'tee', timestamp: 2000 },
          event('u3', 'i2', 3000),
        ],
        batch,
      );
      const objects = [];
      for await (const page of store.scanEvents()) objects.push(...page);
      const rows: unknown[][] = [];
      for await (const page of store.scanEventColumns({ batchSize: 2 })) {
        for (let at = 0; at < page.length; at++) {
          rows.push([
            page.seq[at],
            page.userId[at],
            page.itemId[at],
            page.type[at],
            page.value[at],
            page.timestamp[at],
            page.dwellMs[at],
            page.sessionId[at],
            page.batchId[at],
            page.hasEventId[at],
            page.hasQuery[at],
          ]);
        }
      }
      expect(rows).toEqual([
        [objects[0]!.seq, 'u1', 'i1', 'view', 4, 1000, 30, 's', batch, 1, 0],
        [objects[1]!.seq, 'u2', '', 'search', Number.NaN, 2000, Number.NaN, null, batch, 0, 1],
        [objects[2]!.seq, 'u3', 'i2', 'view', Number.NaN, 3000, Number.NaN, null, batch, 0, 0],
      ]);
    });

    describe('quality gate', () => {
      const finding = (subjectId: string, overrides: Partial<QualityFlagInput> = {}): QualityFlagInput => ({
        subject: 'user',
        subjectId,
        detector: 'bot',
        score: 0.9,
        action: 'exclude',
        weight: 0,
        reason: 'inhuman_rate',
        message: `${subjectId} viewed 300 items a minute`,
        evidence: { peakPerMinute: 300 },
        covers: 'all',
        events: [],
        ...overrides,
      });

      async function seed(): Promise<number[]> {
        const batch = await store.beginBatch('test', 'event');
        await store.appendEvents(
          [event('bot', 'i1', 1), event('bot', 'i2', 2), event('real', 'i1', 3), event('real', 'i3', 4)],
          batch,
        );
        const seqs: number[] = [];
        for await (const page of store.scanEvents()) seqs.push(...page.map((entry) => entry.seq));
        return seqs;
      }

      async function training(includeExcluded = false) {
        const seen: string[] = [];
        for await (const page of store.scanTrainingEvents({ includeExcluded, batchSize: 3 }))
          for (const entry of page) seen.push(`${entry.userId}:${entry.itemId}:${entry.weight}`);
        return seen;
      }

      it('records runs with their summaries, newest first', async () => {
        const batch = await store.beginBatch('test', 'event');
        const first = await store.beginQualityRun('batch', batch);
        await store.finishQualityRun(first, { checks: [{ check: 'completeness', status: 'pass' }] });
        const second = await store.beginQualityRun('scan', null);
        const runs = await store.listQualityRuns();
        expect(runs.map((run) => [run.id, run.kind, run.batchId])).toEqual([
          [second, 'scan', null],
          [first, 'batch', batch],
        ]);
        expect(runs[1]).toMatchObject({ summary: { checks: [{ check: 'completeness' }] } });
        expect(runs[0]?.finishedAt).toBeNull();
        await expect(store.finishQualityRun(999_999, {})).rejects.toThrow(/No quality run/);
      });

      it('weights training events by the findings that cover them, and leaves the rest alone', async () => {
        const [, , real1, real2] = await seed();
        expect(await training()).toEqual(['bot:i1:1', 'bot:i2:1', 'real:i1:1', 'real:i3:1']);
        const run = await store.beginQualityRun('scan', null);
        expect(
          await store.saveQualityFlags(run, [
            finding('bot'),
            finding('i1', {
              subject: 'item',
              detector: 'burst',
              action: 'down-weight',
              weight: 0.25,
              covers: 'listed',
              events: [{ seq: real1!, score: 0.7 }],
            }),
          ]),
        ).toEqual({ inserted: 2, updated: 0, keptReadmitted: 0 });
        expect(await training()).toEqual(['real:i1:0.25', 'real:i3:1']);
        expect(await training(true)).toEqual(['bot:i1:0', 'bot:i2:0', 'real:i1:0.25', 'real:i3:1']);
        const [burst] = await store.listQualityFlags({ detector: 'burst' });
        expect(burst).toMatchObject({ subject: 'item', subjectId: 'i1', listedEvents: 1, status: 'open' });
        expect(await store.qualityFlagEvents(burst!.id)).toEqual([{ seq: real1, score: 0.7 }]);
        expect(real2).toBeGreaterThan(real1!);
      });

      it('updates a finding on the next run, keeps an operator decision, and re-admits', async () => {
        await seed();
        const first = await store.beginQualityRun('batch', null);
        await store.saveQualityFlags(first, [finding('bot', { score: 0.8 })]);
        const [flag] = await store.listQualityFlags({ subjectId: 'bot' });
        expect(flag).toMatchObject({ score: 0.8, status: 'open', firstRunId: first, lastRunId: first });
        const readmitted = await store.reviewQualityFlag(flag!.id, {
          status: 'readmitted',
          note: 'a fast human',
        });
        expect(readmitted).toMatchObject({ status: 'readmitted', note: 'a fast human' });
        expect(readmitted.reviewedAt).toBeTypeOf('number');
        expect(await training()).toEqual(['bot:i1:1', 'bot:i2:1', 'real:i1:1', 'real:i3:1']);
        const second = await store.beginQualityRun('batch', null);
        expect(await store.saveQualityFlags(second, [finding('bot', { score: 0.95 })])).toEqual({
          inserted: 0,
          updated: 0,
          keptReadmitted: 1,
        });
        expect(await store.getQualityFlag(flag!.id)).toMatchObject({
          status: 'readmitted',
          score: 0.95,
          firstRunId: first,
          lastRunId: second,
        });
        expect((await training()).length).toBe(4);
        await store.reviewQualityFlag(flag!.id, { status: 'confirmed' });
        expect(await training()).toEqual(['real:i1:1', 'real:i3:1']);
        await expect(store.reviewQualityFlag(999_999, { status: 'confirmed' })).rejects.toThrow(
          /No quality finding/,
        );
      });

      it('clears open findings a full scan no longer raises, and opens them again when found', async () => {
        await seed();
        const first = await store.beginQualityRun('scan', null);
        await store.saveQualityFlags(first, [finding('bot'), finding('real', { detector: 'shilling' })]);
        const confirmed = (await store.listQualityFlags({ detector: 'shilling' }))[0]!;
        await store.reviewQualityFlag(confirmed.id, { status: 'confirmed' });
        const second = await store.beginQualityRun('scan', null);
        expect(await store.clearStaleQualityFlags(second, ['bot', 'shilling'])).toBe(1);
        expect((await store.listQualityFlags({ subjectId: 'bot' }))[0]?.status).toBe('cleared');
        expect((await store.getQualityFlag(confirmed.id))?.status).toBe('confirmed');
        expect((await training()).length).toBe(2);
        await store.saveQualityFlags(second, [finding('bot')]);
        expect((await store.listQualityFlags({ subjectId: 'bot' }))[0]?.status).toBe('open');
        expect(await store.countQualityFlags()).toEqual([
          { detector: 'bot', subject: 'user', status: 'open', action: 'exclude', count: 1 },
          { detector: 'shilling', subject: 'user', status: 'confirmed', action: 'exclude', count: 1 },
        ]);
      });

      it('lists findings by score or id, filtered', async () => {
        await seed();
        const run = await store.beginQualityRun('scan', null);
        await store.saveQualityFlags(run, [
          finding('a', { score: 0.5 }),
          finding('b', { score: 0.99 }),
          finding('c', { score: 0.7, detector: 'lockstep' }),
        ]);
        expect((await store.listQualityFlags()).map((flag) => flag.subjectId)).toEqual(['b', 'c', 'a']);
        expect((await store.listQualityFlags({ order: 'id' })).map((flag) => flag.subjectId)).toEqual([
          'a',
          'b',
          'c',
        ]);
        expect(
          (await store.listQualityFlags({ minScore: 0.6, detector: 'bot' })).map((f) => f.subjectId),
        ).toEqual(['b']);
        const [first] = await store.listQualityFlags({ order: 'id', limit: 1 });
        expect((await store.listQualityFlags({ order: 'id', afterId: first!.id })).length).toBe(2);
        await expect(store.saveQualityFlags(run, [finding('x', { score: 2 })])).rejects.toThrow(
          /in \[0, 1\]/,
        );
      });

      it('forgets the findings about an erased user', async () => {
        const [botSeq] = await seed();
        const run = await store.beginQualityRun('scan', null);
        await store.saveQualityFlags(run, [
          finding('bot'),
          finding('i1', {
            subject: 'item',
            detector: 'burst',
            covers: 'listed',
            events: [{ seq: botSeq!, score: 1 }],
          }),
        ]);
        await store.deleteUser('bot');
        expect(await store.listQualityFlags({ subject: 'user' })).toEqual([]);
        const [item] = await store.listQualityFlags({ subject: 'item' });
        expect(item?.listedEvents).toBe(0);
      });

      it('keeps the quality policy', async () => {
        expect(await store.loadQualityPolicy()).toBeUndefined();
        await store.saveQualityPolicy({ detectors: { bot: { action: 'flag' } } });
        await store.saveQualityPolicy({ detectors: { bot: { action: 'exclude' } } });
        expect(await store.loadQualityPolicy()).toEqual({ detectors: { bot: { action: 'exclude' } } });
      });
    });

    it('keeps one serving state per key, each save replacing the last', async () => {
      expect(await store.loadServingState('fairness.amortized-exposure')).toBeUndefined();
      const before = Date.now();
      await store.saveServingState('fairness.amortized-exposure', {
        offsets: [0.5, 0],
        labels: ['a', '女装'],
      });
      await store.saveServingState('other', { n: 1 });
      await store.saveServingState('fairness.amortized-exposure', {
        offsets: [0.25, 0.125],
        labels: ['a', '女装'],
      });
      const saved = await store.loadServingState('fairness.amortized-exposure');
      expect(saved?.body).toEqual({ offsets: [0.25, 0.125], labels: ['a', '女装'] });
      expect(saved!.updatedAt).toBeGreaterThanOrEqual(before);
      expect(saved!.updatedAt).toBeLessThanOrEqual(Date.now());
      expect((await store.loadServingState('other'))?.body).toEqual({ n: 1 });
    });

    it('answers ping and closes', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}
