import { AisleError } from '../core/errors.js';
import { createBlendModel } from './blend/blend.js';
import { contentModel } from './content/content.js';
import { cooccurrenceModel } from './cooccurrence/cooccurrence.js';
import { easeModel } from './ease/ease.js';
import { ialsModel } from './ials/ials.js';
import { itemKnnModel } from './itemknn/item-knn.js';
import type { ModelDefinition } from './model.js';
import { popularityModel } from './popularity/popularity.js';
import { rp3betaModel } from './rp3beta/rp3beta.js';

/** Every recommender by name. `blend` combines any of the others. */
const definitions = new Map<string, ModelDefinition<object>>();

function register(definition: ModelDefinition<object>): void {
  definitions.set(definition.name, definition);
}

register(popularityModel as ModelDefinition<object>);
register(itemKnnModel as ModelDefinition<object>);
register(rp3betaModel as ModelDefinition<object>);
register(easeModel as ModelDefinition<object>);
register(ialsModel as ModelDefinition<object>);
register(contentModel as ModelDefinition<object>);
register(cooccurrenceModel as ModelDefinition<object>);
register(createBlendModel(getModel) as ModelDefinition<object>);

/**
 * The model definition registered under `name`.
 *
 * @example
 * const ease = getModel('ease');
 * const recommender = await ease.fit(data, ease.configSchema.parse({ lambda: 300 }), { rng: createRng(1) });
 */
export function getModel(name: string): ModelDefinition<object> {
  const definition = definitions.get(name);
  if (!definition) {
    throw new AisleError('INVALID_ARGUMENT', `Unknown model "${name}"; known: ${modelNames().join(', ')}`, {
      model: name,
    });
  }
  return definition;
}

export function modelNames(): string[] {
  return [...definitions.keys()];
}
