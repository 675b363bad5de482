import type { Command } from 'commander';
import { AisleError } from '../../core/errors.js';
import { importAmazonReviews } from '../../ingest/adapters/amazon.js';
import type { DatasetImportSummary } from '../../ingest/adapters/dataset-import.js';
import { importInstacart } from '../../ingest/adapters/instacart.js';
import { importMovieLens } from '../../ingest/adapters/movielens.js';
import { importQueryLog } from '../../ingest/adapters/query-log.js';
import { importTaobaoTitles } from '../../ingest/adapters/taobao-titles.js';
import { importTaobao } from '../../ingest/adapters/taobao.js';
import { type FileFormat, type FileSourceOptions, openFileSource } from '../../ingest/file-sources.js';
import { type ImportContext, importRecords } from '../../ingest/import-records.js';
import type { RecordKind } from '../../store/store.js';
import { type GlobalOptions, printJson, withAisle } from '../context.js';
import { formatDatasetSummary } from '../format.js';
import { createImportProgress } from '../progress.js';

interface ImportOptions extends GlobalOptions {
  format?: FileFormat;
  delimiter?: string;
  columns?: string;
  idPrefix?: string;
  json?: boolean;
  progress?: boolean;
}

const recordKinds: Record<string, RecordKind> = {
  items: 'item',
  users: 'user',
  protected: 'protected',
  events: 'event',
};

const datasets: Record<
  string,
  (context: ImportContext, path: string, options: ImportOptions) => Promise<DatasetImportSummary>
> = {
  movielens: (context, path) => importMovieLens(context, path),
  taobao: (context, path) => importTaobao(context, path),
  amazon: (context, path) => importAmazonReviews(context, path),
  instacart: (context, path) => importInstacart(context, path),
  'taobao-titles': (context, path) => importTaobaoTitles(context, path),
  queries: (context, path, options) => importQueryLog(context, path, options.idPrefix),
};

/** `aisle import <what> <path>`: generic record files and data-set adapters. */
export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description(
      'import records: items|users|protected|events <file> (CSV, TSV, JSON Lines; .gz ok), or a data set: movielens <dir>, taobao <file>, amazon <file>, instacart <dir>, taobao-titles <file|dir>, queries <file>',
    )
    .argument('<what>', `one of: ${[...Object.keys(recordKinds), ...Object.keys(datasets)].join(', ')}`)
    .argument('<path>', 'file or directory to import')
    .option('--format <format>', 'csv, tsv or jsonl (default: from the file name)')
    .option('--delimiter <char>', 'CSV column delimiter (default ",")')
    .option('--columns <names>', 'comma-separated column names for a CSV without a header row')
    .option('--id-prefix <prefix>', 'queries: prefix for query ids (default: the file name)')
    .option('--json', 'print the summary as JSON')
    .option('--no-progress', 'no progress bar')
    .action(async (what: string, path: string, options: ImportOptions, command: Command) => {
      const all = { ...command.optsWithGlobals<ImportOptions>(), ...options };
      const kind = recordKinds[what];
      const dataset = datasets[what];
      if (!kind && !dataset) {
        throw new AisleError(
          'INVALID_ARGUMENT',
          `Unknown import "${what}"; use one of ${[...Object.keys(recordKinds), ...Object.keys(datasets)].join(', ')}`,
        );
      }
      if (all.format !== undefined && !['csv', 'tsv', 'jsonl'].includes(all.format)) {
        throw new AisleError('INVALID_ARGUMENT', `--format must be csv, tsv or jsonl, got "${all.format}"`);
      }
      const progress = createImportProgress(all.progress !== false && !all.json);
      const summary = await withAisle(all, async (aisle) => {
        const context = aisle.importContext(progress.onProgress ? { onProgress: progress.onProgress } : {});
        try {
          if (dataset) return await dataset(context, path, all);
          const options: FileSourceOptions = {};
          if (all.format) options.format = all.format;
          if (all.delimiter) options.delimiter = all.delimiter === '\\t' ? '\t' : all.delimiter;
          if (all.columns) options.columns = all.columns.split(',').map((name) => name.trim());
          const summary = await importRecords(context, await openFileSource(path, kind!, options));
          return { dataset: `${what} file`, steps: [summary], notes: [] };
        } finally {
          progress.stop();
        }
      });
      if (all.json) printJson(summary);
      else process.stdout.write(`${formatDatasetSummary(summary)}\n`);
      if (summary.steps.some((step) => step.error !== undefined)) process.exitCode = 1;
    });
}
