import { z } from 'zod';
import type { Item } from '../core/entities.js';
import { AisleError } from '../core/errors.js';

/** Which items a request may return (on top of the scenario's rules). */
export interface ItemFilter {
  /** Category path prefixes (any): "服装" matches "服装 > T恤". */
  categories?: string[];
  brands?: string[];
  minPrice?: number;
  maxPrice?: number;
  inStockOnly?: boolean;
  excludeIds?: string[];
}

const commaList = z.string().transform((text) =>
  text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== ''),
);

/**
 * The compact `filter` query parameter: `;`-separated clauses, e.g.
 * `category:服装>T恤;brand:Nike,Adidas;price:50-200;inStock:true;exclude:p1,p2`.
 */
export function parseFilterExpression(text: string): ItemFilter {
  const filter: ItemFilter = {};
  for (const clause of text
    .split(';')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const at = clause.indexOf(':');
    if (at <= 0)
      throw new AisleError('VALIDATION_FAILED', `filter clause "${clause}" must be name:value`, {
        field: 'filter',
      });
    const name = clause.slice(0, at).trim().toLowerCase();
    const value = clause.slice(at + 1).trim();
    switch (name) {
      case 'category':
        filter.categories = commaList.parse(value).map(normaliseCategory);
        break;
      case 'brand':
        filter.brands = commaList.parse(value);
        break;
      case 'price': {
        const match = /^(\d+(?:\.\d+)?)?-(\d+(?:\.\d+)?)?$/.exec(value);
        if (!match)
          throw new AisleError(
            'VALIDATION_FAILED',
            `filter price "${value}" must be min-max, e.g. 50-200 or 50-`,
            { field: 'filter' },
          );
        if (match[1] !== undefined) filter.minPrice = Number(match[1]);
        if (match[2] !== undefined) filter.maxPrice = Number(match[2]);
        break;
      }
      case 'instock':
        filter.inStockOnly = value === 'true' || value === '1';
        break;
      case 'exclude':
        filter.excludeIds = commaList.parse(value);
        break;
      default:
        throw new AisleError(
          'VALIDATION_FAILED',
          `unknown filter "${name}" (use category, brand, price, inStock, exclude)`,
          { field: 'filter' },
        );
    }
  }
  return filter;
}

/** "服装 > T恤", "服装>T恤" and "服装/T恤" are one path. */
export function normaliseCategory(path: string): string {
  return path
    .split(/\s*[>/›]\s*/)
    .map((part) => part.trim())
    .filter(Boolean)
    .join(' > ');
}

/** Combines filters: lists are merged, bounds tightened. */
export function mergeFilters(...filters: (ItemFilter | undefined)[]): ItemFilter {
  const out: ItemFilter = {};
  for (const filter of filters) {
    if (!filter) continue;
    if (filter.categories) out.categories = [...(out.categories ?? []), ...filter.categories];
    if (filter.brands) out.brands = [...(out.brands ?? []), ...filter.brands];
    if (filter.minPrice !== undefined) out.minPrice = Math.max(out.minPrice ?? -Infinity, filter.minPrice);
    if (filter.maxPrice !== undefined) out.maxPrice = Math.min(out.maxPrice ?? Infinity, filter.maxPrice);
    if (filter.inStockOnly !== undefined) out.inStockOnly = filter.inStockOnly;
    if (filter.excludeIds) out.excludeIds = [...(out.excludeIds ?? []), ...filter.excludeIds];
  }
  return out;
}

/**
 * A predicate over item ids for a filter. Items missing from the catalogue (known only from
 * behaviour) pass filters on fields they do not have only when no such filter is set.
 */
export function compileFilter(
  filter: ItemFilter,
  catalogue: ReadonlyMap<string, Item>,
): (itemId: string) => boolean {
  const excluded = new Set(filter.excludeIds ?? []);
  const brands = filter.brands ? new Set(filter.brands.map((brand) => brand.toLowerCase())) : undefined;
  const categories = filter.categories?.map(normaliseCategory);
  const needsItem =
    categories !== undefined ||
    brands !== undefined ||
    filter.minPrice !== undefined ||
    filter.maxPrice !== undefined;
  return (itemId) => {
    if (excluded.has(itemId)) return false;
    const item = catalogue.get(itemId);
    if (!item) return !needsItem;
    if (filter.inStockOnly && !item.available) return false;
    if (brands && !(item.brand !== undefined && brands.has(item.brand.toLowerCase()))) return false;
    if (filter.minPrice !== undefined && !(item.price !== undefined && item.price >= filter.minPrice))
      return false;
    if (filter.maxPrice !== undefined && !(item.price !== undefined && item.price <= filter.maxPrice))
      return false;
    if (categories) {
      const path = item.categoryPath.join(' > ');
      if (!categories.some((prefix) => path === prefix || path.startsWith(`${prefix} > `))) return false;
    }
    return true;
  };
}
