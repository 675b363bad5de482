import type { Command } from 'commander';
import { modelNames } from '../../models/registry.js';
import { trainFromStore } from '../../models/train.js';
import { type GlobalOptions, printJson, withAisle } from '../context.js';
import { modelConfigOption } from '../model-config.js';

interface TrainOptions extends GlobalOptions {
  model: string;
  config?: string;
  seed: string;
  json?: boolean;
  publish?: boolean;
}

/** `aisle train`: fit a model on the store's data and save it as the new serving model version. */
export function registerTrainCommand(program: Command): void {
  program
    .command('train')
    .description('train a model on the stored events and save it as the next version of the serving model')
    .option('--model <name>', `one of ${modelNames().join(', ')}`, 'blend')
    .option('--config <json>', 'model config as JSON (defaults fill the rest)')
    .option('--seed <n>', 'seed', '1')
    .option('--json', 'print the model info as JSON')
    .option(
      '--publish',
      'save the model as the next serving version, which every API node on the store swaps in (the default; on PostgreSQL nodes are notified at once)',
    )
    .option('--no-publish', 'fit and report only: save nothing, serving keeps its version')
    .action(async (options: TrainOptions, command: Command) => {
      const all = { ...command.optsWithGlobals<TrainOptions>(), ...options };
      const config = modelConfigOption(all.model, all.config);
      const progress = all.json ? undefined : (message: string) => process.stderr.write(`${message}\n`);
      const { trained, version } = await withAisle(all, (aisle) =>
        trainFromStore(aisle.store, aisle.config, {
          model: all.model,
          config,
          seed: Number(all.seed),
          save: all.publish !== false,
          ...(progress ? { onProgress: progress } : {}),
        }),
      );
      if (all.json) printJson({ version, ...trained.info });
      else
        process.stdout.write(
          `trained ${trained.info.model} ${version > 0 ? `version ${version}` : '(not published)'} on ${trained.info.interactions} interactions in ${trained.info.fitSeconds} s\n`,
        );
    });
}
