import { readFileSync } from 'node:fs';
import { AisleError } from '../../core/errors.js';
import type { ImportContext, RecordSource } from '../import-records.js';
import { forEachLookupRow } from './lookup-rows.js';
import { openDelimitedAdapterSource } from './adapter-source.js';
import { type DatasetImportSummary, findFile, importSteps, requireFile } from './dataset-import.js';

/** The three public MovieLens layouts. */
export type MovieLensLayout = '100k' | '1m' | 'latest';

/** u.item's 19 genre flags, in file order (used when u.genre is absent). */
const ML100K_GENRES = [
  'unknown',
  'Action',
  'Adventure',
  'Animation',
  "Children's",
  'Comedy',
  'Crime',
  'Documentary',
  'Drama',
  'Fantasy',
  'Film-Noir',
  'Horror',
  'Musical',
  'Mystery',
  'Romance',
  'Sci-Fi',
  'Thriller',
  'War',
  'Western',
];

/** MovieLens 1M occupation codes (README of ml-1m). */
const ML1M_OCCUPATIONS = [
  'other',
  'academic/educator',
  'artist',
  'clerical/admin',
  'college/grad student',
  'customer service',
  'doctor/health care',
  'executive/managerial',
  'farmer',
  'homemaker',
  'K-12 student',
  'lawyer',
  'programmer',
  'retired',
  'sales/marketing',
  'scientist',
  'self-employed',
  'technician/engineer',
  'tradesman/craftsman',
  'unemployed',
  'writer',
];

/** MovieLens 1M age codes → Aisle's age bands (the same bands). */
const ML1M_AGE_BANDS: Record<string, string> = {
  '1': 'under-18',
  '18': '18-24',
  '25': '25-34',
  '35': '35-44',
  '45': '45-49',
  '50': '50-55',
  '56': '56+',
};

const MONTHS: Record<string, number> = {
  jan: 0,
  feb: 1,
  mar: 2,
  apr: 3,
  may: 4,
  jun: 5,
  jul: 6,
  aug: 7,
  sep: 8,
  oct: 9,
  nov: 10,
  dec: 11,
};

/** Most user tags kept per movie (the most used first), so popular movies stay within item limits. */
const MAX_TAGS_PER_MOVIE = 50;

/** Which layout a MovieLens directory holds, from the files present. */
export function detectMovieLensLayout(dir: string): MovieLensLayout {
  if (findFile(dir, ['u.data'])) return '100k';
  if (findFile(dir, ['ratings.dat'])) return '1m';
  if (findFile(dir, ['ratings.csv'])) return 'latest';
  throw new AisleError(
    'UNSUPPORTED_FORMAT',
    `${dir} is not a MovieLens directory: expected u.data (100K), ratings.dat (1M) or ratings.csv (latest)`,
    { dir },
  );
}

/**
 * Imports a MovieLens directory in any of its public layouts: movies as items (genres as category
 * and tags), users with demographics as protected attributes (100K, 1M), ratings as rating events.
 *
 * @example
 * await importMovieLens(context, '../shared/datasets/ml-100k');
 */
export async function importMovieLens(context: ImportContext, dir: string): Promise<DatasetImportSummary> {
  const layout = detectMovieLensLayout(dir);
  if (layout === '100k') return importSteps(context, 'movielens-100k', ml100kSources(dir));
  if (layout === '1m') return importSteps(context, 'movielens-1m', ml1mSources(dir));
  const notes: string[] = [];
  return importSteps(context, 'movielens-latest', await latestSources(dir, notes), notes);
}

function ml100kSources(dir: string): (() => Promise<RecordSource>)[] {
  const genres = readGenres(dir);
  return [
    () =>
      openDelimitedAdapterSource({
        path: requireFile(dir, ['u.item'], 'MovieLens 100K movies'),
        kind: 'item',
        delimiter: '|',
        encoding: 'latin1',
        quoted: false,
        hasHeader: false,
        columns: 5 + genres.length,
        columnNames: ['movie id', 'title', 'release date', 'video release date', 'IMDb URL', ...genres],
        toInput: (cells) => {
          const movieGenres = genres.filter((genre, at) => cells[5 + at] === '1' && genre !== 'unknown');
          return movieInput(cells[0]!, cells[1]!, movieGenres, {
            releaseDate: cells[2],
            imdbUrl: cells[4],
          });
        },
      }),
    () =>
      openDelimitedAdapterSource({
        path: requireFile(dir, ['u.user'], 'MovieLens 100K users'),
        kind: 'user',
        delimiter: '|',
        encoding: 'latin1',
        quoted: false,
        hasHeader: false,
        columns: 5,
        columnNames: ['user id', 'age', 'gender', 'occupation', 'zip code'],
        toInput: ([id, age, gender, occupation, zip]) => ({
          input: { id },
          protectedInput: { userId: id, age, gender, occupation, region: zipToRegion(zip ?? '') },
          ignored: [],
        }),
      }),
    () =>
      openDelimitedAdapterSource({
        path: requireFile(dir, ['u.data'], 'MovieLens 100K ratings'),
        kind: 'event',
        delimiter: '\t',
        encoding: 'utf8',
        quoted: false,
        hasHeader: false,
        columns: 4,
        columnNames: ['user id', 'item id', 'rating', 'timestamp'],
        toInput: ratingInput,
      }),
  ];
}

function ml1mSources(dir: string): (() => Promise<RecordSource>)[] {
  return [
    () =>
      openDelimitedAdapterSource({
        path: requireFile(dir, ['movies.dat'], 'MovieLens 1M movies'),
        kind: 'item',
        delimiter: '::',
        encoding: 'latin1',
        quoted: false,
        hasHeader: false,
        columns: 3,
        columnNames: ['MovieID', 'Title', 'Genres'],
        toInput: ([id, title, genres]) => movieInput(id!, title!, splitGenres(genres ?? ''), {}),
      }),
    () =>
      openDelimitedAdapterSource({
        path: requireFile(dir, ['users.dat'], 'MovieLens 1M users'),
        kind: 'user',
        delimiter: '::',
        encoding: 'latin1',
        quoted: false,
        hasHeader: false,
        columns: 5,
        columnNames: ['UserID', 'Gender', 'Age', 'Occupation', 'Zip-code'],
        toInput: ([id, gender, ageCode, occupationCode, zip]) => ({
          input: { id },
          protectedInput: {
            userId: id,
            gender,
            ageBand: ML1M_AGE_BANDS[ageCode ?? ''] ?? ageCode,
            occupation: ML1M_OCCUPATIONS[Number(occupationCode)] ?? occupationCode,
            region: zipToRegion(zip ?? ''),
          },
          ignored: [],
        }),
      }),
    () =>
      openDelimitedAdapterSource({
        path: requireFile(dir, ['ratings.dat'], 'MovieLens 1M ratings'),
        kind: 'event',
        delimiter: '::',
        encoding: 'utf8',
        quoted: false,
        hasHeader: false,
        columns: 4,
        columnNames: ['UserID', 'MovieID', 'Rating', 'Timestamp'],
        toInput: ratingInput,
      }),
  ];
}

async function latestSources(dir: string, notes: string[]): Promise<(() => Promise<RecordSource>)[]> {
  const tagsPath = findFile(dir, ['tags.csv']);
  const linksPath = findFile(dir, ['links.csv']);
  const { tags, skippedLines } = tagsPath
    ? await readMovieTags(tagsPath)
    : { tags: new Map<string, string[]>(), skippedLines: [] };
  const links = linksPath
    ? await readLinks(linksPath)
    : new Map<string, { imdbId?: string; tmdbId?: string }>();
  if (tagsPath) {
    notes.push(
      `${tagsPath}: user tags merged into the tags of ${tags.size} movies (at most ${MAX_TAGS_PER_MOVIE} per movie, most used first); tags are text, not events`,
    );
    if (skippedLines.length > 0) {
      notes.push(
        `${tagsPath}: ${skippedLines.length} unreadable tag rows not used (lines ${skippedLines.slice(0, 20).join(', ')})`,
      );
    }
  }
  if (linksPath)
    notes.push(`${linksPath}: IMDb and TMDb ids of ${links.size} movies stored as item attributes`);
  return [
    () =>
      openDelimitedAdapterSource({
        path: requireFile(dir, ['movies.csv'], 'MovieLens movies'),
        kind: 'item',
        delimiter: ',',
        encoding: 'utf8',
        quoted: true,
        hasHeader: true,
        columns: 3,
        columnNames: ['movieId', 'title', 'genres'],
        toInput: ([id, title, genres]) => {
          const input = movieInput(id!, title!, splitGenres(genres ?? ''), { ...links.get(id!) });
          const userTags = tags.get(id!) ?? [];
          const genreTags = input['tags'] as string[];
          input['tags'] = [...genreTags, ...userTags.filter((tag) => !genreTags.includes(tag))];
          return input;
        },
      }),
    () =>
      openDelimitedAdapterSource({
        path: requireFile(dir, ['ratings.csv'], 'MovieLens ratings'),
        kind: 'event',
        delimiter: ',',
        encoding: 'utf8',
        quoted: true,
        hasHeader: true,
        columns: 4,
        columnNames: ['userId', 'movieId', 'rating', 'timestamp'],
        toInput: ratingInput,
      }),
  ];
}

function ratingInput([userId, itemId, value, timestamp]: string[]): Record<string, unknown> {
  return { userId, itemId, type: 'rating', value, timestamp };
}

function movieInput(
  id: string,
  title: string,
  genres: string[],
  extra: { releaseDate?: string | undefined; imdbUrl?: string | undefined; imdbId?: string; tmdbId?: string },
): Record<string, unknown> {
  const attributes: Record<string, string | number> = {};
  const year = /\((\d{4})\)\s*$/.exec(title)?.[1];
  if (year) attributes['year'] = Number(year);
  if (extra.imdbUrl) attributes['imdbUrl'] = extra.imdbUrl;
  if (extra.imdbId) attributes['imdbId'] = extra.imdbId;
  if (extra.tmdbId) attributes['tmdbId'] = extra.tmdbId;
  const released = extra.releaseDate ? parseReleaseDate(extra.releaseDate) : undefined;
  if (extra.releaseDate) attributes['releaseDate'] = extra.releaseDate;
  const input: Record<string, unknown> = {
    id,
    title,
    categoryPath: genres.slice(0, 1),
    tags: genres,
    attributes,
    language: 'en',
  };
  if (released !== undefined) input['createdAt'] = released;
  return input;
}

function splitGenres(text: string): string[] {
  return text
    .split('|')
    .map((genre) => genre.trim())
    .filter((genre) => genre !== '' && genre !== '(no genres listed)');
}

/** "01-Jan-1995" → epoch ms (UTC), or undefined. */
function parseReleaseDate(text: string): number | undefined {
  const match = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/.exec(text.trim());
  const month = match ? MONTHS[match[2]!.toLowerCase()] : undefined;
  if (!match || month === undefined) return undefined;
  return Date.UTC(Number(match[3]), month, Number(match[1]));
}

/**
 * A coarse region from a US ZIP code: its first digit is one of ten national zones (0 = New England …
 * 9 = Pacific). Codes that are not US ZIP codes (e.g. Canadian postal codes) are "non-US".
 */
export function zipToRegion(zip: string): string {
  const first = zip.trim()[0];
  return first !== undefined && /\d/.test(first) ? `us-zone-${first}` : 'non-US';
}

function readGenres(dir: string): string[] {
  const path = findFile(dir, ['u.genre']);
  if (!path) return ML100K_GENRES;
  const entries = readFileSync(path, 'latin1')
    .split('\n')
    .map((line) => line.trim().split('|'))
    .filter((parts) => parts.length === 2 && parts[0] !== '')
    .map(([name, index]) => ({ name: name!, index: Number(index) }))
    .sort((a, b) => a.index - b.index);
  return entries.length > 0 ? entries.map((entry) => entry.name) : ML100K_GENRES;
}

/** tags.csv → movie id → distinct tags, most used first; lines that cannot be read are listed. */
async function readMovieTags(path: string): Promise<{ tags: Map<string, string[]>; skippedLines: number[] }> {
  const counts = new Map<string, Map<string, { tag: string; count: number }>>();
  const emptyRows: number[] = [];
  const unreadable = await forEachLookupRow(path, (value, line) => {
    const movieId = value('movieId');
    const text = value('tag');
    if (!movieId || !text) {
      emptyRows.push(line);
      return;
    }
    const byTag = counts.get(movieId) ?? new Map<string, { tag: string; count: number }>();
    counts.set(movieId, byTag);
    const key = text.toLowerCase();
    const entry = byTag.get(key) ?? { tag: text, count: 0 };
    entry.count++;
    byTag.set(key, entry);
  });
  const tags = new Map<string, string[]>();
  for (const [movieId, byTag] of counts) {
    const sorted = [...byTag.values()].sort((a, b) => b.count - a.count || a.tag.localeCompare(b.tag));
    tags.set(
      movieId,
      sorted.slice(0, MAX_TAGS_PER_MOVIE).map((entry) => entry.tag),
    );
  }
  return { tags, skippedLines: [...unreadable, ...emptyRows].sort((a, b) => a - b) };
}

async function readLinks(path: string): Promise<Map<string, { imdbId?: string; tmdbId?: string }>> {
  const links = new Map<string, { imdbId?: string; tmdbId?: string }>();
  await forEachLookupRow(path, (value) => {
    const link: { imdbId?: string; tmdbId?: string } = {};
    if (value('imdbId')) link.imdbId = value('imdbId');
    if (value('tmdbId')) link.tmdbId = value('tmdbId');
    if (value('movieId')) links.set(value('movieId'), link);
  });
  return links;
}
