import { runRecommenderContract } from '../../test/recommender-contract.js';

// One contract suite, run for every registered model (STYLE.md §13).
runRecommenderContract('popularity', {}, { additive: true, findsMissingItem: false });
runRecommenderContract(
  'itemknn',
  { neighbours: 10, shrink: 0 },
  { additive: true, findsMissingItem: true, explainsMany: true },
);
runRecommenderContract(
  'itemknn',
  { neighbours: 10, weighting: 'bm25' },
  { additive: true, findsMissingItem: true, explainsMany: true },
);
runRecommenderContract(
  'rp3beta',
  { neighbours: 10 },
  { additive: true, findsMissingItem: true, explainsMany: true },
);
runRecommenderContract('ease', { lambda: 1 }, { additive: true, findsMissingItem: true, explainsMany: true });
runRecommenderContract(
  'ials',
  { factors: 4, iterations: 20, regularization: 0.05, unobservedWeight: 0.3 },
  { additive: true, findsMissingItem: true, explainsMany: true },
);
runRecommenderContract(
  'content',
  { neighbours: 10 },
  { additive: true, findsMissingItem: true, explainsMany: true },
);
runRecommenderContract(
  'cooccurrence',
  { source: 'baskets', minSupport: 1 },
  { additive: true, findsMissingItem: true, explainsMany: true },
);
runRecommenderContract(
  'blend',
  {
    components: [
      { model: 'ease', config: { lambda: 1 }, weight: 1 },
      { model: 'itemknn', config: { neighbours: 10 }, weight: 0.5 },
    ],
  },
  { additive: true, findsMissingItem: true, explainsMany: true, scoresNormalisedPerUser: true },
);
