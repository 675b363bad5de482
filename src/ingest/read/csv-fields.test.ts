import { describe, expect, it } from 'vitest';
import { splitCsvFields } from './csv-fields.js';

describe('splitCsvFields', () => {
  it.each([
    ['a,b,c', ['a', 'b', 'c']],
    ['a,,c,', ['a', '', 'c', '']],
    ['"a,1","b ""q""",c', ['a,1', 'b "q"', 'c']],
    ['"multi\nline",x', ['multi\nline', 'x']],
    ['"",x', ['', 'x']],
    ['1,"Toy Story (1995)",Adventure|Animation', ['1', 'Toy Story (1995)', 'Adventure|Animation']],
  ])('reads %j', (text, fields) => {
    expect(splitCsvFields(text, ',')).toEqual({ ok: true, fields });
  });

  it('reads other delimiters', () => {
    expect(splitCsvFields('a\t"b\tc"', '\t')).toEqual({ ok: true, fields: ['a', 'b\tc'] });
  });

  it('reports a quote that never closes and text after a closing quote', () => {
    expect(splitCsvFields('a,"open', ',')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/never closed/),
    });
    expect(splitCsvFields('"a"b,c', ',')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/after the closing quote/),
    });
  });
});
