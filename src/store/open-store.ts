import { AisleError } from '../core/errors.js';
import { openPostgresStore } from './postgres/postgres-store.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

type StoreOpener = (location: string) => Promise<Store>;

/**
 * Store backends by URL scheme. A bare path (no scheme) is a SQLite file, as is `sqlite:<path>`.
 * `postgres:` and `postgresql:` URLs open the PostgreSQL store.
 */
const openers = new Map<string, StoreOpener>([
  ['sqlite', async (location) => openSqliteStore(location)],
  ['postgres', openPostgresStore],
  ['postgresql', openPostgresStore],
]);

/** Adds a backend for a URL scheme (e.g. `postgres`). */
export function registerStoreBackend(scheme: string, opener: StoreOpener): void {
  openers.set(scheme, opener);
}

/**
 * Opens a store by connection string, migrating it to the current schema.
 *
 * @example
 * const store = await openStore('./aisle.db');          // SQLite file
 * const same = await openStore('sqlite:./aisle.db');    // the same, explicit
 * const memory = await openStore('sqlite::memory:');    // throw-away, for tests
 * const shared = await openStore('postgres://aisle:secret@db:5432/aisle'); // several API nodes
 */
export async function openStore(connection: string): Promise<Store> {
  const match = /^([a-z][a-z0-9+.-]*):(?!\\)/i.exec(connection);
  // A Windows drive letter ("C:") is a path, not a scheme.
  const scheme = match && match[1]!.length > 1 ? match[1]!.toLowerCase() : 'sqlite';
  const location = scheme === 'sqlite' && match ? connection.slice('sqlite:'.length) : connection;
  const opener = openers.get(scheme);
  if (!opener) {
    throw new AisleError(
      'INVALID_ARGUMENT',
      `No store backend for "${scheme}:" (known: ${[...openers.keys()].join(', ')}). Use a SQLite path or sqlite:<path>.`,
      { scheme },
    );
  }
  return opener(scheme === 'sqlite' ? location || './aisle.db' : connection);
}

/** True when a store connection string can be opened by a second connection (not an in-memory SQLite). */
export function isSharedStore(database: string): boolean {
  return !/(^|:):memory:$/.test(database) && database !== ':memory:';
}
