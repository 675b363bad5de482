import { z } from 'zod';
import { AisleError } from '../core/errors.js';
import { parseFacetNames } from './facets.js';
import { type SearchFilters, parseFilters } from './filters.js';
import type { SearchReason } from './reasons.js';

export const searchSorts = ['relevance', 'price_asc', 'price_desc', 'newest', 'popularity'] as const;
export const searchModes = ['hybrid', 'lexical', 'semantic'] as const;

/** The query-string parameters of GET /search (and the CLI's flags), before parsing. */
export const searchParamsSchema = z
  .object({
    q: z.string().max(500, 'q is at most 500 characters').default(''),
    filters: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
    facets: z.union([z.string(), z.array(z.string())]).optional(),
    page: z.coerce.number().int('page is a whole number').min(1, 'page starts at 1').max(1000).default(1),
    pageSize: z.coerce.number().int().min(1).max(100).optional(),
    userId: z.string().min(1).max(200).optional(),
    lang: z.enum(['zh', 'en']).optional(),
    sort: z.enum(searchSorts).default('relevance'),
    mode: z.enum(searchModes).default('hybrid'),
    semanticWeight: z.coerce.number().min(0).max(1).optional(),
    fusion: z.enum(['rrf', 'blend']).optional(),
  })
  .strict();

/** A parsed search request. */
export interface SearchRequest {
  q: string;
  filters: SearchFilters;
  facets: string[];
  page: number;
  pageSize?: number;
  userId?: string;
  /** Language of reason texts; by default the query's (Chinese if it holds Han characters). */
  lang?: 'zh' | 'en';
  sort: (typeof searchSorts)[number];
  mode: (typeof searchModes)[number];
  /** Weight of the semantic list in fusion, overriding the configuration. */
  semanticWeight?: number;
  fusion?: 'rrf' | 'blend';
  /** Treat the last word as a prefix (search as you type); default: when q does not end in a space. */
  prefixLast?: boolean;
}

/** One result. */
export interface SearchHit {
  itemId: string;
  score: number;
  title: string;
  /** `search-match` reasons: which fields and terms matched and how; weights add up to the score. */
  reasons: SearchReason[];
  brand?: string;
  category?: string;
  price?: number;
}

/** The response of GET /search and `aisle search --json`. */
export interface SearchResponse {
  hits: SearchHit[];
  facets: Record<string, Record<string, number>>;
  total: number;
  tookMs: number;
  page: number;
  pageSize: number;
  mode: SearchRequest['mode'];
  /** Which encoder served the semantic side, or why none did. */
  semantic: string;
}

/** Parses and validates request parameters; raises INVALID_ARGUMENT naming the parameter. */
export function parseSearchRequest(input: unknown): SearchRequest {
  const result = searchParamsSchema.safeParse(input ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    const name = issue?.path.join('.') || 'query';
    throw new AisleError('INVALID_ARGUMENT', `${name}: ${issue?.message ?? 'invalid'}`, { parameter: name });
  }
  const params = result.data;
  const request: SearchRequest = {
    q: params.q,
    filters: parseFilters(params.filters),
    facets: parseFacetNames(params.facets),
    page: params.page,
    sort: params.sort,
    mode: params.mode,
  };
  if (params.pageSize !== undefined) request.pageSize = params.pageSize;
  if (params.userId !== undefined) request.userId = params.userId;
  if (params.lang !== undefined) request.lang = params.lang;
  if (params.semanticWeight !== undefined) request.semanticWeight = params.semanticWeight;
  if (params.fusion !== undefined) request.fusion = params.fusion;
  return request;
}
