import { AisleError } from '../core/errors.js';
import type { DocTable } from './doc-table.js';

/** Facet counts: facet name → value → number of matching items, most frequent first. */
export type FacetCounts = Record<string, Record<string, number>>;

/** The facets a request may ask for; any other name is read as an attribute key. */
export const builtInFacets = ['category', 'brand', 'seller', 'price', 'inStock'] as const;

/** Price ranges of the `price` facet (upper bounds, exclusive); the last range is open. */
export const priceFacetBounds: readonly number[] = [10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000];

/** Parses the `facets` parameter: names separated by commas ("brand,category,attributes.color"). */
export function parseFacetNames(input: unknown): string[] {
  if (input === undefined || input === null || input === '') return [];
  const names = (Array.isArray(input) ? input.map(String) : String(input).split(','))
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
  for (const name of names) {
    if (!/^[\p{L}\p{N}_.-]{1,100}$/u.test(name)) {
      throw new AisleError(
        'INVALID_ARGUMENT',
        `facets: "${name}" is not a facet name (letters, digits, _ . -)`,
        {
          facet: name,
        },
      );
    }
  }
  return [...new Set(names)];
}

/**
 * Counts facet values over the matching documents (`docs[0..count)`): category counts every level
 * of each item's path ("服装" and "服装 > 男装"), price counts ranges, inStock counts true/false,
 * any other name counts an attribute's values ("color" or "attributes.color"). Each facet keeps its
 * `limit` most frequent values.
 */
export function countFacets(
  names: readonly string[],
  docs: Int32Array,
  count: number,
  table: DocTable,
  limit = 20,
): FacetCounts {
  const result: FacetCounts = {};
  for (const name of names) {
    switch (name) {
      case 'category': {
        const counts = new Int32Array(table.categories.values.length);
        for (let i = 0; i < count; i++) {
          const id = table.category[docs[i]!]!;
          if (id < 0) continue;
          for (const ancestor of table.categoryAncestors[id] ?? []) counts[ancestor]! += 1;
        }
        result[name] = topValues(counts, table.categories.values, limit);
        break;
      }
      case 'brand':
      case 'seller': {
        const column = name === 'brand' ? table.brand : table.seller;
        const values = name === 'brand' ? table.brands.values : table.sellers.values;
        const counts = new Int32Array(values.length);
        for (let i = 0; i < count; i++) {
          const id = column[docs[i]!]!;
          if (id >= 0) counts[id]! += 1;
        }
        result[name] = topValues(counts, values, limit);
        break;
      }
      case 'price': {
        const counts = new Int32Array(priceFacetBounds.length + 1);
        for (let i = 0; i < count; i++) {
          const price = table.price[docs[i]!]!;
          if (Number.isNaN(price)) continue;
          let bucket = 0;
          while (bucket < priceFacetBounds.length && price >= priceFacetBounds[bucket]!) bucket++;
          counts[bucket]! += 1;
        }
        const labels = priceFacetBounds.map(
          (bound, i) => `${i === 0 ? 0 : priceFacetBounds[i - 1]}-${bound}`,
        );
        labels.push(`${priceFacetBounds.at(-1)}+`);
        const ranges: Record<string, number> = {};
        labels.forEach((label, i) => {
          if (counts[i]! > 0) ranges[label] = counts[i]!;
        });
        result[name] = ranges;
        break;
      }
      case 'inStock': {
        let inStock = 0;
        for (let i = 0; i < count; i++) inStock += table.available[docs[i]!]!;
        result[name] = { true: inStock, false: count - inStock };
        break;
      }
      default: {
        const key = name.startsWith('attributes.') ? name.slice('attributes.'.length) : name;
        const prefix = `${key}=`;
        const counts = new Map<number, number>();
        for (let i = 0; i < count; i++) {
          const pairs = table.attributes[docs[i]!];
          if (!pairs) continue;
          for (let p = 0; p < pairs.length; p++) counts.set(pairs[p]!, (counts.get(pairs[p]!) ?? 0) + 1);
        }
        const values: Record<string, number> = {};
        [...counts]
          .map(([id, n]) => [table.attributePairs.values[id] ?? '', n] as const)
          .filter(([pair]) => pair.startsWith(prefix))
          .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
          .slice(0, limit)
          .forEach(([pair, n]) => {
            values[pair.slice(prefix.length)] = n;
          });
        result[name] = values;
      }
    }
  }
  return result;
}

function topValues(counts: Int32Array, values: readonly string[], limit: number): Record<string, number> {
  const ids: number[] = [];
  for (let id = 0; id < counts.length; id++) if (counts[id]! > 0) ids.push(id);
  ids.sort((a, b) => counts[b]! - counts[a]! || (values[a]! < values[b]! ? -1 : 1));
  const out: Record<string, number> = {};
  for (const id of ids.slice(0, limit)) out[values[id]!] = counts[id]!;
  return out;
}
