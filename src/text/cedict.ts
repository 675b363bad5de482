import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AisleError } from '../core/errors.js';
import { runSteps, runStepsInSlices } from '../core/yield.js';

/** A CC-CEDICT headword (simplified) with its short English glosses, cleaned for search. */
export interface CedictEntry {
  simplified: string;
  /** Glosses of one to three words: "battery charger", "t-shirt", "red". */
  glosses: string[];
}

/** [traditional, simplified, pinyin, english (one string or several), variant refs, classifier refs]. */
export type RawEntry = [string, string, string, string | string[], ...unknown[]];

const SKIP_GLOSS =
  /^(?:(?:old |erhua |japanese |archaic )?variant of|see |abbr\.|abbr |surname |cl:|used in |also written|also pr\.|pr\. |lit\.|fig\.|classifier for|(?:a |an )?(?:ancient )?(?:name|kind) of |\(bound form\)|\(old\)|\(dialect\)|\(coll\.\))/i;
const SUFFIX = /,?\s+(?:inc|co|ltd|corp|corporation|company|group|brand)\.?$/i;

/**
 * Shop words CC-CEDICT lacks or glosses only in a sense no shopper means (充电 is only "recharge").
 * Kept tiny on purpose, and disjoint from bench/search/glossary.ts, so the cross-language benchmark
 * does not grade the engine against its own word list.
 */
const commerceSupplement: Readonly<Record<string, string[]>> = {
  充电线: ['charging cable', 'charger cable'],
  充电: ['charging', 'charge'],
};

let cached: CedictEntry[] | undefined;

/**
 * The CC-CEDICT dictionary shipped in the `cc-cedict` package (124,000 entries), reduced to what
 * zh ↔ en term expansion needs: simplified headwords with glosses of at most three words, without
 * parentheses, "to" before verbs, company suffixes, cross-references and classifier notes.
 *
 * The package's data file is read directly: its runtime API builds pinyin indexes over every entry on
 * import (4 s and 430 MB that stay for the life of the process), where this reads the same data in
 * 0.4 s and lets it go once the translation table is built.
 *
 * @example
 * loadCedict().find((entry) => entry.simplified === '充电器'); // { simplified: '充电器', glosses: ['battery charger'] }
 */
export function loadCedict(): CedictEntry[] {
  if (cached) return cached;
  const path = cedictPath();
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (error) {
    throw unreadable(path, error);
  }
  return keep(runSteps(readCedict(path, data)));
}

/**
 * `loadCedict`, pausing for the event loop every few milliseconds: the file is read off the thread
 * and parsed and cleaned a chunk of entries at a time (0.45 s in all, 0.15 s of it parsing): a
 * serving thread loads it when a refresh rebuilds the translation table.
 */
export async function loadCedictInSlices(): Promise<CedictEntry[]> {
  if (cached) return cached;
  const path = cedictPath();
  const data = await readFile(path).catch((error: unknown) => {
    throw unreadable(path, error);
  });
  return keep(await runStepsInSlices(readCedict(path, data)));
}

function* readCedict(path: string, data: Buffer): Generator<void, CedictEntry[]> {
  const raw = yield* parseCedictEntries(data, path);
  return yield* reduceCedict(raw);
}

/** The entries with their glosses cleaned, stopping after every 1,024 entries. */
function* reduceCedict(raw: readonly RawEntry[]): Generator<void, CedictEntry[]> {
  const entries: CedictEntry[] = [];
  let done = 0;
  for (const entry of raw) {
    if (++done % 1024 === 0) yield;
    const simplified = entry[1];
    const english = entry[3];
    const glosses = cleanGlosses(Array.isArray(english) ? english : [english]);
    if (glosses.length > 0 && typeof simplified === 'string') entries.push({ simplified, glosses });
  }
  for (const [simplified, glosses] of Object.entries(commerceSupplement))
    entries.push({ simplified, glosses });
  return entries;
}

function keep(entries: CedictEntry[]): CedictEntry[] {
  cached = entries;
  // Keep the reduced table only briefly: callers build their own maps from it.
  setTimeout(() => {
    cached = undefined;
  }, 60_000).unref();
  return entries;
}

/** Cleans CC-CEDICT glosses into short search phrases (exported for tests). */
export function cleanGlosses(senses: readonly string[]): string[] {
  const glosses = new Set<string>();
  for (const sense of senses) {
    for (let gloss of sense.split(';')) {
      gloss = gloss.trim();
      if (gloss.length === 0 || SKIP_GLOSS.test(gloss)) continue;
      gloss = gloss
        .replace(/\([^)]*\)/g, ' ')
        .replace(/\[[^\]]*\]/g, ' ')
        .replace(SUFFIX, '')
        .replace(/^(?:to|a|an|the)\s+/i, '')
        .replace(/\s+etc\.?$/i, '')
        .replace(/[.,!?]+$/g, '')
        .replace(/\s+/g, ' ')
        .trim();
      if (gloss.length < 2 || !/^[A-Za-z0-9][A-Za-z0-9 '’-]*$/.test(gloss)) continue;
      if (gloss.split(' ').length > 3) continue;
      glosses.add(gloss);
    }
  }
  return [...glosses];
}

/** Where cc-cedict's data file is installed (exported for tests). */
export function cedictPath(): string {
  const path = findPackageFile('cc-cedict', join('data', 'all.js'));
  if (!path) {
    throw new AisleError('INTERNAL', 'The cc-cedict package is not installed; reinstall Aisle');
  }
  return path;
}

function unreadable(path: string, error: unknown): AisleError {
  return new AisleError(
    'INTERNAL',
    `Cannot read the CC-CEDICT data at ${path}; reinstall cc-cedict`,
    { path },
    { cause: error },
  );
}

/**
 * The entries of cc-cedict's data file (`export default {"all":[[…],[…],…]}`), stopping after every
 * 1,024 (exported for tests). One JSON.parse of the whole 11 MB would hold a serving thread for
 * 0.1 s and more, and no JSON library parses a string in steps, so this finds where each element of
 * the `all` array ends (a scan of the UTF-8 bytes that skips strings and counts brackets: the
 * characters it looks for are ASCII, which never occur inside a multi-byte character) and decodes
 * and parses a chunk of elements at a time. The file's text is never one string: decoding it whole
 * (or flattening the rope a `utf8` read gives) would be a stretch of its own.
 */
export function* parseCedictEntries(data: Buffer, path = 'the data file'): Generator<void, RawEntry[]> {
  const layoutChanged = () =>
    new AisleError(
      'INTERNAL',
      `The CC-CEDICT data at ${path} has an unexpected layout (cc-cedict changed?)`,
      {
        path,
      },
    );
  const key = data.indexOf('"all"');
  const open = key === -1 ? -1 : data.indexOf('[', key);
  if (open === -1) throw layoutChanged();
  const entries: RawEntry[] = [];
  const parseChunk = (from: number, to: number) => {
    const chunk = data.toString('utf8', from, to).replace(/^\s*,/, '');
    if (chunk.trim().length === 0) return;
    for (const entry of JSON.parse(`[${chunk}]`) as RawEntry[]) entries.push(entry);
  };
  let depth = 0;
  let inString = false;
  let chunkStart = open + 1;
  let elements = 0;
  for (let at = open + 1; at < data.length; at++) {
    const code = data[at]!;
    if (inString) {
      if (code === 0x5c)
        at++; // a backslash escapes the next character
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) inString = true;
    else if (code === 0x5b) depth++;
    else if (code === 0x5d) {
      if (depth === 0) {
        // The end of the list (other keys follow it in the file).
        parseChunk(chunkStart, at);
        return entries;
      }
      if (--depth === 0 && ++elements % 1024 === 0) {
        parseChunk(chunkStart, at + 1);
        chunkStart = at + 1;
        yield;
      }
    }
  }
  throw layoutChanged();
}

/**
 * A file inside an installed package, found by walking up from this module as Node's resolver does
 * (the package's `exports` map names only its entry point, so it cannot be resolved by name).
 */
function findPackageFile(name: string, file: string): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'node_modules', name, file);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
