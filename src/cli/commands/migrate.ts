import type { Command } from 'commander';
import { AisleError } from '../../core/errors.js';
import { migrateSqliteToPostgres } from '../../store/postgres/migrate-from-sqlite.js';
import { printJson } from '../context.js';

interface MigrateOptions {
  from: string;
  to: string;
  json?: boolean;
}

/** `aisle migrate`: move a shop from its SQLite file to PostgreSQL, verified table by table. */
export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description(
      'copy every record of a SQLite store into an empty PostgreSQL database, then compare row counts and checksums',
    )
    .requiredOption('--from <store>', 'the SQLite store: sqlite:<path> or a path')
    .requiredOption('--to <url>', 'the PostgreSQL database: postgres://user:password@host:port/database')
    .option('--json', 'print the report as JSON')
    .action(async (options: MigrateOptions) => {
      const report = await migrateSqliteToPostgres(options.from, options.to, {
        ...(options.json ? {} : { onProgress: (message: string) => process.stderr.write(`${message}\n`) }),
      });
      if (options.json) printJson(report);
      else {
        for (const table of report.tables) {
          process.stdout.write(
            `${table.match ? 'ok      ' : 'MISMATCH'} ${table.table.padEnd(22)} ${table.sourceRows.toLocaleString('en').padStart(12)} rows  checksum ${table.sourceChecksum}${table.match ? '' : ` ≠ ${table.targetChecksum} (${table.targetRows} rows)`}\n`,
          );
        }
        process.stdout.write(
          `${report.verified ? 'migrated and verified' : 'migrated, but NOT verified'}: ${report.from} → ${report.to} in ${report.seconds.toFixed(1)} s\n`,
        );
      }
      if (!report.verified) {
        throw new AisleError(
          'CONFLICT',
          'The copy differs from the source (see the tables marked MISMATCH); do not switch to it.',
        );
      }
    });
}
