import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { type SuggestEntry, SuggestIndex } from '../../src/search/suggest.js';
import { packArrays, unpackArrays } from '../../src/text/binary-codec.js';
import { datasetsDir } from './catalogues.js';

/**
 * The suggestion index on a real query log: the Multi-CPR e-commerce train queries (100,000,
 * Chinese). Times, as medians of `--runs`:
 *   - load: decoding the stored index, with its sort orders stored (now) and without them, which
 *     sorts every key again (what each load did before, and a stored index of that format still does);
 *   - merge: taking in 100 newly typed queries (what live query logging does every 100 searches),
 *     merged into the sorted orders (the first merge after a load also builds the key → id map),
 *     against sorting every key again (what each merge did before).
 * One JSON line.
 *
 * Usage: node --import tsx bench/search/suggest-merge.ts [--runs 7]
 */
const at = process.argv.indexOf('--runs');
const runs = at === -1 ? 7 : Number(process.argv[at + 1]);
const file = join(datasetsDir, 'multi-cpr-ecom-queries', 'train.query.txt.gz');
const queries: SuggestEntry[] = gunzipSync(readFileSync(file))
  .toString('utf8')
  .split('\n')
  .map((line) => line.slice(line.indexOf('\t') + 1).trim())
  .filter((text) => text.length > 0)
  .map((text) => ({ text, source: 'query' as const, weight: 1 }));
const held = queries.splice(-200 * runs);

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const time = (run: () => void): number => {
  const started = performance.now();
  run();
  return performance.now() - started;
};

const built = SuggestIndex.build(queries);
const bytes = built.encode();
const { header, arrays } = unpackArrays(bytes);
const legacy = packArrays(header, { sources: arrays['sources']!, weights: arrays['weights']! });
const load = { stored: [] as number[], resort: [] as number[] };
const merge = { first: [] as number[], incremental: [] as number[], resort: [] as number[] };
for (let run = 0; run < runs; run++) {
  load.stored.push(time(() => SuggestIndex.decode(bytes)));
  load.resort.push(time(() => SuggestIndex.decode(legacy)));
  const index = SuggestIndex.decode(bytes);
  // A suggest call with 100 queries pending merges them; the first merge also builds the key → id map.
  for (const entry of held.slice(run * 200, run * 200 + 100)) index.add(entry);
  merge.first.push(time(() => index.suggest('红')));
  for (const entry of held.slice(run * 200 + 100, run * 200 + 200)) index.add(entry);
  merge.incremental.push(time(() => index.suggest('红')));
  // The baseline: sorting every key again, as each merge did before (it also rebuilt every entry,
  // which is not counted here).
  merge.resort.push(load.resort[run]! - load.stored[run]!);
}
const round = (value: number) => Number(value.toFixed(2));
process.stdout.write(
  `${JSON.stringify({
    bench: 'search-suggest',
    queries: queries.length,
    entries: built.size,
    runs,
    loadMs: { storedOrders: round(median(load.stored)), resorted: round(median(load.resort)) },
    mergeMs: {
      first: round(median(merge.first)),
      incremental: round(median(merge.incremental)),
      resortAll: round(median(merge.resort)),
    },
  })}\n`,
);
