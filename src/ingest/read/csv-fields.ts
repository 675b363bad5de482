/** The fields of one CSV record, or why they could not be read. */
export type CsvFields = { ok: true; fields: string[] } | { ok: false; message: string };

/**
 * Splits one CSV record (RFC 4180: fields may be double-quoted, `""` is a quote inside a quoted
 * field, quoted fields may hold the delimiter and line breaks). Unquoted fields are taken as is.
 * The record arrives whole from `splitRecords`, so this never spans chunks.
 */
export function splitCsvFields(text: string, delimiter: string): CsvFields {
  if (!text.includes('"')) return { ok: true, fields: text.split(delimiter) };
  const fields: string[] = [];
  let at = 0;
  const length = text.length;
  for (;;) {
    if (text[at] === '"') {
      let value = '';
      let from = at + 1;
      for (;;) {
        const quote = text.indexOf('"', from);
        if (quote === -1)
          return { ok: false, message: `a quoted field opened at character ${at + 1} is never closed` };
        value += text.slice(from, quote);
        if (text[quote + 1] === '"') {
          value += '"';
          from = quote + 2;
          continue;
        }
        at = quote + 1;
        break;
      }
      if (at < length && !text.startsWith(delimiter, at)) {
        return { ok: false, message: `unexpected text after the closing quote at character ${at}` };
      }
      fields.push(value);
    } else {
      const next = text.indexOf(delimiter, at);
      const end = next === -1 ? length : next;
      fields.push(text.slice(at, end));
      at = end;
    }
    if (at >= length) return { ok: true, fields };
    at += delimiter.length;
    if (at === length) {
      fields.push('');
      return { ok: true, fields };
    }
  }
}
