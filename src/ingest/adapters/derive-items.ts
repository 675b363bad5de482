import type { Item } from '../../core/entities.js';
import type { ValidRecord } from '../record-writer.js';

/** Most item ids remembered per import; past it an item may be re-derived (an unchanged upsert). */
const MAX_REMEMBERED = 5_000_000;

/**
 * For behaviour logs without a catalogue: derives each event's item once per import, so the
 * catalogue holds every item the log names.
 */
export function deriveItemsOnce(makeItem: (itemId: string) => Item): (record: ValidRecord) => ValidRecord[] {
  const seen = new Set<string>();
  return (record) => {
    if (record.kind !== 'event' || record.value.itemId === undefined || seen.has(record.value.itemId))
      return [];
    if (seen.size >= MAX_REMEMBERED) seen.clear();
    seen.add(record.value.itemId);
    return [{ kind: 'item', value: makeItem(record.value.itemId) }];
  };
}
