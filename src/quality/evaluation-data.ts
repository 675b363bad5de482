import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AisleError } from '../core/errors.js';
import { importAmazonReviews } from '../ingest/adapters/amazon.js';
import type { DatasetImportSummary } from '../ingest/adapters/dataset-import.js';
import { importMovieLens } from '../ingest/adapters/movielens.js';
import { importTaobao } from '../ingest/adapters/taobao.js';
import type { ImportContext } from '../ingest/import-records.js';

/** The data-set formats the evaluation reads. */
export const evaluationFormats = ['movielens', 'amazon', 'taobao'] as const;
export type EvaluationFormat = (typeof evaluationFormats)[number];

/**
 * Imports a real data set through the normal adapters (so the gate runs on it as on any import).
 * `path` is the MovieLens folder, or the Amazon / Taobao file or a folder holding it.
 */
export async function importEvaluationData(
  context: ImportContext,
  format: EvaluationFormat,
  path: string,
): Promise<DatasetImportSummary> {
  if (!existsSync(path)) throw new AisleError('FILE_NOT_FOUND', `No such file or folder: ${path}`, { path });
  switch (format) {
    case 'movielens':
      return importMovieLens(context, path);
    case 'amazon':
      return importAmazonReviews(
        context,
        fileIn(path, /\.json(\.gz)?$/i, 'an Amazon review file (*.json or *.json.gz)'),
      );
    case 'taobao':
      return importTaobao(context, fileIn(path, /^UserBehavior\.csv(\.gz)?$/i, 'UserBehavior.csv(.gz)'));
    default:
      throw new AisleError(
        'INVALID_ARGUMENT',
        `--format must be one of ${evaluationFormats.join(', ')}, got "${String(format)}"`,
      );
  }
}

function fileIn(path: string, pattern: RegExp, what: string): string {
  if (!statSync(path).isDirectory()) return path;
  const match = readdirSync(path)
    .filter((name) => pattern.test(name))
    .sort()[0];
  if (match === undefined) throw new AisleError('FILE_NOT_FOUND', `${path} holds no ${what}`, { path });
  return join(path, match);
}
