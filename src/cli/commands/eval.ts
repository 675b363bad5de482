import type { Command } from 'commander';
import { AisleError } from '../../core/errors.js';
import { type DatasetFormat, datasetFormats, loadDataset } from '../../eval/datasets.js';
import { type ProtocolName, protocolNames } from '../../eval/protocols.js';
import { DEFAULT_VALIDATION_FOLDS, runEvaluation } from '../../eval/run-evaluation.js';
import { modelNames } from '../../models/registry.js';
import { type GlobalOptions, configFor, printJson } from '../context.js';
import { modelConfigOption } from '../model-config.js';

interface EvalOptions extends GlobalOptions {
  data: string;
  format: string;
  protocol: string;
  model: string;
  config?: string;
  tune?: boolean;
  validationFolds: string;
  k: string;
  seed: string;
  json?: boolean;
}

/** `aisle eval`: one model, one protocol, one seed — every metric, per user group. */
export function registerEvalCommand(program: Command): void {
  program
    .command('eval')
    .description('evaluate a model on a data set with a published protocol (full-catalogue ranking)')
    .requiredOption('--data <path>', 'data-set directory or file (or an Aisle database with --format aisle)')
    .option('--format <format>', `one of ${datasetFormats.join(', ')}`, 'movielens')
    .option('--protocol <name>', `one of ${protocolNames.join(', ')}`, 'msr')
    .option('--model <name>', `one of ${modelNames().join(', ')}`, 'ease')
    .option('--config <json>', 'model config as JSON (defaults fill the rest)')
    .option('--tune', 'tune hyper-parameters on the validation split first')
    .option(
      '--validation-folds <n>',
      'msr: validation splits each tuning trial is averaged over',
      String(DEFAULT_VALIDATION_FOLDS),
    )
    .option('--k <k>', 'cut-off', '10')
    .option('--seed <n>', 'seed of the split and the model', '1')
    .option('--json', 'print one JSON object')
    .action(async (options: EvalOptions, command: Command) => {
      const all = { ...command.optsWithGlobals<EvalOptions>(), ...options };
      if (!(datasetFormats as readonly string[]).includes(all.format)) {
        throw new AisleError('INVALID_ARGUMENT', `--format must be one of ${datasetFormats.join(', ')}`);
      }
      if (!(protocolNames as readonly string[]).includes(all.protocol)) {
        throw new AisleError('INVALID_ARGUMENT', `--protocol must be one of ${protocolNames.join(', ')}`);
      }
      const config = modelConfigOption(all.model, all.config);
      const k = Number(all.k);
      const seed = Number(all.seed);
      if (!Number.isInteger(k) || k < 1)
        throw new AisleError('INVALID_ARGUMENT', '--k must be a positive integer');
      if (!Number.isInteger(seed)) throw new AisleError('INVALID_ARGUMENT', '--seed must be an integer');
      const validationFolds = Number(all.validationFolds);
      if (!Number.isInteger(validationFolds) || validationFolds < 1)
        throw new AisleError('INVALID_ARGUMENT', '--validation-folds must be a positive integer');
      const progress = all.json ? undefined : (message: string) => process.stderr.write(`${message}\n`);
      progress?.(`loading ${all.data} (${all.format})`);
      const snapshot = await loadDataset(all.data, all.format as DatasetFormat, configFor(all));
      const report = await runEvaluation(snapshot, {
        protocol: all.protocol as ProtocolName,
        model: all.model,
        config,
        tune: all.tune === true,
        validationFolds,
        k,
        seed,
        ...(progress ? { onProgress: progress } : {}),
      });
      if (all.json) {
        printJson(report);
        return;
      }
      process.stdout.write(
        `${report.model} on ${all.data}, protocol ${report.protocol}, seed ${report.seed}: ${report.users} test users, ${report.items} items\n`,
      );
      process.stdout.write(`config ${JSON.stringify(report.config)}\n`);
      for (const [name, value] of Object.entries(report.metrics))
        process.stdout.write(`  ${name.padEnd(14)} ${value.toFixed(4)}\n`);
      for (const [attribute, result] of Object.entries(report.groups)) {
        const name = `ndcg@${k}`;
        const parts = Object.entries(result.groups).map(
          ([label, group]) => `${label} ${group.metrics[name]!.toFixed(4)} (n=${group.n})`,
        );
        process.stdout.write(`  ${attribute}: ${parts.join(', ')}; gap ${result.gap[name]?.toFixed(4)}\n`);
      }
      process.stdout.write(`fit ${report.trainSeconds} s, ranking ${report.recommendSeconds} s\n`);
    });
}
