/** The text encodings Aisle reads. MovieLens 100K/1M files are Latin-1; everything else is UTF-8. */
export type TextEncoding = 'utf8' | 'latin1';

/** The names of the fields whose text shows bytes that were not valid UTF-8. */
export function fieldsWithReplacementChars(record: Record<string, unknown>): string[] {
  return Object.entries(record)
    .filter(([, value]) => typeof value === 'string' && value.includes('\ufffd'))
    .map(([key]) => key);
}
