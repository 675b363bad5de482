import { AisleError } from '../core/errors.js';
import { getModel } from '../models/registry.js';

/**
 * The `--config <json>` of a model command: parsed and checked against the model's schema, so a
 * typo fails before any data is read. Returned as given (the model fills defaults when it fits).
 */
export function modelConfigOption(model: string, json: string | undefined): Record<string, unknown> {
  const definition = getModel(model);
  if (json === undefined) return {};
  let config: Record<string, unknown>;
  try {
    config = JSON.parse(json) as Record<string, unknown>;
  } catch {
    throw new AisleError('INVALID_ARGUMENT', `--config is not valid JSON: ${json}`);
  }
  const checked = definition.configSchema.safeParse(config);
  if (!checked.success)
    throw new AisleError('INVALID_ARGUMENT', `Invalid --config for ${model}: ${checked.error.message}`);
  return config;
}
