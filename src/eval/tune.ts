import type { BlendConfig } from '../models/blend/blend.js';
import type { ItemFeatures } from '../models/model.js';
import type { InteractionLog } from '../models/data/interaction-log.js';
import { getModel } from '../models/registry.js';
import { evaluateModel } from './evaluate.js';
import type { PairTable } from './pairs.js';
import type { Split } from './protocols.js';

export interface TuneInput {
  log: InteractionLog;
  features: ItemFeatures;
  pairs: PairTable;
  /** The protocol's validation split: the test split is never seen here. */
  validation: Split;
  /**
   * Further validation splits (ProtocolSplits.validationFolds, `validation` among them): each trial's
   * score is the mean NDCG over all of them, which ranks configs more like the test split does than
   * one random split (docs/evaluation.md, tuning).
   */
  validationFolds?: readonly Split[];
  model: string;
  /** Starting point (defaults fill the rest); for a blend, the components to tune. */
  config?: Record<string, unknown>;
  k: number;
  seed: number;
  /** Coordinate-search rounds over the model's search space (default 3; stops early when a round changes nothing). */
  rounds?: number;
  onTrial?: (trial: Trial) => void;
}

export interface Trial {
  model: string;
  config: Record<string, unknown>;
  /** NDCG@k on the validation split (the mean over the validation folds). */
  score: number;
}

/** Mean NDCG@k of a config over the validation folds. */
async function validationScore(
  input: TuneInput,
  model: string,
  config: Record<string, unknown>,
): Promise<number> {
  const folds = input.validationFolds?.length ? input.validationFolds : [input.validation];
  let total = 0;
  for (const split of folds) {
    const result = await evaluateModel({
      log: input.log,
      features: input.features,
      pairs: input.pairs,
      split,
      model,
      config,
      ks: [input.k],
      seed: input.seed,
    });
    total += result.metrics[`ndcg@${input.k}`]!;
  }
  return total / folds.length;
}

export interface TuneResult {
  config: Record<string, unknown>;
  score: number;
  trials: Trial[];
}

/** Blend weights the tuner tries for each component after the first (whose weight stays 1). */
const BLEND_WEIGHTS = [0, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4] as const;

/**
 * Tunes hyper-parameters on the validation split by coordinate search: starting from the given
 * config, each hyper-parameter in the model's search space is set to its best value with the others
 * held, for a few rounds. Deterministic for a seed. A blend first tunes each component on its own,
 * then the weights.
 */
export async function tuneModel(input: TuneInput): Promise<TuneResult> {
  if (input.model === 'blend') return tuneBlend(input);
  const definition = getModel(input.model);
  const trials: Trial[] = [];
  const cache = new Map<string, number>();
  const evaluate = async (config: Record<string, unknown>): Promise<number> => {
    const key = JSON.stringify(config);
    const known = cache.get(key);
    if (known !== undefined) return known;
    const score = await validationScore(input, input.model, config);
    cache.set(key, score);
    const trial = { model: input.model, config, score };
    trials.push(trial);
    input.onTrial?.(trial);
    return score;
  };
  let best = definition.configSchema.parse(input.config ?? {}) as Record<string, unknown>;
  let bestScore = await evaluate(best);
  for (let round = 0; round < (input.rounds ?? 3); round++) {
    let improved = false;
    for (const [name, values] of Object.entries(definition.searchSpace) as [string, readonly unknown[]][]) {
      for (const value of values) {
        if (best[name] === value) continue;
        const candidate = { ...best, [name]: value };
        const score = await evaluate(candidate);
        if (score > bestScore + 1e-9) {
          best = candidate;
          bestScore = score;
          improved = true;
        }
      }
    }
    if (!improved) break;
  }
  return { config: best, score: bestScore, trials };
}

async function tuneBlend(input: TuneInput): Promise<TuneResult> {
  const blend = getModel('blend');
  const start = blend.configSchema.parse(input.config ?? {}) as BlendConfig;
  const trials: Trial[] = [];
  const components = [];
  for (const component of start.components) {
    const tuned = await tuneModel({ ...input, model: component.model, config: component.config });
    trials.push(...tuned.trials);
    components.push({ ...component, config: tuned.config });
  }
  let best: BlendConfig = { ...start, components };
  const score = async (config: BlendConfig): Promise<number> => {
    const value = await validationScore(input, 'blend', config as unknown as Record<string, unknown>);
    const trial = { model: 'blend', config: config as unknown as Record<string, unknown>, score: value };
    trials.push(trial);
    input.onTrial?.(trial);
    return value;
  };
  let bestScore = await score(best);
  for (let round = 0; round < (input.rounds ?? 3); round++) {
    let improved = false;
    for (let c = 1; c < best.components.length; c++) {
      for (const weight of BLEND_WEIGHTS) {
        if (best.components[c]!.weight === weight) continue;
        const candidate: BlendConfig = {
          ...best,
          components: best.components.map((component, at) =>
            at === c ? { ...component, weight } : component,
          ),
        };
        const value = await score(candidate);
        if (value > bestScore + 1e-9) {
          best = candidate;
          bestScore = value;
          improved = true;
        }
      }
    }
    if (!improved) break;
  }
  return { config: best as unknown as Record<string, unknown>, score: bestScore, trials };
}
