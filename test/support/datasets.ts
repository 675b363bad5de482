import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is test/support/datasets.ts). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The shared real data sets: `AISLE_DATASETS` if set, else `../shared/datasets` beside the
 * repository. Tests that need them skip, saying so, only where the folder is absent.
 */
export const datasetsDir = process.env['AISLE_DATASETS'] ?? resolve(repoRoot, '..', 'shared', 'datasets');

/** Path of a data-set file or folder, and whether it is there. */
export function dataset(...parts: string[]): { path: string; present: boolean } {
  const path = join(datasetsDir, ...parts);
  const present = existsSync(path);
  if (!present) {
    console.warn(
      `SKIP: real data set ${path} not found (set AISLE_DATASETS or place ../shared/datasets beside the repo)`,
    );
  }
  return { path, present };
}

/** The built CLI; `npm test` builds before running the suite. */
export const cliPath = join(repoRoot, 'dist', 'cli', 'main.js');
