import type { EpochMs } from './time.js';

/** A value a shop can attach to an item or user: free-form, but flat. */
export type AttributeValue = string | number | boolean;

/** A product in the catalogue. */
export interface Item {
  id: string;
  title: string;
  description?: string;
  /** From the root down, e.g. ["服装", "男装", "T恤"]. */
  categoryPath: string[];
  brand?: string;
  price?: number;
  /** ISO 4217, upper case. */
  currency?: string;
  sellerId?: string;
  attributes: Record<string, AttributeValue>;
  tags: string[];
  /** BCP 47 tag of the title's main language, e.g. "zh", "en". */
  language?: string;
  createdAt?: EpochMs;
  available: boolean;
}

/** A shopper, with non-sensitive attributes only (membership tier, signup channel …). */
export interface User {
  id: string;
  attributes: Record<string, AttributeValue>;
  createdAt?: EpochMs;
}

/**
 * Sensitive demographics, stored apart from the user and readable only by audits and admin APIs.
 * They are never model features (DESIGN.md §3).
 */
export interface ProtectedAttributes {
  userId: string;
  gender?: string;
  ageBand?: string;
  region?: string;
  occupation?: string;
  /** Any further protected attribute the shop declares. */
  other: Record<string, string>;
}

/** The names of the protected attributes Aisle knows by name. */
export const protectedAttributeNames = ['gender', 'ageBand', 'region', 'occupation'] as const;
export type ProtectedAttributeName = (typeof protectedAttributeNames)[number];

/**
 * Age bands (the MovieLens 1M bands, used widely in fairness studies): an exact age is never stored.
 */
export const ageBands = ['under-18', '18-24', '25-34', '35-44', '45-49', '50-55', '56+'] as const;

/** The band an age in years falls in. */
export function ageToBand(age: number): (typeof ageBands)[number] {
  if (age < 18) return 'under-18';
  if (age < 25) return '18-24';
  if (age < 35) return '25-34';
  if (age < 45) return '35-44';
  if (age < 50) return '45-49';
  if (age < 56) return '50-55';
  return '56+';
}
