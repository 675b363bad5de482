import { AisleError } from '../core/errors.js';
import type { GroupMatches } from '../text/group-scorer.js';
import { hasHan } from '../text/normalize.js';
import { topK } from '../text/top-k.js';
import { type CategoryFeedback, categoryFeedback } from './category-feedback.js';
import { countFacets } from './facets.js';
import { compileFilter } from './filters.js';
import { type FusedList, type RankedList, reciprocalRankFusion, weightedBlend } from './fusion.js';
import { type UserProfile, personalBoost } from './personalize.js';
import { type QueryPlan, planQuery, rewriteForEncoder } from './query-plan.js';
import { type SearchReason, explainLexical, fieldsOf, renderReason } from './reasons.js';
import type { SearchConfig } from './search-config.js';
import type { SearchHit, SearchRequest, SearchResponse } from './search-request.js';
import type { SearchState } from './search-state.js';

/**
 * A ranked result before it becomes a hit: fused score and its lexical / semantic / proximity /
 * category feedback / personal parts.
 */
interface Ranked {
  doc: number;
  score: number;
  lexical: number;
  semantic: number;
  /** What the query's words standing together added, and the share of word pairs that did. */
  proximity: number;
  proximityShare: number;
  category: number;
  similarity: number;
  personal: number;
  personalEvidence?: SearchReason['evidence']['affinity'];
}

/**
 * Runs one search over the current state: plan and score the query lexically (BM25F with the
 * coverage factor), fetch semantic neighbours, fuse (RRF or blend, semantic weight per request),
 * raise results whose words stand together (proximity) and results in the best results' categories
 * (category feedback), filter, count facets, sort, re-rank the top by the shopper's profile within
 * its bound, and explain every hit of the page.
 */
export async function executeSearch(
  state: SearchState,
  config: SearchConfig,
  request: SearchRequest,
  profile: UserProfile | undefined,
): Promise<SearchResponse> {
  const started = performance.now();
  const pageSize = request.pageSize ?? config.pageSize;
  const lang = request.lang ?? (hasHan(request.q) ? 'zh' : 'en');
  const { docs } = state;
  const filter = compileFilter(request.filters, docs);
  const accept = (doc: number) => docs.itemIds[doc] !== undefined && (!filter.active || filter.accepts(doc));
  const query = request.q.trim();
  const useLexical = request.mode !== 'semantic';
  const useSemantic = request.mode !== 'lexical' && query.length > 0;
  if (request.mode === 'semantic' && !state.semantic) {
    throw new AisleError('CONFLICT', `Semantic search is not available: ${state.semanticStatus}`, {
      semantic: state.semanticStatus,
    });
  }

  let plan: QueryPlan | undefined;
  let lexical: RankedList = { docs: new Int32Array(0), scores: new Float32Array(0) };
  let lexicalAll = lexical;
  if (query.length === 0) {
    lexicalAll = browseAll(state, accept);
    lexical = lexicalAll;
  } else if (useLexical) {
    plan = planQuery(
      state.lexical,
      request.q,
      request.prefixLast === undefined ? {} : { prefixLast: request.prefixLast },
    );
    lexicalAll = applyCoverage(
      state.lexical.scorer.score(plan.groups),
      plan.groups.length,
      config.coverage,
      accept,
    );
    const top = topK(lexicalAll.docs, lexicalAll.scores, lexicalAll.docs.length, config.fusion.depth);
    lexical = { docs: top.ids, scores: top.scores };
  }

  let semantic: RankedList = { docs: new Int32Array(0), scores: new Float32Array(0) };
  if (useSemantic && state.semantic) {
    // In hybrid mode the encoder reads the query as the lexical plan corrected it (typos, pinyin,
    // translations); alone, it reads what was typed.
    const semanticQuery = plan && request.mode === 'hybrid' ? rewriteForEncoder(state.lexical, plan) : query;
    const found = await state.semantic.search(semanticQuery, config.semantic.candidates, accept);
    let kept = 0;
    while (kept < found.ids.length && found.scores[kept]! >= config.semantic.minSimilarity) kept++;
    semantic = { docs: found.ids.slice(0, kept), scores: found.scores.slice(0, kept) };
  }

  const weight = request.semanticWeight ?? config.fusion.semanticWeight;
  let fused: FusedList;
  if (request.mode === 'lexical' || !state.semantic || query.length === 0) {
    fused = {
      docs: lexical.docs,
      scores: lexical.scores,
      lexical: lexical.scores,
      semantic: new Float32Array(lexical.docs.length),
    };
  } else if (request.mode === 'semantic') {
    fused = {
      docs: semantic.docs,
      scores: semantic.scores,
      lexical: new Float32Array(semantic.docs.length),
      semantic: semantic.scores,
    };
  } else if ((request.fusion ?? config.fusion.method) === 'blend') {
    fused = weightedBlend(lexical, semantic, weight, config.semantic.minSimilarity);
  } else fused = reciprocalRankFusion(lexical, semantic, weight, config.fusion.rrfK);
  // Re-ranking factors over the fused list, after fusion so that they never change the scale the
  // blend normalises lexical scores by: the query's words standing together, then the category of
  // the best results.
  const proximity = plan ? proximityBoosts(state, plan, fused, config.proximity) : undefined;
  if (proximity) fused = { ...fused, scores: addTo(fused.scores, proximity.boosts) };
  // The votes come from results that match the query's words: not in semantic-only mode, where the
  // nearest vectors are too loose a sample of what the query names.
  const feedback =
    query.length > 0 && request.mode !== 'semantic'
      ? categoryFeedback(fused.docs, fused.scores, docs.category, config.categoryFeedback)
      : undefined;
  if (feedback) fused = { ...fused, scores: addTo(fused.scores, feedback.boosts) };

  // Lexical matches deeper than the fusion depth still count; they follow the fused list in
  // lexical order. Only what the page needs is sorted and turned into objects.
  const fusedCount = fused.docs.length;
  const tailCount = request.mode === 'semantic' ? 0 : lexicalAll.docs.length - lexical.docs.length;
  const total = fusedCount + tailCount;
  const start = (request.page - 1) * pageSize;
  const end = start + pageSize;
  const tail = () => lexicalTail(lexicalAll, lexical, fused, end - fusedCount);
  let page: Ranked[];
  if (request.sort === 'relevance') {
    const personalise = profile !== undefined && config.personalization.enabled;
    const headSize = Math.min(
      fusedCount,
      Math.max(end, personalise ? config.personalization.rerankDepth : 0),
    );
    const positions = new Int32Array(fusedCount);
    for (let i = 0; i < fusedCount; i++) positions[i] = i;
    const head = topK(positions, fused.scores, fusedCount, headSize);
    const ranked: Ranked[] = Array.from(head.ids, (position) => ({
      doc: fused.docs[position]!,
      score: fused.scores[position]!,
      lexical: fused.lexical[position]!,
      semantic: fused.semantic[position]!,
      proximity: proximity?.boosts[position] ?? 0,
      proximityShare: proximity?.shares[position] ?? 0,
      category: feedback?.boosts[position] ?? 0,
      similarity: 0,
      personal: 0,
    }));
    if (personalise) personaliseHead(ranked, profile, state, config);
    page =
      end <= ranked.length
        ? ranked.slice(start, end)
        : [...ranked, ...(tailCount > 0 ? tail() : [])].slice(start, end);
  } else {
    const everyTail = tailCount > 0 ? lexicalTail(lexicalAll, lexical, fused, tailCount) : [];
    page = sortedPage(fused, proximity, feedback, everyTail, request.sort, state, start, end);
  }

  const similarity = new Map<number, number>();
  semantic.docs.forEach((doc, i) => similarity.set(doc, semantic.scores[i]!));
  for (const hit of page) hit.similarity = similarity.get(hit.doc) ?? 0;
  let facets = {};
  if (request.facets.length > 0) {
    const members = new Int32Array(total);
    members.set(fused.docs);
    if (tailCount > 0) {
      const inFused = new Set(fused.docs);
      let n = fusedCount;
      for (const doc of lexicalAll.docs) if (!inFused.has(doc) && n < total) members[n++] = doc;
    }
    facets = countFacets(request.facets, members, total, docs);
  }
  const context: HitContext = { state, plan, lang, categoryShares: feedback?.shares };
  const hits = page.map((hit) => toHit(hit, context));
  return {
    hits,
    facets,
    total,
    tookMs: Math.round((performance.now() - started) * 100) / 100,
    page: request.page,
    pageSize,
    mode: request.mode,
    semantic: request.mode === 'lexical' ? 'off' : state.semanticStatus,
  };
}

/**
 * Lexical matches outside the fused list, best first, at most `count`, scored below every fused
 * result (half the lowest fused score, scaled by their lexical score).
 */
function lexicalTail(all: RankedList, top: RankedList, fused: FusedList, count: number): Ranked[] {
  if (count <= 0) return [];
  const inTop = new Set(top.docs);
  const docs = new Int32Array(all.docs.length);
  const scores = new Float32Array(all.docs.length);
  let n = 0;
  let maxScore = 0;
  for (let i = 0; i < all.docs.length; i++) {
    if (inTop.has(all.docs[i]!)) continue;
    docs[n] = all.docs[i]!;
    scores[n++] = all.scores[i]!;
    if (all.scores[i]! > maxScore) maxScore = all.scores[i]!;
  }
  let floor = fused.scores.length > 0 ? Infinity : 1;
  for (let i = 0; i < fused.scores.length; i++) if (fused.scores[i]! < floor) floor = fused.scores[i]!;
  const best = topK(docs, scores, n, count);
  return Array.from(best.ids, (doc, i) => {
    const score = (floor * 0.5 * best.scores[i]!) / (maxScore || 1);
    return {
      doc,
      score,
      lexical: score,
      semantic: 0,
      proximity: 0,
      proximityShare: 0,
      category: 0,
      similarity: 0,
      personal: 0,
    };
  });
}

/** Raises the head of the ranking by the shopper's profile (bounded) and sorts it again. */
function personaliseHead(
  ranked: Ranked[],
  profile: UserProfile,
  state: SearchState,
  config: SearchConfig,
): void {
  const depth = Math.min(ranked.length, config.personalization.rerankDepth);
  for (let i = 0; i < depth; i++) {
    const hit = ranked[i]!;
    const boost = personalBoost(profile, hit.doc, state.docs, config.personalization.maxBoost);
    if (boost.boost <= 0) continue;
    hit.personal = hit.score * boost.boost;
    hit.score += hit.personal;
    const evidence: NonNullable<SearchReason['evidence']['affinity']> = {
      share: Math.round(boost.affinity * 1000) / 1000,
    };
    if (boost.category !== undefined) evidence.category = boost.category;
    if (boost.brand !== undefined) evidence.brand = boost.brand;
    if (boost.priceBand !== undefined) evidence.priceBand = boost.priceBand;
    hit.personalEvidence = evidence;
  }
  const head = ranked.slice(0, depth).sort((a, b) => b.score - a.score || a.doc - b.doc);
  ranked.splice(0, depth, ...head);
}

/** A page of all results ordered by price, time or popularity (relevance breaks ties). */
function sortedPage(
  fused: FusedList,
  proximity: ProximityBoosts | undefined,
  feedback: CategoryFeedback | undefined,
  tail: Ranked[],
  sort: SearchRequest['sort'],
  state: SearchState,
  start: number,
  end: number,
): Ranked[] {
  const all: Ranked[] = Array.from(fused.docs, (doc, i) => ({
    doc,
    score: fused.scores[i]!,
    lexical: fused.lexical[i]!,
    semantic: fused.semantic[i]!,
    proximity: proximity?.boosts[i] ?? 0,
    proximityShare: proximity?.shares[i] ?? 0,
    category: feedback?.boosts[i] ?? 0,
    similarity: 0,
    personal: 0,
  }));
  all.push(...tail);
  return sortBy(all, sort, state).slice(start, end);
}

/** What proximity adds to each fused result (score × weight × share) and the shares behind it. */
interface ProximityBoosts {
  boosts: Float32Array;
  shares: Float32Array;
}

/**
 * Multi-word queries: each fused result gains score × weight × the share of the query's consecutive
 * words found together in one of its fields (the query's words are looked up in its forward-index
 * tokens, so only the fused list — at most the fusion depth plus the semantic candidates — is read).
 */
function proximityBoosts(
  state: SearchState,
  plan: QueryPlan,
  fused: FusedList,
  options: SearchConfig['proximity'],
): ProximityBoosts | undefined {
  if (options.weight <= 0 || plan.groups.length < 2 || fused.docs.length === 0) return undefined;
  // Only results the lexical side found can hold the query's words.
  const shares = state.lexical.proximity.shares(plan.groups, fused.docs, options.window, fused.lexical);
  const boosts = new Float32Array(shares.length);
  for (let i = 0; i < shares.length; i++) boosts[i] = fused.scores[i]! * options.weight * shares[i]!;
  return { boosts, shares };
}

/** A copy of `scores` with `boosts` added. */
function addTo(scores: Float32Array, boosts: Float32Array): Float32Array {
  const sum = scores.slice();
  for (let i = 0; i < sum.length; i++) sum[i]! += boosts[i]!;
  return sum;
}

/** score × (matched words / query words)^coverage, for accepted documents. */
function applyCoverage(
  matches: GroupMatches,
  groups: number,
  coverage: number,
  accept: (doc: number) => boolean,
): RankedList {
  const docs = new Int32Array(matches.count);
  const scores = new Float32Array(matches.count);
  let n = 0;
  for (let i = 0; i < matches.count; i++) {
    const doc = matches.docs[i]!;
    if (!accept(doc)) continue;
    docs[n] = doc;
    scores[n++] = matches.scores[i]! * (matches.matchedGroups[i]! / groups) ** coverage;
  }
  return { docs: docs.subarray(0, n), scores: scores.subarray(0, n) };
}

/** An empty query lists every accepted item, most popular first. */
function browseAll(state: SearchState, accept: (doc: number) => boolean): RankedList {
  const slots = state.docs.documentSlots;
  const docs = new Int32Array(slots);
  const scores = new Float32Array(slots);
  let n = 0;
  for (let doc = 0; doc < slots; doc++) {
    if (!accept(doc)) continue;
    docs[n] = doc;
    scores[n++] = Math.log1p(state.docs.popularity[doc]!) + 1e-3;
  }
  const sorted = topK(docs, scores, n, n);
  return { docs: sorted.ids, scores: sorted.scores };
}

function sortBy(hits: Ranked[], sort: SearchRequest['sort'], state: SearchState): Ranked[] {
  const { price, createdAt, popularity } = state.docs;
  const key = (doc: number): number => {
    switch (sort) {
      case 'price_asc':
        return Number.isNaN(price[doc]!) ? Infinity : price[doc]!;
      case 'price_desc':
        return Number.isNaN(price[doc]!) ? Infinity : -price[doc]!;
      case 'newest':
        return Number.isNaN(createdAt[doc]!) ? Infinity : -createdAt[doc]!;
      default:
        return -popularity[doc]!;
    }
  };
  return hits.sort((a, b) => key(a.doc) - key(b.doc) || b.score - a.score || a.doc - b.doc);
}

/** What explaining the hits of one page needs beyond each hit. */
interface HitContext {
  state: SearchState;
  plan: QueryPlan | undefined;
  lang: 'zh' | 'en';
  /** Category path id → its share of the votes, when category feedback raised results. */
  categoryShares: ReadonlyMap<number, number> | undefined;
}

function toHit(hit: Ranked, context: HitContext): SearchHit {
  const { state, plan, lang } = context;
  const { docs, lexical } = state;
  const reasons: SearchReason[] = [];
  if (plan && hit.lexical > 0) {
    const explanations = explainLexical(lexical.index, plan.groups, hit.doc);
    // The lexical part of the score is shared among the words in proportion to their BM25F scores.
    const raw = explanations.reduce((sum, explanation) => sum + explanation.raw, 0);
    for (const explanation of explanations) {
      const evidence: SearchReason['evidence'] = {
        match: explanation.kind,
        query: explanation.query,
        terms: explanation.termIds.map((termId) => lexical.index.term(termId)),
        fields: fieldsOf(explanation.fieldMask),
      };
      if (explanation.via && explanation.kind !== 'exact') evidence.via = explanation.via;
      reasons.push({
        kind: 'search-match',
        weight: raw > 0 ? (hit.lexical * explanation.raw) / raw : 0,
        evidence,
        text: renderReason(evidence, lang),
      });
    }
  }
  if (plan && hit.proximity > 0) {
    const evidence: SearchReason['evidence'] = {
      match: 'proximity',
      query: plan.groups.map((group) => group.word).join(' '),
      share: Math.round(hit.proximityShare * 1000) / 1000,
    };
    reasons.push({
      kind: 'search-match',
      weight: hit.proximity,
      evidence,
      text: renderReason(evidence, lang),
    });
  }
  if (hit.semantic > 0 || (hit.similarity > 0 && hit.lexical === 0)) {
    const evidence: SearchReason['evidence'] = {
      match: 'semantic',
      similarity: Math.round(hit.similarity * 1000) / 1000,
    };
    reasons.push({
      kind: 'search-match',
      weight: hit.semantic,
      evidence,
      text: renderReason(evidence, lang),
    });
  }
  const category = docs.category[hit.doc]!;
  if (hit.category > 0 && context.categoryShares) {
    const evidence: SearchReason['evidence'] = {
      match: 'category',
      category: docs.categories.values[category]!,
      share: Math.round((context.categoryShares.get(category) ?? 0) * 1000) / 1000,
    };
    reasons.push({
      kind: 'search-match',
      weight: hit.category,
      evidence,
      text: renderReason(evidence, lang),
    });
  }
  if (hit.personal > 0 && hit.personalEvidence) {
    const evidence: SearchReason['evidence'] = { match: 'personal', affinity: hit.personalEvidence };
    reasons.push({
      kind: 'search-match',
      weight: hit.personal,
      evidence,
      text: renderReason(evidence, lang),
    });
  }
  for (const reason of reasons) reason.weight = round(reason.weight);
  const result: SearchHit = {
    itemId: docs.itemIds[hit.doc]!,
    score: round(hit.score),
    title: docs.titles[hit.doc] ?? '',
    reasons,
  };
  const brand = docs.brand[hit.doc]!;
  if (brand >= 0) result.brand = docs.brands.values[brand]!;
  if (category >= 0) result.category = docs.categories.values[category]!;
  const price = docs.price[hit.doc]!;
  if (!Number.isNaN(price)) result.price = price;
  return result;
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
