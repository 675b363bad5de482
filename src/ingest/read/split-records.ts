import { isUtf8 } from 'node:buffer';
import type { TextEncoding } from './decode.js';

/** One record's text as found in the file. */
export interface TextRecord {
  text: string;
  /** 1-based line number where the record starts. */
  line: number;
  /** False for a last record with no line break after it (possibly cut off). */
  terminated: boolean;
  /** True when an opening quote was never closed within the limits: the record is its first line only. */
  unbalancedQuote: boolean;
  /** The record's bytes were not valid UTF-8; `text` shows the bad bytes as U+FFFD. */
  invalidUtf8: boolean;
}

export interface SplitOptions {
  /**
   * Quote-aware splitting for CSV: a line break inside double quotes continues the record.
   * Off for JSON Lines and other line formats.
   */
  quoted: boolean;
  encoding: TextEncoding;
  /**
   * A quoted record may span at most this many lines; past it the opening quote is taken as a typo,
   * the record ends at its first line, and reading resumes on the next, so one stray quote cannot
   * swallow the rest of the file.
   */
  maxLinesPerRecord?: number;
}

const LF = 0x0a;
const BOM = '\ufeff';

/**
 * Splits a byte stream into decoded records, one array per chunk. A chunk of valid UTF-8 (the usual
 * case) is decoded once and split as text; a chunk with invalid bytes is split line by line as
 * bytes, so only the records holding bad bytes are flagged. Written here rather than taken from a
 * CSV library because the quarantine needs each record's text, line number and UTF-8 validity, and
 * this keeps reading at memory speed. Empty lines come out as empty records so callers can count them.
 */
export async function* splitRecords(
  chunks: AsyncIterable<Buffer>,
  options: SplitOptions,
): AsyncGenerator<TextRecord[]> {
  const maxLines = options.maxLinesPerRecord ?? 200;
  let pending: Buffer | undefined;
  let line = 1;
  let first = true;

  for await (const chunk of chunks) {
    const buffer = pending && pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
    const lastBreak = buffer.lastIndexOf(LF);
    if (lastBreak === -1) {
      pending = buffer;
      continue;
    }
    const head = buffer.subarray(0, lastBreak + 1);
    let split: Split;
    if (options.encoding === 'latin1' || isUtf8(head)) {
      let text = head.toString(options.encoding);
      if (first && text.startsWith(BOM)) text = text.slice(1);
      split = splitText(text, line, options.quoted, maxLines);
      const unconsumed = text.length - split.consumed;
      const unconsumedBytes =
        unconsumed === 0 ? 0 : Buffer.byteLength(text.slice(split.consumed), options.encoding);
      pending = Buffer.concat([head.subarray(head.length - unconsumedBytes), buffer.subarray(lastBreak + 1)]);
    } else {
      split = splitBytes(head, line, options.quoted, maxLines, first);
      pending = Buffer.concat([head.subarray(split.consumed), buffer.subarray(lastBreak + 1)]);
    }
    first = false;
    line = split.nextLine;
    if (split.records.length > 0) yield split.records;
  }
  if (pending && pending.length > 0) yield finalRecords(pending, line, options, first);
}

interface Split {
  records: TextRecord[];
  /** Characters (text) or bytes (buffer) taken; the rest is an unfinished record. */
  consumed: number;
  nextLine: number;
}

/**
 * Finds the records in text (or bytes: quotes and line breaks are ASCII, so both scan alike) that
 * ends with a line break, calling `emit` with each record's bounds. A quoted record still open at the
 * end is left unconsumed; one open for `maxLines` lines is taken to be a stray quote.
 */
function scanRecords(
  source: string | Buffer,
  startLine: number,
  quoted: boolean,
  maxLines: number,
  emit: (start: number, end: number, line: number, unbalancedQuote: boolean) => void,
): { consumed: number; nextLine: number } {
  let line = startLine;
  let start = 0;
  let scanFrom = 0;
  let quotes = 0;
  let breaks = 0;
  let firstBreak = -1;
  let nextQuote = quoted ? source.indexOf('"') : -1;
  for (;;) {
    const newline = source.indexOf('\n', scanFrom);
    if (newline === -1) break;
    // Count quotes before this line break with a cached "next quote", so rare quotes cost nothing.
    while (nextQuote !== -1 && nextQuote < newline) {
      quotes++;
      nextQuote = source.indexOf('"', nextQuote + 1);
    }
    if (quotes % 2 === 1) {
      if (firstBreak === -1) firstBreak = newline;
      if (++breaks < maxLines) {
        scanFrom = newline + 1;
        continue;
      }
      // Give up on the quote: the record is its first line, and reading resumes on the next.
      emit(start, firstBreak, line, true);
      line++;
      start = firstBreak + 1;
    } else {
      emit(start, newline, line, false);
      line += breaks + 1;
      start = newline + 1;
    }
    scanFrom = start;
    quotes = 0;
    breaks = 0;
    firstBreak = -1;
    nextQuote = quoted ? source.indexOf('"', start) : -1;
  }
  return { consumed: start, nextLine: line };
}

/** Splits valid text that ends with a line break into records. */
function splitText(text: string, startLine: number, quoted: boolean, maxLines: number): Split {
  const records: TextRecord[] = [];
  const scan = scanRecords(text, startLine, quoted, maxLines, (start, end, line, unbalancedQuote) => {
    const stop = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    records.push({
      text: text.slice(start, stop),
      line,
      terminated: true,
      unbalancedQuote,
      invalidUtf8: false,
    });
  });
  return { records, ...scan };
}

/** Splits bytes holding invalid UTF-8 into records, decoding and checking each on its own. */
function splitBytes(
  buffer: Buffer,
  startLine: number,
  quoted: boolean,
  maxLines: number,
  first: boolean,
): Split {
  const records: TextRecord[] = [];
  const scan = scanRecords(buffer, startLine, quoted, maxLines, (start, end, line, unbalancedQuote) => {
    const stop = end > start && buffer[end - 1] === 0x0d ? end - 1 : end;
    const bytes = buffer.subarray(start, stop);
    let text = bytes.toString('utf8');
    if (first && records.length === 0 && text.startsWith(BOM)) text = text.slice(1);
    records.push({ text, line, terminated: true, unbalancedQuote, invalidUtf8: !isUtf8(bytes) });
  });
  return { records, ...scan };
}

/**
 * The tail after the last complete record: one unterminated record or, when a quote never closed
 * before the end of the file, each of its lines as a record of its own.
 */
function finalRecords(tail: Buffer, line: number, options: SplitOptions, first: boolean): TextRecord[] {
  const decode = (bytes: Buffer): { text: string; invalidUtf8: boolean } => {
    if (options.encoding === 'latin1') return { text: bytes.toString('latin1'), invalidUtf8: false };
    return { text: bytes.toString('utf8'), invalidUtf8: !isUtf8(bytes) };
  };
  const lines: Buffer[] = [];
  if (options.quoted && countQuotes(tail) % 2 === 1 && tail.includes(LF)) {
    let start = 0;
    for (let newline = tail.indexOf(LF); newline !== -1; newline = tail.indexOf(LF, start)) {
      lines.push(tail.subarray(start, newline));
      start = newline + 1;
    }
    lines.push(tail.subarray(start));
  } else lines.push(tail);
  return lines.map((bytes, index) => {
    const stripped = bytes.length > 0 && bytes[bytes.length - 1] === 0x0d ? bytes.subarray(0, -1) : bytes;
    const decoded = decode(stripped);
    const text = first && index === 0 && decoded.text.startsWith(BOM) ? decoded.text.slice(1) : decoded.text;
    const { invalidUtf8 } = decoded;
    const last = index === lines.length - 1;
    return {
      text,
      line: line + index,
      terminated: !last,
      unbalancedQuote: lines.length > 1 && index === 0,
      invalidUtf8,
    };
  });
}

function countQuotes(buffer: Buffer): number {
  let count = 0;
  for (let at = buffer.indexOf(0x22); at !== -1; at = buffer.indexOf(0x22, at + 1)) count++;
  return count;
}
