import { z } from 'zod';
import { AisleError } from '../core/errors.js';
import type { DocTable } from './doc-table.js';

const oneOrMany = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);
const scalar = z.union([z.string(), z.number(), z.boolean()]);

/**
 * What a search may be narrowed to. Categories are paths from the root with levels joined by " > "
 * and match everything under them; several values of one filter are alternatives (OR), different
 * filters all apply (AND).
 *
 * @example
 * { "category": "服装 > 男装", "brand": ["优衣库", "Uniqlo"], "price": { "max": 200 }, "inStock": true }
 */
export const searchFiltersSchema = z
  .object({
    category: oneOrMany.optional(),
    brand: oneOrMany.optional(),
    seller: oneOrMany.optional(),
    price: z
      .object({ min: z.number().min(0).optional(), max: z.number().min(0).optional() })
      .strict()
      .refine((range) => range.min === undefined || range.max === undefined || range.min <= range.max, {
        message: 'min must not exceed max',
      })
      .optional(),
    inStock: z.boolean().optional(),
    attributes: z.record(z.string().min(1), z.union([scalar, z.array(scalar).min(1)])).optional(),
  })
  .strict();

export type SearchFilters = z.infer<typeof searchFiltersSchema>;

/** A compiled filter: `accepts(doc)` reads typed columns only. */
export interface CompiledFilter {
  /** False when the request has no filter (everything passes). */
  active: boolean;
  accepts(doc: number): boolean;
}

/**
 * Parses the `filters` request parameter: a JSON object (URL-encoded in a query string). Raises
 * INVALID_ARGUMENT naming the offending field.
 */
export function parseFilters(input: unknown): SearchFilters {
  let value = input;
  if (typeof input === 'string') {
    if (input.trim().length === 0) return {};
    try {
      value = JSON.parse(input);
    } catch {
      throw new AisleError(
        'INVALID_ARGUMENT',
        'filters must be a JSON object, e.g. {"brand":"优衣库","price":{"max":200}}',
        { filters: input },
      );
    }
  }
  const result = searchFiltersSchema.safeParse(value ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue?.path.join('.') || '(filters)';
    throw new AisleError('INVALID_ARGUMENT', `filters.${path}: ${issue?.message ?? 'invalid'}`, { path });
  }
  return result.data;
}

const list = (value: string | string[] | undefined): string[] | undefined =>
  value === undefined ? undefined : Array.isArray(value) ? value : [value];

/** Compiles filters against the document table into flag arrays. */
export function compileFilter(filters: SearchFilters, table: DocTable): CompiledFilter {
  const checks: ((doc: number) => boolean)[] = [];
  const categories = list(filters.category);
  if (categories) {
    const allowed = new Uint8Array(table.categories.values.length + 1);
    for (const path of categories) {
      for (const id of table.categoryIdsUnder(path.split(/\s*>\s*/).join(' > '))) allowed[id] = 1;
    }
    const category = table.category;
    checks.push((doc) => category[doc]! >= 0 && allowed[category[doc]!] === 1);
  }
  const byName = (
    names: string[] | undefined,
    ids: (name: string) => number,
    column: Int32Array,
    size: number,
  ) => {
    if (!names) return;
    const allowed = new Uint8Array(size + 1);
    for (const name of names) {
      const id = ids(name);
      if (id >= 0) allowed[id] = 1;
    }
    checks.push((doc) => column[doc]! >= 0 && allowed[column[doc]!] === 1);
  };
  byName(list(filters.brand), (name) => table.brands.id(name), table.brand, table.brands.values.length);
  byName(list(filters.seller), (name) => table.sellers.id(name), table.seller, table.sellers.values.length);
  if (filters.price) {
    const min = filters.price.min ?? -Infinity;
    const max = filters.price.max ?? Infinity;
    const price = table.price;
    // An item without a price fails any price filter (NaN comparisons are false).
    checks.push((doc) => price[doc]! >= min && price[doc]! <= max);
  }
  if (filters.inStock !== undefined) {
    const wanted = filters.inStock ? 1 : 0;
    const available = table.available;
    checks.push((doc) => available[doc] === wanted);
  }
  for (const [key, expected] of Object.entries(filters.attributes ?? {})) {
    const allowed = new Set<number>();
    for (const value of Array.isArray(expected) ? expected : [expected]) {
      const id = table.attributePairs.id(`${key}=${String(value)}`);
      if (id >= 0) allowed.add(id);
    }
    checks.push((doc) => {
      const pairs = table.attributes[doc];
      if (!pairs) return false;
      for (let i = 0; i < pairs.length; i++) if (allowed.has(pairs[i]!)) return true;
      return false;
    });
  }
  return {
    active: checks.length > 0,
    accepts: (doc) => {
      for (const check of checks) if (!check(doc)) return false;
      return true;
    },
  };
}
