import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { runStoreContract } from '../../../test/store-contract.js';
import { tempDir } from '../../../test/support/temp.js';
import { openStore } from '../open-store.js';
import { openSqliteStore } from './sqlite-store.js';

const temp = tempDir('aisle-sqlite-');
afterAll(() => temp.cleanup());
let counter = 0;

runStoreContract(
  'SQLite file',
  async () => openStore(join(temp.dir, `contract-${++counter}.db`)),
  async (store) => store.close(),
);
runStoreContract(
  'SQLite in memory',
  async () => openStore('sqlite::memory:'),
  async (store) => store.close(),
);

describe('SQLite store', () => {
  it('opens in WAL mode and migrates an existing file without losing data', async () => {
    const path = join(temp.dir, 'reopen.db');
    const first = openSqliteStore(path);
    await first.upsertItems([
      { id: 'a', title: 'A', categoryPath: [], attributes: {}, tags: [], available: true },
    ]);
    await first.close();
    const second = openSqliteStore(path);
    expect((await second.stats()).items).toBe(1);
    await second.close();
    const raw = new Database(path);
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
  });

  it('completes a bulk load cut off by a crash when the file is next opened', async () => {
    const path = join(temp.dir, 'cut-off.db');
    const store = openSqliteStore(path);
    await store.beginBulkLoad(1_000_000);
    await store.appendEvents([{ userId: 'u1', itemId: 'i1', type: 'view', timestamp: 1 }], 0);
    await store.close(); // the process "dies" before finish()
    const reopened = openSqliteStore(path);
    const raw = new Database(path, { readonly: true });
    expect(raw.prepare("SELECT name FROM sqlite_master WHERE name = 'events_user'").get()).toBeDefined();
    raw.close();
    expect((await reopened.userEvents('u1')).length).toBe(1);
    expect(await reopened.stats()).toMatchObject({ events: 1, users: 1 });
    await reopened.close();
  });

  it('refuses a database written by a newer Aisle', async () => {
    const path = join(temp.dir, 'newer.db');
    (await openStore(path)).close();
    const raw = new Database(path);
    raw.prepare("UPDATE aisle_meta SET value = '999' WHERE key = 'schema_version'").run();
    raw.close();
    expect(() => openSqliteStore(path)).toThrow(/schema version 999/);
  });

  it('opens by connection string and rejects unknown schemes', async () => {
    const store = await openStore(`sqlite:${join(temp.dir, 'by-url.db')}`);
    expect(store.kind).toBe('sqlite');
    expect(store.location).toBe(join(temp.dir, 'by-url.db'));
    await store.close();
    await expect(openStore('mongodb://localhost/x')).rejects.toThrow(/No store backend for "mongodb:"/);
  });
});
