/**
 * Numbers below this are read as Unix seconds, at or above it as milliseconds.
 * 1e11 s is the year 5138 and 1e11 ms is 1973-03-03, so no real timestamp is ambiguous.
 */
const SECONDS_LIMIT = 1e11;

/** Unix epoch milliseconds. */
export type EpochMs = number;

/**
 * Reads a timestamp given as Unix seconds, Unix milliseconds (number or digit string) or an ISO 8601
 * date/time string, and returns epoch milliseconds, or `undefined` when the value is not a timestamp.
 *
 * @example
 * parseTimestamp(874724710) // 874724710000
 * parseTimestamp('2017-11-26T01:00:00Z') // 1511658000000
 */
export function parseTimestamp(value: unknown): EpochMs | undefined {
  if (typeof value === 'number') return numberToMs(value);
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^-?\d+(\.\d+)?$/.test(text)) return numberToMs(Number(text));
  // Date.parse accepts many loose forms; require an ISO-like shape so "3" or "May" are not dates.
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(text))
    return undefined;
  const ms = Date.parse(text.includes(' ') ? text.replace(' ', 'T') : text);
  return Number.isFinite(ms) ? ms : undefined;
}

function numberToMs(value: number): EpochMs | undefined {
  if (!Number.isFinite(value)) return undefined;
  return Math.round(Math.abs(value) < SECONDS_LIMIT ? value * 1000 : value);
}

/** ISO 8601 text of an epoch-milliseconds value, for messages and JSON output. */
export function formatTimestamp(ms: EpochMs): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? String(ms) : date.toISOString();
}
