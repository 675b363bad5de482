import type { LiftName, RerankerName } from '../../core/fairness-config.js';
import { AisleError } from '../../core/errors.js';
import { amortizedExposureRerank } from './amortized-exposure.js';
import { calibrationRerank } from './calibration.js';
import { type CandidateList, type RerankResult, unchanged } from './candidate-list.js';
import { exposureMeritRerank } from './exposure-merit.js';
import { fairStarRerank } from './fair-star.js';
import { popularityBiasRerank } from './popularity-bias.js';
import { userGroupRerank } from './user-group.js';

export type { CandidateList, RerankResult } from './candidate-list.js';

/** What a re-ranker needs beyond the candidates: the cut-off, the strength and per-request facts. */
export interface RerankOptions {
  k: number;
  /** 0 = the model's order … 1 = strongest. */
  strength: number;
  /** `fair-star`: significance of the binomial test (default 0.1). */
  alpha?: number;
  /** `user-group`: whether this user is in the advantaged group. */
  advantaged?: boolean;
  /**
   * `user-group`: λ of the lift of a disadvantaged user's list (0 = unchanged, the default); the
   * calibration lift needs `category` and `historyMix`, the popularity lift `popularity`.
   */
  lift?: number;
  /** `user-group`: which lift (default `calibration`). */
  liftBy?: LiftName;
  /** `calibration` (and `user-group` with a lift): the user's history category mix, indexed like `CandidateList.category`. */
  historyMix?: Float64Array;
  /**
   * `exposure`: the share of the list's exposure each item group should get, indexed like
   * `CandidateList.group` (e.g. the groups' shares of the catalogue's items: equal exposure per
   * item). Default: each group's share of the candidates' merit.
   */
  exposureTarget?: Float64Array;
  /**
   * `amortized-exposure`: per item group the boost of its candidates, from the ExposureController
   * that watches the traffic (amortized-exposure.ts); the strength sets that controller's floors.
   */
  groupOffsets?: Float64Array;
  /** `amortized-exposure`: that controller's `relevanceScale` (0 or absent: each list scales itself). */
  groupRelevanceScale?: number;
}

/** The arrays of `CandidateList` each re-ranker reads; a missing one is a caller error. */
const needs: Record<RerankerName, (keyof CandidateList)[]> = {
  'fair-star': ['protectedFlag'],
  exposure: ['group'],
  'amortized-exposure': ['group'],
  'user-group': [],
  calibration: ['category'],
  popularity: ['popularity'],
};

/**
 * Re-ranks one request's candidates (best first) with the named fairness re-ranker. Pure: the
 * same input gives the same order; the result is always a permutation of the candidates, and every
 * candidate it moves up is marked so the response can carry a `fairness-boost` reason.
 *
 * @example
 * const { order, moved } = rerank('fair-star', { scores, protectedFlag }, { k: 10, strength: 0.3 });
 */
export function rerank(name: RerankerName, list: CandidateList, options: RerankOptions): RerankResult {
  for (const field of needs[name])
    if (!list[field])
      throw new AisleError('INVALID_ARGUMENT', `The ${name} re-ranker needs each candidate's ${field}`, {
        reranker: name,
        field,
      });
  const { k, strength } = options;
  const lift = options.lift ?? 0;
  // A lifted disadvantaged list needs the facts of its lift: a caller error, not a silent no-op.
  if (name === 'user-group' && lift > 0 && strength > 0 && !options.advantaged) {
    const byPopularity = options.liftBy === 'popularity';
    const field = byPopularity ? 'popularity' : 'category';
    if (!list[field])
      throw new AisleError(
        'INVALID_ARGUMENT',
        `The ${name} re-ranker with a ${byPopularity ? 'popularity ' : ''}lift needs each candidate's ${field}`,
        { reranker: name, field },
      );
    if (!byPopularity && !options.historyMix)
      throw new AisleError(
        'INVALID_ARGUMENT',
        `The ${name} re-ranker with a lift needs the user history mix`,
        {
          reranker: name,
        },
      );
  }
  switch (name) {
    case 'fair-star':
      return fairStarRerank(list, { k, proportion: Math.min(strength, 0.99), alpha: options.alpha ?? 0.1 });
    case 'exposure':
      return exposureMeritRerank(list, {
        k,
        strength,
        ...(options.exposureTarget ? { target: options.exposureTarget } : {}),
      });
    case 'amortized-exposure':
      if (!options.groupOffsets)
        throw new AisleError(
          'INVALID_ARGUMENT',
          'The amortized-exposure re-ranker needs the group offsets of its exposure controller',
          { reranker: name },
        );
      if (strength <= 0) return unchanged(list.scores.length);
      return amortizedExposureRerank(list, {
        k,
        offsets: options.groupOffsets,
        ...(options.groupRelevanceScale !== undefined ? { relevanceScale: options.groupRelevanceScale } : {}),
      });
    case 'user-group':
      return userGroupRerank(list, {
        k,
        strength,
        advantaged: options.advantaged ?? false,
        lift,
        ...(options.liftBy ? { liftBy: options.liftBy } : {}),
        ...(options.historyMix ? { historyMix: options.historyMix } : {}),
      });
    case 'calibration':
      if (!options.historyMix)
        throw new AisleError('INVALID_ARGUMENT', 'The calibration re-ranker needs the user history mix', {
          reranker: name,
        });
      return calibrationRerank(list, { k, strength, historyMix: options.historyMix });
    case 'popularity':
      return popularityBiasRerank(list, { k, strength });
  }
}
