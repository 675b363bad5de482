import { describe, expect, it } from 'vitest';
import { type TextRecord, splitRecords } from './split-records.js';

async function split(
  text: string | Buffer,
  quoted: boolean,
  chunkSize = 1 << 20,
  maxLinesPerRecord?: number,
): Promise<TextRecord[]> {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8');
  async function* chunks(): AsyncGenerator<Buffer> {
    for (let at = 0; at < bytes.length; at += chunkSize) yield bytes.subarray(at, at + chunkSize);
  }
  const records: TextRecord[] = [];
  const options =
    maxLinesPerRecord === undefined
      ? { quoted, encoding: 'utf8' as const }
      : { quoted, encoding: 'utf8' as const, maxLinesPerRecord };
  for await (const batch of splitRecords(chunks(), options)) records.push(...batch);
  return records;
}

const texts = (records: TextRecord[]) => records.map((record) => record.text);

describe('splitRecords', () => {
  it('splits lines, strips CR and numbers lines from 1', async () => {
    const records = await split('a,b\r\nc,d\n\ne,f\n', false);
    expect(texts(records)).toEqual(['a,b', 'c,d', '', 'e,f']);
    expect(records.map((record) => record.line)).toEqual([1, 2, 3, 4]);
    expect(records.every((record) => record.terminated)).toBe(true);
  });

  it('marks a last line without a line break as unterminated', async () => {
    const records = await split('a,b\nc,', false);
    expect(records.at(-1)).toMatchObject({ line: 2, terminated: false });
    expect(texts(records)).toEqual(['a,b', 'c,']);
  });

  it('keeps quoted line breaks inside one CSV record and counts lines past it', async () => {
    const records = await split('id,desc\n1,"two\nlines"\n2,plain\n', true);
    expect(texts(records)).toEqual(['id,desc', '1,"two\nlines"', '2,plain']);
    expect(records.map((record) => record.line)).toEqual([1, 2, 4]);
  });

  it('gives the same records whatever the chunk size', async () => {
    const text = 'x,"a\n""b"""\ny,红色T恤\r\nz,"c,d"\nlast';
    const whole = await split(text, true);
    for (const size of [1, 2, 3, 7]) {
      const chunked = await split(text, true, size);
      expect(texts(chunked)).toEqual(texts(whole));
      expect(chunked.map((record) => record.line)).toEqual(whole.map((record) => record.line));
    }
  });

  it('stops a stray quote from swallowing the rest of the file', async () => {
    const lines = [
      '1,"Pop Up Notes, 3"" X 3"",87,17',
      ...Array.from({ length: 10 }, (_, n) => `${n + 2},ok,1,1`),
    ];
    const records = await split(`${lines.join('\n')}\n`, true, 1 << 20, 5);
    expect(records[0]).toMatchObject({ line: 1, unbalancedQuote: true });
    expect(texts(records).slice(1)).toEqual(lines.slice(1));
    expect(records.at(-1)?.line).toBe(11);
  });

  it('splits the tail of a file whose quote never closes into lines', async () => {
    const records = await split('1,ok\n2,"open\n3,ok\n4,ok', true);
    expect(texts(records)).toEqual(['1,ok', '2,"open', '3,ok', '4,ok']);
    expect(records[1]?.unbalancedQuote).toBe(true);
    expect(records.at(-1)?.terminated).toBe(false);
  });

  it('flags only the records with invalid UTF-8, whatever the chunk size', async () => {
    const bytes = Buffer.concat([
      Buffer.from('\ufeffid,name\n1,红色\n2,caf'),
      Buffer.from([0xe9]),
      Buffer.from('\n3,ok\n'),
    ]);
    for (const size of [1, 4, 1 << 20]) {
      const records = await split(bytes, true, size);
      expect(records.map((record) => [record.line, record.invalidUtf8])).toEqual([
        [1, false],
        [2, false],
        [3, true],
        [4, false],
      ]);
      expect(records[0]?.text).toBe('id,name');
      expect(records[1]?.text).toBe('1,红色');
    }
  });

  it('never splits a multi-byte character across chunks', async () => {
    const text = '标题,价格\n优衣库红色纯棉T恤,79\n苹果充电线,39\n';
    for (const size of [1, 2, 5])
      expect(texts(await split(text, true, size))).toEqual([
        '标题,价格',
        '优衣库红色纯棉T恤,79',
        '苹果充电线,39',
      ]);
  });
});
