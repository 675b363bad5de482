import { createRng } from '../../core/rng.js';
import { inMemorySource } from '../adapters/adapter-source.js';
import type { DatasetImportSummary } from '../adapters/dataset-import.js';
import { type ImportContext, importRecords } from '../import-records.js';
import { generateDemoBehaviour } from './demo-behaviour.js';
import { generateDemoCatalogue } from './demo-catalogue.js';

export interface DemoOptions {
  seed?: number;
  items?: number;
  users?: number;
  sessionsPerUser?: number;
  /** Events fall in the 90 days before this instant (default: now). */
  anchor?: number;
}

/**
 * Generates the demo shop and imports it through the normal ingestion path (validation, quarantine,
 * idempotent writes): about 3,000 bilingual items, 1,500 shoppers with protected demographics and
 * their behaviour over 90 days. No download; the same seed gives the same shop.
 *
 * @example
 * await seedDemo(aisle.importContext(), { seed: 7 });
 */
export async function seedDemo(
  context: ImportContext,
  options: DemoOptions = {},
): Promise<DatasetImportSummary> {
  const rng = createRng(options.seed ?? 20261123);
  const anchor = options.anchor ?? Date.now();
  const items = generateDemoCatalogue(rng, { items: options.items ?? 3000, sellers: 60, anchor });
  const { users, events } = generateDemoBehaviour(rng, items, {
    users: options.users ?? 1500,
    sessionsPerUser: options.sessionsPerUser ?? 8,
    anchor,
    days: 90,
  });
  const steps = [
    await importRecords(
      context,
      inMemorySource(
        'item',
        'demo:items',
        items.map((item, at) => ({ line: at + 1, input: item.input })),
      ),
    ),
    await importRecords(
      context,
      inMemorySource(
        'user',
        'demo:users',
        users.map((user, at) => ({ line: at + 1, input: user.input, protectedInput: user.protectedInput })),
      ),
    ),
    await importRecords(
      context,
      inMemorySource(
        'event',
        'demo:events',
        events.map((event, at) => ({ line: at + 1, input: { ...event } })),
      ),
    ),
  ];
  return { dataset: 'demo shop', steps, notes: [`seed ${options.seed ?? 20261123}`] };
}
