import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AisleError } from '../../core/errors.js';
import {
  type ImportContext,
  type ImportSummary,
  type RecordSource,
  importRecords,
} from '../import-records.js';

/** What importing a whole data set did: one summary per file, plus notes on how it was mapped. */
export interface DatasetImportSummary {
  dataset: string;
  steps: ImportSummary[];
  /** Mapping decisions worth telling the user (e.g. "tags.csv: 3,683 tags merged into item tags"). */
  notes: string[];
}

/** Imports sources one after the other (items and users before the events that name them). */
export async function importSteps(
  context: ImportContext,
  dataset: string,
  sources: readonly (() => Promise<RecordSource>)[],
  notes: string[] = [],
): Promise<DatasetImportSummary> {
  const steps: ImportSummary[] = [];
  for (const open of sources) steps.push(await importRecords(context, await open()));
  return { dataset, steps, notes };
}

/** The first of `names` that exists in `dir`, or undefined. */
export function findFile(dir: string, names: readonly string[]): string | undefined {
  for (const name of names) {
    const path = join(dir, name);
    if (existsSync(path)) return path;
  }
  return undefined;
}

/** Like `findFile`, but a missing file is an error that names what was looked for. */
export function requireFile(dir: string, names: readonly string[], what: string): string {
  const path = findFile(dir, names);
  if (path === undefined) {
    throw new AisleError('FILE_NOT_FOUND', `${what}: none of ${names.join(', ')} found in ${dir}`, {
      dir,
      names,
    });
  }
  return path;
}
