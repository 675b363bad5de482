#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { isAisleError } from '../core/errors.js';
import { AISLE_VERSION } from '../core/version.js';
import { registerEvalCommand } from './commands/eval.js';
import { registerFairnessCommand } from './commands/fairness.js';
import { registerImportCommand } from './commands/import.js';
import { registerMigrateCommand } from './commands/migrate.js';
import { registerQualityCommand } from './commands/quality.js';
import { registerQuarantineCommand } from './commands/quarantine.js';
import { registerSearchCommands } from './commands/search.js';
import { registerServeCommand } from './commands/serve.js';
import { registerStatsCommand } from './commands/stats.js';
import { registerTrainCommand } from './commands/train.js';

/**
 * The `aisle` command. Exit codes: 0 done (quarantined records are reported, not failures);
 * 1 failed (an error, a read that stopped early, a readmit that stayed invalid); 2 bad usage.
 */
async function main(argv: readonly string[]): Promise<void> {
  const program = new Command('aisle')
    .version(AISLE_VERSION)
    .description('Aisle: e-commerce search and recommendation engine')
    .option(
      '--db <path>',
      'database: SQLite file path, sqlite:<path> or postgres://… (env AISLE_DB or AISLE_DATABASE_URL; default ./aisle.db)',
    )
    .option('--config-file <file>', 'config file (env AISLE_CONFIG; default ./aisle.toml if present)')
    .exitOverride()
    .showHelpAfterError();
  registerImportCommand(program);
  registerStatsCommand(program);
  registerQuarantineCommand(program);
  registerQualityCommand(program);
  registerServeCommand(program);
  registerEvalCommand(program);
  registerFairnessCommand(program);
  registerTrainCommand(program);
  registerMigrateCommand(program);
  registerSearchCommands(program);
  await program.parseAsync(argv);
}

main(process.argv).catch((error: unknown) => {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? 0 : 2;
    return;
  }
  if (isAisleError(error)) {
    process.stderr.write(`aisle: ${error.message} [${error.code}]\n`);
    process.exitCode = error.code === 'INVALID_ARGUMENT' ? 2 : 1;
    return;
  }
  process.stderr.write(
    `aisle: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
