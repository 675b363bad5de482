import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryContext } from '../../../test/support/ingest.js';
import { tempDir } from '../../../test/support/temp.js';
import { detectMovieLensLayout, importMovieLens, zipToRegion } from './movielens.js';

const temp = tempDir('aisle-movielens-');
afterAll(() => temp.cleanup());

function writeDir(name: string, files: Record<string, string | Buffer>): string {
  const dir = join(temp.dir, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, content] of Object.entries(files)) writeFileSync(join(dir, file), content);
  return dir;
}

const genreFlags = (...on: number[]) =>
  Array.from({ length: 19 }, (_, n) => (on.includes(n) ? '1' : '0')).join('|');

describe('MovieLens adapter', () => {
  it('imports the 100K layout: Latin-1 titles, genres, demographics as protected attributes', async () => {
    const dir = writeDir('ml-100k', {
      'u.item': Buffer.from(
        [
          `1|Toy Story (1995)|01-Jan-1995||http://us.imdb.com/M/title-exact?Toy%20Story%20(1995)|${genreFlags(3, 4, 5)}`,
          `543|Misérables, Les (1995)|01-Jan-1995||http://x|${genreFlags(8)}`,
          `267|unknown||||${genreFlags(0)}`,
        ].join('\n') + '\n',
        'latin1',
      ),
      'u.user': '1|24|M|technician|85711\n2|53|F|other|T8H1N\n',
      'u.data': '1\t1\t5\t874965758\n2\t543\t3\t876893171\n1\t267\t4\t878542960\n2\t1\t9\t876893172\n',
    });
    expect(detectMovieLensLayout(dir)).toBe('100k');
    const { store, context } = await memoryContext();
    const summary = await importMovieLens(context, dir);
    expect(summary.steps.map((step) => [step.kind, step.accepted, step.quarantined])).toEqual([
      ['item', 3, 0],
      ['user', 2, 0],
      ['event', 3, 1],
    ]);
    const [toyStory, miserables] = await store.getItems(['1', '543']);
    expect(toyStory).toMatchObject({
      title: 'Toy Story (1995)',
      categoryPath: ['Animation'],
      tags: ['Animation', "Children's", 'Comedy'],
      attributes: { year: 1995 },
    });
    expect(toyStory?.createdAt).toBe(Date.UTC(1995, 0, 1));
    expect(miserables?.title).toBe('Misérables, Les (1995)');
    expect(await store.getProtected(['1', '2'])).toEqual([
      {
        userId: '1',
        gender: 'male',
        ageBand: '18-24',
        occupation: 'technician',
        region: 'us-zone-8',
        other: {},
      },
      { userId: '2', gender: 'female', ageBand: '50-55', occupation: 'other', region: 'non-US', other: {} },
    ]);
    const [bad] = await store.listQuarantine();
    expect(bad).toMatchObject({ line: 4, problems: [{ field: 'value', reason: 'out_of_range' }] });
  });

  it('imports the 1M layout (:: separated, coded age and occupation) from a generated fixture', async () => {
    const dir = writeDir('ml-1m', {
      'movies.dat': Buffer.from(
        "1::Toy Story (1995)::Animation|Children's|Comedy\n2::Café au lait (1993)::Comedy\n",
        'latin1',
      ),
      'users.dat': '1::F::1::10::48067\n2::M::56::16::70072\n3::M::25::15::55117\n',
      'ratings.dat': '1::1::5::978300760\n2::2::3::978302109\n3::1::4::978301968\n3::2::x::978301968\n3::9',
    });
    expect(detectMovieLensLayout(dir)).toBe('1m');
    const { store, context } = await memoryContext();
    const summary = await importMovieLens(context, dir);
    expect(summary.dataset).toBe('movielens-1m');
    expect(summary.steps.map((step) => [step.kind, step.accepted, step.quarantined])).toEqual([
      ['item', 2, 0],
      ['user', 3, 0],
      ['event', 3, 2],
    ]);
    expect((await store.getItems(['2']))[0]?.title).toBe('Café au lait (1993)');
    expect(await store.getProtected(['1', '2'])).toEqual([
      {
        userId: '1',
        gender: 'female',
        ageBand: 'under-18',
        occupation: 'K-12 student',
        region: 'us-zone-4',
        other: {},
      },
      {
        userId: '2',
        gender: 'male',
        ageBand: '56+',
        occupation: 'self-employed',
        region: 'us-zone-7',
        other: {},
      },
    ]);
    expect((await store.listQuarantine()).map((entry) => entry.problems[0]?.reason)).toEqual([
      'invalid_type',
      'truncated_record',
    ]);
    expect(await store.stats()).toMatchObject({ items: 2, users: 3, usersWithProtected: 3, events: 3 });
  });

  it('imports the latest layout with CRLF lines, quoted titles, user tags and links', async () => {
    const dir = writeDir('ml-latest', {
      'movies.csv':
        'movieId,title,genres\r\n1,Toy Story (1995),Adventure|Animation\r\n11,"American President, The (1995)",Comedy|Drama|Romance\r\n99,Nothing (2000),(no genres listed)\r\n',
      'ratings.csv':
        'userId,movieId,rating,timestamp\r\n1,1,4.0,964982703\r\n1,11,0.5,964981247\r\n2,99,5.5,964982224\r\n',
      'tags.csv':
        'userId,movieId,tag,timestamp\r\n2,1,pixar,1445714994\r\n3,1,Pixar,1445714995\r\n4,1,fun,1445714996\r\n',
      'links.csv': 'movieId,imdbId,tmdbId\r\n1,0114709,862\r\n11,0112346,\r\n',
    });
    const { store, context } = await memoryContext();
    const summary = await importMovieLens(context, dir);
    expect(summary.steps.map((step) => [step.kind, step.accepted, step.quarantined])).toEqual([
      ['item', 3, 0],
      ['event', 2, 1],
    ]);
    const [toy, president, nothing] = await store.getItems(['1', '11', '99']);
    expect(toy).toMatchObject({
      tags: ['Adventure', 'Animation', 'pixar', 'fun'],
      attributes: { imdbId: '0114709', tmdbId: '862' },
    });
    expect(president).toMatchObject({
      title: 'American President, The (1995)',
      categoryPath: ['Comedy'],
      attributes: { imdbId: '0112346' },
    });
    expect(nothing).toMatchObject({ categoryPath: [], tags: [] });
    expect(summary.notes.join('\n')).toMatch(/tags of 1 movies/);
  });

  it('names what is missing in a directory that is not MovieLens', () => {
    const dir = writeDir('empty', { 'readme.txt': 'x' });
    expect(() => detectMovieLensLayout(dir)).toThrow(
      /expected u\.data \(100K\), ratings\.dat \(1M\) or ratings\.csv/,
    );
  });

  it('maps ZIP codes to US zones', () => {
    expect(zipToRegion('02139')).toBe('us-zone-0');
    expect(zipToRegion('V3N4P')).toBe('non-US');
    expect(zipToRegion('')).toBe('non-US');
  });
});
